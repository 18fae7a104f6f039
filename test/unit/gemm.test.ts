import assert from 'node:assert/strict';
import {
  gemmBackend,
  gemmNN,
  gemmNT,
  gemmTN,
  setGemmBackend,
  typescriptGemm,
  type GemmBackend,
} from '../../src/engine/gemm';
import { Rng } from '../../src/engine/rng';
import { allocArray, type Arr, type DType } from '../../src/engine/tensor';

/** Element (i, j) of a row-major matrix with `cols` columns. */
const at = (a: ArrayLike<number>, cols: number, i: number, j: number): number => a[i * cols + j];

/**
 * Naive C = op(A)·op(B) in float64, triple loop. `ta`: A is stored (k×m) and used transposed;
 * `tb`: B is stored (n×k) and used transposed.
 */
function naive(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = ta ? at(a, m, p, i) : at(a, k, i, p);
        const bv = tb ? at(b, k, j, p) : at(b, n, p, j);
        s += av * bv;
      }
      c[i * n + j] = s;
    }
  return c;
}

function random(dtype: DType, n: number, rng: Rng, zeros = false): Arr {
  const a = allocArray(dtype, n);
  for (let i = 0; i < n; i++) a[i] = zeros && rng.random() < 0.2 ? 0 : rng.uniform(-1, 1);
  return a;
}

/** Largest |x − y| / (1 + |y|). */
function maxErr(x: ArrayLike<number>, y: ArrayLike<number>): number {
  assert.equal(x.length, y.length);
  let e = 0;
  for (let i = 0; i < x.length; i++) e = Math.max(e, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])));
  return e;
}

// (m, k, n): odd sizes, 1×k and k×1 vectors, k not a multiple of 4 (nt unrolls by 4), a few larger ones
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 1],
  [1, 13, 5],
  [5, 13, 1],
  [7, 1, 9],
  [3, 5, 7],
  [4, 4, 4],
  [17, 31, 23],
  [32, 65, 3],
  [2, 100, 50],
];

const FORMS = [
  { name: 'nn', fn: gemmNN, ta: false, tb: false },
  { name: 'tn', fn: gemmTN, ta: true, tb: false },
  { name: 'nt', fn: gemmNT, ta: false, tb: true },
] as const;

describe('gemm', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float64' ? 1e-12 : 1e-5;
    for (const form of FORMS) {
      it(`${form.name} ${dtype} matches a naive triple loop on odd shapes, 1×k and k×1`, () => {
        const rng = new Rng(form.name.charCodeAt(0) + form.name.charCodeAt(1) + (dtype === 'float64' ? 0 : 100));
        for (const [m, k, n] of SHAPES) {
          const a = random(dtype, m * k, rng, true);
          const b = random(dtype, k * n, rng);
          const c = allocArray(dtype, m * n);
          c.fill(123); // overwritten, not accumulated
          form.fn(a, b, c, m, k, n);
          const e = maxErr(c, naive(a, b, m, k, n, form.ta, form.tb));
          assert.ok(e <= tol, `${form.name} ${dtype} ${m}×${k}×${n}: error ${e}`);
        }
      });

      it(`${form.name} ${dtype} with accumulate adds into C`, () => {
        const rng = new Rng(99);
        for (const [m, k, n] of SHAPES) {
          const a = random(dtype, m * k, rng);
          const b = random(dtype, k * n, rng);
          const c0 = random(dtype, m * n, rng);
          const c = c0.slice();
          form.fn(a, b, c, m, k, n, true);
          const want = naive(a, b, m, k, n, form.ta, form.tb).map((v, i) => v + c0[i]);
          const e = maxErr(c, want);
          assert.ok(e <= tol, `${form.name} ${dtype} accumulate ${m}×${k}×${n}: error ${e}`);
          // accumulating twice adds the product twice
          form.fn(a, b, c, m, k, n, true);
          const want2 = naive(a, b, m, k, n, form.ta, form.tb).map((v, i) => 2 * v + c0[i]);
          assert.ok(maxErr(c, want2) <= 2 * tol);
        }
      });
    }
  }

  it('gives exact small products (hand-computed)', () => {
    // A = [[1,2,3],[4,5,6]] (2×3), B = [[7,8],[9,10],[11,12]] (3×2): A·B = [[58,64],[139,154]]
    const a = Float64Array.of(1, 2, 3, 4, 5, 6);
    const b = Float64Array.of(7, 8, 9, 10, 11, 12);
    const c = new Float64Array(4);
    gemmNN(a, b, c, 2, 3, 2);
    assert.deepEqual(Array.from(c), [58, 64, 139, 154]);
    // Aᵀ·A with A stored 2×3: (3×3) [[17,22,27],[22,29,36],[27,36,45]]
    const d = new Float64Array(9);
    gemmTN(a, a, d, 3, 2, 3);
    assert.deepEqual(Array.from(d), [17, 22, 27, 22, 29, 36, 27, 36, 45]);
    // A·Aᵀ: (2×2) [[14,32],[32,77]]
    const e = new Float64Array(4);
    gemmNT(a, a, e, 2, 3, 2);
    assert.deepEqual(Array.from(e), [14, 32, 32, 77]);
  });

  it('refuses operands that are too small', () => {
    const a = new Float64Array(5);
    const b = new Float64Array(6);
    const c = new Float64Array(4);
    assert.throws(() => gemmNN(a, b, c, 2, 3, 2), /gemm nn: operands too small/);
    assert.throws(() => gemmTN(a, b, c, 2, 3, 2), /gemm tn: operands too small/);
    assert.throws(() => gemmNT(a, b, c, 2, 3, 2), /gemm nt: operands too small/);
  });

  it('leaves C beyond m×n alone', () => {
    const a = Float64Array.of(1, 2);
    const b = Float64Array.of(3, 4);
    for (const f of [gemmNN, gemmTN, gemmNT]) {
      const c = Float64Array.of(-1, -1, 99, 99, 99, 99, 42);
      f(a, b, c, 2, 1, 2); // the outer product [[3,4],[6,8]] in every form (k = 1)
      assert.deepEqual(Array.from(c.subarray(0, 4)), [3, 4, 6, 8]);
      assert.equal(c[4], 99);
      assert.equal(c[6], 42);
    }
  });

  it('float32 goes through the installed backend; float64 always through the TypeScript kernels', () => {
    const calls: string[] = [];
    const spy: GemmBackend = {
      name: 'spy',
      nn: (...args) => {
        calls.push('nn');
        typescriptGemm.nn(...args);
      },
      tn: (...args) => {
        calls.push('tn');
        typescriptGemm.tn(...args);
      },
      nt: (...args) => {
        calls.push('nt');
        typescriptGemm.nt(...args);
      },
    };
    const before = gemmBackend();
    try {
      setGemmBackend(spy);
      assert.equal(gemmBackend().name, 'spy');
      const a32 = Float32Array.of(1, 2, 3, 4);
      const c32 = new Float32Array(4);
      gemmNN(a32, a32, c32, 2, 2, 2);
      gemmTN(a32, a32, c32, 2, 2, 2);
      gemmNT(a32, a32, c32, 2, 2, 2);
      assert.deepEqual(calls, ['nn', 'tn', 'nt']);
      const a64 = Float64Array.of(1, 2, 3, 4);
      const c64 = new Float64Array(4);
      gemmNN(a64, a64, c64, 2, 2, 2);
      gemmTN(a64, a64, c64, 2, 2, 2);
      gemmNT(a64, a64, c64, 2, 2, 2);
      assert.deepEqual(calls, ['nn', 'tn', 'nt'], 'float64 must not use the float32 backend');
    } finally {
      setGemmBackend(before);
    }
    assert.equal(gemmBackend(), before);
  });
});
