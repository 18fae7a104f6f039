// Looks for leaks in what runs during a long training run, without an editor: the worker's Runner
// (training, metrics, probes, checkpoints), the host's RunStore and the webview's reducer, all in
// this one process, fed the same events the extension passes along. Every SAMPLE seconds it forces
// a full garbage collection and records the live JavaScript heap: a leak shows as a heap that keeps
// growing after GC; bounded state shows as a flat line. (RSS is printed too, but it also holds
// allocator slack and the WebAssembly memory, which is grown once.)
//
//   node --expose-gc --import tsx scripts/measure-heap.mts [minutes=5] [sampleSeconds=30]
//
// Prints one JSON line: samples of { seconds, iteration, heapMB, rssMB } and the heap's growth
// between the first sample after warm-up and the last.
import { currentArena, useFastKernels } from '../src/engine/kernels/select';
import { findPreset } from '../src/engine/presets';
import { RunStore } from '../src/session/runStore';
import type { HostToWebview, WorkerEvent } from '../src/shared/protocol';
import { Runner } from '../src/worker/runner';
import { initialState, reduce } from '../webview/state';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const minutes = Number(process.argv[2] ?? 5);
const sampleSeconds = Number(process.argv[3] ?? 30);

useFastKernels();
const store = new RunStore();
let panel = initialState();
let iteration = 0;
const post = (e: WorkerEvent) => {
  store.apply(e);
  if (e.type !== 'run/weights') panel = reduce(panel, e as HostToWebview);
  if (e.type === 'train/metrics') iteration = e.iteration;
};
const runner = new Runner(post, (fn) => setImmediate(fn), { name: 'wasm' });
runner.handle({
  type: 'run/start',
  spec: findPreset('two-layer')!.spec,
  options: { seed: 1, epochs: 100_000, probeEvery: 50 },
  extensionPath: process.cwd(),
});

const samples: { seconds: number; iteration: number; heapMB: number; rssMB: number; arenaMB?: number; arenaLiveMB?: number }[] = [];
const t0 = Date.now();
const mb = (x: number) => Math.round((x / 2 ** 20) * 10) / 10;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    if (!process.env.NO_GC) gc();
    const m = process.memoryUsage();
    const a = currentArena()?.stats();
    const s = {
      seconds: Math.round((Date.now() - t0) / 1000),
      iteration,
      heapMB: mb(m.heapUsed),
      rssMB: mb(m.rss),
      ...(a ? { arenaMB: mb(a.memoryBytes), arenaLiveMB: mb(a.liveBytes) } : {}),
    };
    samples.push(s);
    console.error(JSON.stringify(s));
    if (Date.now() - t0 >= minutes * 60_000) {
      clearInterval(timer);
      runner.handle({ type: 'run/stop' });
      resolve();
    }
  }, sampleSeconds * 1000);
});
const first = samples[1] ?? samples[0];
const last = samples[samples.length - 1];
console.log(
  JSON.stringify({
    minutes,
    iterations: last.iteration,
    heapGrowthMB: Math.round((last.heapMB - first.heapMB) * 10) / 10,
    lossPointsKept: panel.losses.length,
    gradientPointsKept: panel.gradientIterations.length,
    samples,
  }),
);
process.exit(0);
