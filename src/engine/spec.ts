/**
 * The declarative, JSON-serialisable description of a network and how to train it. A
 * `*.scratchnet.json` file holds exactly this. `validateSpec` checks a parsed value and reports each
 * problem with the JSON path where it is, so an editor can underline it; `inferShapes` then works out
 * every layer's id and per-sample shapes without allocating weights.
 */
import type { InitSpec } from './init';
import type { LayerKind } from './layers/layer';
import type { LossKind } from './layers/loss';
import { formatShape, sizeOf } from './tensor';

/** Activations that may follow an affine or conv layer through the `activation` shorthand. */
export type ActivationKind = 'relu' | 'sigmoid' | 'tanh';

interface LayerBase {
  /** An explicit id; by default `kind` + a per-kind counter (`affine1`, `relu1`). */
  id?: string;
}
export interface AffineSpec extends LayerBase {
  type: 'affine';
  units: number;
  /** Expected number of inputs; checked against the inferred shape when given. */
  inputs?: number;
  init?: InitSpec;
  /** Whether the layer has a bias b (default true). */
  bias?: boolean;
  /** Shorthand: adds this activation layer right after. */
  activation?: ActivationKind;
}
export interface ActivationSpec extends LayerBase {
  type: ActivationKind;
}
export interface ConvSpec extends LayerBase {
  type: 'conv';
  filters: number;
  kernel: number | [number, number];
  stride?: number;
  pad?: number;
  init?: InitSpec;
  activation?: ActivationKind;
}
export interface PoolSpec extends LayerBase {
  type: 'pool';
  mode?: 'max' | 'avg';
  size: number | [number, number];
  stride?: number;
  pad?: number;
}
export interface BatchNormSpec extends LayerBase {
  type: 'batchnorm';
  /** Running statistics: running = momentum·running + (1 − momentum)·batch. Default 0.9. */
  momentum?: number;
  /** Added to the variance. Default 1e-7 (the book's `10e-7` is 1e-6; see docs). */
  eps?: number;
}
export interface DropoutSpec extends LayerBase {
  type: 'dropout';
  ratio: number;
  /** Inverted dropout (scale by 1/(1−ratio) while training) is the default; false gives the book's. */
  inverted?: boolean;
}
export interface FlattenSpec extends LayerBase {
  type: 'flatten';
}
/** One entry of `layers`. */
export type LayerSpec = AffineSpec | ActivationSpec | ConvSpec | PoolSpec | BatchNormSpec | DropoutSpec | FlattenSpec;

/** Names of the optimizers. */
export type OptimizerKind = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam';
export interface OptimizerSpec {
  type: OptimizerKind;
  lr?: number;
  /** Momentum and Nesterov: default 0.9. */
  momentum?: number;
  /** RMSprop decay rate: default 0.99. */
  decay?: number;
  /** Adam: defaults 0.9 and 0.999. */
  beta1?: number;
  beta2?: number;
}

/** How to train: everything optional, with the book's defaults. */
export interface TrainingSpec {
  optimizer?: OptimizerSpec;
  batchSize?: number;
  epochs?: number;
  iterations?: number;
  /** L2 weight decay λ: adds ½λ‖W‖² to the loss and λW to each weight's gradient. */
  weightDecay?: number;
  seed?: number;
  trainLimit?: number;
  testLimit?: number;
}

/** A whole network description. */
export interface NetworkSpec {
  name?: string;
  description?: string;
  /** Per-sample input shape: [784] for flat MNIST, [1, 28, 28] for images. */
  input: number[];
  /** Default init for layers that do not choose one. Default 'he'. */
  init?: InitSpec;
  layers: LayerSpec[];
  loss?: LossKind;
  training?: TrainingSpec;
}

/** A JSON path into a spec: `['layers', 2, 'units']`. */
export type SpecPath = (string | number)[];

/** One problem found in a spec. */
export interface SpecProblem {
  path: SpecPath;
  message: string;
}

/** Thrown when a spec is invalid; carries every problem found. */
export class SpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join('; '));
    this.name = 'SpecError';
  }
}

/** `layers[2].units` */
export function formatPath(path: SpecPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s || '(root)';
}

const LAYER_TYPES = ['affine', 'relu', 'sigmoid', 'tanh', 'conv', 'pool', 'batchnorm', 'dropout', 'flatten'];
const ACTIVATIONS = ['relu', 'sigmoid', 'tanh'];
const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'];
const LOSSES = ['softmax-cross-entropy', 'mse'];
const LAYER_KEYS: Record<string, string[]> = {
  affine: ['units', 'inputs', 'init', 'bias', 'activation'],
  relu: [],
  sigmoid: [],
  tanh: [],
  flatten: [],
  conv: ['filters', 'kernel', 'stride', 'pad', 'init', 'activation'],
  pool: ['mode', 'size', 'stride', 'pad'],
  batchnorm: ['momentum', 'eps'],
  dropout: ['ratio', 'inverted'],
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Checker {
  readonly problems: SpecProblem[] = [];
  add(path: SpecPath, message: string): void {
    this.problems.push({ path, message });
  }
  int(obj: Record<string, unknown>, key: string, path: SpecPath, min: number, required: boolean): void {
    const v = obj[key];
    if (v === undefined) {
      if (required) this.add([...path, key], `"${key}" is required (an integer ≥ ${min})`);
      return;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      this.add([...path, key], `"${key}" must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    }
  }
  num(obj: Record<string, unknown>, key: string, path: SpecPath, lo: number, hi: number, loOpen = false): void {
    const v = obj[key];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || (loOpen ? v <= lo : v < lo) || v > hi) {
      const range = `${loOpen ? '(' : '['}${lo}, ${hi}]`;
      this.add([...path, key], `"${key}" must be a number in ${range}, got ${JSON.stringify(v)}`);
    }
  }
  oneOf(obj: Record<string, unknown>, key: string, path: SpecPath, values: string[]): void {
    const v = obj[key];
    if (v === undefined) return;
    if (typeof v !== 'string' || !values.includes(v)) {
      this.add([...path, key], `"${key}" must be one of ${values.join(', ')}; got ${JSON.stringify(v)}`);
    }
  }
  init(obj: Record<string, unknown>, key: string, path: SpecPath): void {
    const v = obj[key];
    if (v === undefined) return;
    const ok =
      v === 'xavier' ||
      v === 'he' ||
      (typeof v === 'number' && v > 0 && Number.isFinite(v)) ||
      (isObject(v) && typeof v.std === 'number' && v.std > 0 && Number.isFinite(v.std));
    if (!ok) this.add([...path, key], `"${key}" must be "xavier", "he", a positive std or {"std": number}`);
  }
  pair(obj: Record<string, unknown>, key: string, path: SpecPath, required: boolean): void {
    const v = obj[key];
    if (v === undefined) {
      if (required) this.add([...path, key], `"${key}" is required (an integer ≥ 1 or [height, width])`);
      return;
    }
    const ok =
      (typeof v === 'number' && Number.isInteger(v) && v >= 1) ||
      (Array.isArray(v) && v.length === 2 && v.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1));
    if (!ok) this.add([...path, key], `"${key}" must be an integer ≥ 1 or [height, width]`);
  }
  unknownKeys(obj: Record<string, unknown>, path: SpecPath, allowed: string[]): void {
    for (const k of Object.keys(obj)) {
      if (!allowed.includes(k)) this.add([...path, k], `unknown property "${k}"; allowed: ${allowed.join(', ')}`);
    }
  }
}

/**
 * Checks that a parsed JSON value is a well-formed spec. Returns every problem with its path; an empty
 * list means the value may be used as a `NetworkSpec` (shape problems are found by `inferShapes`).
 */
export function checkSpec(raw: unknown): SpecProblem[] {
  const c = new Checker();
  if (!isObject(raw)) {
    c.add([], 'a network spec must be a JSON object with "input" and "layers"');
    return c.problems;
  }
  c.unknownKeys(raw, [], ['$schema', 'name', 'description', 'input', 'init', 'layers', 'loss', 'training']);
  if (raw.name !== undefined && typeof raw.name !== 'string') c.add(['name'], '"name" must be a string');
  if (raw.description !== undefined && typeof raw.description !== 'string') {
    c.add(['description'], '"description" must be a string');
  }
  const input = raw.input;
  if (
    !Array.isArray(input) ||
    input.length < 1 ||
    input.length > 3 ||
    !input.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)
  ) {
    c.add(['input'], '"input" must be the per-sample shape: [features] or [channels, height, width]');
  }
  c.init(raw, 'init', []);
  c.oneOf(raw, 'loss', [], LOSSES);
  const layers = raw.layers;
  if (!Array.isArray(layers) || layers.length === 0) {
    c.add(['layers'], '"layers" must be a non-empty array of layer objects');
  } else {
    const ids = new Set<string>();
    layers.forEach((l, i) => {
      const p: SpecPath = ['layers', i];
      if (!isObject(l)) {
        c.add(p, 'a layer must be an object with a "type"');
        return;
      }
      if (typeof l.type !== 'string' || !LAYER_TYPES.includes(l.type)) {
        c.add([...p, 'type'], `"type" must be one of ${LAYER_TYPES.join(', ')}; got ${JSON.stringify(l.type)}`);
        return;
      }
      c.unknownKeys(l, p, ['type', 'id', ...LAYER_KEYS[l.type]]);
      if (l.id !== undefined) {
        if (typeof l.id !== 'string' || !/^[A-Za-z_][\w-]*$/.test(l.id)) {
          c.add([...p, 'id'], '"id" must be a name of letters, digits, _ or -');
        } else if (ids.has(l.id)) {
          c.add([...p, 'id'], `id "${l.id}" is used twice`);
        } else ids.add(l.id);
      }
      switch (l.type) {
        case 'affine':
          c.int(l, 'units', p, 1, true);
          c.int(l, 'inputs', p, 1, false);
          c.init(l, 'init', p);
          c.oneOf(l, 'activation', p, ACTIVATIONS);
          if (l.bias !== undefined && typeof l.bias !== 'boolean') c.add([...p, 'bias'], '"bias" must be true or false');
          break;
        case 'conv':
          c.int(l, 'filters', p, 1, true);
          c.pair(l, 'kernel', p, true);
          c.int(l, 'stride', p, 1, false);
          c.int(l, 'pad', p, 0, false);
          c.init(l, 'init', p);
          c.oneOf(l, 'activation', p, ACTIVATIONS);
          break;
        case 'pool':
          c.oneOf(l, 'mode', p, ['max', 'avg']);
          c.pair(l, 'size', p, true);
          c.int(l, 'stride', p, 1, false);
          c.int(l, 'pad', p, 0, false);
          break;
        case 'batchnorm':
          c.num(l, 'momentum', p, 0, 1);
          c.num(l, 'eps', p, 0, 1, true);
          break;
        case 'dropout':
          if (l.ratio === undefined) c.add([...p, 'ratio'], '"ratio" is required (a number in [0, 1))');
          else if (typeof l.ratio !== 'number' || !(l.ratio >= 0 && l.ratio < 1)) {
            c.add([...p, 'ratio'], `"ratio" must be a number in [0, 1), got ${JSON.stringify(l.ratio)}`);
          }
          if (l.inverted !== undefined && typeof l.inverted !== 'boolean') {
            c.add([...p, 'inverted'], '"inverted" must be true or false');
          }
          break;
      }
    });
  }
  const t = raw.training;
  if (t !== undefined) {
    if (!isObject(t)) c.add(['training'], '"training" must be an object');
    else {
      const p: SpecPath = ['training'];
      c.unknownKeys(t, p, [
        'optimizer',
        'batchSize',
        'epochs',
        'iterations',
        'weightDecay',
        'seed',
        'trainLimit',
        'testLimit',
      ]);
      c.int(t, 'batchSize', p, 1, false);
      c.int(t, 'epochs', p, 1, false);
      c.int(t, 'iterations', p, 1, false);
      c.int(t, 'seed', p, 0, false);
      c.int(t, 'trainLimit', p, 1, false);
      c.int(t, 'testLimit', p, 1, false);
      c.num(t, 'weightDecay', p, 0, 10);
      const o = t.optimizer;
      if (o !== undefined) {
        const op: SpecPath = ['training', 'optimizer'];
        if (!isObject(o)) c.add(op, '"optimizer" must be an object with a "type"');
        else {
          c.unknownKeys(o, op, ['type', 'lr', 'momentum', 'decay', 'beta1', 'beta2']);
          if (typeof o.type !== 'string' || !OPTIMIZERS.includes(o.type)) {
            c.add([...op, 'type'], `"type" must be one of ${OPTIMIZERS.join(', ')}`);
          }
          c.num(o, 'lr', op, 0, 100, true);
          c.num(o, 'momentum', op, 0, 1);
          c.num(o, 'decay', op, 0, 1);
          c.num(o, 'beta1', op, 0, 1);
          c.num(o, 'beta2', op, 0, 1);
        }
      }
    }
  }
  return c.problems;
}

/** Checks a parsed value and returns it typed, or throws a SpecError listing every problem. */
export function validateSpec(raw: unknown): NetworkSpec {
  const problems = checkSpec(raw);
  if (problems.length) throw new SpecError(problems);
  const spec = raw as NetworkSpec;
  const shapeProblems = inferShapes(spec).problems;
  if (shapeProblems.length) throw new SpecError(shapeProblems);
  return spec;
}

/** One layer as the builder will make it: id, kind, per-sample shapes and parameter shapes. */
export interface LayerPlan {
  id: string;
  kind: LayerKind;
  /** Index in `spec.layers` this layer comes from (an `activation` shorthand shares its parent's). */
  specIndex: number;
  inShape: number[];
  outShape: number[];
  params: { name: string; shape: number[] }[];
  /** Number of learnable values. */
  paramCount: number;
  spec: LayerSpec;
}

function pairOf(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

/**
 * Works out the layers a spec builds, with ids and shapes, without allocating weights. Shape problems
 * (a kernel larger than its input, an affine whose `inputs` does not match) come back with the path of
 * the offending layer. The spec must already pass `checkSpec`.
 */
export function inferShapes(spec: NetworkSpec): { layers: LayerPlan[]; problems: SpecProblem[] } {
  const counters = new Map<string, number>();
  const used = new Set(spec.layers.map((l) => l.id).filter((id): id is string => !!id));
  const nextId = (kind: string): string => {
    let n = counters.get(kind) ?? 0;
    let id: string;
    do {
      n++;
      id = `${kind}${n}`;
    } while (used.has(id));
    counters.set(kind, n);
    used.add(id);
    return id;
  };
  const layers: LayerPlan[] = [];
  const problems: SpecProblem[] = [];
  let shape: number[] = spec.input.slice();
  const push = (i: number, l: LayerSpec, kind: LayerKind, out: number[], params: LayerPlan['params'], id?: string) => {
    const paramCount = params.reduce((s, p) => s + sizeOf(p.shape), 0);
    layers.push({ id: id ?? nextId(kind), kind, specIndex: i, inShape: shape, outShape: out, params, paramCount, spec: l });
    shape = out;
  };
  for (let i = 0; i < spec.layers.length; i++) {
    const l = spec.layers[i];
    const path: SpecPath = ['layers', i];
    switch (l.type) {
      case 'affine': {
        const n = sizeOf(shape);
        if (l.inputs !== undefined && l.inputs !== n) {
          problems.push({
            path: [...path, 'inputs'],
            message: `affine expects ${l.inputs} inputs but the previous layer gives ${formatShape(shape)} = ${n}`,
          });
          return { layers, problems };
        }
        const params = [{ name: 'W', shape: [n, l.units] }];
        if (l.bias !== false) params.push({ name: 'b', shape: [l.units] });
        push(i, l, 'affine', [l.units], params, l.id);
        break;
      }
      case 'conv': {
        if (shape.length !== 3) {
          problems.push({ path, message: `conv needs a (channels, height, width) input, got ${formatShape(shape)}` });
          return { layers, problems };
        }
        const [c, h, w] = shape;
        const [fh, fw] = pairOf(l.kernel);
        const s = l.stride ?? 1;
        const pad = l.pad ?? 0;
        if (fh > h + 2 * pad || fw > w + 2 * pad) {
          problems.push({
            path: [...path, 'kernel'],
            message: `kernel ${fh}×${fw} is larger than its input ${h}×${w}${pad ? ` padded by ${pad}` : ''}`,
          });
          return { layers, problems };
        }
        const oh = Math.floor((h + 2 * pad - fh) / s) + 1;
        const ow = Math.floor((w + 2 * pad - fw) / s) + 1;
        push(i, l, 'conv', [l.filters, oh, ow], [
          { name: 'W', shape: [l.filters, c, fh, fw] },
          { name: 'b', shape: [l.filters] },
        ], l.id);
        break;
      }
      case 'pool': {
        if (shape.length !== 3) {
          problems.push({ path, message: `pool needs a (channels, height, width) input, got ${formatShape(shape)}` });
          return { layers, problems };
        }
        const [c, h, w] = shape;
        const [ph, pw] = pairOf(l.size);
        const s = l.stride ?? ph;
        const pad = l.pad ?? 0;
        if (ph > h + 2 * pad || pw > w + 2 * pad) {
          problems.push({ path: [...path, 'size'], message: `pool window ${ph}×${pw} is larger than its input ${h}×${w}` });
          return { layers, problems };
        }
        if ((l.mode ?? 'max') === 'max' && pad >= Math.min(ph, pw)) {
          problems.push({ path: [...path, 'pad'], message: `max pooling needs pad < window size, got pad ${pad} for a ${ph}×${pw} window` });
          return { layers, problems };
        }
        const oh = Math.floor((h + 2 * pad - ph) / s) + 1;
        const ow = Math.floor((w + 2 * pad - pw) / s) + 1;
        push(i, l, 'pool', [c, oh, ow], [], l.id);
        break;
      }
      case 'batchnorm': {
        const d = shape.length === 3 ? shape[0] : sizeOf(shape);
        push(i, l, 'batchnorm', shape, [
          { name: 'gamma', shape: [d] },
          { name: 'beta', shape: [d] },
        ], l.id);
        break;
      }
      case 'flatten':
        push(i, l, 'flatten', [sizeOf(shape)], [], l.id);
        break;
      default:
        push(i, l, l.type, shape, [], l.id);
    }
    if ((l.type === 'affine' || l.type === 'conv') && l.activation) push(i, l, l.activation, shape, []);
  }
  const loss = spec.loss ?? 'softmax-cross-entropy';
  if (loss === 'softmax-cross-entropy' && shape.length !== 1) {
    problems.push({
      path: ['layers', spec.layers.length - 1],
      message: `softmax needs a flat output (classes), got ${formatShape(shape)}; end with an affine layer`,
    });
  }
  return { layers, problems };
}
