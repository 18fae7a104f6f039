/**
 * `scratchnet bench`: training throughput measured the way ../shared/bench/numpy_reference.py measures
 * numpy's — the same networks (He init, SGD lr 0.1, batch 100), 5 warm-up steps, a 0.5 s calibration,
 * then timed windows of about 2 s each — so the two can be compared in one session.
 */
import { loadDataset } from '../engine/data/dataset';
import { gemmBackend } from '../engine/gemm';
import { currentArena, useFastKernels } from '../engine/kernels/select';
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

function median(s: number[]): number {
  const a = [...s].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

export function benchCommand(argv: string[]): void {
  const flags = parseFlags('bench', argv, { net: 'string', windows: 'int', 'window-seconds': 'number', threads: 'int', seed: 'int', 'data-dir': 'string', json: 'boolean' });
  const name = oneOf(flags, 'net', Object.keys(NETS), 'bench');
  if (!name) throw new UsageError(`bench: --net is required, one of ${Object.keys(NETS).join(', ')}`);
  const windows = positiveInt(flags, 'windows', 'bench') ?? 5;
  const windowS = (flags['window-seconds'] as number | undefined) ?? 2;
  if (!(windowS > 0)) throw new UsageError('bench: --window-seconds must be positive');
  const threads = positiveInt(flags, 'threads', 'bench') ?? 1;
  if (threads > MAX_THREADS) throw new UsageError(`bench: --threads must be at most ${MAX_THREADS}, got ${threads}`);
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
