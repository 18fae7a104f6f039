/**
 * 1 thread against N threads on the arena, alternated in one process: per round, a block of training
 * steps of a benchmark net on each thread count in turn (the same net, data and trainer), so a
 * machine whose per-core speed drifts or whose other core is busy for a while affects both alike.
 * Prints the median step time per thread count and their ratio per round.
 *
 *   npx tsx src/engine/kernels/abThreads.ts [--net two-layer|simple-convnet] [--rounds R] [--ms M]
 *     [--threads N] [--parts P] [--min-flops F] [--no-backoff] [--json]
 *
 * `--ms` is the length of each block (default 300 ms); rounds default 8.
 */
import { loadDataset } from '../data/dataset';
import { buildNetwork } from '../network';
import { Trainer } from '../trainer';
import { PROFILE_NETS } from './profileStep';
import { currentArena, useFastKernels } from './select';
import { median } from './timing';

export interface AbResult {
  net: string;
  threads: number;
  /** Per round: median step ms on 1 thread, on `threads` threads. */
  rounds: { one: number; many: number }[];
  one: number;
  many: number;
  helperShare: number;
  backoffs: number;
  jobsAlone: number;
}

export function abThreads(
  name: string,
  opts: { rounds?: number; ms?: number; threads?: number; parts?: number; minFlops?: number; backoff?: boolean } = {},
): AbResult {
  const threads = opts.threads ?? 2;
  const choice = useFastKernels('auto', threads);
  if (choice.threads !== threads) throw new Error(`abThreads: ${threads} threads unavailable: ${choice.warning}`);
  const arena = currentArena();
  if (!arena) throw new Error('abThreads: no arena');
  if (opts.parts !== undefined) arena.threadParts = opts.parts;
  if (opts.minFlops !== undefined) arena.threadMinFlops = opts.minFlops;
  if (opts.backoff !== undefined) arena.threadBackoff = opts.backoff;
  const data = loadDataset({ testLimit: 1 });
  const net = buildNetwork(PROFILE_NETS[name], { seed: 0 });
  const trainer = new Trainer(net, data.train, data.test, {
    batchSize: 100,
    optimizer: { type: 'sgd', lr: 0.1 },
    iterations: Number.MAX_SAFE_INTEGER,
  });
  const block = (n: number): number => {
    arena.setThreads(n);
    for (let i = 0; i < 3; i++) trainer.step();
    const times: number[] = [];
    const t0 = performance.now();
    while (performance.now() - t0 < (opts.ms ?? 300)) {
      const t = performance.now();
      trainer.step();
      times.push(performance.now() - t);
    }
    return median(times);
  };
  block(threads); // boot the helpers
  const rounds: { one: number; many: number }[] = [];
  const before = arena.threadStats();
  for (let r = 0; r < (opts.rounds ?? 8); r++) {
    // alternate which goes first
    if (r % 2) {
      const many = block(threads);
      rounds.push({ one: block(1), many });
    } else rounds.push({ one: block(1), many: block(threads) });
  }
  const after = arena.threadStats();
  arena.setThreads(1);
  return {
    net: name,
    threads,
    rounds,
    one: median(rounds.map((r) => r.one)),
    many: median(rounds.map((r) => r.many)),
    helperShare: (after.helperParts - before.helperParts) / Math.max(1, after.parts - before.parts),
    backoffs: after.backoffs - before.backoffs,
    jobsAlone: after.jobsAlone - before.jobsAlone,
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (flag: string): number | undefined => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  const ni = args.indexOf('--net');
  const nets = ni >= 0 ? [args[ni + 1]] : Object.keys(PROFILE_NETS);
  for (const n of nets) {
    const r = abThreads(n, {
      rounds: opt('--rounds'),
      ms: opt('--ms'),
      threads: opt('--threads'),
      parts: opt('--parts'),
      minFlops: opt('--min-flops'),
      backoff: args.includes('--no-backoff') ? false : undefined,
    });
    if (args.includes('--json')) console.log(JSON.stringify(r));
    else {
      console.log(
        `${n}: 1 thread ${r.one.toFixed(3)} ms (${Math.round(100000 / r.one).toLocaleString('en')}/s), ` +
          `${r.threads} threads ${r.many.toFixed(3)} ms (${Math.round(100000 / r.many).toLocaleString('en')}/s), ` +
          `×${(r.one / r.many).toFixed(2)}; helper ran ${(100 * r.helperShare).toFixed(0)}% of parts; ` +
          `back-offs ${r.backoffs}, jobs alone ${r.jobsAlone}`,
      );
      console.log('  rounds (1 / N ms): ' + r.rounds.map((x) => `${x.one.toFixed(3)}/${x.many.toFixed(3)}`).join(' '));
    }
  }
}
