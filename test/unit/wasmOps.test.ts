/**
 * The WebAssembly arena (src/engine/kernels/wasmArena.ts): its GEMM (dense and sparse-A paths) and
 * every other float32 kernel (assembly/ops.ts) against the TypeScript reference, on random shapes with
 * odd sizes, with operands both inside the arena (used in place) and outside it (copied in and out);
 * then whole layers and nets with the kernels installed against the TypeScript layers.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gemmBackend, setGemmBackend, typescriptGemm } from '../../src/engine/gemm';
import { col2im, im2col } from '../../src/engine/im2col';
import { float32Kernels, setFloat32Kernels, type Float32Kernels } from '../../src/engine/kernels/fast';
import { useFastKernels } from '../../src/engine/kernels/select';
import { createWasmArena, wasmArenaUnavailableReason, type WasmArena } from '../../src/engine/kernels/wasmArena';
import { wasmRelaxedSimdAvailable } from '../../src/engine/kernels/wasmGemm';
import { Relu } from '../../src/engine/layers/activations';
import { Convolution } from '../../src/engine/layers/conv';
import { SoftmaxWithLoss } from '../../src/engine/layers/loss';
import { Pooling } from '../../src/engine/layers/pool';
import { buildNetwork } from '../../src/engine/network';
import { SGD, createOptimizer } from '../../src/engine/optimizers/optimizer';
import type { Param } from '../../src/engine/layers/layer';
import { simpleConvNetSpec } from '../../src/engine/presets';
import { Rng } from '../../src/engine/rng';
import { Tensor } from '../../src/engine/tensor';
import { Trainer } from '../../src/engine/trainer';

type Form = 'nn' | 'tn' | 'nt';

function random(n: number, rng: Rng, zeros = 0): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.random() < zeros ? 0 : rng.uniform(-1, 1);
  return a;
}

/** A copy of a in the arena (or a plain copy when `inArena` is false). */
function place(arena: WasmArena, a: Float32Array, inArena: boolean): Float32Array {
  const out = inArena ? arena.kernels.allocFloat32(a.length) : new Float32Array(a.length);
  out.set(a);
  return out;
}

function assertBits(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${label}: [${i}] = ${got[i]}, reference ${want[i]}`);
  }
}

function assertNear(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, label: string): void {
  assert.equal(got.length, want.length, `${label}: length`);
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= tol * (scale + 1e-30))) assert.fail(`${label}: [${i}] = ${got[i]}, reference ${want[i]} (|Δ| ${d})`);
  }
}

describe('WebAssembly arena kernels', function () {
  let arena: WasmArena;
  let saved: { gemm: ReturnType<typeof gemmBackend>; k: Float32Kernels | undefined };

  before(async function () {
    this.timeout(120000);
    let a = createWasmArena({ relaxed: false });
    if (!a) {
      const script = pathToFileURL(path.join(__dirname, '../../scripts/build-wasm.mjs')).href;
      const { buildWasm } = (await import(script)) as { buildWasm(o?: { quiet?: boolean }): Promise<string> };
      await buildWasm({ quiet: true });
      a = createWasmArena({ relaxed: false });
    }
    assert.ok(a, `arena unavailable: ${wasmArenaUnavailableReason()}`);
    arena = a;
    saved = { gemm: gemmBackend(), k: float32Kernels() };
  });
  afterEach(() => {
    setGemmBackend(saved.gemm);
    setFloat32Kernels(saved.k);
  });

  it('knows its arrays when another shared memory in the process grows (V8 then hands out a new buffer object)', () => {
    const own = createWasmArena({ relaxed: false });
    assert.ok(own);
    own.kernels.allocFloat32(2 << 20); // grows its memory: later views hold a new buffer object
    const before = own.kernels.allocFloat32(16);
    const px = own.kernels.pixelBytes(new Uint8Array(2 * 16).fill(51)); // used only after the grow below
    const other = new WebAssembly.Memory({ initial: 1, maximum: 8, shared: true });
    other.grow(1);
    const after = own.kernels.allocFloat32(16);
    const beforeUse = own.kernels.allocFloat32(32); // first looked at after another grow
    other.grow(1);
    for (const [name, a] of Object.entries({ before, after, beforeUse, px }))
      assert.ok(own.contains(a), `${name}: allocated by the arena, so its own`);
    assert.ok(!own.contains(new Float32Array(other.buffer)), "another memory's array is not its own");
    // the gather refuses bytes outside the arena and lists only into an arena batch
    own.kernels.gatherPixels(px, Int32Array.of(1, 0), 16, beforeUse, true);
    assert.ok(beforeUse.every((v) => v === Math.fround(51 / 255)));
    const x = own.kernels.allocFloat32(8).fill(-1);
    own.kernels.reluForward(x, after.subarray(0, 8));
    assert.deepEqual(Array.from(after.subarray(0, 8)), new Array(8).fill(0));
  });

  it('epochs of training and evaluation allocate no arena memory once warm (buffers keep their shape)', () => {
    setGemmBackend(arena.gemm);
    setFloat32Kernels(arena.kernels);
    const rng = new Rng(21);
    const per = 64;
    const count = 1000;
    const images = new Float32Array(count * per).map(() => rng.uniform(0, 1));
    const split = { images, labels: new Uint8Array(count).map(() => rng.int(4)), count };
    const spec = {
      name: 'mem',
      input: [per],
      layers: [
        { type: 'affine' as const, units: 32, activation: 'relu' as const },
        { type: 'affine' as const, units: 4 },
      ],
    };
    const trainer = new Trainer(buildNetwork(spec, { seed: 1 }), split, split, { batchSize: 100, epochs: 8, seed: 3 });
    const epoch = () => {
      for (let i = 0; i < trainer.itersPerEpoch; i++) trainer.step();
      trainer.evaluate();
    };
    epoch();
    epoch();
    const warm = arena.stats().liveBytes;
    for (let e = 0; e < 5; e++) epoch();
    // Blocks are freed when the collector finalizes their arrays: anything allocated per epoch would
    // show here as growth (an evaluation in batches of 1,000 did: new layer buffers every epoch).
    assert.ok(arena.stats().liveBytes <= warm, `live arena bytes ${warm} → ${arena.stats().liveBytes}`);
  });

  describe('GEMM', () => {
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [3, 5, 7],
      [7, 3, 1],
      [5, 257, 9],
      [33, 17, 100],
      [131, 70, 45],
      [100, 784, 50],
      [64, 65, 64],
      [129, 33, 3],
      [30, 576, 25],
      [70, 130, 33],
      [64, 100, 63],
      [65, 99, 47],
      // the sparse path's column blocks: 32 + 17, 32 + 20 (five accumulators), 32 + 21 (eight)
      [70, 90, 49],
      [64, 81, 52],
      [90, 70, 53],
    ];
    for (const zeros of [0, 0.8]) {
      it(`matches the TypeScript kernels in all forms, in and out of the arena${zeros ? ', A 80% zeros (sparse path)' : ''}`, () => {
        const rng = new Rng(zeros ? 11 : 10);
        for (const [m, k, n] of shapes) {
          for (const form of ['nn', 'tn', 'nt'] as Form[]) {
            for (const acc of [false, true]) {
              for (const inArena of [true, false]) {
                const a = random(m * k, rng, zeros);
                const b = random(k * n, rng);
                const c0 = random(m * n, rng);
                const want = c0.slice();
                typescriptGemm[form](a, b, want, m, k, n, acc);
                const got = place(arena, c0, inArena);
                const sparseBefore = arena.stats().sparseProducts;
                arena.gemm[form](place(arena, a, inArena), place(arena, b, !inArena), got, m, k, n, acc);
                // the shapes added for the sparse sums' column blocks must take that path
                if (zeros && form !== 'nt' && [49, 52, 53].includes(n))
                  assert.equal(arena.stats().sparseProducts, sparseBefore + 1, `${form} ${m}×${k}×${n}: sparse path`);
                // float32 rounding of k-term sums, relative to the largest |C|
                assertNear(
                  got,
                  want,
                  4 * (k + 2) * 2 ** -24,
                  `${form} ${m}×${k}×${n}${acc ? ' acc' : ''}${inArena ? '' : ' staged'}`,
                );
              }
            }
          }
        }
      });
    }

    it('takes the sparse path for a mostly-zero A with few columns (the MNIST input)', () => {
      const before = arena.stats().sparseProducts;
      const rng = new Rng(3);
      const a = random(100 * 784, rng, 0.8);
      arena.gemm.nn(a, random(784 * 50, rng), new Float32Array(100 * 50), 100, 784, 50);
      arena.gemm.nn(random(100 * 784, rng), random(784 * 50, rng), new Float32Array(100 * 50), 100, 784, 50);
      assert.equal(arena.stats().sparseProducts, before + 1);
    });
  });

  describe('elementwise', () => {
    const sizes = [1, 3, 4, 7, 64, 1001];

    it('ReLU forward and backward: the same bits as the TypeScript layer (NaN, −0 included)', () => {
      const rng = new Rng(4);
      for (const n of sizes) {
        const x = random(n, rng, 0.2);
        if (n > 3) {
          x[1] = NaN;
          x[2] = -0;
        }
        const dy = random(n, rng);
        const ts = new Relu('r', [n], 'float32');
        setFloat32Kernels(undefined);
        const y0 = ts.forward(new Tensor(x, [1, n])).data.slice();
        const d0 = (ts.backward(new Tensor(dy, [1, n])) as Tensor).data.slice();
        for (const inArena of [true, false]) {
          setFloat32Kernels(arena.kernels);
          const l = new Relu('r', [n], 'float32');
          const y1 = l.forward(new Tensor(place(arena, x, inArena), [1, n]));
          assert.equal(arena.contains(y1.data), true);
          assertBits(y1.data, y0, `relu forward ${n}`);
          const d1 = l.backward(new Tensor(place(arena, dy, inArena), [1, n])) as Tensor;
          assertBits(d1.data, d0, `relu backward ${n}`);
        }
      }
    });

    it('softmax + cross-entropy: the TypeScript layer within float32 rounding (labels as bytes or i32, NaN, ±∞, bad labels)', () => {
      const rng = new Rng(9);
      for (const [n, cols] of [
        [1, 1],
        [3, 2],
        [100, 10],
        [7, 13],
        [5, 4],
      ] as [number, number][]) {
        const y = new Float32Array(n * cols);
        for (let i = 0; i < y.length; i++) y[i] = rng.uniform(-30, 30);
        if (cols > 2) y[1] = 95; // a row whose smallest terms fall below e^−87 (clamped, ≈ 0 either way)
        const labels = new Int32Array(n).map(() => Math.floor(rng.random() * cols));
        const ts = new SoftmaxWithLoss('float32');
        setFloat32Kernels(undefined);
        const loss0 = ts.forward(new Tensor(y, [n, cols]), labels);
        const p0 = (ts.probs as Tensor).data.slice();
        for (const inArena of [true, false]) {
          for (const asBytes of [false, true]) {
            setFloat32Kernels(arena.kernels);
            const fast = new SoftmaxWithLoss('float32');
            const t = asBytes ? Uint8Array.from(labels) : labels;
            const loss1 = fast.forward(new Tensor(place(arena, y, inArena), [n, cols]), t);
            const p1 = (fast.probs as Tensor).data;
            const label = `${n}×${cols}${inArena ? ' in the arena' : ''}${asBytes ? ', byte labels' : ''}`;
            // y − max rounded to float32 (relative error 2⁻²⁴ of |y − max|, which is e^(y−max)'s relative
            // error), the exponential within 2 ulps, then one rounding each of p and of the sum
            for (let r = 0; r < n; r++) {
              let max = -Infinity;
              for (let j = 0; j < cols; j++) max = Math.max(max, y[r * cols + j]);
              for (let j = 0; j < cols; j++) {
                const i = r * cols + j;
                const d = Math.abs(p1[i] - p0[i]);
                const tol = (4e-7 + Math.abs(y[i] - max) * 2 ** -24) * p0[i] + 1e-37;
                if (!(d <= tol)) assert.fail(`${label}: p[${i}] = ${p1[i]}, TypeScript ${p0[i]} (|Δ| ${d} > ${tol})`);
              }
            }
            assert.ok(Math.abs(loss1 - loss0) <= 1e-6 * Math.abs(loss0) + 1e-7, `${label}: loss ${loss1}, TypeScript ${loss0}`);
            // its gradient is the TypeScript layer's formula on its own probabilities
            const d1 = fast.backward().data;
            for (let i = 0; i < n * cols; i++) {
              const want = (p1[i] - (i % cols === labels[Math.floor(i / cols)] ? 1 : 0)) / n;
              assert.ok(Math.abs(d1[i] - want) <= 1e-7, `${label}: dx[${i}]`);
            }
          }
        }
      }
      // a NaN score, or +∞, makes the loss NaN, as in the TypeScript layer; a label out of range throws
      setFloat32Kernels(arena.kernels);
      for (const bad of [NaN, Infinity]) {
        const y = Float32Array.from([0.5, bad, -1, 2, 0, 1]);
        const l = new SoftmaxWithLoss('float32');
        assert.ok(Number.isNaN(l.forward(new Tensor(y, [2, 3]), Int32Array.from([0, 2]))), `score ${bad}`);
      }
      const l = new SoftmaxWithLoss('float32');
      assert.throws(() => l.forward(new Tensor(new Float32Array(6), [2, 3]), Int32Array.from([0, 3])), /label 3 at row 1 is outside 0\.\.2/);
      assert.throws(() => l.forward(new Tensor(new Float32Array(6), [2, 3]), Uint8Array.from([255, 0])), /label 255 at row 0/);
    });

    it('SGD: the same bits as the TypeScript loop', () => {
      const rng = new Rng(5);
      for (const n of sizes) {
        const w = random(n, rng);
        const g = random(n, rng);
        const want = w.slice();
        for (let i = 0; i < n; i++) want[i] -= 0.1 * g[i];
        for (const inArena of [true, false]) {
          const got = place(arena, w, inArena);
          arena.kernels.sgd(got, place(arena, g, !inArena), 0.1);
          assertBits(got, want, `sgd ${n}`);
        }
      }
    });

    it('Momentum, Nesterov, AdaGrad, RMSprop and Adam: the same bits as the TypeScript loops over several steps', () => {
      const sizes2 = [1, 2, 7, 1001];
      for (const type of ['momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] as const) {
        const run = (fast: boolean) => {
          setFloat32Kernels(fast ? arena.kernels : undefined);
          const rng = new Rng(20);
          const params: Param[] = sizes2.map((n, i) => ({
            name: `p${i}`,
            layer: 'l',
            value: new Tensor(place(arena, random(n, rng), fast && i % 2 === 0), [n]),
            grad: new Tensor(place(arena, random(n, rng), fast), [n]),
            decay: true,
          }));
          const opt = createOptimizer({ type, lr: 0.05 });
          for (let step = 0; step < 4; step++) {
            for (const p of params) p.grad.data.set(random(p.grad.size, rng));
            opt.update(params);
          }
          return params.map((p) => p.value.data.slice());
        };
        const want = run(false);
        const got = run(true);
        for (let i = 0; i < want.length; i++) assertBits(got[i], want[i], `${type} param ${i}`);
      }
    });

    it('bias fills and bias gradients', () => {
      const rng = new Rng(6);
      for (const [rows, cols] of [
        [1, 1],
        [3, 5],
        [100, 50],
        [7, 10],
      ]) {
        const b = random(cols, rng);
        const out = arena.kernels.allocFloat32(rows * cols);
        arena.kernels.fillRows(b, out, rows, cols);
        for (let r = 0; r < rows; r++) assertBits(out.subarray(r * cols, (r + 1) * cols), b, 'fillRows');
        const d = random(rows * cols, rng);
        const db = new Float32Array(cols);
        arena.kernels.colSums(d, db, rows, cols);
        const want = new Float32Array(cols);
        for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) want[j] += d[r * cols + j];
        assertBits(db, want, 'colSums');
      }
      for (const [n, f, p] of [
        [1, 1, 1],
        [2, 3, 7],
        [5, 30, 576],
      ]) {
        const b = random(f, rng);
        const out = new Float32Array(n * f * p);
        arena.kernels.fillBlocks(b, out, n, f, p);
        for (let s = 0; s < n; s++)
          for (let j = 0; j < f; j++) for (let i = 0; i < p; i++) assert.equal(out[(s * f + j) * p + i], b[j]);
        const d = random(n * f * p, rng);
        const db = place(arena, random(f, rng), true);
        arena.kernels.blockSums(d, db, n, f, p);
        const want = new Float32Array(f);
        for (let s = 0; s < n; s++) {
          for (let j = 0; j < f; j++) {
            let acc = 0;
            for (let i = 0; i < p; i++) acc += d[(s * f + j) * p + i];
            want[j] += acc;
          }
        }
        assertNear(db, want, 1e-6 * n, `blockSums ${n}×${f}×${p}`);
      }
    });
  });

  describe('im2col, col2im and max pooling', () => {
    // n, c, h, w, fh, fw, stride, pad
    const convs: number[][] = [
      [1, 1, 1, 1, 1, 1, 1, 0],
      [2, 3, 5, 7, 3, 3, 1, 1],
      [3, 2, 9, 8, 3, 2, 2, 0],
      [1, 1, 28, 28, 5, 5, 1, 0],
      [2, 3, 6, 6, 4, 4, 3, 2],
      [1, 2, 4, 5, 5, 6, 1, 1],
    ];

    it('im2col and col2im: the same bits as im2col.ts', () => {
      const rng = new Rng(7);
      for (const [n, c, h, w, fh, fw, s, pad] of convs) {
        const x = random(n * c * h * w, rng);
        const want = im2col(x, n, c, h, w, fh, fw, s, pad) as Float32Array;
        for (const inArena of [true, false]) {
          const col = place(arena, new Float32Array(want.length).fill(7), !inArena);
          arena.kernels.im2col(place(arena, x, inArena), n, c, h, w, fh, fw, s, pad, col);
          assertBits(col, want, `im2col ${[n, c, h, w, fh, fw, s, pad]}`);
          const dcol = random(want.length, rng);
          const back = col2im(dcol, n, c, h, w, fh, fw, s, pad) as Float32Array;
          const got = place(arena, new Float32Array(x.length).fill(3), inArena);
          arena.kernels.col2im(place(arena, dcol, !inArena), n, c, h, w, fh, fw, s, pad, got);
          assertBits(got, back, `col2im ${[n, c, h, w, fh, fw, s, pad]}`);
        }
      }
    });

    it('direct convolution (stride 1) and the conv layer using it: the same results as im2col and GEMM', () => {
      const rng = new Rng(13);
      // n, c, h, w, fh, fw, pad, f
      const cases: number[][] = [
        [1, 1, 1, 1, 1, 1, 0, 1],
        [2, 1, 28, 28, 5, 5, 0, 30],
        [3, 3, 7, 9, 3, 3, 1, 5],
        [2, 2, 5, 13, 2, 4, 2, 4],
        [1, 4, 6, 6, 6, 6, 0, 7],
        [2, 1, 10, 19, 3, 1, 1, 9],
        [3, 2, 9, 11, 4, 3, 0, 6],
      ];
      for (const [n, c, h, w, fh, fw, pad, f] of cases) {
        const k = c * fh * fw;
        const x = random(n * c * h * w, rng, 0.5);
        const wt = random(f * k, rng);
        const b = random(f, rng);
        const oh = h + 2 * pad - fh + 1;
        const ow = w + 2 * pad - fw + 1;
        const col = im2col(x, n, c, h, w, fh, fw, 1, pad) as Float32Array;
        const want = new Float32Array(n * f * oh * ow);
        for (let s = 0; s < n; s++) {
          for (let j = 0; j < f; j++) want.fill(b[j], (s * f + j) * oh * ow, (s * f + j + 1) * oh * ow);
          typescriptGemm.nt(
            wt,
            col.subarray(s * oh * ow * k, (s + 1) * oh * ow * k),
            want.subarray(s * f * oh * ow, (s + 1) * f * oh * ow),
            f,
            k,
            oh * ow,
            true,
          );
        }
        for (const inArena of [true, false]) {
          const y = place(arena, new Float32Array(want.length).fill(9), inArena);
          arena.kernels.convForward(
            place(arena, x, inArena),
            n,
            c,
            h,
            w,
            fh,
            fw,
            pad,
            place(arena, wt, !inArena),
            b,
            f,
            y,
          );
          assertNear(y, want, 4 * (k + 2) * 2 ** -24, `conv ${[n, c, h, w, fh, fw, pad, f]}`);
        }
        // the weight gradient: Σ_s dy_s (F×P) · col_s (P×K)
        const dy = random(n * f * oh * ow, rng, 0.5);
        const dwWant = new Float32Array(f * k);
        for (let s = 0; s < n; s++)
          typescriptGemm.nn(dy.subarray(s * f * oh * ow), col.subarray(s * oh * ow * k), dwWant, f, oh * ow, k, true);
        for (const inArena of [true, false]) {
          const dw = place(arena, new Float32Array(f * k).fill(5), inArena);
          arena.kernels.convWeightGrad(
            place(arena, x, !inArena),
            place(arena, dy, inArena),
            n,
            c,
            h,
            w,
            fh,
            fw,
            pad,
            f,
            dw,
          );
          assertNear(dw, dwWant, 4 * (n * oh * ow + 2) * 2 ** -24, `conv dW ${[n, c, h, w, fh, fw, pad, f]}`);
        }
        // the layer: forward and backward (dW, db, dx) against the TypeScript layer
        const layer = (fast: boolean) => {
          setFloat32Kernels(fast ? arena.kernels : undefined);
          const l = new Convolution('c', [c, h, w], f, [fh, fw], 1, pad, 'he', 'float32', new Rng(1));
          const y = l.forward(new Tensor(place(arena, x, fast), [n, c, h, w]));
          const dy = new Tensor(random(y.size, new Rng(2)), y.shape);
          const dx = l.backward(dy, true) as Tensor;
          return { y: y.data.slice(), dx: dx.data.slice(), dW: l.W.grad.data.slice(), db: l.b.grad.data.slice() };
        };
        const ref = layer(false);
        const got = layer(true);
        for (const key of ['y', 'dx', 'dW', 'db'] as const)
          assertNear(got[key], ref[key], 1e-5, `conv layer ${key} ${[n, c, h, w, fh, fw, pad, f]}`);
      }
    });

    it('conv dW skips what is zero in the input (rows, borders) and still sums every non-zero term', () => {
      // Inputs shaped like MNIST's and worse: all-zero rows, one non-zero pixel walking along each
      // edge and each row, full rows; the kernel skips blocks of outputs whose inputs are zero in a
      // row (from each row's first and last non-zero column), so a wrong bound drops real terms.
      const rng = new Rng(21);
      // n, c, h, w, fh, fw, pad, f
      const cases: number[][] = [
        [3, 1, 28, 28, 5, 5, 0, 30],
        [2, 2, 11, 13, 3, 4, 0, 5],
        [2, 1, 9, 10, 5, 5, 2, 6],
        [2, 3, 7, 6, 2, 1, 1, 3],
      ];
      for (const [n, c, h, w, fh, fw, pad, f] of cases) {
        const x = new Float32Array(n * c * h * w);
        for (let s = 0; s < n * c; s++) {
          for (let r = 0; r < h; r++) {
            const row = (s * h + r) * w;
            const kind = (r + s) % 5;
            if (kind === 1) x[row + ((r * 3 + s) % w)] = rng.uniform(-1, 1); // one pixel, anywhere
            else if (kind === 2) x[row] = rng.uniform(-1, 1); // the first column only
            else if (kind === 3) x[row + w - 1] = rng.uniform(-1, 1); // the last column only
            else if (kind === 4) for (let j = 0; j < w; j++) x[row + j] = rng.uniform(-1, 1);
            // kind 0: a row of zeros
          }
        }
        const oh = h + 2 * pad - fh + 1;
        const ow = w + 2 * pad - fw + 1;
        const k = c * fh * fw;
        const col = im2col(x, n, c, h, w, fh, fw, 1, pad) as Float32Array;
        const dy = random(n * f * oh * ow, rng);
        const want = new Float32Array(f * k);
        for (let s = 0; s < n; s++)
          typescriptGemm.nn(dy.subarray(s * f * oh * ow), col.subarray(s * oh * ow * k), want, f, oh * ow, k, true);
        const dw = arena.kernels.allocFloat32(f * k).fill(5);
        const label = [n, c, h, w, fh, fw, pad, f].join(',');
        arena.kernels.convWeightGrad(place(arena, x, true), place(arena, dy, true), n, c, h, w, fh, fw, pad, f, dw);
        assertNear(dw, want, 4 * (n * oh * ow + 2) * 2 ** -24, `conv dW, zero rows and borders ${label}`);
      }
    });

    it('max pooling forward and backward: the same bits as the TypeScript layer (ties, NaN, 2×2 fast path)', () => {
      const rng = new Rng(8);
      // c, h, w, window, stride, pad
      const pools: number[][] = [
        [3, 24, 24, 2, 2, 0],
        [2, 7, 9, 2, 2, 0],
        [1, 5, 5, 3, 2, 1],
        [2, 6, 11, 2, 1, 1],
        [1, 1, 1, 1, 1, 0],
        [4, 10, 17, 3, 3, 0],
      ];
      for (const [c, h, w, k, s, pad] of pools) {
        for (const n of [1, 3]) {
          const size = n * c * h * w;
          const x = random(size, rng, 0.3); // many zeros: ties
          x[0] = NaN;
          if (size > 5) x[5] = -Infinity;
          const mk = () => new Pooling('p', [c, h, w], 'max', [k, k], s, pad, 'float32');
          setFloat32Kernels(undefined);
          const ts = mk();
          const y0 = ts.forward(new Tensor(x, [n, c, h, w]));
          const dy = random(y0.size, rng);
          const d0 = (ts.backward(new Tensor(dy, y0.shape)) as Tensor).data.slice();
          for (const inArena of [true, false]) {
            setFloat32Kernels(arena.kernels);
            const l = mk();
            const y1 = l.forward(new Tensor(place(arena, x, inArena), [n, c, h, w]));
            assertBits(y1.data, y0.data, `pool forward ${[c, h, w, k, s, pad, n]}`);
            const d1 = l.backward(new Tensor(place(arena, dy, inArena), y1.shape)) as Tensor;
            assertBits(d1.data, d0, `pool backward ${[c, h, w, k, s, pad, n]}`);
          }
        }
      }
    });
  });

  describe('fused ReLU + max pooling', () => {
    it('gives the same output and input gradient as the two TypeScript layers (ties, zeros, negatives, NaN)', () => {
      const rng = new Rng(14);
      for (const [c, h, w, k, st, pad] of [
        [3, 24, 24, 2, 2, 0],
        [2, 7, 9, 2, 2, 0],
        [2, 6, 11, 3, 2, 1],
      ]) {
        const n = 3;
        const size = n * c * h * w;
        const x = random(size, rng, 0.3);
        for (let i = 0; i < size; i += 7) x[i] = -Math.abs(x[i]); // many negatives
        x[3] = NaN;
        x[4] = -0;
        x.fill(-0.5, 0, 2 * w); // whole windows ≤ 0
        const mk = () => new Pooling('p', [c, h, w], 'max', [k, k], st, pad, 'float32');
        setFloat32Kernels(undefined);
        const relu = new Relu('r', [c, h, w], 'float32');
        const pool = mk();
        const y0 = pool.forward(relu.forward(new Tensor(x, [n, c, h, w])));
        const dy = random(y0.size, rng);
        const d0 = relu.backward(pool.backward(new Tensor(dy, y0.shape)) as Tensor) as Tensor;
        setFloat32Kernels(arena.kernels);
        const fused = mk();
        const y1 = fused.forwardAfterRelu(new Tensor(place(arena, x, true), [n, c, h, w])) as Tensor;
        assertBits(y1.data, y0.data, `fused forward ${[c, h, w, k, st, pad]}`);
        const d1 = fused.backwardThroughRelu(new Tensor(place(arena, dy, true), y1.shape));
        assertBits(d1.data, d0.data, `fused backward ${[c, h, w, k, st, pad]}`);
      }
    });
  });

  describe('ReLU + 2×2 max pooling + the first convolution, backward fused', () => {
    it('dW and db: the same bits as maxPoolBackward, convWeightGrad and blockSums one after another', () => {
      const rng = new Rng(15);
      // n, c, h, w, fh, fw, f: SimpleConvNet's, a partial group of filters, several channels
      for (const [n, c, h, w, fh, fw, f] of [
        [100, 1, 28, 28, 5, 5, 30],
        [3, 2, 10, 12, 3, 5, 5],
        [2, 3, 9, 9, 2, 2, 7],
      ]) {
        const oh = h - fh + 1;
        const ow = w - fw + 1;
        const k = arena.kernels;
        const x = place(arena, random(n * c * h * w, rng, 0.6), true);
        const wt = place(arena, random(f * c * fh * fw, rng), true);
        const b = place(arena, random(f, rng), true);
        const y = k.allocFloat32(n * f * oh * ow);
        k.convForward(x, n, c, h, w, fh, fw, 0, wt, b, f, y);
        const nq = n * f * (oh >> 1) * (ow >> 1);
        const q = k.allocFloat32(nq);
        const arg = k.allocInt32(nq);
        k.maxPoolForward(y, n * f, oh, ow, 2, 2, 2, 0, q, arg, true);
        const dq = place(arena, random(nq, rng), true);
        const dy = k.allocFloat32(n * f * oh * ow);
        k.maxPoolBackward(dq, arg, dy, y, [n * f, oh, ow]);
        const dw0 = k.allocFloat32(f * c * fh * fw);
        const db0 = k.allocFloat32(f);
        k.convWeightGrad(x, dy, n, c, h, w, fh, fw, 0, f, dw0);
        k.blockSums(dy, db0, n, f, oh * ow);
        const dw1 = k.allocFloat32(f * c * fh * fw).fill(7);
        const db1 = k.allocFloat32(f).fill(7);
        assert.ok(k.reluPoolConvBackward, 'the arena has the fused kernel');
        k.reluPoolConvBackward(dq, arg, y, x, n, c, h, w, fh, fw, f, dw1, db1);
        const label = [n, c, h, w, fh, fw, f].join(',');
        assertBits(dw1, dw0, `dW ${label}`);
        assertBits(db1, db0, `db ${label}`);
        // operands outside the arena: copied in and out, the same results
        const dw2 = new Float32Array(dw0.length);
        const db2 = new Float32Array(f);
        k.reluPoolConvBackward(
          Float32Array.from(dq),
          Int32Array.from(arg),
          Float32Array.from(y),
          Float32Array.from(x),
          n,
          c,
          h,
          w,
          fh,
          fw,
          f,
          dw2,
          db2,
        );
        assertBits(dw2, dw0, `dW ${label} (copied)`);
        assertBits(db2, db0, `db ${label} (copied)`);
      }
    });

    it('a network whose first layers are conv → ReLU → pool takes it in backward, with the same gradients', () => {
      setGemmBackend(arena.gemm);
      setFloat32Kernels(arena.kernels);
      const spec = { ...simpleConvNetSpec(), input: [1, 12, 12] };
      spec.layers = spec.layers.map((l) =>
        l.type === 'conv'
          ? { ...l, filters: 6 }
          : l.type === 'affine' && 'units' in l && l.units === 100
            ? { ...l, units: 20 }
            : l,
      );
      const rng = new Rng(16);
      const x = place(arena, random(4 * 144, rng, 0.5), true);
      const t = new Uint8Array([1, 7, 3, 0]);
      const grads = (fusedConv: boolean) => {
        const k = arena.kernels as Float32Kernels & { reluPoolConvBackward?: unknown };
        const saved = k.reluPoolConvBackward;
        if (!fusedConv) k.reluPoolConvBackward = undefined;
        try {
          const net = buildNetwork(spec, { seed: 3 });
          const loss = net.gradient(new Tensor(x, [4, 1, 12, 12]), t);
          return { loss, g: net.params().map((p) => Float32Array.from(p.grad.data)) };
        } finally {
          k.reluPoolConvBackward = saved;
        }
      };
      const calls = (arena.kernels as { reluPoolConvBackward?: (...a: unknown[]) => void }).reluPoolConvBackward;
      let used = 0;
      (arena.kernels as { reluPoolConvBackward?: (...a: unknown[]) => void }).reluPoolConvBackward = (...a) => {
        used++;
        calls?.(...a);
      };
      try {
        const a = grads(true);
        assert.equal(used, 1, 'the fused backward ran');
        const b = grads(false);
        assert.equal(a.loss, b.loss);
        a.g.forEach((g, i) => assertBits(g, b.g[i], `param ${i}`));
      } finally {
        (arena.kernels as { reluPoolConvBackward?: unknown }).reluPoolConvBackward = calls;
      }
    });
  });

  describe('mini-batch gather', () => {
    it('gathers pixel bytes into the same float32 values as the data set (all 256 byte values), and the trainer the same batches', () => {
      const per = 37; // odd: the scalar tail too
      const count = 300;
      const rng = new Rng(12);
      const pixels = new Uint8Array(count * per).map((_, i) => (i < 256 ? i : rng.int(256)));
      const images = new Float32Array(pixels.length);
      for (let i = 0; i < images.length; i++) images[i] = pixels[i] / 255; // as dataset.ts does
      const bytes = arena.kernels.pixelBytes(pixels);
      assert.equal(arena.contains(bytes), true);
      assert.equal(arena.kernels.pixelBytes(pixels), bytes, 'cached');
      for (const rows of [100, 7, 1]) {
        // four rows at a time, then the rest one by one
        const order = rng.permutation(count).subarray(0, rows);
        for (const inArena of [true, false]) {
          const out = inArena ? arena.kernels.allocFloat32(rows * per) : new Float32Array(rows * per);
          arena.kernels.gatherPixels(bytes, order, per, out);
          const want = new Float32Array(rows * per);
          for (let i = 0; i < rows; i++) want.set(images.subarray(order[i] * per, (order[i] + 1) * per), i * per);
          assertBits(out, want, `gather ${rows}`);
        }
      }
      const all = arena.kernels.allocFloat32(count * per);
      arena.kernels.gatherPixels(
        bytes,
        Int32Array.from({ length: count }, (_, i) => i),
        per,
        all,
      );
      assertBits(all, images, 'every byte value');
      // the trainer, with and without the kernels: identical batches
      const spec = { name: 'g', input: [per], layers: [{ type: 'affine' as const, units: 3 }] };
      const split = { images, labels: new Uint8Array(count).map(() => rng.int(3)), count, pixels };
      const batches = (fast: boolean) => {
        setFloat32Kernels(fast ? arena.kernels : undefined);
        const tr = new Trainer(buildNetwork(spec, { seed: 1 }), split, split, { batchSize: 100, seed: 5 });
        const out: Float32Array[] = [];
        for (let i = 0; i < 7; i++) {
          const { x, t } = tr.nextBatch();
          out.push(Float32Array.from(x.data), Float32Array.from(t));
        }
        return out;
      };
      const a = batches(false);
      const b = batches(true);
      for (let i = 0; i < a.length; i++) assertBits(b[i], a[i], `batch ${i >> 1}`);
    });
  });

  describe("a gathered batch's non-zero list (the first layer skips zero pixels without a scan)", () => {
    /** Pixel bytes of `rows` rows, about `zeros` of them 0 (runs of zeros too, as in MNIST's borders). */
    function sparsePixels(rows: number, per: number, zeros: number, rng: Rng): Uint8Array {
      const px = new Uint8Array(rows * per);
      for (let i = 0; i < px.length; i++) px[i] = rng.random() < zeros ? 0 : 1 + rng.int(255);
      for (let r = 0; r < rows; r += 3) px.fill(0, r * per, r * per + Math.min(per, 40)); // a zero border
      if (rows > 2) px.fill(255, 2 * per, 3 * per); // one row with no zero at all
      return px;
    }

    /** The listing gather and the products reading its list, on one build of the kernels. */
    function listedAgainstScanning(arena: WasmArena): void {
      const rng = new Rng(21);
      for (const [per, count] of [
        [784, 100],
        [37, 7],
        [50, 203],
        [16, 1],
      ]) {
        const pixels = sparsePixels(400, per, 0.8, rng);
        const bytes = arena.kernels.pixelBytes(pixels);
        const order = new Int32Array(count).map(() => rng.int(400));
        order[0] = 2; // the dense row
        const plain = arena.kernels.allocFloat32(count * per);
        arena.kernels.gatherPixels(bytes, order, per, plain);
        const x = arena.kernels.allocFloat32(count * per);
        arena.kernels.gatherPixels(bytes, order, per, x, true);
        assertBits(x, plain, `gather ${count}×${per} with its list`);
        for (const n of [32, 50, 64]) {
          const w = place(arena, random(per * n, rng), true);
          const dh = place(arena, random(count * n, rng), true);
          const c0 = random(Math.max(count, per) * n, rng);
          for (const accumulate of [false, true]) {
            const run = (a: Float32Array) => {
              const c = place(arena, c0.subarray(0, count * n), true);
              const d = place(arena, c0.subarray(0, per * n), true);
              arena.gemm.nn(a, w, c, count, per, n, accumulate);
              arena.gemm.tn(a, dh, d, per, count, n, accumulate);
              return [c, d];
            };
            const sparseBefore = arena.stats().sparseProducts;
            const want = run(plain);
            const scanned = arena.stats().sparseProducts - sparseBefore === 2;
            const before = arena.stats().listedProducts;
            const got = run(x);
            const label = `${count}×${per}, n ${n}${accumulate ? ', accumulating' : ''}`;
            if (scanned || n % 8 > 2) assertBits(got[0], want[0], `nn ${label}`);
            else {
              // A too small or too dense to be scanned: the dense kernel, whose last n % 8 = 1 or 2
              // columns are dot products along k (assembly/gemm.ts dotTail), summed in another order
              const tiled = n - (n % 8);
              for (let i = 0; i < count; i++) {
                assertBits(got[0].subarray(i * n, i * n + tiled), want[0].subarray(i * n, i * n + tiled), `nn ${label}, row ${i}`);
              }
              assertNear(got[0], want[0], 1e-5, `nn ${label}`);
            }
            assertBits(got[1], want[1], `tn ${label}`);
            // the list is used whenever A has at most 30% non-zeros (sparseMaxDensity), whatever its size
            const nnz = x.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0);
            const listed = nnz <= 0.3 * count * per ? 2 : 0;
            assert.equal(
              arena.stats().listedProducts - before,
              listed,
              `${label}: listed products (density ${nnz / x.length})`,
            );
            if (per === 784) assert.equal(listed, 2, `${label}: the MNIST shape takes the sparse path`);
          }
        }
      }
    }

    it('lists the rows while gathering them: the same floats, and nn/tn products with the same bits as scanning A', () => {
      listedAgainstScanning(arena);
    });

    it('the relaxed-SIMD build lists them too (its own lane shuffle), where this engine has it', function () {
      if (!wasmRelaxedSimdAvailable()) {
        // nothing runs the relaxed build here: the plain one above is what training uses
        assert.equal(createWasmArena({ relaxed: true })?.variant ?? 'simd', 'simd');
        return;
      }
      const relaxed = createWasmArena({ relaxed: true });
      assert.ok(relaxed && relaxed.variant === 'relaxed', `relaxed arena: ${relaxed?.name}`);
      listedAgainstScanning(relaxed);
      // and the same floats and products as the plain build (the sums may differ: fused multiply-adds)
      const pixels = new Uint8Array(60 * 784).map((_, i) => (i % 7 < 2 ? (i * 37) % 256 : 0));
      const order = Int32Array.from({ length: 50 }, (_, i) => (i * 13) % 60);
      const gathered = [arena, relaxed].map((a) => {
        const x = a.kernels.allocFloat32(50 * 784);
        a.kernels.gatherPixels(a.kernels.pixelBytes(pixels), order, 784, x, true);
        return x;
      });
      assertBits(gathered[1], gathered[0], 'listing gather, relaxed against plain');
    });

    it('drops the list once the batch changes: a kernel writes it, forgetNonZeros, a gather without listing', () => {
      const rng = new Rng(22);
      const per = 784;
      const count = 100;
      const bytes = arena.kernels.pixelBytes(sparsePixels(300, per, 0.8, rng));
      const w = place(arena, random(per * 50, rng), true);
      const x = arena.kernels.allocFloat32(count * per);
      const gather = () =>
        arena.kernels.gatherPixels(
          bytes,
          new Int32Array(count).map(() => rng.int(300)),
          per,
          x,
          true,
        );
      /** nn on x, and whether it used the list; the result must equal the scanning product on a copy. */
      const product = () => {
        const before = arena.stats().listedProducts;
        const c = arena.kernels.allocFloat32(count * 50);
        arena.gemm.nn(x, w, c, count, per, 50);
        const copy = arena.kernels.allocFloat32(count * per);
        copy.set(x);
        const want = arena.kernels.allocFloat32(count * 50);
        arena.gemm.nn(copy, w, want, count, per, 50);
        assertBits(c, want, 'product on the current batch');
        return arena.stats().listedProducts - before === 1;
      };
      gather();
      assert.equal(product(), true, 'listed after the gather');
      // a kernel writing x (as output): zero the first half of each row through SGD (w -= lr·g)
      const g = arena.kernels.allocFloat32(count * per);
      for (let r = 0; r < count; r++) for (let j = 0; j < per / 2; j++) g[r * per + j] = x[r * per + j];
      arena.kernels.sgd(x, g, 1);
      assert.equal(product(), false, 'dropped once a kernel wrote the batch');
      gather();
      assert.equal(product(), true);
      arena.kernels.forgetNonZeros?.(x);
      x.fill(0, 0, per); // written from JavaScript, after forgetNonZeros as documented
      assert.equal(product(), false, 'dropped by forgetNonZeros');
      gather();
      arena.kernels.gatherPixels(
        bytes,
        new Int32Array(count).map(() => rng.int(300)),
        per,
        x,
      );
      assert.equal(product(), false, 'dropped by a gather without listing');
      // a batch outside the arena gets no list (nothing to keep it beside), and the same floats
      const out = new Float32Array(count * per);
      const order = new Int32Array(count).map(() => rng.int(300));
      arena.kernels.gatherPixels(bytes, order, per, out, true);
      arena.kernels.gatherPixels(bytes, order, per, x);
      assertBits(out, x, 'gathered outside the arena');
    });
  });

  describe('whole nets', () => {
    function gradients(
      spec: Parameters<typeof buildNetwork>[0],
      fast: boolean,
      x: Float32Array,
      t: Uint8Array,
      n: number,
    ) {
      if (fast) {
        setGemmBackend(arena.gemm);
        setFloat32Kernels(arena.kernels);
      } else {
        setGemmBackend(typescriptGemm);
        setFloat32Kernels(undefined);
      }
      const net = buildNetwork(spec, { seed: 1 });
      const loss = net.gradient(new Tensor(x, [n, ...spec.input]), t);
      new SGD(0.1).update(net.params());
      const loss2 = net.gradient(new Tensor(x, [n, ...spec.input]), t);
      return {
        loss,
        loss2,
        params: net.params().map((p) => ({
          name: p.name,
          inArena: arena.contains(p.value.data),
          w: p.value.data.slice(),
          g: p.grad.data.slice(),
        })),
      };
    }

    it('SimpleConvNet (small) and a two-layer net: loss and gradients match the TypeScript layers, parameters live in the arena', () => {
      const rng = new Rng(9);
      const nets = [
        { spec: { ...simpleConvNetSpec([1, 10, 10], 4, 3, 10), init: 'he' as const }, n: 7 },
        {
          spec: {
            name: 't',
            input: [784],
            layers: [
              { type: 'affine' as const, units: 50 },
              { type: 'relu' as const },
              { type: 'affine' as const, units: 10 },
            ],
          },
          n: 100,
        },
      ];
      for (const { spec, n } of nets) {
        const per = spec.input.reduce((a, b) => a * b, 1);
        const x = random(n * per, rng, 0.8).map(Math.abs);
        const t = new Uint8Array(n).map(() => rng.int(10));
        const ref = gradients(spec, false, x, t, n);
        const got = gradients(spec, true, x, t, n);
        assert.ok(
          Math.abs(got.loss - ref.loss) < 1e-5 * Math.abs(ref.loss),
          `${spec.name} loss ${got.loss} vs ${ref.loss}`,
        );
        assert.ok(
          Math.abs(got.loss2 - ref.loss2) < 1e-4 * Math.abs(ref.loss2),
          `${spec.name} loss after a step ${got.loss2} vs ${ref.loss2}`,
        );
        for (let i = 0; i < ref.params.length; i++) {
          assert.equal(got.params[i].inArena, true, `${got.params[i].name} in the arena`);
          assertNear(got.params[i].w, ref.params[i].w, 1e-5, `${spec.name} ${ref.params[i].name}`);
          assertNear(got.params[i].g, ref.params[i].g, 1e-3, `${spec.name} ${ref.params[i].name} grad`);
        }
        // reproducible bit for bit
        const again = gradients(spec, true, x, t, n);
        assert.equal(again.loss2, got.loss2);
        for (let i = 0; i < got.params.length; i++)
          assertBits(again.params[i].g, got.params[i].g, `${spec.name} rerun`);
      }
    });

    it('useFastKernels installs the arena, and "typescript" uninstalls it', () => {
      const on = useFastKernels();
      assert.match(on.name, /arena/);
      assert.ok(float32Kernels());
      useFastKernels('typescript');
      assert.equal(float32Kernels(), undefined);
      assert.equal(gemmBackend().name, 'typescript');
    });
  });
});
