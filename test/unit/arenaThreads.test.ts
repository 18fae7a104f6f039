/**
 * The arena's threads (src/engine/kernels/arenaThreads.ts, `WasmArena.setThreads`): every kernel the
 * arena splits gives the same bits on 2 (and 3) threads as on 1, for any number of parts, on shapes
 * with odd sizes; the helper does run parts; a seeded training run is reproducible bit for bit with
 * 2 threads, and equal to the 1-thread run.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gemmBackend, setGemmBackend } from '../../src/engine/gemm';
import { float32Kernels, setFloat32Kernels, type Float32Kernels } from '../../src/engine/kernels/fast';
import { createWasmArena, wasmArenaUnavailableReason, type WasmArena } from '../../src/engine/kernels/wasmArena';
import { buildNetwork } from '../../src/engine/network';
import { SGD } from '../../src/engine/optimizers/optimizer';
import { simpleConvNetSpec } from '../../src/engine/presets';
import { Rng } from '../../src/engine/rng';
import { Tensor } from '../../src/engine/tensor';

function random(n: number, rng: Rng, zeros = 0): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.random() < zeros ? 0 : rng.uniform(-1, 1);
  return a;
}

function assertBits(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  assert.equal(got.length, want.length, `${label}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${label}: [${i}] = ${got[i]}, 1 thread ${want[i]}`);
  }
}

/** Waits until the helper threads have booted (they take parts from then on). */
async function warm(arena: WasmArena): Promise<void> {
  const a = arena.kernels.allocFloat32(256 * 256);
  const c = arena.kernels.allocFloat32(256 * 256);
  for (let i = 0; i < 200; i++) {
    arena.gemm.nn(a, a, c, 256, 256, 256);
    if (arena.threadStats().helperParts > 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('WebAssembly arena threads', function () {
  this.timeout(120000);
  let arena: WasmArena;
  let saved: { gemm: ReturnType<typeof gemmBackend>; k: Float32Kernels | undefined };

  before(async function () {
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
    assert.equal(arena.setThreads(2), 2, `threads unavailable: ${arena.threadsUnavailableReason}`);
    arena.threadMinFlops = 0;
    arena.threadBackoff = false; // every split kernel handed over, even on a busy machine
    await warm(arena);
    assert.ok(arena.threadStats().helperParts > 0, 'the helper thread runs parts');
  });
  after(() => {
    arena.disposeThreads();
    setGemmBackend(saved.gemm);
    setFloat32Kernels(saved.k);
  });

  /**
   * Runs f on 1 thread, then on `threads` threads with each number of parts, then with every split
   * call run alone (the unsplit call where the arena passes one, as under SplitPolicy's alone plan);
   * all results must match bit for bit.
   */
  function sameBits(label: string, f: () => Float32Array[], threads = 2): void {
    arena.setThreads(1);
    const want = f().map((a) => a.slice());
    arena.setThreads(threads);
    try {
      for (const parts of [2, 3, 4, 7]) {
        arena.threadParts = parts;
        const got = f();
        got.forEach((g, i) => assertBits(g, want[i], `${label}, ${threads} threads, ${parts} parts, output ${i}`));
      }
      arena.threadParts = 4;
      arena.threadAlone = true;
      f().forEach((g, i) => assertBits(g, want[i], `${label}, ${threads} threads run alone, output ${i}`));
    } finally {
      arena.threadAlone = false;
      arena.threadParts = 4;
      arena.setThreads(2);
    }
  }

  it('runs split calls alone when told (threadAlone): on this thread, the helper idle', () => {
    const rng = new Rng(9);
    const a = arena.kernels.allocFloat32(100 * 4320);
    a.set(random(100 * 4320, rng));
    const b = arena.kernels.allocFloat32(4320 * 100);
    b.set(random(4320 * 100, rng));
    const c = arena.kernels.allocFloat32(100 * 100);
    const before = arena.threadStats();
    arena.threadAlone = true;
    try {
      arena.gemm.nn(a, b, c, 100, 4320, 100);
    } finally {
      arena.threadAlone = false;
    }
    const after = arena.threadStats();
    assert.equal(after.jobsAlone, before.jobsAlone + 1, 'the product ran alone');
    assert.equal(after.helperParts, before.helperParts, 'the helper ran no part of it');
  });

  it('dense products, all forms, accumulating or not, in and out of the arena: the same bits as 1 thread', () => {
    const rng = new Rng(3);
    const shapes = [
      [1, 1, 1],
      [5, 3, 7],
      [13, 17, 9],
      [100, 4320, 100],
      [4320, 100, 100],
      [100, 100, 4320],
      [37, 301, 129],
      [130, 257, 33],
      [512, 64, 512],
      // the last one or two columns as dot products along k (nn, nt) or over packed strips (tn),
      // cut into row blocks (100×784×50) or column blocks (6×64×50: too few rows to cut, parts of
      // 16–26 columns)
      [100, 784, 50],
      [6, 64, 50],
      [100, 10, 50],
    ];
    for (const [m, k, n] of shapes) {
      for (const form of ['nn', 'tn', 'nt'] as const) {
        for (const inArena of [true, false]) {
          const a = random(m * k, rng);
          const b = random(k * n, rng);
          const c0 = random(m * n, rng);
          const put = (x: Float32Array) => {
            const y = inArena ? arena.kernels.allocFloat32(x.length) : new Float32Array(x.length);
            y.set(x);
            return y;
          };
          const pa = put(a);
          const pb = put(b);
          sameBits(`${form} ${m}×${k}×${n}${inArena ? '' : ' (copied)'}`, () => {
            const c = put(c0);
            const d = put(c0);
            arena.gemm[form](pa, pb, c, m, k, n, false);
            arena.gemm[form](pa, pb, d, m, k, n, true);
            return [c, d];
          });
        }
      }
    }
  });

  it('sparse-A products (the MNIST input path), nn and tn: the same bits as 1 thread', () => {
    const rng = new Rng(4);
    for (const [m, k, n] of [
      [100, 784, 50],
      [37, 301, 33],
      [784, 100, 50],
      [301, 37, 64],
    ]) {
      for (const form of ['nn', 'tn'] as const) {
        const a = arena.kernels.allocFloat32(m * k);
        a.set(random(m * k, rng, 0.85));
        const b = arena.kernels.allocFloat32(k * n);
        b.set(random(k * n, rng));
        const c0 = random(m * n, rng);
        const before = arena.stats().sparseProducts;
        sameBits(`sparse ${form} ${m}×${k}×${n}`, () => {
          const c = arena.kernels.allocFloat32(m * n);
          c.set(c0);
          const d = arena.kernels.allocFloat32(m * n);
          d.set(c0);
          arena.gemm[form](a, b, c, m, k, n, false);
          arena.gemm[form](a, b, d, m, k, n, true);
          return [c, d];
        });
        assert.ok(arena.stats().sparseProducts > before, `sparse ${form} ${m}×${k}×${n} took the sparse path`);
      }
    }
  });

  it('direct convolution, its weight gradient, the bias sums and 2×2 max pooling (with ReLU): the same bits as 1 thread', () => {
    const rng = new Rng(5);
    // n, c, h, w, fh, fw, pad, f
    for (const [n, c, h, w, fh, fw, pad, f] of [
      [100, 1, 28, 28, 5, 5, 0, 30],
      [7, 3, 7, 9, 3, 3, 1, 5],
      [5, 2, 9, 11, 4, 3, 0, 6],
      [3, 1, 10, 19, 3, 1, 1, 9],
      [1, 1, 6, 6, 3, 3, 0, 1],
    ]) {
      const k = c * fh * fw;
      const oh = h + 2 * pad - fh + 1;
      const ow = w + 2 * pad - fw + 1;
      const x = arena.kernels.allocFloat32(n * c * h * w);
      x.set(random(x.length, rng, 0.6));
      const wt = random(f * k, rng);
      const b = random(f, rng);
      const dy = arena.kernels.allocFloat32(n * f * oh * ow);
      dy.set(random(dy.length, rng, 0.5));
      sameBits(`conv ${[n, c, h, w, fh, fw, pad, f].join(',')}`, () => {
        const y = arena.kernels.allocFloat32(n * f * oh * ow);
        const dw = arena.kernels.allocFloat32(f * k);
        const db = new Float32Array(f);
        arena.kernels.convForward(x, n, c, h, w, fh, fw, pad, wt, b, f, y);
        arena.kernels.convWeightGrad(x, dy, n, c, h, w, fh, fw, pad, f, dw);
        arena.kernels.blockSums(dy, db, n, f, oh * ow);
        return [y, dw, db];
      });
      // pooling over the conv output's planes, ties and negatives included
      const planes = n * f;
      const py = arena.kernels.allocFloat32(planes * oh * ow);
      py.set(random(py.length, rng, 0.3).map((v) => Math.round(v * 4) / 4));
      const qh = oh >> 1;
      const qw = ow >> 1;
      if (qh < 1 || qw < 1) continue;
      const dq = random(planes * qh * qw, rng);
      for (const relu of [false, true]) {
        sameBits(`max pool 2×2 ${planes}×${oh}×${ow}${relu ? ' after ReLU' : ''}`, () => {
          const y = arena.kernels.allocFloat32(planes * qh * qw);
          const arg = arena.kernels.allocInt32(planes * qh * qw);
          const dx = arena.kernels.allocFloat32(planes * oh * ow);
          arena.kernels.maxPoolForward(py, planes, oh, ow, 2, 2, 2, 0, y, arg, relu);
          arena.kernels.maxPoolBackward(dq, arg, dx, relu ? py : undefined, [planes, oh, ow]);
          return [y, new Float32Array(arg.buffer, arg.byteOffset, arg.length).slice(), dx];
        });
      }
      // ReLU + pooling + this convolution backward in one kernel (SimpleConvNet's first layers)
      const fused = arena.kernels.reluPoolConvBackward;
      if (pad === 0 && fused) {
        sameBits(`ReLU + pool + conv backward fused ${[n, c, h, w, fh, fw, f].join(',')}`, () => {
          const q = arena.kernels.allocFloat32(planes * qh * qw);
          const arg = arena.kernels.allocInt32(planes * qh * qw);
          arena.kernels.maxPoolForward(py, planes, oh, ow, 2, 2, 2, 0, q, arg, true);
          const dw = arena.kernels.allocFloat32(f * k);
          const db = arena.kernels.allocFloat32(f);
          fused(dq, arg, py, x, n, c, h, w, fh, fw, f, dw, db);
          return [dw, db];
        });
      }
    }
  });

  it('SGD update and the batch gather: the same bits as 1 thread', () => {
    const rng = new Rng(7);
    for (const n of [1, 7, 1001, 432_010]) {
      const w0 = random(n, rng);
      const g = arena.kernels.allocFloat32(n);
      g.set(random(n, rng));
      sameBits(`sgd ${n}`, () => {
        const w = arena.kernels.allocFloat32(n);
        w.set(w0);
        arena.kernels.sgd(w, g, 0.1);
        arena.kernels.sgd(w, g, 0.0123456789);
        return [w];
      });
    }
    const per = 784;
    const rows = 3001;
    const pixels = new Uint8Array(rows * per).map(() => rng.int(256));
    const bytes = arena.kernels.pixelBytes(pixels);
    for (const count of [1, 5, 100, 203]) {
      const order = new Int32Array(count).map(() => rng.int(rows));
      sameBits(`gather ${count} rows`, () => {
        const out = arena.kernels.allocFloat32(count * per);
        arena.kernels.gatherPixels(bytes, order, per, out);
        return [out];
      });
    }
  });

  it('the listing batch gather and the products using its list: the same bits as 1 thread', () => {
    const rng = new Rng(8);
    for (const [per, count] of [
      [784, 100],
      [37, 203],
    ]) {
      const pixels = new Uint8Array(500 * per).map(() => (rng.random() < 0.8 ? 0 : rng.int(256)));
      const bytes = arena.kernels.pixelBytes(pixels);
      const order = new Int32Array(count).map(() => rng.int(500));
      const w = arena.kernels.allocFloat32(per * 50);
      w.set(random(per * 50, rng));
      const dh = arena.kernels.allocFloat32(count * 50);
      dh.set(random(count * 50, rng));
      const before = arena.stats().listedProducts;
      sameBits(`listed ${count}×${per}`, () => {
        const x = arena.kernels.allocFloat32(count * per);
        arena.kernels.gatherPixels(bytes, order, per, x, true);
        const c = arena.kernels.allocFloat32(count * 50);
        const d = arena.kernels.allocFloat32(per * 50);
        arena.gemm.nn(x, w, c, count, per, 50);
        arena.gemm.tn(x, dh, d, per, count, 50);
        arena.gemm.tn(x, dh, d, per, count, 50, true);
        return [x, c, d];
      });
      // sameBits runs f six times: 1 thread, 2 threads in 2, 3, 4 and 7 parts, and alone
      assert.equal(arena.stats().listedProducts - before, 3 * 6, `listed ${count}×${per}: every product used the list`);
    }
  });

  it('with 3 threads (two helpers): the same bits', () => {
    const rng = new Rng(6);
    const a = random(100 * 784, rng, 0.8);
    const b = random(784 * 50, rng);
    const w = random(200 * 300, rng);
    sameBits(
      '3 threads',
      () => {
        const c = new Float32Array(100 * 50);
        const d = new Float32Array(200 * 200);
        arena.gemm.nn(a, b, c, 100, 784, 50);
        arena.gemm.nt(w, w, d, 200, 300, 200);
        return [c, d];
      },
      3,
    );
  });

  it('a seeded run (SimpleConvNet, two-layer net): bit for bit the same with 2 threads, twice, and as with 1 thread', () => {
    setGemmBackend(arena.gemm);
    setFloat32Kernels(arena.kernels);
    const rng = new Rng(9);
    const nets = [
      { spec: { ...simpleConvNetSpec([1, 28, 28], 30, 5, 10), init: 'he' as const }, n: 50 },
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
      const per = spec.input.reduce((p, q) => p * q, 1);
      const x = random(n * per, rng, 0.8).map(Math.abs);
      const t = new Uint8Array(n).map(() => rng.int(10));
      const train = (threads: number) => {
        arena.setThreads(threads);
        const net = buildNetwork(spec, { seed: 1 });
        const opt = new SGD(0.1);
        const losses: number[] = [];
        for (let i = 0; i < 3; i++) {
          losses.push(net.gradient(new Tensor(x, [n, ...spec.input]), t));
          opt.update(net.params());
        }
        return { losses, params: net.params().map((p) => p.value.data.slice() as Float32Array) };
      };
      arena.threadMinFlops = 1e6; // the default: what training uses
      const one = train(1);
      const two = train(2);
      const again = train(2);
      arena.threadMinFlops = 0;
      const all = train(2); // every kernel split
      for (const run of [two, again, all]) {
        assert.deepEqual(run.losses, one.losses, `${spec.name} losses`);
        run.params.forEach((p, i) => assertBits(p, one.params[i], `${spec.name} param ${i}`));
      }
    }
  });
});
