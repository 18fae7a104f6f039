// Scratchnet's WebAssembly GEMM against TensorFlow.js's WebAssembly backend (tf.matMul), on the shapes
// src/engine/kernels/benchGemm.ts measures (512³ and the MNIST nets' products at batch 100), both in
// one process, interleaved, so that both see the same machine.
//
//   npm run bench:tfjs [-- --quick] [--json] [--rounds N] [--run-ms MS] [--only TEXT] [--no-relaxed]
//   node bench/tfjs/compare.mjs [same flags]
//
// --only TEXT: the shapes whose label contains TEXT (e.g. 512); --no-relaxed: our plain-SIMD build
// (mul+add, as tfjs-wasm's build) instead of the relaxed-SIMD one (fused multiply-add).
//
// TensorFlow.js is a benchmark-only dependency of this folder (bench/tfjs/package.json, pinned), not of
// the extension: it is installed here on first use with `npm install --prefix bench/tfjs`.
//
// What is timed, per shape (GFLOP/s = 2·m·k·n / time; each timed run repeats the call until it lasts
// ≥ run-ms; after a warm-up, `rounds` rounds each run every variant once, in a rotating order):
//   ours            the engine's backend call: A, B (and C when accumulating) copied into WebAssembly
//                   memory, the kernel, C copied out (what the engine does today)
//   ours kernel     the same kernel on operands already in WebAssembly memory (no copies)
//   tfjs            tf.tensor2d(A), tf.tensor2d(B) (upload into the wasm heap), tf.matMul,
//                   dataSync() (copy out), dispose: the counterpart of "ours"
//   tfjs resident   A and B uploaded once; per call tf.matMul + dataSync() + dispose: the counterpart
//                   of "ours kernel" (it still copies C out, and tfjs-wasm caches the XNNPACK operator
//                   per B tensor, so B is packed once for all runs: this favours tfjs)
// For tn/nt, tfjs is timed two ways, matMul(a, b, transposeA, transposeB) and tf.transpose + matMul
// (tfjs-wasm sends every transposed matMul to a plain C++ loop and only the untransposed one to
// XNNPACK); the better of the two is the tfjs figure. Where the engine accumulates (C += A·B), tfjs
// computes only A·B, the easier job. The wasm backend runs each kernel synchronously inside the call,
// so the time measured is the work done.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const value = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v <= 0) fail(`--${name} needs a positive number`);
  return v;
};
function fail(msg) {
  console.error(`bench:tfjs: ${msg}`);
  process.exit(1);
}

// ---- dependencies -------------------------------------------------------------------------------

const DEPS = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).dependencies;
function installedVersion(name) {
  const p = join(here, 'node_modules', name, 'package.json');
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')).version : undefined;
}
function ensureDeps() {
  const stale = Object.entries(DEPS).filter(([name, v]) => installedVersion(name) !== v);
  if (stale.length === 0) return;
  console.error(
    `bench:tfjs: installing ${stale.map(([n, v]) => `${n}@${v}`).join(', ')} (npm install --prefix bench/tfjs)`,
  );
  const r = spawnSync('npm', ['install', '--prefix', here, '--no-audit', '--no-fund'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    shell: process.platform === 'win32',
  });
  const still = Object.entries(DEPS).filter(([name, v]) => installedVersion(name) !== v);
  if (r.error || r.status !== 0 || still.length > 0) {
    fail(
      `could not install ${still.map(([n, v]) => `${n}@${v}`).join(', ')} into bench/tfjs/node_modules ` +
        `(npm ${r.error ? r.error.message : `exited with ${r.status}`}; is the npm registry reachable?). ` +
        'Run `npm install --prefix bench/tfjs` when it is, then run this again. Nothing else needs it.',
    );
  }
}
ensureDeps();

// The WebAssembly kernels (generated module, gitignored): built when missing or out of date.
{
  const r = spawnSync(process.execPath, [join(root, 'scripts/build-wasm.mjs')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) fail('node scripts/build-wasm.mjs failed');
}

// Our engine from src/ through tsx (always the current source, and benchGemm.ts's shape table).
const rootRequire = createRequire(join(root, 'package.json'));
rootRequire('tsx/cjs/api').register();
const { GEMM_BENCH_SHAPES } = rootRequire('./src/engine/kernels/benchGemm.ts');
const { createWasmGemm } = rootRequire('./src/engine/kernels/wasmGemm.ts');
const { xorshiftArray: random, calibrateReps, median } = rootRequire('./src/engine/kernels/timing.ts');
const calibrate = (fn) => calibrateReps(fn, runMs);

// tfjs from this folder's node_modules. Under Node the wasm backend reads its .wasm files from its
// own dist/ folder (Emscripten's locateFile next to tf-backend-wasm.node.js), so no setWasmPaths is
// needed; threads: tfjs-wasm reports no multithread support under Node (WASM_HAS_MULTITHREAD_SUPPORT
// is false there) and so loads tfjs-backend-wasm-simd.wasm, single-threaded; setThreadsCount(1) says
// the same explicitly.
const benchRequire = createRequire(join(here, 'package.json'));
const tf = benchRequire('@tensorflow/tfjs-core');
const tfwasm = benchRequire('@tensorflow/tfjs-backend-wasm');
tfwasm.setThreadsCount(1);
if (!(await tf.setBackend('wasm'))) fail('tfjs: the wasm backend did not initialise');
await tf.ready();
const tfSimd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
const tfThreadsSupported = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
if (!tfSimd)
  fail('tfjs: WASM_HAS_SIMD_SUPPORT is false here, so tfjs would run its non-SIMD build: not a fair comparison');

const ours = createWasmGemm({ threads: 1, relaxed: !flag('no-relaxed') });
if (!ours) fail('the Scratchnet WebAssembly GEMM is not available in this runtime');

// ---- measurement --------------------------------------------------------------------------------

const quick = flag('quick');
const rounds = Math.round(value('rounds', quick ? 5 : 21));
const runMs = value('run-ms', quick ? 3 : 10);
const only = args.includes('--only') ? String(args[args.indexOf('--only') + 1]) : undefined;

const maxRelDiff = (x, ref) => {
  let d = 0;
  let s = 0;
  for (let i = 0; i < ref.length; i++) {
    d = Math.max(d, Math.abs(x[i] - ref[i]));
    s = Math.max(s, Math.abs(ref[i]));
  }
  return d / (s || 1);
};

function loadavg() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

const shapes = GEMM_BENCH_SHAPES.filter((s) => !only || `${s.m}×${s.k}×${s.n} ${s.name}`.includes(only));
const startLoad = loadavg();
const t0All = performance.now();
const rows = [];
for (const s of shapes) {
  const { form, m, k, n, accumulate } = s;
  const flops = 2 * m * k * n;
  const tA = form === 'tn';
  const tB = form === 'nt';
  const shapeA = tA ? [k, m] : [m, k];
  const shapeB = tB ? [n, k] : [k, n];
  const a = random(m * k, 1);
  const b = random(k * n, 2);
  const c0 = random(m * n, 3);
  const c = new Float32Array(c0);

  // correctness first: ours (no accumulation) against tfjs, both ways of calling tfjs
  const ref = new Float32Array(m * n);
  ours[form](a, b, ref, m, k, n, false);
  const check = (fn) => {
    const out = fn();
    const r = maxRelDiff(out, ref);
    if (!(r < 1e-4)) fail(`${m}×${k}×${n} ${form}: tfjs and Scratchnet differ (max relative difference ${r})`);
    return r;
  };

  const A = tf.tensor2d(a, shapeA);
  const B = tf.tensor2d(b, shapeB);
  const viaFlags = (x, y) => tf.matMul(x, y, tA, tB);
  const viaTranspose = (x, y) => {
    const xt = tA ? tf.transpose(x) : x;
    const yt = tB ? tf.transpose(y) : y;
    const out = tf.matMul(xt, yt);
    if (xt !== x) xt.dispose();
    if (yt !== y) yt.dispose();
    return out;
  };
  const tfCall = (mm) => () => {
    const x = tf.tensor2d(a, shapeA);
    const y = tf.tensor2d(b, shapeB);
    const out = mm(x, y);
    const data = out.dataSync();
    x.dispose();
    y.dispose();
    out.dispose();
    return data;
  };
  const tfResident = (mm) => () => {
    const out = mm(A, B);
    const data = out.dataSync();
    out.dispose();
    return data;
  };
  let maxDiff = check(tfCall(viaFlags));
  const variants = [
    { key: 'ours', fn: () => ours[form](a, b, c, m, k, n, accumulate) },
    { key: 'tfjs', fn: tfCall(viaFlags) },
    { key: 'oursKernel', fn: null },
    { key: 'tfjsResident', fn: tfResident(viaFlags) },
  ];
  if (tA || tB) {
    maxDiff = Math.max(maxDiff, check(tfCall(viaTranspose)));
    variants.push({ key: 'tfjsT', fn: tfCall(viaTranspose) }, { key: 'tfjsResidentT', fn: tfResident(viaTranspose) });
  }
  // ours on operands already in its memory (the offsets stay valid: same sizes every call)
  const l = ours.alloc(m, k, n);
  l.view.set(a, l.a >> 2);
  l.view.set(b, l.b >> 2);
  l.view.set(c0, l.c >> 2);
  variants.find((v) => v.key === 'oursKernel').fn = () => ours.raw(form, l.a, l.b, l.c, m, k, n, accumulate);

  const leaked = tf.memory().numTensors;
  for (const v of variants) {
    v.reps = calibrate(v.fn);
    v.rates = [];
  }
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + r) % variants.length];
      const t0 = performance.now();
      for (let j = 0; j < v.reps; j++) v.fn();
      v.rates.push((flops * v.reps) / ((performance.now() - t0) * 1e6));
    }
  }
  if (tf.memory().numTensors !== leaked)
    fail(`tfjs tensors leaked in the loop (${leaked} → ${tf.memory().numTensors})`);
  A.dispose();
  B.dispose();

  const stat = (key) => {
    const v = variants.find((x) => x.key === key);
    return v ? { median: median(v.rates), best: Math.max(...v.rates) } : undefined;
  };
  const better = (x, y) =>
    y && y.median > x.median ? { ...y, via: 'transpose+matMul' } : { ...x, via: 'matMul flags' };
  rows.push({
    shape: `${m}×${k}×${n} ${s.name}`,
    form,
    accumulate,
    ours: stat('ours'),
    oursKernel: stat('oursKernel'),
    tfjs: better(stat('tfjs'), stat('tfjsT')),
    tfjsResident: better(stat('tfjsResident'), stat('tfjsResidentT')),
    tfjsFlags: stat('tfjs'),
    tfjsTranspose: stat('tfjsT'),
    tfjsResidentFlags: stat('tfjsResident'),
    tfjsResidentTranspose: stat('tfjsResidentT'),
    maxRelDiff: maxDiff,
  });
  if (!flag('json')) process.stderr.write(`  ${rows.at(-1).shape} ${form}: done\n`);
}
ours.dispose();

const info = {
  node: process.version,
  cpu: cpus()[0]?.model,
  tfjs: `${tf.version_core} / tfjs-backend-wasm ${tfwasm.version_wasm}`,
  tfjsBackend: tf.getBackend(),
  tfjsSimd: tfSimd,
  tfjsMultithreadSupported: tfThreadsSupported,
  tfjsThreads: tfwasm.getThreadsCount(),
  ours: ours.name,
  rounds,
  runMs,
  loadavgStart: startLoad,
  loadavgEnd: loadavg(),
  seconds: Math.round((performance.now() - t0All) / 1000),
};

if (flag('json')) {
  console.log(JSON.stringify({ info, rows }, null, 2));
} else {
  const f = (x) => x.toFixed(1);
  const ratio = (x, y) => `${(x / y).toFixed(2)}×`;
  const lines = [
    `Scratchnet ${info.ours} against tfjs ${info.tfjs} (backend ${info.tfjsBackend}, SIMD ${info.tfjsSimd}, threads ${info.tfjsThreads}), node ${info.node}, ${info.cpu}`,
    `${rounds} interleaved rounds of ≥ ${runMs} ms runs per variant; load average ${info.loadavgStart} → ${info.loadavgEnd}; ${info.seconds} s`,
    '',
    'GFLOP/s, median of the rounds (best run in parentheses)',
    '',
    '| shape (m×k×n) | form | ours | tfjs | ours/tfjs | ours kernel only | tfjs operands resident | ours/tfjs |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const t = (x) => `${f(x.median)} (${f(x.best)})${x.via === 'transpose+matMul' ? ' ᵀ' : ''}`;
    lines.push(
      `| ${r.shape} | ${r.form}${r.accumulate ? ' +=' : ''} | ${t(r.ours)} | ${t(r.tfjs)} | ${ratio(r.ours.median, r.tfjs.median)} | ${t(r.oursKernel)} | ${t(r.tfjsResident)} | ${ratio(r.oursKernel.median, r.tfjsResident.median)} |`,
    );
  }
  lines.push(
    '',
    'ᵀ: tfjs was faster with tf.transpose then an untransposed matMul than with transposeA/transposeB.',
    '+=: Scratchnet accumulates into C there; tfjs computes only the product.',
  );
  console.log(lines.join('\n'));
}
