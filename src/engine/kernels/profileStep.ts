/**
 * Per-layer profile of one training step of the two benchmark nets (the ones `scratchnet bench` and
 * ../shared/bench/numpy_reference.py train: He init, SGD lr 0.1, batch 100): batch gather, every
 * layer's forward and backward, the loss, weight decay and the optimizer update, each timed on its
 * own. Per part the median over the timed steps (the machine is shared: medians, not means).
 *
 *   npx tsx src/engine/kernels/profileStep.ts [--net two-layer|simple-convnet] [--steps N] [--ts] [--json]
 *     [--threads N] [--parts P] [--min-flops F]
 *
 * `--ts` profiles the TypeScript kernels instead of the WebAssembly ones. `--threads N` splits the
 * arena's big kernels over N threads, in `--parts P` parts (default 4) when a kernel does at least
 * `--min-flops F` (default 1e6; see `WasmArena.threadParts` and `threadMinFlops`).
 */
import { loadDataset } from '../data/dataset';
import { gemmBackend } from '../gemm';
import { Relu } from '../layers/activations';
import { Pooling } from '../layers/pool';
import { backwardFused, buildNetwork, type Network } from '../network';
import { simpleConvNetSpec } from '../presets';
import type { NetworkSpec } from '../spec';
import { Trainer } from '../trainer';
import { currentArena, useFastKernels } from './select';
import { median } from './timing';

export const PROFILE_NETS: Record<string, NetworkSpec> = {
  'two-layer': {
    name: 'two-layer',
    input: [784],
    init: 'he',
    layers: [{ type: 'affine', units: 50 }, { type: 'relu' }, { type: 'affine', units: 10 }],
  },
  'simple-convnet': { ...simpleConvNetSpec(), init: 'he' },
};

export interface ProfileRow {
  part: string;
  /** Median milliseconds per step. */
  ms: number;
}

export interface StepProfile {
  net: string;
  kernels: string;
  steps: number;
  rows: ProfileRow[];
  /** Median of whole steps (timed separately from the parts). */
  stepMs: number;
  samplesPerSecond: number;
  /** With threads: kernel calls split, their parts, and the parts the helpers ran. */
  threadStats?: import('./wasmArena').ArenaThreadStats;
}

/**
 * One instrumented step: the same work as `Trainer.step()` (and the same fusion as `Network.forward`
 * and `backward`), timed part by part into `into`.
 */
function timedStep(trainer: Trainer, net: Network, into: Map<string, number[]>): void {
  const add = (k: string, v: number) => {
    let a = into.get(k);
    if (!a) into.set(k, (a = []));
    a.push(v);
  };
  let t = performance.now();
  const lap = (k: string) => {
    const now = performance.now();
    add(k, now - t);
    t = now;
  };
  const { x, t: labels } = trainer.nextBatch();
  lap('batch gather');
  let h = x.reshape([x.shape[0], ...net.inShape]);
  const ctx = { train: true, rng: net.rng };
  const layers = net.layers;
  const fused: boolean[] = [];
  for (let i = 0; i < layers.length; i++) {
    // as Network.forward: ReLU + max pooling fused on the fast kernels
    const next = layers[i + 1];
    if (layers[i] instanceof Relu && next instanceof Pooling && next.mode === 'max' && 'forwardAfterRelu' in next) {
      const y = next.forwardAfterRelu(h);
      if (y) {
        h = y;
        fused[i] = true;
        lap(`${layers[i].id} + ${next.id} forward (fused)`);
        i++;
        continue;
      }
    }
    h = layers[i].forward(h, ctx);
    lap(`${layers[i].id} forward`);
  }
  const loss = net.lossLayer.forward(h, labels) + net.decayLoss();
  lap('loss forward');
  let d = net.lossLayer.backward();
  lap('loss backward');
  for (let i = layers.length - 1; i >= 0; i--) {
    if (i > 0 && fused[i - 1]) {
      const r = backwardFused(layers, i, d);
      d = r.d;
      lap(
        `${layers
          .slice(r.from, i + 1)
          .map((l) => l.id)
          .join(' + ')} backward (fused)`,
      );
      i = r.from;
      continue;
    }
    const dx = layers[i].backward(d, i > 0);
    if (dx) d = dx;
    lap(`${layers[i].id} backward`);
  }
  // weight decay is 0 in the benchmark nets (applyDecay returns at once)
  trainer.commit(loss);
  lap('optimizer update');
}

/** Profiles `steps` training steps of a benchmark net after a warm-up. */
export function profileStep(
  name: string,
  steps = 60,
  kernels: 'auto' | 'typescript' = 'auto',
  threads = 1,
  tuning: { parts?: number; minFlops?: number } = {},
): StepProfile {
  const choice = useFastKernels(kernels, threads);
  if (choice.warning) console.warn(choice.warning);
  const arena = currentArena();
  if (arena && tuning.parts !== undefined) arena.threadParts = tuning.parts;
  if (arena && tuning.minFlops !== undefined) arena.threadMinFlops = tuning.minFlops;
  const data = loadDataset({ testLimit: 1 });
  const net = buildNetwork(PROFILE_NETS[name], { seed: 0 });
  const trainer = new Trainer(net, data.train, data.test, {
    batchSize: 100,
    optimizer: { type: 'sgd', lr: 0.1 },
    iterations: Number.MAX_SAFE_INTEGER,
  });
  // warm-up: at least 5 steps and 1 s — V8 compiles WebAssembly on its baseline compiler first and
  // swaps in optimized code later, in every helper thread too (with 5 steps the two-layer net's
  // profile on 2 threads was no faster than on 1, while its steady state is 1.4× faster)
  const w0 = performance.now();
  for (let i = 0; i < 5 || performance.now() - w0 < 1000; i++) trainer.step();
  const parts = new Map<string, number[]>();
  const whole: number[] = [];
  for (let s = 0; s < steps; s++) {
    timedStep(trainer, net, parts);
    const t0 = performance.now();
    trainer.step();
    whole.push(performance.now() - t0);
  }
  const rows = [...parts].map(([part, v]) => ({ part, ms: median(v) }));
  const stepMs = median(whole);
  return {
    net: name,
    kernels: choice.name || gemmBackend().name,
    steps,
    rows,
    stepMs,
    samplesPerSecond: 100000 / stepMs,
    ...(arena && arena.threads > 1 ? { threadStats: arena.threadStats() } : {}),
  };
}

/** The profile as a Markdown table. */
export function formatProfile(p: StepProfile): string {
  const sum = p.rows.reduce((s, r) => s + r.ms, 0);
  const lines = [
    `${p.net}, kernels ${p.kernels}, median of ${p.steps} steps; whole step ${p.stepMs.toFixed(3)} ms = ${Math.round(p.samplesPerSecond).toLocaleString('en')} samples/s`,
    '',
    '| part | ms | share |',
    '| --- | --: | --: |',
    ...p.rows.map((r) => `| ${r.part} | ${r.ms.toFixed(3)} | ${((100 * r.ms) / sum).toFixed(1)}% |`),
    `| sum of parts | ${sum.toFixed(3)} | |`,
  ];
  if (p.threadStats)
    lines.push(
      '',
      `split kernel calls ${p.threadStats.jobs}, parts ${p.threadStats.parts}, run by the helpers ${p.threadStats.helperParts}; ` +
        `back-offs ${p.threadStats.backoffs}, calls run alone ${p.threadStats.jobsAlone}; ` +
        `steps compared 1 thread against split ${p.threadStats.trials} times, ${p.threadStats.switches} switches; ` +
        `the caller waited for the helper ${((100 * p.threadStats.waitMs) / Math.max(1e-9, p.threadStats.jobMs)).toFixed(1)}% of the split calls' time`,
    );
  return lines.join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const ni = args.indexOf('--net');
  const si = args.indexOf('--steps');
  const opt = (flag: string): number | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const nets = ni >= 0 ? [args[ni + 1]] : Object.keys(PROFILE_NETS);
  for (const n of nets) {
    const steps = si >= 0 ? Number(args[si + 1]) : n === 'two-layer' ? 400 : 40;
    const p = profileStep(n, steps, args.includes('--ts') ? 'typescript' : 'auto', opt('--threads') ?? 1, {
      parts: opt('--parts'),
      minFlops: opt('--min-flops'),
    });
    console.log(args.includes('--json') ? JSON.stringify(p) : formatProfile(p) + '\n');
  }
}
