/**
 * A sequential network built from a `NetworkSpec`: layers with inferred shapes and stable ids, a loss
 * layer, forward, loss and backward, weight decay applied in exactly one place (`backward`), and a
 * generator that yields after every operation so a person can step through backpropagation.
 */
import { initName, type InitSpec } from './init';
import { Relu, Sigmoid, Tanh } from './layers/activations';
import { Affine } from './layers/affine';
import { BatchNorm } from './layers/batchnorm';
import { Convolution } from './layers/conv';
import { Dropout } from './layers/dropout';
import { Flatten } from './layers/flatten';
import type { ForwardContext, Layer, Param } from './layers/layer';
import { MeanSquaredLoss, SoftmaxWithLoss, type LossLayer, type Targets } from './layers/loss';
import { Pooling } from './layers/pool';
import { Rng } from './rng';
import { inferShapes, validateSpec, type LayerPlan, type NetworkSpec } from './spec';
import { Tensor, sizeOf, type DType } from './tensor';

/** Options for building a network. */
export interface BuildOptions {
  dtype?: DType;
  /** Seed for the network's own generator (init and dropout); default 0. */
  seed?: number;
  /** Use this generator instead of a new one seeded with `seed`. */
  rng?: Rng;
}

/** Where a step of `Network.steps` stands. */
export interface StepCursor {
  phase: 'forward' | 'loss' | 'backward';
  /** Index into `layers` (−1 for the loss). */
  index: number;
  /** Layer id, or 'loss'. */
  layer: string;
  /** forward: the layer's input and output; backward: upstream gradient dy and dx (undefined for the first layer). */
  input?: Tensor;
  output?: Tensor;
  /** The loss value, at the loss step. */
  loss?: number;
}

function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}


/**
 * The backward of max pooling `i` fused with ReLU `i − 1` in the forward (`Network.fused`), in one
 * pass too; and of layer 0 with them when that is a convolution the fused kernel covers (conv →
 * ReLU → pool, SimpleConvNet). Returns the gradient for the layer before the first one handled
 * (unchanged when that is the network's input) and the index of that first layer.
 */
export function backwardFused(layers: readonly Layer[], i: number, d: Tensor): { d: Tensor; from: number } {
  const pool = layers[i] as Pooling;
  const first = layers[0];
  if (i === 2 && first instanceof Convolution && pool.backwardIntoFirstConv(d, first)) return { d, from: 0 };
  return { d: i - 1 > 0 ? pool.backwardThroughRelu(d) : d, from: i - 1 };
}

/** Makes the layer a plan describes. */
function makeLayer(plan: LayerPlan, defaultInit: InitSpec, dtype: DType, rng: Rng): Layer {
  const l = plan.spec;
  const inShape = plan.inShape;
  switch (plan.kind) {
    case 'affine':
      if (l.type !== 'affine') break;
      return new Affine(plan.id, inShape, l.units, l.init ?? defaultInit, dtype, rng, l.bias !== false);
    case 'conv':
      if (l.type !== 'conv') break;
      return new Convolution(plan.id, inShape, l.filters, pair(l.kernel), l.stride ?? 1, l.pad ?? 0, l.init ?? defaultInit, dtype, rng);
    case 'pool': {
      if (l.type !== 'pool') break;
      const size = pair(l.size);
      return new Pooling(plan.id, inShape, l.mode ?? 'max', size, l.stride ?? size[0], l.pad ?? 0, dtype);
    }
    case 'batchnorm':
      if (l.type !== 'batchnorm') break;
      return new BatchNorm(plan.id, inShape, l.momentum ?? 0.9, l.eps ?? 1e-7, dtype);
    case 'dropout':
      if (l.type !== 'dropout') break;
      return new Dropout(plan.id, inShape, l.ratio, l.inverted ?? true, dtype);
    case 'flatten':
      return new Flatten(plan.id, inShape, dtype);
    case 'relu':
      return new Relu(plan.id, inShape, dtype);
    case 'sigmoid':
      return new Sigmoid(plan.id, inShape, dtype);
    case 'tanh':
      return new Tanh(plan.id, inShape, dtype);
  }
  throw new Error(`layer ${plan.id}: plan kind ${plan.kind} does not match spec type ${l.type}`);
}

export class Network {
  readonly layers: Layer[];
  readonly lossLayer: LossLayer;
  /** The plans the layers were built from (ids, shapes, parameter counts). */
  readonly plans: LayerPlan[];
  /** L2 weight decay λ; may be changed between steps. */
  weightDecay: number;
  private readonly paramList: Param[];
  private readonly ctxTrain: ForwardContext;
  private readonly ctxEval: ForwardContext;
  private lastOutput: Tensor | undefined;
  /** reluPool[i]: layer i is a ReLU followed by max pooling, which the fast kernels run fused. */
  private readonly reluPool: boolean[];
  /** fused[i]: the last `forward` ran layers i (ReLU) and i + 1 (max pooling) fused. */
  private readonly fused: boolean[];

  constructor(
    readonly spec: NetworkSpec,
    readonly dtype: DType,
    readonly rng: Rng,
  ) {
    validateSpec(spec);
    this.plans = inferShapes(spec).layers;
    const init = spec.init ?? 'he';
    this.layers = this.plans.map((p) => makeLayer(p, init, dtype, rng));
    this.lossLayer = (spec.loss ?? 'softmax-cross-entropy') === 'mse' ? new MeanSquaredLoss(dtype) : new SoftmaxWithLoss(dtype);
    this.paramList = this.layers.flatMap((l) => [...l.params()]);
    this.weightDecay = spec.training?.weightDecay ?? 0;
    this.ctxTrain = { train: true, rng };
    this.ctxEval = { train: false, rng };
    this.reluPool = this.layers.map((l, i) => {
      const next = this.layers[i + 1];
      return l instanceof Relu && next instanceof Pooling && next.mode === 'max';
    });
    this.fused = this.layers.map(() => false);
  }

  /** Per-sample input shape. */
  get inShape(): number[] {
    return this.spec.input;
  }

  /** Per-sample output shape. */
  get outShape(): readonly number[] {
    return this.layers[this.layers.length - 1].outShape;
  }

  /** Every parameter, in layer order: `affine1.W`, `affine1.b`, … */
  params(): readonly Param[] {
    return this.paramList;
  }

  /** Parameter by its full name. */
  param(name: string): Param | undefined {
    return this.paramList.find((p) => p.name === name);
  }

  /** Layer by id. */
  layer(id: string): Layer | undefined {
    return this.layers.find((l) => l.id === id);
  }

  /** Total number of learnable values. */
  get paramCount(): number {
    return this.paramList.reduce((s, p) => s + p.value.size, 0);
  }

  private checkInput(x: Tensor): void {
    const per = sizeOf(this.inShape);
    if (x.size !== x.shape[0] * per) {
      throw new RangeError(`input of shape (${x.shape.join(', ')}) does not hold samples of shape (${this.inShape.join(', ')})`);
    }
  }

  /** Runs every layer; `train` selects dropout and batch-norm behaviour. Returns the scores (N, classes). */
  forward(x: Tensor, train = false): Tensor {
    this.checkInput(x);
    let h = x.reshape([x.shape[0], ...this.inShape]);
    const ctx = train ? this.ctxTrain : this.ctxEval;
    const layers = this.layers;
    for (let i = 0; i < layers.length; i++) {
      if (this.reluPool[i]) {
        // ReLU + max pooling in one pass on the fast kernels (the same output; see Pooling)
        const y = (layers[i + 1] as Pooling).forwardAfterRelu(h);
        this.fused[i] = y !== undefined;
        if (y) {
          h = y;
          i++;
          continue;
        }
      }
      h = layers[i].forward(h, ctx);
    }
    this.lastOutput = h;
    return h;
  }

  /**
   * A forward pass that shows every layer's output to `visit` (probes: activation histograms, feature
   * maps). Uses no randomness, so probing never changes a seeded run.
   */
  forwardEach(x: Tensor, visit: (layer: Layer, output: Tensor) => void, train = false): Tensor {
    this.checkInput(x);
    this.fused.fill(false);
    let h = x.reshape([x.shape[0], ...this.inShape]);
    const ctx = train ? this.ctxTrain : this.ctxEval;
    for (const l of this.layers) {
      h = l.forward(h, ctx);
      visit(l, h);
    }
    return h;
  }

  /** The scores for x in evaluation mode. */
  predict(x: Tensor): Tensor {
    return this.forward(x, false);
  }

  /** ½λ Σ‖W‖² over the parameters that decay. */
  decayLoss(): number {
    if (this.weightDecay === 0) return 0;
    let s = 0;
    for (const p of this.paramList) {
      if (!p.decay) continue;
      const w = p.value.data;
      for (let i = 0; i < w.length; i++) s += w[i] * w[i];
    }
    return 0.5 * this.weightDecay * s;
  }

  /** Forward then the loss layer; returns data loss + weight-decay term. */
  loss(x: Tensor, t: Targets, train = true): number {
    const y = this.forward(x, train);
    return this.lossLayer.forward(y, t) + this.decayLoss();
  }

  /**
   * Backpropagation after `loss`: fills every parameter's gradient, including the weight-decay term
   * λW (the one place it is applied). The first layer's dx is not computed.
   */
  backward(): void {
    let d = this.lossLayer.backward();
    for (let i = this.layers.length - 1; i >= 0; i--) {
      if (i > 0 && this.fused[i - 1]) {
        ({ d, from: i } = backwardFused(this.layers, i, d));
        continue;
      }
      const dx = this.layers[i].backward(d, i > 0);
      if (dx) d = dx;
    }
    this.applyDecay();
  }

  private applyDecay(): void {
    const lambda = this.weightDecay;
    if (lambda === 0) return;
    for (const p of this.paramList) {
      if (!p.decay) continue;
      const w = p.value.data;
      const g = p.grad.data;
      for (let i = 0; i < w.length; i++) g[i] += lambda * w[i];
    }
  }

  /** Loss and gradients in one call (training mode). */
  gradient(x: Tensor, t: Targets): number {
    const l = this.loss(x, t, true);
    this.backward();
    return l;
  }

  /**
   * The same computation as `gradient`, one operation at a time: yields after each layer's forward,
   * after the loss, and after each layer's backward (in reverse order), with that operation's real
   * tensors. Returns the loss. Weight decay is added to the gradients after the last backward.
   */
  *steps(x: Tensor, t: Targets): Generator<StepCursor, number, void> {
    this.checkInput(x);
    this.fused.fill(false);
    let h = x.reshape([x.shape[0], ...this.inShape]);
    for (let i = 0; i < this.layers.length; i++) {
      const l = this.layers[i];
      const input = h;
      h = l.forward(h, this.ctxTrain);
      yield { phase: 'forward', index: i, layer: l.id, input, output: h };
    }
    this.lastOutput = h;
    const loss = this.lossLayer.forward(h, t) + this.decayLoss();
    let d = this.lossLayer.backward();
    yield { phase: 'loss', index: -1, layer: 'loss', input: h, output: d, loss };
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      const dy = d;
      const dx = l.backward(dy, i > 0);
      if (dx) d = dx;
      if (i === 0) this.applyDecay();
      yield { phase: 'backward', index: i, layer: l.id, input: dy, output: dx };
    }
    return loss;
  }

  /** The scores of the last forward pass. */
  get output(): Tensor | undefined {
    return this.lastOutput;
  }

  /**
   * Fraction of samples whose highest score is the label, evaluated in batches (evaluation mode).
   * `images` holds `count` samples back to back.
   */
  accuracy(images: Float32Array | Float64Array, labels: ArrayLike<number>, count = labels.length, batch = 1000): number {
    return count ? this.countCorrect(images, labels, 0, count, batch) / count : 0;
  }

  /** How many of samples [from, to) the network classifies correctly (evaluation mode, in batches). */
  countCorrect(images: Float32Array | Float64Array, labels: ArrayLike<number>, from: number, to: number, batch = 1000): number {
    const per = sizeOf(this.inShape);
    let correct = 0;
    for (let s = from; s < to; s += batch) {
      const n = Math.min(batch, to - s);
      const src = images.subarray(s * per, (s + n) * per);
      const x = new Tensor(this.dtype === 'float64' && src instanceof Float32Array ? Float64Array.from(src) : src, [n, ...this.inShape]);
      const y = this.forward(x, false);
      const cols = y.size / n;
      const yd = y.data;
      for (let r = 0; r < n; r++) {
        let best = 0;
        for (let j = 1; j < cols; j++) if (yd[r * cols + j] > yd[r * cols + best]) best = j;
        if (best === labels[s + r]) correct++;
      }
    }
    return correct;
  }

  /** A copy of every parameter, by name (for saving a run). */
  weights(): Record<string, { shape: number[]; data: Float32Array | Float64Array }> {
    const out: Record<string, { shape: number[]; data: Float32Array | Float64Array }> = {};
    for (const p of this.paramList) out[p.name] = { shape: p.value.shape.slice(), data: p.value.data.slice() };
    return out;
  }

  /** Loads parameters saved by `weights()`; shapes must match. */
  setWeights(w: Record<string, { shape: readonly number[]; data: ArrayLike<number> }>): void {
    for (const p of this.paramList) {
      const src = w[p.name];
      if (!src) throw new Error(`saved weights have no ${p.name}`);
      if (src.data.length !== p.value.size) {
        throw new Error(`${p.name}: saved ${src.data.length} values, the network needs ${p.value.size}`);
      }
      p.value.data.set(src.data);
    }
  }

  /** One line per layer: `affine1  affine  (50)  39,250 params  init he`. */
  summary(): string {
    return this.plans
      .map((p) => {
        const l = p.spec;
        const init = 'init' in l && l.init !== undefined ? initName(l.init) : p.params.length && p.kind !== 'batchnorm' ? initName(this.spec.init ?? 'he') : '';
        return `${p.id.padEnd(12)}${p.kind.padEnd(10)}(${p.outShape.join(', ')})`.padEnd(40) + `${p.paramCount.toLocaleString('en')} params ${init}`.trimEnd();
      })
      .join('\n');
  }
}

/** Builds a network from a spec (validated first; throws SpecError with paths on problems). */
export function buildNetwork(spec: NetworkSpec, opts: BuildOptions = {}): Network {
  const rng = opts.rng ?? new Rng(opts.seed ?? 0);
  return new Network(spec, opts.dtype ?? 'float32', rng);
}
