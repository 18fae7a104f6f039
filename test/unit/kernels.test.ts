/**
 * The WebAssembly SIMD GEMM (src/engine/kernels/wasmGemm.ts) against the TypeScript reference, in the
 * three forms with and without accumulate, on shapes that hit every edge of its blocking: tiles of
 * 4×8 (m % 4, n % 8), k blocks of ≤ 256, row blocks of 128, A read in place (n ≤ 32) or packed, and
 * the MNIST shapes of the book's nets.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  gemmBackend,
  gemmNN,
  gemmNT,
  gemmTN,
  setGemmBackend,
  typescriptGemm,
  type GemmBackend,
} from '../../src/engine/gemm';
import {
  createWasmGemm,
  wasmGemmUnavailableReason,
  wasmRelaxedSimdAvailable,
  type WasmGemm,
} from '../../src/engine/kernels/wasmGemm';
import { Rng } from '../../src/engine/rng';

type Form = 'nn' | 'tn' | 'nt';
const FORMS: readonly Form[] = ['nn', 'tn', 'nt'];

/** (m, k, n) */
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 1],
  [3, 1, 3],
  [3, 5, 7],
  [7, 3, 1],
  [4, 4, 8],
  [4, 256, 8],
  [5, 257, 9],
  [17, 33, 7],
  [33, 17, 100],
  [1, 100, 33],
  [129, 300, 17],
  [131, 70, 45],
  [37, 600, 41],
  [3, 513, 33],
  [100, 784, 50],
  [100, 50, 10],
  [30, 25, 576],
];

function random(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Element (i, p) of op(A) and (p, j) of op(B) for a form. */
function getA(form: Form, a: Float32Array, m: number, k: number, i: number, p: number): number {
  return form === 'tn' ? a[p * m + i] : a[i * k + p];
}
function getB(form: Form, b: Float32Array, k: number, n: number, p: number, j: number): number {
  return form === 'nt' ? b[j * k + p] : b[p * n + j];
}

/**
 * Asserts |x − y| ≤ 2·k·u·(Σₚ|a||b| + |c₀|) element by element (u = 2⁻²⁴): the float32 rounding bound
 * of two k-term sums, relative to the magnitude of each result. A dropped or doubled term is ~1/k of
 * that sum, far outside. Returns the largest error relative to max |C|, for the message.
 */
function assertClose(
  form: Form,
  x: Float32Array,
  y: Float32Array,
  a: Float32Array,
  b: Float32Array,
  c0: Float32Array | undefined,
  m: number,
  k: number,
  n: number,
  label: string,
): void {
  const u = 2 ** -24;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let mag = c0 ? Math.abs(c0[i * n + j]) : 0;
      for (let p = 0; p < k; p++) mag += Math.abs(getA(form, a, m, k, i, p) * getB(form, b, k, n, p, j));
      const tol = 2 * (k + 2) * u * mag + 1e-30;
      const d = Math.abs(x[i * n + j] - y[i * n + j]);
      if (!(d <= tol)) {
        assert.fail(`${label}: C[${i},${j}] = ${x[i * n + j]}, reference ${y[i * n + j]} (|Δ| ${d} > ${tol})`);
      }
    }
  }
}

function checkBackend(backend: GemmBackend, seed: number): void {
  const rng = new Rng(seed);
  for (const [m, k, n] of SHAPES) {
    for (const form of FORMS) {
      for (const acc of [false, true]) {
        const label = `${backend.name} ${form} ${m}×${k}×${n}${acc ? ' accumulate' : ''}`;
        const a = random(m * k, rng);
        const b = random(k * n, rng);
        const c0 = random(m * n, rng);
        const want = c0.slice();
        const got = c0.slice();
        typescriptGemm[form](a, b, want, m, k, n, acc);
        backend[form](a, b, got, m, k, n, acc);
        assertClose(form, got, want, a, b, acc ? c0 : undefined, m, k, n, label);
      }
    }
  }
}

/**
 * Runs `be`'s `form` product of random operands twice: as m×k×n, and with B and C padded to w > n
 * columns (the extra columns random), so that 8-column panels cover the first n. Asserts that the
 * first `cols` columns of both agree bit for bit, and that the product is within rounding of the
 * TypeScript kernel's.
 */
function assertPaddedBits(be: GemmBackend, form: Form, m: number, k: number, n: number, w: number, cols: number, acc: boolean, rng: Rng): void {
  const a = random(m * k, rng);
  const b = random(k * n, rng);
  const c0 = random(m * n, rng);
  // B padded: stored k×w (nn, tn) or w×k (nt), the extra columns random
  const bw = random(k * w, rng);
  for (let p = 0; p < k; p++) {
    for (let j = 0; j < n; j++) {
      if (form === 'nt') bw[j * k + p] = b[j * k + p];
      else bw[p * w + j] = b[p * n + j];
    }
  }
  const cw = random(m * w, rng);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) cw[i * w + j] = c0[i * n + j];
  const got = c0.slice();
  be[form](a, b, got, m, k, n, acc);
  be[form](a, bw, cw, m, k, w, acc);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < cols; j++) {
      if (!Object.is(got[i * n + j], cw[i * w + j])) {
        assert.fail(`${be.name} ${form} ${m}×${k}×${n}${acc ? ' accumulate' : ''}: C[${i},${j}] = ${got[i * n + j]}, 4×8 tiles ${cw[i * w + j]}`);
      }
    }
  }
  const want = c0.slice();
  typescriptGemm[form](a, b, want, m, k, n, acc);
  assertClose(form, got, want, a, b, acc ? c0 : undefined, m, k, n, `${form} ${m}×${k}×${n}`);
}

/** A fresh instance of a GEMM build (its own memory), to call `gemm` and `narrowTiles` directly. */
function rawKernel(build: 'simd' | 'relaxed'): {
  memory: WebAssembly.Memory;
  narrowTiles(m: number, n: number): number;
  dotTail(transA: number, transB: number, k: number, n: number): number;
  gemm(...args: number[]): void;
} {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { wasmModules } = require('../../src/engine/kernels/generated/wasmModules') as {
    wasmModules: Record<'simd' | 'relaxed', string>;
  };
  return new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(wasmModules[build], 'base64')), {}).exports as never;
}

describe('WebAssembly SIMD GEMM', function () {
  let wasm: WasmGemm;

  before(async function () {
    this.timeout(120000);
    // The kernels are embedded by scripts/build-wasm.mjs (esbuild.mjs runs it); build them if missing.
    if (wasmGemmUnavailableReason()?.includes('not built')) {
      const script = pathToFileURL(path.join(__dirname, '../../scripts/build-wasm.mjs')).href;
      const { buildWasm } = (await import(script)) as { buildWasm(o?: { quiet?: boolean }): Promise<string> };
      await buildWasm({ quiet: true });
    }
    const reason = wasmGemmUnavailableReason();
    assert.equal(reason, undefined, `WebAssembly GEMM unavailable: ${reason}`);
    const w = createWasmGemm({ relaxed: false });
    assert.ok(w);
    wasm = w;
  });

  it('is the plain SIMD build when relaxed is off', function () {
    assert.equal(wasm.variant, 'simd');
    assert.equal(wasm.name, 'wasm-simd');
  });

  it('matches the TypeScript kernels: nn, tn, nt, with and without accumulate, odd sizes', function () {
    checkBackend(wasm, 1);
  });

  it('narrow n, m along the vectors (8×4 and 8×2 tiles), gives the bits of the 4×8 tiles', function () {
    // The same product with B padded by 32 columns (n + 32 > 32: always 8-column panels) must give
    // the first n columns bit for bit (but the last one or two, when they are dot products along k:
    // dotTail, tested below), with and without accumulate; the shapes cover full and
    // partial 8-row panels, 4-column tiles with 0–3 columns left (the last one or two over groups
    // of 3 or 2 panels, whole and partial), several k blocks, and A read in place (tn, whole
    // panels and groups) or packed.
    const ex = rawKernel('simd');
    const shapes: [number, number, number][] = [
      [24, 30, 25],
      [57, 30, 25],
      [50, 100, 10],
      [100, 50, 10],
      [31, 520, 13],
      [16, 9, 2],
      [8, 5, 3],
      [7, 3, 1],
      [41, 17, 6],
      [30, 576, 25],
      [48, 7, 25],
      [64, 11, 18],
      [17, 33, 7],
    ];
    const rng = new Rng(11);
    let narrow = 0;
    const relaxed = wasmRelaxedSimdAvailable(true) ? createWasmGemm({ relaxed: true }) : undefined;
    const backends = relaxed ? [wasm, relaxed] : [wasm];
    for (const [m, k, n] of shapes) {
      if (ex.narrowTiles(m, n)) narrow++;
      const w = n + 32;
      for (const [be, form] of backends.flatMap((be) => FORMS.map((form) => [be, form] as const))) {
        const tiled = n - ex.dotTail(form === 'tn' ? 1 : 0, form === 'nt' ? 1 : 0, k, n);
        for (const acc of [false, true]) assertPaddedBits(be, form, m, k, n, w, tiled, acc, rng);
      }
    }
    assert.equal(narrow, shapes.length - 1, 'every shape but 17×33×7 takes the narrow tiles');
    assert.equal(ex.narrowTiles(57600, 30), 0, 'n = 30 keeps the 4×8 tiles (30 of 32 lanes)');
  });

  it('the last one or two columns of a product with packed A (n > 32) as 16×2 tiles over four strips: the bits of the 4×8 tiles', function () {
    // The same product with B padded to a multiple of 8 columns (no column left over: 4×8 tiles
    // only) must give the first n columns bit for bit: 1 or 2 columns left, whole and partial
    // groups of 16 rows, row blocks past MC = 128, several k blocks (tn: nn and nt take dot
    // products along k from k = 32, tested below), with and without accumulate.
    const ex = rawKernel('simd');
    const shapes: [number, number, number, readonly Form[]][] = [
      [100, 10, 50, FORMS],
      [21, 5, 41, FORMS],
      [16, 31, 34, FORMS],
      [3, 7, 33, FORMS],
      [150, 20, 42, FORMS],
      [784, 100, 50, ['tn']],
      [37, 600, 57, ['tn']],
    ];
    const rng = new Rng(13);
    const relaxed = wasmRelaxedSimdAvailable(true) ? createWasmGemm({ relaxed: true }) : undefined;
    const backends = relaxed ? [wasm, relaxed] : [wasm];
    let runs = 0;
    for (const [m, k, n, forms] of shapes) {
      assert.ok(n > 32 && n % 8 >= 1 && n % 8 <= 2 && !ex.narrowTiles(m, n), `${m}×${k}×${n}: packed A, a panel of 1 or 2 columns`);
      const w = n + 8 - (n % 8);
      for (const be of backends) {
        for (const form of forms) {
          assert.equal(ex.dotTail(form === 'tn' ? 1 : 0, form === 'nt' ? 1 : 0, k, n), 0);
          for (const acc of [false, true]) {
            assertPaddedBits(be, form, m, k, n, w, n, acc, rng);
            runs++;
          }
        }
      }
    }
    assert.equal(runs, backends.length * 2 * (5 * 3 + 2));
  });

  it('the last one or two columns (A stored m×k, k ≥ 32) as dot products along k: their bits, whatever rows or 8-column blocks are computed', function () {
    // Where n % 8 is 1 or 2, those columns are sums over k in four lanes (p ≡ l mod 4), the lanes
    // then added as (0 + 1) + (2 + 3), then C added when accumulating: emulated here in float32 for
    // the plain build (the relaxed one may fuse the multiply-add: checked within rounding by the
    // other tests). The other columns must be the product without them, bit for bit (the tiles
    // as before); and a block of rows, or the columns from a multiple of 8 on, must give the same
    // bits as the whole product (what threads compute).
    const ex = rawKernel('simd');
    assert.equal(ex.dotTail(0, 0, 32, 10), 2);
    assert.equal(ex.dotTail(0, 1, 100, 9), 1);
    assert.equal(ex.dotTail(0, 0, 31, 10), 0, 'k < 32: tiles');
    assert.equal(ex.dotTail(1, 0, 100, 10), 0, 'A stored k×m: tiles');
    assert.equal(ex.dotTail(0, 0, 100, 11), 0, 'n % 8 = 3: tiles');
    assert.equal(ex.dotTail(0, 0, 100, 16), 0);
    assert.equal(ex.dotTail(0, 0, 16384, 10), 2);
    assert.equal(ex.dotTail(0, 0, 16385, 10), 0, 'B stored k×n: the two columns must fit 128 KB once copied');
    assert.equal(ex.dotTail(0, 1, 16385, 10), 2, 'B stored n×k: read in place');
    if (ex.memory.buffer.byteLength < 1 << 22) ex.memory.grow(((1 << 22) - ex.memory.buffer.byteLength) / 65536);
    const ap = 2048;
    const bp = ap + 256 * 128 * 4;
    const base = bp + 256 * 48 * 4;
    const f32 = Math.fround;
    const rng = new Rng(21);
    const shapes: [number, number, number][] = [
      [9, 35, 2],
      [6, 34, 17],
      [7, 33, 10],
      [8, 36, 9],
      [13, 300, 26],
      [3, 40, 1],
      [100, 100, 10],
      [21, 784, 42],
    ];
    let checked = 0;
    for (const [m, k, n] of shapes) {
      for (const form of ['nn', 'nt'] as const) {
        const tb = form === 'nt' ? 1 : 0;
        const t = ex.dotTail(0, tb, k, n);
        assert.ok(t === 1 || t === 2, `${m}×${k}×${n}: a tail`);
        for (const acc of [0, 1]) {
          const label = `${form} ${m}×${k}×${n}${acc ? ' accumulate' : ''}`;
          const a = random(m * k, rng);
          const b = random(k * n, rng);
          const c0 = random(m * n, rng);
          const pa = base;
          const pb = pa + 4 * m * k + 64;
          const pc = pb + 4 * k * n + 64;
          const ldb = tb ? k : n;
          const call = (i0: number, i1: number, j0: number, j1: number): Float32Array => {
            const f = new Float32Array(ex.memory.buffer);
            f.set(a, pa >> 2);
            f.set(b, pb >> 2);
            f.set(c0, pc >> 2);
            const bo = pb + 4 * (tb ? j0 * ldb : j0);
            ex.gemm(0, tb, i1 - i0, k, j1 - j0, pa + 4 * i0 * k, k, bo, ldb, pc + 4 * (i0 * n + j0), n, acc, bp, ap);
            return new Float32Array(ex.memory.buffer, pc, m * n).slice();
          };
          const whole = call(0, m, 0, n);
          // the tail columns: the dot order, emulated
          for (let i = 0; i < m; i++) {
            for (let j: number = n - t; j < n; j++) {
              const lane = [0, 0, 0, 0];
              for (let p = 0; p < k + ((4 - (k % 4)) % 4); p++) {
                const x = p < k ? a[i * k + p] : 0;
                const y = p < k ? getB(form, b, k, n, p, j) : 0;
                lane[p % 4] = f32(lane[p % 4] + f32(x * y));
              }
              let want = f32(f32(lane[0] + lane[1]) + f32(lane[2] + lane[3]));
              if (acc) want = f32(want + c0[i * n + j]);
              if (!Object.is(whole[i * n + j], want)) assert.fail(`${label}: C[${i},${j}] = ${whole[i * n + j]}, the dot order gives ${want}`);
              checked++;
            }
          }
          // the other columns: the product without the tail
          const head = call(0, m, 0, n - t);
          // blocks of rows (multiples of 4, as threads cut them) and the columns from 8 on
          const rows = call(0, Math.min(m, 4), 0, n);
          const rest = call(Math.min(m, 4), m, 0, n);
          const cols = n > 8 ? call(0, m, 8, n) : whole;
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              const x = whole[i * n + j];
              if (j < n - t && !Object.is(x, head[i * n + j])) assert.fail(`${label}: C[${i},${j}] = ${x}, without the tail ${head[i * n + j]}`);
              const part = (i < 4 ? rows : rest)[i * n + j];
              if (!Object.is(x, part)) assert.fail(`${label}: C[${i},${j}] = ${x}, from a block of rows ${part}`);
              if (j >= 8 && !Object.is(x, cols[i * n + j])) assert.fail(`${label}: C[${i},${j}] = ${x}, from the columns past 8 ${cols[i * n + j]}`);
            }
          }
          const ref = c0.slice();
          typescriptGemm[form](a, b, ref, m, k, n, acc === 1);
          assertClose(form, whole, ref, a, b, acc ? c0 : undefined, m, k, n, label);
        }
      }
    }
    assert.ok(checked > 1000);
  });

  it('reads and writes nothing past its operands (any of them may end where the memory ends), with strides', function () {
    // Each product runs with A, B or C placed so that its last float is the memory's last (a read
    // past it traps), and with padded row strides whose padding holds NaN (read into a result, it
    // shows), and must give the bits of the compact call, in every form, with and without
    // accumulate, the last 8-row panel holding 1–7 rows and 1–3 columns left after the 4-column
    // tiles (the last one or two over whole groups of panels read in place, and partial ones); and
    // 4×8 tiles whose edges hold 1–3 rows and 1–7 columns (stored through lane stores), A read in
    // place (n ≤ 32) or packed; on the plain build and, where this engine has it, the relaxed one.
    const builds: ('simd' | 'relaxed')[] = wasmRelaxedSimdAvailable(true) ? ['simd', 'relaxed'] : ['simd'];
    const shapes: [number, number, number][] = [
      [9, 5, 2],
      [10, 5, 1],
      [11, 6, 3],
      [17, 3, 5],
      [13, 300, 6],
      [23, 4, 10],
      [15, 270, 25],
      [48, 3, 9],
      [32, 4, 6],
      [12, 7, 2],
    ];
    // the 4×8 tiles: n = 30 (6 columns left), 31, 29, 27, and past 32 (A packed): 33, 37, 36, 39;
    // and k over one block with B read in place by the first strip (its last panel's vectors run
    // into the next row, never past B)
    const wide: [number, number, number][] = [
      [5, 7, 30],
      [6, 9, 31],
      [13, 5, 29],
      [12, 3, 27],
      [9, 260, 33],
      [10, 4, 37],
      [3, 40, 36],
      [11, 6, 39],
      // one or two columns past the 8-column panels, A packed: 16×2 tiles over four strips, whole
      // and partial groups (tn, and nn and nt under k = 32; from k = 32 those take dot products)
      [13, 6, 34],
      [21, 5, 41],
      [6, 300, 50],
      // several k blocks: the first strip reads B in place and packs it (all but the last block)
      [6, 600, 30],
      [9, 520, 13],
      [13, 700, 31],
      [3, 600, 29],
    ];
    // nn and nt: the last one or two columns as dot products along k (dotTail), with 1–4 rows in
    // the last group, k % 4 = 0–3 (the last 1–3 floats read as lanes), nothing or tiles before them
    const dotted: [number, number, number][] = [
      [9, 35, 2],
      [6, 34, 17],
      [7, 33, 10],
      [8, 36, 9],
      [5, 300, 26],
      [3, 40, 1],
    ];
    const rng = new Rng(12);
    let runs = 0;
    for (const build of builds) {
      const ex = rawKernel(build);
      if (ex.memory.buffer.byteLength < 1 << 21) ex.memory.grow(((1 << 21) - ex.memory.buffer.byteLength) / 65536);
      const end = ex.memory.buffer.byteLength;
      const ap = 2048;
      const bp = ap + 256 * 128 * 4;
      const low = bp + 256 * 40 * 4;
      const all = [...shapes.map((s) => [s, 1] as const), ...wide.map((s) => [s, 0] as const), ...dotted.map((s) => [s, -1] as const)];
      for (const [[m, k, n], narrow] of all) {
        if (narrow >= 0) assert.equal(ex.narrowTiles(m, n), narrow, `${m}×${n}: the tiles meant`);
        if (narrow < 0) assert.ok(ex.dotTail(0, 0, k, n) > 0, `${m}×${k}×${n}: dot products for the last columns`);
        for (const form of FORMS) {
          const ta = form === 'tn' ? 1 : 0;
          const tb = form === 'nt' ? 1 : 0;
          // stored shapes (rows × cols) of A, B, C
          const dims: [number, number][] = [ta ? [k, m] : [m, k], tb ? [n, k] : [k, n], [m, n]];
          const vals = [random(m * k, rng), random(k * n, rng), random(m * n, rng)];
          for (const acc of [0, 1]) {
            const run = (pad: number, atEnd: number): Float32Array => {
              const f = new Float32Array(ex.memory.buffer);
              const ld = dims.map(([, cols]) => cols + pad);
              const extent = dims.map(([rows, cols], i) => (rows - 1) * ld[i] + cols);
              const at: number[] = [];
              let next = low;
              for (let i = 0; i < 3; i++) {
                if (i === atEnd) at.push(end - 4 * extent[i]);
                else {
                  at.push(next);
                  next += 4 * extent[i] + 64;
                }
                const [rows, cols] = dims[i];
                f.fill(NaN, at[i] >> 2, (at[i] >> 2) + extent[i]);
                for (let r = 0; r < rows; r++) f.set(vals[i].subarray(r * cols, (r + 1) * cols), (at[i] >> 2) + r * ld[i]);
              }
              ex.gemm(ta, tb, m, k, n, at[0], ld[0], at[1], ld[1], at[2], ld[2], acc, bp, ap);
              const out = new Float32Array(m * n);
              for (let r = 0; r < m; r++) out.set(f.subarray((at[2] >> 2) + r * ld[2], (at[2] >> 2) + r * ld[2] + n), r * n);
              return out;
            };
            const label = `${build} ${form} ${m}×${k}×${n}${acc ? ' accumulate' : ''}`;
            const compact = run(0, -1);
            const want = vals[2].slice();
            typescriptGemm[form](vals[0], vals[1], want, m, k, n, acc === 1);
            assertClose(form, compact, want, vals[0], vals[1], acc ? vals[2] : undefined, m, k, n, label);
            for (const pad of [0, 3]) {
              for (const atEnd of [0, 1, 2]) {
                const got = run(pad, atEnd);
                runs++;
                for (let i = 0; i < m * n; i++) {
                  if (!Object.is(got[i], compact[i])) {
                    assert.fail(`${label}, strides +${pad}, ${'ABC'[atEnd]} at the memory's end: C[${Math.floor(i / n)},${i % n}] = ${got[i]}, compact ${compact[i]}`);
                  }
                }
              }
            }
          }
        }
      }
    }
    assert.equal(runs, builds.length * (shapes.length + wide.length + dotted.length) * 3 * 2 * 6);
  });

  it('matches again after the memory has grown and shrunk back (memory reuse)', function () {
    const rng = new Rng(7);
    for (const [m, k, n] of [
      [300, 260, 270],
      [3, 5, 7],
      [200, 1000, 9],
      [1, 1, 1],
    ]) {
      for (const form of FORMS) {
        const a = random(m * k, rng);
        const b = random(k * n, rng);
        const want = new Float32Array(m * n);
        const got = new Float32Array(m * n).fill(NaN); // overwritten without accumulate
        typescriptGemm[form](a, b, want, m, k, n);
        wasm[form](a, b, got, m, k, n);
        assertClose(form, got, want, a, b, undefined, m, k, n, `${form} ${m}×${k}×${n}`);
      }
    }
  });

  it('takes subarrays and longer arrays, touching only C[0, m·n)', function () {
    const rng = new Rng(3);
    const [m, k, n] = [6, 11, 13];
    const bigA = random(m * k + 20, rng);
    const bigB = random(k * n + 20, rng);
    for (const form of FORMS) {
      const a = bigA.subarray(5, 5 + m * k + 3); // offset view, 3 elements too many
      const b = bigB.subarray(7);
      const bigC = random(m * n + 10, rng);
      const c = bigC.subarray(2, 2 + m * n + 5);
      const want = c.slice();
      typescriptGemm[form](a, b, want, m, k, n, true);
      const before = bigC.slice();
      wasm[form](a, b, c, m, k, n, true);
      assertClose(form, c.subarray(0, m * n), want.subarray(0, m * n), a, b, before.subarray(2), m, k, n, form);
      assert.deepEqual(bigC.subarray(0, 2), before.subarray(0, 2));
      assert.deepEqual(bigC.subarray(2 + m * n), before.subarray(2 + m * n));
    }
  });

  it('k = 0 gives zeros, or leaves C as it was when accumulating', function () {
    for (const form of FORMS) {
      const c = new Float32Array([1, 2, 3, 4, 5, 6]);
      wasm[form](new Float32Array(0), new Float32Array(0), c, 2, 0, 3, true);
      assert.deepEqual([...c], [1, 2, 3, 4, 5, 6]);
      wasm[form](new Float32Array(0), new Float32Array(0), c, 2, 0, 3);
      assert.deepEqual([...c], [0, 0, 0, 0, 0, 0]);
    }
  });

  it('rejects operands that are too small', function () {
    assert.throws(() => wasm.nn(new Float32Array(5), new Float32Array(6), new Float32Array(4), 2, 3, 2), RangeError);
    assert.throws(() => wasm.nt(new Float32Array(6), new Float32Array(5), new Float32Array(4), 2, 3, 2), RangeError);
    assert.throws(() => wasm.tn(new Float32Array(6), new Float32Array(6), new Float32Array(3), 2, 3, 2), RangeError);
  });

  it('hands Float64Array operands to the TypeScript kernels, bit for bit', function () {
    const rng = new Rng(5);
    const [m, k, n] = [5, 9, 7];
    const a = Float64Array.from(random(m * k, rng));
    const b = Float64Array.from(random(k * n, rng));
    for (const form of FORMS) {
      const want = new Float64Array(m * n);
      const got = new Float64Array(m * n);
      typescriptGemm[form](a, b, want, m, k, n);
      wasm[form](a, b, got, m, k, n);
      assert.deepEqual(got, want);
    }
  });

  it('installed with setGemmBackend, runs float32 and leaves float64 on the TypeScript path', function () {
    const calls: string[] = [];
    const spy: GemmBackend = {
      name: 'wasm-spy',
      nn: (...args) => (calls.push('nn'), wasm.nn(...args)),
      tn: (...args) => (calls.push('tn'), wasm.tn(...args)),
      nt: (...args) => (calls.push('nt'), wasm.nt(...args)),
    };
    const before = gemmBackend();
    const rng = new Rng(11);
    const [m, k, n] = [9, 10, 11];
    try {
      setGemmBackend(spy);
      assert.equal(gemmBackend().name, 'wasm-spy');
      // float32 → the installed backend
      const a = random(m * k, rng);
      const b = random(k * n, rng);
      const c = new Float32Array(m * n);
      const want = new Float32Array(m * n);
      gemmNN(a, b, c, m, k, n);
      typescriptGemm.nn(a, b, want, m, k, n);
      assertClose('nn', c, want, a, b, undefined, m, k, n, 'gemmNN float32');
      gemmTN(a, b.subarray(0, m * n), new Float32Array(k * n), k, m, n);
      gemmNT(a, a, new Float32Array(m * m), m, k, m);
      assert.deepEqual(calls, ['nn', 'tn', 'nt']);
      // float64 → TypeScript, exactly, and the backend is not called
      const a64 = Float64Array.from(a);
      const b64 = Float64Array.from(b);
      for (const [fn, form] of [
        [gemmNN, 'nn'],
        [gemmTN, 'tn'],
        [gemmNT, 'nt'],
      ] as const) {
        const kk = form === 'tn' ? m : k;
        const mm = form === 'tn' ? k : m;
        const nb = form === 'nt' ? n * kk : kk * n;
        const got = new Float64Array(mm * n);
        const ref = new Float64Array(mm * n);
        fn(a64, b64.subarray(0, nb), got, mm, kk, n);
        typescriptGemm[form](a64, b64.subarray(0, nb), ref, mm, kk, n);
        assert.deepEqual(got, ref);
      }
      assert.deepEqual(calls, ['nn', 'tn', 'nt']);
    } finally {
      setGemmBackend(before);
    }
    assert.equal(gemmBackend(), before);
  });

  it('the relaxed-SIMD build (f32x4.relaxed_madd) matches too, where this engine has it', function () {
    if (!wasmRelaxedSimdAvailable(true)) this.skip();
    const relaxed = createWasmGemm({ relaxed: true });
    assert.ok(relaxed);
    assert.equal(relaxed.variant, 'relaxed');
    checkBackend(relaxed, 2);
  });

  describe('with threads: 2 (a worker on a shared memory)', function () {
    const made: WasmGemm[] = [];
    after(function () {
      for (const b of made) b.dispose();
    });

    for (const relaxed of [false, true]) {
      it(`splits every product (threadMinFlops 0), rows or columns, and still matches (relaxed ${relaxed})`, async function () {
        this.timeout(60000);
        if (relaxed && !wasmRelaxedSimdAvailable()) this.skip();
        const threaded = createWasmGemm({ threads: 2, threadMinFlops: 0, relaxed });
        assert.ok(threaded);
        made.push(threaded);
        assert.equal(threaded.threads, 2);
        assert.equal(threaded.variant, relaxed ? 'relaxed' : 'simd');
        checkBackend(threaded, 3);
        // wide (split n) and tall (split m) products, past the sizes above
        const rng = new Rng(4);
        for (const [m, k, n] of [
          [20, 70, 300],
          [300, 70, 20],
          [257, 300, 129],
        ]) {
          for (const form of FORMS) {
            const a = random(m * k, rng);
            const b = random(k * n, rng);
            const c0 = random(m * n, rng);
            const want = c0.slice();
            const got = c0.slice();
            typescriptGemm[form](a, b, want, m, k, n, true);
            threaded[form](a, b, got, m, k, n, true);
            assertClose(form, got, want, a, b, c0, m, k, n, `threads ${form} ${m}×${k}×${n}`);
          }
        }
        // The worker really computes: once it has booted, it claims the parts handed to it.
        const { posted, takenBack } = threaded.threadStats;
        assert.ok(posted > 0);
        await new Promise((r) => setTimeout(r, 300));
        const x = random(256 * 256, rng);
        const out = new Float32Array(256 * 256);
        for (let i = 0; i < 20; i++) threaded.nn(x, x, out, 256, 256, 256);
        const s = threaded.threadStats;
        assert.equal(s.posted - posted, 20);
        assert.ok(
          s.takenBack - takenBack < 20,
          `the worker ran none of 20 parts (${s.takenBack - takenBack} taken back)`,
        );
      });
    }
  });
});
