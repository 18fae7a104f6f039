/**
 * GEMM throughput, WebAssembly SIMD against the TypeScript kernels, on 512³ and the shapes the book's
 * MNIST nets multiply at batch 100. Each figure is the median of several timed runs after a warm-up,
 * each run repeating the call long enough (≥ `runMs`) for the clock to be exact.
 *
 *   npx tsx src/engine/kernels/benchGemm.ts [--quick] [--json] [--no-relaxed] [--threads N] [--no-ts]
 */
import { typescriptGemm, type GemmBackend } from '../gemm';
import { alternateRates, xorshiftArray as random, type Rate } from './timing';
import { createWasmGemm, type WasmGemm, type WasmGemmOptions } from './wasmGemm';

type Form = 'nn' | 'tn' | 'nt';

/** One GEMM the engine does: C(m×n) (+)= op(A)·op(B). `calls` > 1: that many per batch (per sample). */
export interface GemmShape {
  /** What the product is in the net. */
  name: string;
  form: Form;
  m: number;
  k: number;
  n: number;
  accumulate: boolean;
}

export interface GemmBenchRow {
  /** `m×k×n` plus what it is, e.g. `100×784×50 two-layer affine1 forward`. */
  shape: string;
  form: Form;
  /** WebAssembly backend as the engine calls it: operands in JS memory, copied in and out. Median. */
  gflops: number;
  /** The same, best run. */
  bestGflops: number;
  /** The same backend on operands already in WebAssembly memory: the kernel alone, no copies. */
  kernelGflops: number;
  /** The TypeScript reference kernel. */
  tsGflops: number;
}

/** The shapes measured: 512³ in each form, then the two-layer net and SimpleConvNet at batch 100. */
export const GEMM_BENCH_SHAPES: readonly GemmShape[] = [
  { name: 'square', form: 'nn', m: 512, k: 512, n: 512, accumulate: false },
  { name: 'square', form: 'tn', m: 512, k: 512, n: 512, accumulate: false },
  { name: 'square', form: 'nt', m: 512, k: 512, n: 512, accumulate: false },
  // two-layer net 784 → 50 → 10, batch 100 (affine forward accumulates onto the broadcast bias)
  { name: 'two-layer affine1 forward x·W1', form: 'nn', m: 100, k: 784, n: 50, accumulate: true },
  { name: 'two-layer affine2 forward h·W2 (tiny)', form: 'nn', m: 100, k: 50, n: 10, accumulate: true },
  { name: 'two-layer affine2 dW2 = hᵀ·dy (tiny)', form: 'tn', m: 50, k: 100, n: 10, accumulate: false },
  { name: 'two-layer affine2 dh = dy·W2ᵀ (tiny)', form: 'nt', m: 100, k: 10, n: 50, accumulate: false },
  { name: 'two-layer affine1 dW1 = xᵀ·dh', form: 'tn', m: 784, k: 100, n: 50, accumulate: false },
  { name: 'two-layer affine1 dx = dh·W1ᵀ', form: 'nt', m: 100, k: 50, n: 784, accumulate: false },
  // SimpleConvNet: conv 30×5×5 on 1×28×28 (→ 30×24×24), pool 2 (→ 4320), affine 100, affine 10
  { name: 'convnet conv forward, im2col batched col·Wᵀ', form: 'nt', m: 57600, k: 25, n: 30, accumulate: false },
  { name: 'convnet conv forward, im2col batched (W as k×n)', form: 'nn', m: 57600, k: 25, n: 30, accumulate: false },
  { name: 'convnet conv forward, per sample W·colᵀ (×100)', form: 'nt', m: 30, k: 25, n: 576, accumulate: true },
  { name: 'convnet conv dW, batched colᵀ·dy', form: 'tn', m: 25, k: 57600, n: 30, accumulate: false },
  { name: 'convnet conv dW, per sample dy·col (×100)', form: 'nn', m: 30, k: 576, n: 25, accumulate: true },
  { name: 'convnet conv dcol, batched dy·W', form: 'nn', m: 57600, k: 30, n: 25, accumulate: false },
  { name: 'convnet conv dcol, per sample dyᵀ·W (×100)', form: 'tn', m: 576, k: 30, n: 25, accumulate: false },
  { name: 'convnet affine1 forward x·W', form: 'nn', m: 100, k: 4320, n: 100, accumulate: true },
  { name: 'convnet affine1 dW = xᵀ·dy', form: 'tn', m: 4320, k: 100, n: 100, accumulate: false },
  { name: 'convnet affine1 dx = dy·Wᵀ', form: 'nt', m: 100, k: 100, n: 4320, accumulate: false },
  { name: 'convnet affine2 forward h·W (tiny)', form: 'nn', m: 100, k: 100, n: 10, accumulate: true },
];

export interface GemmBenchOptions extends WasmGemmOptions {
  /** Shorter runs (for a smoke test): fewer, shorter timed runs. */
  quick?: boolean;
  /** Shapes to measure (default GEMM_BENCH_SHAPES). */
  shapes?: readonly GemmShape[];
  /** The backend to measure (default: a fresh `createWasmGemm(options)`). */
  backend?: WasmGemm;
  /** Skip the TypeScript reference (tsGflops = NaN). */
  skipTypescript?: boolean;
}

/**
 * GFLOP/s of `runs` timed runs of `fn`, each repeating it to last ≥ runMs, after a warm-up: the
 * median, and the best run (what the code does on a core nothing else disturbs).
 */
function measure(fn: () => void, flops: number, runs: number, runMs: number): Rate {
  return alternateRates([{ key: 'fn', fn }], flops, runs, runMs).fn;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Measures every shape; returns one row per shape (GFLOP/s rounded to 0.1). */
export function benchGemm(options: GemmBenchOptions = {}): GemmBenchRow[] {
  const wasm = options.backend ?? createWasmGemm(options);
  if (!wasm) throw new Error('benchGemm: the WebAssembly GEMM is not available here');
  const quick = options.quick ?? false;
  const runs = quick ? 5 : 15;
  const runMs = quick ? 3 : 8;
  const rows: GemmBenchRow[] = [];
  for (const s of options.shapes ?? GEMM_BENCH_SHAPES) {
    const { form, m, k, n, accumulate } = s;
    const flops = 2 * m * k * n;
    const a = random(m * k, 1);
    const b = random(k * n, 2);
    const c = random(m * n, 3);
    const call = (be: GemmBackend) => () => be[form](a, b, c, m, k, n, accumulate);
    const wasmRate = measure(call(wasm), flops, runs, runMs);
    const { a: pa, b: pb, c: pc, view } = wasm.alloc(m, k, n);
    view.set(a, pa >> 2);
    view.set(b, pb >> 2);
    view.set(c, pc >> 2);
    const kernelRate = measure(() => wasm.raw(form, pa, pb, pc, m, k, n, accumulate), flops, runs, runMs);
    const tsRate = options.skipTypescript ? NaN : measure(call(typescriptGemm), flops, 5, runMs * 4).median;
    rows.push({
      shape: `${m}×${k}×${n} ${s.name}`,
      form,
      gflops: round1(wasmRate.median),
      bestGflops: round1(wasmRate.best),
      kernelGflops: round1(kernelRate.median),
      tsGflops: round1(tsRate),
    });
  }
  return rows;
}

/** The rows as a Markdown table. */
export function formatGemmBench(rows: readonly GemmBenchRow[]): string {
  const lines = [
    '| shape (m×k×n) | form | WASM GFLOP/s (median) | best | kernel only | TS GFLOP/s | speed-up |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const f = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(1));
  for (const r of rows) {
    lines.push(
      `| ${r.shape} | ${r.form} | ${f(r.gflops)} | ${f(r.bestGflops)} | ${f(r.kernelGflops)} | ${f(r.tsGflops)} | ${f(r.gflops / r.tsGflops)}× |`,
    );
  }
  return lines.join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const ti = args.indexOf('--threads');
  const threads = ti >= 0 ? Number(args[ti + 1]) : 1;
  if (!Number.isInteger(threads) || threads < 1) {
    console.error(`benchGemm: --threads must be a positive integer, got ${ti >= 0 ? String(args[ti + 1]) : ''}`);
    process.exit(2);
  }
  const backend = createWasmGemm({ relaxed: !args.includes('--no-relaxed'), threads });
  if (!backend) throw new Error('WebAssembly GEMM unavailable');
  if (backend.threads !== threads) throw new Error(`benchGemm: asked for ${threads} threads, got ${backend.threads}`);
  const rows = benchGemm({ quick: args.includes('--quick'), backend, skipTypescript: args.includes('--no-ts') });
  backend.dispose();
  const { posted, takenBack } = backend.threadStats;
  if (args.includes('--json')) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log(`${backend.name}, node ${process.version}\n\n${formatGemmBench(rows)}`);
    if (threads > 1)
      console.log(`\nparts handed to worker threads: ${posted}, of which run by the calling thread: ${takenBack}`);
  }
}
