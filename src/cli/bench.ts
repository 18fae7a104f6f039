/**
 * `scratchnet bench`: training throughput measured the way ../shared/bench/numpy_reference.py measures
 * numpy's — the same networks (He init, SGD lr 0.1, batch 100), 5 warm-up steps, a 0.5 s calibration,
 * then timed windows of about 2 s each — so the two can be compared in one session.
 */
import { loadDataset } from '../engine/data/dataset';
import { gemmBackend } from '../engine/gemm';
import { GEMM_BENCH_SHAPES } from '../engine/kernels/benchGemm';
import { currentArena, useFastKernels } from '../engine/kernels/select';
import { alternateRates, median, xorshiftArray, type Rate } from '../engine/kernels/timing';
import type { WasmGemm } from '../engine/kernels/wasmGemm';
import { buildNetwork } from '../engine/network';
import { simpleConvNetSpec } from '../engine/presets';
import type { NetworkSpec } from '../engine/spec';
import { Trainer } from '../engine/trainer';
import { oneOf, parseFlags, positiveInt, UsageError } from './args';
import { emitJson, fmt } from './output';

/** The two benchmark networks, as numpy_reference.py builds them. */
const NETS: Record<string, NetworkSpec> = {
  'two-layer': {
    name: 'two-layer',
    input: [784],
    init: 'he',
    layers: [{ type: 'affine', units: 50 }, { type: 'relu' }, { type: 'affine', units: 10 }],
  },
  'simple-convnet': { ...simpleConvNetSpec(), init: 'he' },
};

const BATCH = 100;
const WARMUP = 5;
/** Most threads `--threads` accepts (a GEMM split wider than this gains nothing on any machine here). */
const MAX_THREADS = 64;


export function benchCommand(argv: string[]): void {
  const flags = parseFlags('bench', argv, { net: 'string', gemm: 'boolean', rounds: 'int', windows: 'int', 'window-seconds': 'number', threads: 'int', seed: 'int', 'data-dir': 'string', json: 'boolean' });
  const threads = positiveInt(flags, 'threads', 'bench') ?? 1;
  if (threads > MAX_THREADS) throw new UsageError(`bench: --threads must be at most ${MAX_THREADS}, got ${threads}`);
  if (flags.gemm) {
    if (flags.net !== undefined) throw new UsageError('bench: give --net or --gemm, not both');
    benchGemmShapes(threads, positiveInt(flags, 'rounds', 'bench') ?? 7, flags.json === true);
    return;
  }
  const name = oneOf(flags, 'net', Object.keys(NETS), 'bench');
  if (!name) throw new UsageError(`bench: --net is required (one of ${Object.keys(NETS).join(', ')}), or --gemm`);
  const windows = positiveInt(flags, 'windows', 'bench') ?? 5;
  const windowS = (flags['window-seconds'] as number | undefined) ?? 2;
  if (!(windowS > 0)) throw new UsageError('bench: --window-seconds must be positive');
  let choice: ReturnType<typeof useFastKernels> | undefined;
  if (threads > 1) {
    // The CLI installed the single-threaded kernels at start; install the threaded backend instead.
    if (process.env.SCRATCHNET_KERNELS === 'typescript') {
      throw new UsageError('bench: --threads above 1 needs the WebAssembly kernels, but SCRATCHNET_KERNELS=typescript is set');
    }
    choice = useFastKernels('auto', threads);
    if (choice.threads !== threads) {
      throw new UsageError(`bench: --threads ${threads} is not available here: ${choice.warning ?? `the ${choice.name} kernels run 1 thread`}`);
    }
  }
  const data = loadDataset({ dir: typeof flags['data-dir'] === 'string' ? flags['data-dir'] : undefined, testLimit: 1 });
  const net = buildNetwork(NETS[name], { seed: (flags.seed as number | undefined) ?? 0 });
  const trainer = new Trainer(net, data.train, data.test, { batchSize: BATCH, optimizer: { type: 'sgd', lr: 0.1 }, iterations: Number.MAX_SAFE_INTEGER });
  for (let i = 0; i < WARMUP; i++) trainer.step();
  let t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 500) {
    trainer.step();
    n++;
  }
  const perWindow = Math.max(2, Math.floor((n * windowS * 1000) / (performance.now() - t0)));
  const rates: number[] = [];
  let peakRss = process.memoryUsage().rss;
  for (let w = 0; w < windows; w++) {
    t0 = performance.now();
    for (let i = 0; i < perWindow; i++) trainer.step();
    rates.push((perWindow * BATCH) / ((performance.now() - t0) / 1000));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (!flags.json) process.stderr.write(`window ${w + 1}/${windows}: ${fmt(rates[w], 4)} samples/s\n`);
  }
  const backend = gemmBackend() as Partial<WasmGemm>;
  const arena = threads > 1 && choice?.name.includes('arena') ? currentArena() : undefined;
  const result = {
    net: name,
    samplesPerSecond: { median: median(rates), min: Math.min(...rates), max: Math.max(...rates) },
    peakRssMB: Math.round(peakRss / 1048576),
    threads,
    gemm: gemmBackend().name,
    ...(choice ? { kernels: choice.name } : {}),
    itersPerWindow: perWindow,
    // With the arena's threads: kernel calls split, their parts, the parts the helper ran, and how
    // often the calling thread backed off (helper descheduled) and ran calls alone (docs/PERFORMANCE.md).
    // With the copying threaded GEMM (no arena): parts posted and taken back.
    ...(threads > 1 && arena ? { threadParts: arena.threadStats() } : {}),
    ...(threads > 1 && !arena && backend.threadStats ? { threadParts: { ...backend.threadStats } } : {}),
  };
  if (threads > 1) backend.dispose?.();
  arena?.disposeThreads();
  if (flags.json) emitJson(result);
  else console.log(`${name}: median ${fmt(result.samplesPerSecond.median, 4)} samples/s (min ${fmt(result.samplesPerSecond.min, 4)}, max ${fmt(result.samplesPerSecond.max, 4)}), peak RSS ${result.peakRssMB} MB, GEMM ${result.gemm}`);
}

/** GFLOP/s per shape, at 1 thread and (when threads > 1) at `threads`: the median and best run. */
export interface GemmShapeRates {
  shape: string;
  form: 'nn' | 'tn' | 'nt';
  gflops: Record<string, Rate>;
}

/**
 * `bench --gemm`: the engine's GEMM as training calls it (the WebAssembly arena, operands in its
 * memory, no copies) on 512³ and the MNIST nets' products, 1 thread against `threads` alternated
 * in `rounds` runs of ≥ 20 ms each, every split call handed to the helpers (no back-off). Sparse-input
 * shapes are measured on dense random operands (the dense kernel).
 */
function benchGemmShapes(threads: number, rounds: number, json: boolean): void {
  if (process.env.SCRATCHNET_KERNELS === 'typescript') throw new UsageError('bench --gemm measures the WebAssembly kernels, but SCRATCHNET_KERNELS=typescript is set');
  const choice = useFastKernels('auto', threads);
  const arena = currentArena();
  if (!arena) throw new UsageError(`bench --gemm needs the WebAssembly arena: ${choice.warning ?? choice.name}`);
  if (threads > 1 && choice.threads !== threads) throw new UsageError(`bench: --threads ${threads} is not available here: ${choice.warning ?? 'one thread only'}`);
  // the split kernels as such: no back-off, no switching to one thread (SplitPolicy), which would
  // measure this machine's mood rather than the kernels
  arena.threadBackoff = false;
  const rows: GemmShapeRates[] = [];
  try {
    for (const s of GEMM_BENCH_SHAPES) {
      const { form, m, k, n, accumulate } = s;
      const put = (x: Float32Array) => {
        const y = arena.kernels.allocFloat32(x.length);
        y.set(x);
        return y;
      };
      const a = put(xorshiftArray(m * k, 1));
      const b = put(xorshiftArray(k * n, 2));
      const c = put(xorshiftArray(m * n, 3));
      const fn = () => arena.gemm[form](a, b, c, m, k, n, accumulate);
      const variants = [{ key: '1', fn, before: () => arena.setThreads(1) }];
      if (threads > 1) variants.push({ key: String(threads), fn, before: () => arena.setThreads(threads) });
      const gflops = alternateRates(variants, 2 * m * k * n, rounds, 20);
      rows.push({ shape: `${m}×${k}×${n} ${s.name}`, form, gflops });
      if (!json) process.stderr.write(`${rows[rows.length - 1].shape}: ${variants.map((v) => `${v.key} thread(s) ${fmt(gflops[v.key].median, 3)}`).join(', ')} GFLOP/s\n`);
    }
  } finally {
    arena.disposeThreads();
  }
  const result = { gemm: rows, kernels: choice.name, threads, rounds };
  if (json) emitJson(result);
  else {
    const cols = threads > 1 ? ['1', String(threads)] : ['1'];
    console.log(`| shape (m×k×n) | form | ${cols.map((t) => `${t} thread${t === '1' ? '' : 's'}: GFLOP/s median (best)`).join(' | ')} |`);
    console.log(`| --- | --- | ${cols.map(() => '---:').join(' | ')} |`);
    for (const r of rows) console.log(`| ${r.shape} | ${r.form} | ${cols.map((t) => `${fmt(r.gflops[t].median, 3)} (${fmt(r.gflops[t].best, 3)})`).join(' | ')} |`);
  }
}
