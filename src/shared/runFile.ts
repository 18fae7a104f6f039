/**
 * The saved-run format (`*.scratchnet-run.json`), written by "Scratchnet: Save Run" and by
 * `scratchnet train --save FILE`, read by "Scratchnet: Open Run": the network spec, the seed and
 * options, the metrics history and every weight (float32, little-endian, base64). Reading validates
 * everything and says what is wrong.
 */
import type { NetworkSpec } from '../engine/spec';
import { checkSpec, formatPath, inferShapes } from '../engine/spec';
import type { EpochEvent, RunStartedEvent } from './protocol';

/** Format tag and version of a run file. */
export const RUN_FORMAT = 'scratchnet-run';
export const RUN_VERSION = 1;

/** One saved parameter. */
export interface SavedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A run as saved. */
export interface SavedRun {
  name: string;
  savedAt: string;
  spec: NetworkSpec;
  seed: number;
  iteration: number;
  totalIterations: number;
  batchSize: number;
  optimizer: string;
  lr: number;
  dataset: { name: string; train: number; test: number };
  lossIterations: number[];
  losses: number[];
  epochs: { epoch: number; iteration: number; trainAccuracy: number; testAccuracy: number }[];
  weights: SavedWeight[];
  /** Wall time of the training until it was saved, in seconds (absent in older files). */
  seconds?: number;
  /** Training speed when it was saved (absent in older files). */
  samplesPerSecond?: number;
}

/** Raised for a file that is not a valid saved run. */
export class RunFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFileError';
  }
}

function toBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.byteLength);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat32(i * 4, a[i], true);
  return Buffer.from(bytes).toString('base64');
}

function fromBase64(s: string, n: number, where: string): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  if (bytes.length !== n * 4) throw new RunFileError(`${where}: holds ${bytes.length} bytes; its shape needs ${n} float32 values (${n * 4} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** The JSON text of a saved run. */
export function encodeRun(run: SavedRun): string {
  const { weights, ...rest } = run;
  return JSON.stringify({
    format: RUN_FORMAT,
    version: RUN_VERSION,
    ...rest,
    weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32', data: toBase64(w.data) })),
  });
}


function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses and validates a saved run; the weights must match the spec's parameters exactly. */
export function decodeRun(text: string, file = 'run file'): SavedRun {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new RunFileError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const bad = (what: string) => new RunFileError(`${file}: ${what}`);
  if (!isObj(raw) || raw.format !== RUN_FORMAT) throw bad(`not a Scratchnet run (format must be "${RUN_FORMAT}")`);
  if (raw.version !== RUN_VERSION) throw bad(`version ${String(raw.version)} is not supported (expected ${RUN_VERSION})`);
  const problems = checkSpec(raw.spec);
  if (problems.length) throw bad(`spec: ${problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join('; ')}`);
  const spec = raw.spec as NetworkSpec;
  const plan = inferShapes(spec);
  if (plan.problems.length) throw bad(`spec: ${plan.problems.map((p) => p.message).join('; ')}`);
  const nums = (k: string): number[] => {
    const v = raw[k];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw bad(`"${k}" must be an array of numbers`);
    return v;
  };
  const num = (k: string): number => {
    const v = raw[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`"${k}" must be a number`);
    return v;
  };
  const str = (k: string): string => {
    const v = raw[k];
    if (typeof v !== 'string') throw bad(`"${k}" must be a string`);
    return v;
  };
  const lossIterations = nums('lossIterations');
  const losses = nums('losses');
  if (lossIterations.length !== losses.length) throw bad('"lossIterations" and "losses" differ in length');
  if (!Array.isArray(raw.epochs)) throw bad('"epochs" must be an array');
  const epochs = raw.epochs.map((e, i) => {
    if (!isObj(e) || ![e.epoch, e.iteration, e.trainAccuracy, e.testAccuracy].every((v) => typeof v === 'number')) {
      throw bad(`epochs[${i}] must have epoch, iteration, trainAccuracy and testAccuracy`);
    }
    return { epoch: e.epoch as number, iteration: e.iteration as number, trainAccuracy: e.trainAccuracy as number, testAccuracy: e.testAccuracy as number };
  });
  if (!Array.isArray(raw.weights)) throw bad('"weights" must be an array');
  const expected = plan.layers.flatMap((l) => l.params.map((p) => ({ name: `${l.id}.${p.name}`, shape: p.shape })));
  const weights = raw.weights.map((w, i) => {
    if (!isObj(w) || typeof w.name !== 'string' || typeof w.data !== 'string' || !Array.isArray(w.shape)) {
      throw bad(`weights[${i}] must have name, shape and data`);
    }
    const want = expected[i];
    if (!want || want.name !== w.name || want.shape.join() !== (w.shape as number[]).join()) {
      throw bad(`weights[${i}] is ${w.name} (${(w.shape as number[]).join('×')}) but the spec needs ${want ? `${want.name} (${want.shape.join('×')})` : 'no more weights'}`);
    }
    return { name: w.name, shape: want.shape, data: fromBase64(w.data, want.shape.reduce((a, b) => a * b, 1), `${file}: weights ${w.name}`) };
  });
  if (weights.length !== expected.length) throw bad(`has ${weights.length} weight tensors, the spec needs ${expected.length}`);
  const ds = raw.dataset;
  if (!isObj(ds) || typeof ds.name !== 'string' || typeof ds.train !== 'number' || typeof ds.test !== 'number') throw bad('"dataset" must have name, train and test');
  const optionalNum = (k: string): number | undefined => {
    const v = raw[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw bad(`"${k}" must be a non-negative number`);
    return v;
  };
  const seconds = optionalNum('seconds');
  const samplesPerSecond = optionalNum('samplesPerSecond');
  return {
    ...(seconds !== undefined ? { seconds } : {}),
    ...(samplesPerSecond !== undefined ? { samplesPerSecond } : {}),
    name: str('name'),
    savedAt: str('savedAt'),
    spec,
    seed: num('seed'),
    iteration: num('iteration'),
    totalIterations: num('totalIterations'),
    batchSize: num('batchSize'),
    optimizer: str('optimizer'),
    lr: num('lr'),
    dataset: { name: ds.name, train: ds.train, test: ds.test },
    lossIterations,
    losses,
    epochs,
    weights,
  };
}

/** The `run/started` event a saved run is shown with. */
export function startedOf(run: SavedRun, layers: RunStartedEvent['layers']): RunStartedEvent {
  return {
    type: 'run/started',
    name: run.name,
    spec: run.spec,
    layers,
    paramCount: layers.reduce((s, l) => s + l.paramCount, 0),
    totalIterations: run.totalIterations,
    itersPerEpoch: run.epochs[0]?.iteration ?? run.totalIterations,
    batchSize: run.batchSize,
    optimizer: run.optimizer,
    lr: run.lr,
    seed: run.seed,
    dataset: run.dataset,
  };
}

/** Epoch events of a saved run. */
export function epochEventsOf(run: SavedRun): EpochEvent[] {
  return run.epochs.map((e) => ({ type: 'train/epoch', ...e }));
}
