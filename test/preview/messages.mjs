// Realistic host → webview message sequences for the preview: what the session forwards from the
// worker for a short two-layer run and for a deep-convnet run, built from the engine's own presets
// and shape inference (dist/engine.js) so layer ids and shapes are the real ones; and the recorded
// fixtures (record.mjs): a simple-convnet run with every probe, stepping and a gradient check, and
// the result of each chapter-6 experiment.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A seeded generator (mulberry32) so every preview shows the same curves. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** LayerInfo[] of a preset, as the worker's `layerInfo` reports it. */
export function layersOf(presetName, distDir) {
  const engine = require(`${distDir}/engine.js`);
  const preset = engine.findPreset(presetName);
  const { layers, problems } = engine.inferShapes(preset.spec);
  if (problems.length) throw new Error(`${presetName}: ${JSON.stringify(problems)}`);
  return {
    spec: preset.spec,
    layers: layers.map((p) => ({
      id: p.id,
      kind: p.kind,
      inShape: p.inShape.slice(),
      outShape: p.outShape.slice(),
      paramCount: p.paramCount,
      params: p.params.map((q) => ({ name: `${p.id}.${q.name}`, shape: q.shape.slice() })),
    })),
  };
}

/** A snapshot of nothing: what the host answers `ready` with before a run starts. */
export function emptySnapshot() {
  return {
    type: 'snapshot',
    started: null,
    state: 'starting',
    iteration: 0,
    epoch: 0,
    lossIterations: [],
    losses: [],
    epochs: [],
    samplesPerSecond: 0,
    params: null,
    error: null,
    done: null,
    selectedLayer: null,
    activations: null,
    weightHistograms: null,
    gradientIterations: [],
    gradients: [],
    filters: null,
    featureMaps: null,
    cursor: null,
    gradcheck: null,
    experiment: null,
  };
}

/** Parameter statistics that drift plausibly with training progress `t` in [0, 1]. */
function paramStats(layers, iteration, t, rand) {
  const stats = [];
  for (const l of layers) {
    for (const p of l.params) {
      const isBias = p.shape.length === 1;
      const n = p.shape.reduce((a, b) => a * b, 1);
      const std = isBias ? 0.002 + 0.02 * t : Math.sqrt(2 / (p.shape[0] || 1)) * (1 + 0.15 * t);
      stats.push({
        name: p.name,
        layer: l.id,
        shape: p.shape,
        mean: (rand() - 0.5) * (isBias ? 0.01 : 0.002),
        std,
        norm: std * Math.sqrt(n),
        gradNorm: iteration === 0 ? 0 : (0.4 + rand() * 0.2) * (1 - 0.7 * t) * (isBias ? 0.3 : 1),
      });
    }
  }
  return { type: 'probe/params', iteration, stats };
}

/**
 * A run from start to `stopAt` iterations: run/started, states, metrics every 20 iterations with a
 * decreasing noisy loss, an epoch every `itersPerEpoch`, probes every 100 iterations, a pause and
 * resume, and, when `stopAt` is the end, run/done.
 */
export function runSequence({ name, spec, layers, itersPerEpoch, epochs, batchSize, train, test, stopAt, seed = 1 }) {
  const rand = rng(seed);
  const total = itersPerEpoch * epochs;
  const end = Math.min(stopAt ?? total, total);
  const paramCount = layers.reduce((s, l) => s + l.paramCount, 0);
  const out = [emptySnapshot(), { type: 'train/state', state: 'starting', iteration: 0 }];
  out.push({
    type: 'run/started',
    name,
    spec,
    layers,
    paramCount,
    totalIterations: total,
    itersPerEpoch,
    batchSize,
    optimizer: spec.training?.optimizer?.type ?? 'sgd',
    lr: spec.training?.optimizer?.lr ?? 0.1,
    seed,
    dataset: { name: 'mnist', train, test },
  });
  out.push(paramStats(layers, 0, 0, rand));
  out.push({ type: 'train/state', state: 'running', iteration: 0 });
  for (let first = 1; first <= end; first += 20) {
    const last = Math.min(end, first + 19);
    const losses = [];
    for (let i = first; i <= last; i++) {
      const base = 0.22 + 2.08 * Math.exp(-i / 90);
      losses.push(Math.max(0.02, base * (1 + (rand() - 0.5) * 0.5)));
    }
    out.push({
      type: 'train/metrics',
      firstIteration: first,
      losses,
      iteration: last,
      epoch: Math.floor(last / itersPerEpoch),
      samplesPerSecond: 10_800 + rand() * 600,
      elapsedMs: last * 9,
    });
    if (last % 100 === 0) out.push(paramStats(layers, last, last / total, rand));
    if (last % itersPerEpoch === 0) {
      const e = last / itersPerEpoch;
      const trainAccuracy = 0.97 - 0.1 * Math.exp(-(e - 1) * 0.9);
      out.push({ type: 'train/epoch', epoch: e, iteration: last, trainAccuracy, testAccuracy: trainAccuracy - 0.006 });
    }
    if (last === 300 && end > 300) {
      out.push({ type: 'train/state', state: 'paused', iteration: last });
      out.push({ type: 'train/state', state: 'running', iteration: last });
    }
  }
  if (end === total) {
    const lastEpoch = out.filter((m) => m.type === 'train/epoch').pop();
    out.push(paramStats(layers, total, 1, rand));
    out.push({
      type: 'run/done',
      iteration: total,
      trainAccuracy: lastEpoch.trainAccuracy,
      testAccuracy: lastEpoch.testAccuracy,
      seconds: (total * 9) / 1000,
    });
    out.push({ type: 'train/state', state: 'done', iteration: total });
  }
  return out;
}

/** Decodes the typed arrays of a recorded fixture (see record.mjs). */
export function revive(json) {
  const bytes = (s) => Buffer.from(s, 'base64');
  return JSON.parse(json, (_, v) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (typeof v.$f32 === 'string') {
        const b = bytes(v.$f32);
        return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      }
      if (typeof v.$u8 === 'string') return Float32Array.from(bytes(v.$u8), (x) => x / 255);
      if (typeof v.$q8 === 'string') {
        const span = v.hi - v.lo;
        return Float32Array.from(bytes(v.$q8), (x) => (x === 255 ? NaN : v.lo + (x / 254) * span));
      }
    }
    return v;
  });
}

/** The events of a recorded fixture (test/preview/fixtures/NAME.json), typed arrays decoded. */
export function fixture(name) {
  return revive(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
}

/** The experiments there are fixtures of, in the book's order. */
export const EXPERIMENTS = [
  'optimizer-compare',
  'weight-init-histogram',
  'weight-init-compare',
  'batchnorm',
  'overfit-weight-decay',
  'overfit-dropout',
  'hyperparameter-search',
];
