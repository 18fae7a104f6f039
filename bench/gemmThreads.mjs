// The WebAssembly GEMM with 1 thread against 2 threads, alternated in one process so both see the same
// machine: 512³ in each form (and with --all every shape of benchGemm.ts), as the engine calls it
// (copies in and out) and kernel only (operands already in WebAssembly memory), plus the copies alone.
//
//   node bench/gemmThreads.mjs [--rounds N] [--run-ms MS] [--threads N] [--all] [--json]
//
// Each timed run repeats one call until it lasts ≥ run-ms; every round runs each variant once in a
// rotating order; the table gives the median of the rounds and the best round.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const num = (name, dflt) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : dflt);
const rounds = num('rounds', 31);
const runMs = num('run-ms', 5);
const threads = num('threads', 2);
if (!(rounds > 0 && runMs > 0 && Number.isInteger(threads) && threads >= 2)) {
  console.error('gemmThreads: --rounds and --run-ms must be positive, --threads an integer ≥ 2');
  process.exit(2);
}

if (spawnSync(process.execPath, [join(root, 'scripts/build-wasm.mjs')], { stdio: 'inherit' }).status !== 0)
  process.exit(1);
const rootRequire = createRequire(join(root, 'package.json'));
rootRequire('tsx/cjs/api').register();
const { GEMM_BENCH_SHAPES } = rootRequire('./src/engine/kernels/benchGemm.ts');
const { createWasmGemm } = rootRequire('./src/engine/kernels/wasmGemm.ts');
const { xorshiftArray: random, calibrateReps, median } = rootRequire('./src/engine/kernels/timing.ts');
const calibrate = (fn) => calibrateReps(fn, runMs);

const one = createWasmGemm({ threads: 1 });
const many = createWasmGemm({ threads });
if (!one || !many || many.threads !== threads)
  throw new Error('gemmThreads: the WebAssembly GEMM (threads) is unavailable');

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const shapes = args.includes('--all') ? GEMM_BENCH_SHAPES : GEMM_BENCH_SHAPES.filter((s) => s.m === 512);
const load0 = loadavg();
const rows = [];
for (const s of shapes) {
  const { form, m, k, n, accumulate } = s;
  const flops = 2 * m * k * n;
  const a = random(m * k, 1);
  const b = random(k * n, 2);
  const c = random(m * n, 3);
  const raw = (be) => {
    const l = be.alloc(m, k, n);
    l.view.set(a, l.a >> 2);
    l.view.set(b, l.b >> 2);
    l.view.set(c, l.c >> 2);
    return () => be.raw(form, l.a, l.b, l.c, m, k, n, accumulate);
  };
  // the copies the backend makes around the kernel (A, B in; C in when accumulating; C out)
  const l1 = one.alloc(m, k, n);
  const copies = () => {
    const v = l1.view;
    v.set(a, l1.a >> 2);
    v.set(b, l1.b >> 2);
    if (accumulate) v.set(c, l1.c >> 2);
    c.set(v.subarray(l1.c >> 2, (l1.c >> 2) + m * n));
  };
  const variants = [
    { key: '1 thread', fn: () => one[form](a, b, c, m, k, n, accumulate) },
    { key: `${threads} threads`, fn: () => many[form](a, b, c, m, k, n, accumulate) },
    { key: '1 thread kernel', fn: raw(one) },
    { key: `${threads} threads kernel`, fn: raw(many) },
  ];
  for (const v of variants) {
    v.reps = calibrate(v.fn);
    v.rates = [];
  }
  const copyTimes = [];
  const copyReps = calibrate(copies);
  const before = { ...many.threadStats };
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + r) % variants.length];
      const t0 = performance.now();
      for (let j = 0; j < v.reps; j++) v.fn();
      v.rates.push((flops * v.reps) / ((performance.now() - t0) * 1e6));
    }
    const t0 = performance.now();
    for (let j = 0; j < copyReps; j++) copies();
    copyTimes.push((performance.now() - t0) / copyReps);
  }
  const row = { shape: `${m}×${k}×${n} ${s.name}`, form };
  for (const v of variants) row[v.key] = { median: median(v.rates), best: Math.max(...v.rates) };
  row.copiesMs = { median: median(copyTimes), best: Math.min(...copyTimes) };
  row.parts = {
    posted: many.threadStats.posted - before.posted,
    takenBack: many.threadStats.takenBack - before.takenBack,
  };
  rows.push(row);
}
one.dispose();
many.dispose();
const info = { rounds, runMs, threads, loadavgStart: load0, loadavgEnd: loadavg(), backend: many.name };
if (args.includes('--json')) console.log(JSON.stringify({ info, rows }, null, 2));
else {
  const f = (x) => `${x.median.toFixed(1)} (${x.best.toFixed(1)})`;
  console.log(
    `${many.name} against ${one.name}; ${rounds} rounds of ≥ ${runMs} ms; load ${info.loadavgStart} → ${info.loadavgEnd}`,
  );
  console.log('GFLOP/s median (best); copies: ms per call of the copies alone, median (best)\n');
  console.log(
    `| shape | form | 1 thread | ${threads} threads | 1 thread kernel | ${threads} threads kernel | copies ms | parts run by the caller |`,
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.shape} | ${r.form} | ${f(r['1 thread'])} | ${f(r[`${threads} threads`])} | ${f(r['1 thread kernel'])} | ${f(r[`${threads} threads kernel`])} | ${r.copiesMs.median.toFixed(3)} (${r.copiesMs.best.toFixed(3)}) | ${r.parts.takenBack}/${r.parts.posted} |`,
    );
  }
}
