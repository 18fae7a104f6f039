/**
 * The arena's split kernels alone, 1 thread against N alternated in one process, on the shapes of
 * the two benchmark nets and 512³: median ms per call (and GFLOP/s for products).
 *
 *   npx tsx src/engine/kernels/benchArenaThreads.ts [--threads N] [--parts P] [--rounds R] [--only NAME] [--no-backoff]
 */
import { Rng } from '../rng';
import { createWasmArena } from './wasmArena';

const args = process.argv.slice(2);
const opt = (flag: string): number | undefined => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const threads = opt('--threads') ?? 2;
const rounds = opt('--rounds') ?? 15;
const arena = createWasmArena();
if (!arena) throw new Error('no arena');
if (arena.setThreads(threads) !== threads) throw new Error(`threads: ${arena.threadsUnavailableReason}`);
arena.threadMinFlops = 0;
if (args.includes('--no-backoff')) arena.threadBackoff = false;
if (opt('--parts') !== undefined) arena.threadParts = opt('--parts') as number;
const rng = new Rng(1);
const rand = (n: number, zeros = 0) => {
  const a = arena.kernels.allocFloat32(n);
  for (let i = 0; i < n; i++) a[i] = rng.random() < zeros ? 0 : rng.uniform(-1, 1);
  return a;
};
const median = (s: number[]) => [...s].sort((x, y) => x - y)[s.length >> 1];

interface Case {
  name: string;
  flops: number;
  run: () => void;
}
const cases: Case[] = [];
const product = (form: 'nn' | 'tn' | 'nt', m: number, k: number, n: number, zeros = 0) => {
  const a = rand(m * k, zeros);
  const b = rand(k * n);
  const c = rand(m * n);
  cases.push({
    name: `${form} ${m}×${k}×${n}${zeros ? ' sparse' : ''}`,
    flops: 2 * m * k * n,
    run: () => arena.gemm[form](a, b, c, m, k, n),
  });
};
product('nn', 512, 512, 512);
product('tn', 512, 512, 512);
product('nt', 512, 512, 512);
product('nn', 100, 4320, 100);
product('tn', 4320, 100, 100);
product('nt', 100, 100, 4320);
product('nn', 100, 784, 50, 0.8);
product('tn', 784, 100, 50, 0.8);
{
  const x = rand(100 * 784, 0.6);
  const wt = rand(30 * 25);
  const b = rand(30);
  const y = rand(100 * 30 * 576);
  const dw = rand(30 * 25);
  const db = rand(30);
  cases.push({
    name: 'conv forward 100×28², 30×5×5',
    flops: 2 * 100 * 30 * 25 * 576,
    run: () => arena.kernels.convForward(x, 100, 1, 28, 28, 5, 5, 0, wt, b, 30, y),
  });
  cases.push({
    name: 'conv dW',
    flops: 2 * 100 * 30 * 25 * 576,
    run: () => arena.kernels.convWeightGrad(x, y, 100, 1, 28, 28, 5, 5, 0, 30, dw),
  });
  cases.push({ name: 'conv bias sums', flops: 0, run: () => arena.kernels.blockSums(y, db, 100, 30, 576) });
  const q = rand(3000 * 144);
  const arg = arena.kernels.allocInt32(3000 * 144);
  const dx = rand(3000 * 576);
  cases.push({
    name: 'relu + pool forward',
    flops: 0,
    run: () => arena.kernels.maxPoolForward(y, 3000, 24, 24, 2, 2, 2, 0, q, arg, true),
  });
  cases.push({
    name: 'relu + pool backward',
    flops: 0,
    run: () => arena.kernels.maxPoolBackward(q, arg, dx, y, [3000, 24, 24]),
  });
}

{
  const w = rand(432_010);
  const g = rand(432_010);
  cases.push({ name: 'sgd 432k (SimpleConvNet)', flops: 0, run: () => arena.kernels.sgd(w, g, 1e-9) });
  const pixels = new Uint8Array(60000 * 784).map((_, i) => (i * 2654435761) >>> 24);
  const bytes = arena.kernels.pixelBytes(pixels);
  const order = new Int32Array(100).map(() => rng.int(60000));
  const out = rand(100 * 784);
  cases.push({ name: 'gather 100 rows', flops: 0, run: () => arena.kernels.gatherPixels(bytes, order, 784, out) });
}

function time(c: Case, n: number): number {
  arena!.setThreads(n);
  c.run();
  const t: number[] = [];
  const t0 = performance.now();
  while (t.length < 5 || performance.now() - t0 < 30) {
    const s = performance.now();
    c.run();
    t.push(performance.now() - s);
  }
  return median(t);
}
for (const c of cases) {
  if (only && !c.name.includes(only)) continue;
  const one: number[] = [];
  const many: number[] = [];
  for (let r = 0; r < rounds; r++) {
    one.push(time(c, 1));
    many.push(time(c, threads));
  }
  const a = median(one);
  const b = median(many);
  const g = (ms: number) => (c.flops ? ` (${(c.flops / ms / 1e6).toFixed(1)} GFLOP/s)` : '');
  console.log(
    `${c.name.padEnd(32)} 1: ${a.toFixed(3)} ms${g(a)}  ${threads}: ${b.toFixed(3)} ms${g(b)}  ×${(a / b).toFixed(2)}`,
  );
}
console.log(JSON.stringify(arena.threadStats()));
arena.disposeThreads();
