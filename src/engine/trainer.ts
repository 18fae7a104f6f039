/**
 * The training loop: shuffled mini-batches per epoch, one optimizer step per batch, evaluation at the
 * end of every epoch. Driven one step at a time (`step()`), so the CLI can run it flat out and the
 * editor's worker can pause, step and resume it.
 */
import type { Split } from './data/dataset';
import type { Network } from './network';
import { fastFor } from './kernels/fast';
import { createOptimizer, type Optimizer } from './optimizers/optimizer';
import { Rng } from './rng';
import type { OptimizerSpec } from './spec';
import { Tensor, allocKernelArray, sizeOf, type Arr } from './tensor';

/** Options of a training run. */
export interface TrainOptions {
  batchSize?: number;
  /** Stop after this many iterations; with `epochs` as well, whichever comes first. */
  iterations?: number;
  epochs?: number;
  optimizer?: OptimizerSpec | Optimizer;
  /** Seed of the shuffling generator. */
  seed?: number;
  /** Evaluate accuracy on at most this many training samples (default all). */
  evalTrainLimit?: number;
  /** Evaluate accuracy on at most this many test samples (default all). */
  evalTestLimit?: number;
  /** Keep every iteration's loss in `losses` (default true; a long-lived worker streams them instead). */
  keepLosses?: boolean;
}

/** Accuracies measured at the end of an epoch. */
export interface EpochResult {
  epoch: number;
  iteration: number;
  trainAccuracy: number;
  testAccuracy: number;
}

/** Raised when the loss stops being a finite number; the weights before the step are intact. */
export class DivergenceError extends Error {
  constructor(
    readonly iteration: number,
    readonly loss: number,
  ) {
    super(`training diverged at iteration ${iteration}: the loss became ${loss}. Lower the learning rate or change the init; the weights before this step are kept.`);
    this.name = 'DivergenceError';
  }
}

export class Trainer {
  readonly optimizer: Optimizer;
  readonly batchSize: number;
  readonly itersPerEpoch: number;
  /** Total iterations this run will make. */
  readonly totalIterations: number;
  /** Iterations made so far. */
  iteration = 0;
  /** Whole epochs completed so far. */
  epoch = 0;
  /** Loss of every iteration so far (empty when `keepLosses` is false). */
  readonly losses: number[] = [];
  private readonly keepLosses: boolean;
  readonly epochs: EpochResult[] = [];
  private readonly rng: Rng;
  private order: Int32Array;
  private cursor = 0;
  private gathered = false;
  private readonly per: number;
  private readonly xBuf: Arr; // (batch, ...sample)
  private readonly tBuf: Uint8Array; // (batch)
  /** The training pixels as bytes in the fast kernels' memory (gathered from there), once looked up. */
  private pixels: Uint8Array | null | undefined;
  private readonly evalTrainLimit: number;
  private readonly evalTestLimit: number;

  constructor(
    readonly net: Network,
    readonly train: Split,
    readonly test: Split,
    opts: TrainOptions = {},
  ) {
    const t = net.spec.training ?? {};
    this.batchSize = Math.min(opts.batchSize ?? t.batchSize ?? 100, train.count);
    if (this.batchSize < 1) throw new RangeError('the training set is empty');
    const opt = opts.optimizer ?? t.optimizer ?? { type: 'sgd', lr: 0.01 };
    this.optimizer = 'update' in opt ? opt : createOptimizer(opt);
    this.itersPerEpoch = Math.max(1, Math.floor(train.count / this.batchSize));
    const epochs = opts.epochs ?? (opts.iterations === undefined ? t.epochs : undefined);
    const iters = opts.iterations ?? (opts.epochs === undefined ? t.iterations : undefined);
    const byEpochs = epochs !== undefined ? epochs * this.itersPerEpoch : Infinity;
    const byIters = iters ?? Infinity;
    this.totalIterations = Math.min(byEpochs, byIters);
    if (!Number.isFinite(this.totalIterations)) this.totalIterations = this.itersPerEpoch;
    this.rng = new Rng(opts.seed ?? t.seed ?? 0);
    this.order = this.rng.permutation(train.count);
    this.per = sizeOf(net.inShape);
    this.xBuf = allocKernelArray(net.dtype, this.batchSize * this.per);
    this.tBuf = new Uint8Array(this.batchSize);
    this.evalTrainLimit = Math.min(opts.evalTrainLimit ?? train.count, train.count);
    this.evalTestLimit = Math.min(opts.evalTestLimit ?? test.count, test.count);
    this.keepLosses = opts.keepLosses ?? true;
  }

  /** True once every planned iteration has run. */
  get done(): boolean {
    return this.iteration >= this.totalIterations;
  }

  /** The next mini-batch (copied once into a reused buffer), reshuffling at each epoch's start. */
  nextBatch(): { x: Tensor; t: Uint8Array } {
    const b = this.batchSize;
    if (this.cursor + b > this.train.count) {
      this.order = this.rng.permutation(this.train.count);
      this.cursor = 0;
    }
    const per = this.per;
    const fast = fastFor(this.xBuf);
    if (this.pixels === undefined) {
      const px = this.train.pixels;
      this.pixels = fast && px && px.length >= this.train.count * per ? fast.pixelBytes(px) : null;
    }
    if (fast && this.pixels) {
      // bytes → float32 in WebAssembly: the same values as train.images, a quarter of the reads
      // listing each row's non-zeros lets a first Affine layer skip the zero pixels without a scan
      const rows = this.order.subarray(this.cursor, this.cursor + b);
      fast.gatherPixels(this.pixels, rows, per, this.xBuf as Float32Array, true);
      for (let i = 0; i < b; i++) this.tBuf[i] = this.train.labels[this.order[this.cursor + i]];
    } else {
      const src = this.train.images;
      for (let i = 0; i < b; i++) {
        const k = this.order[this.cursor + i];
        this.xBuf.set(src.subarray(k * per, (k + 1) * per), i * per);
        this.tBuf[i] = this.train.labels[k];
      }
    }
    this.cursor += b;
    this.gathered = true;
    return { x: new Tensor(this.xBuf, [b, ...this.net.inShape]), t: this.tBuf };
  }

  /**
   * The mini-batch of the latest iteration (before the first: the first samples of the training set),
   * for probes. Draws nothing from the generator.
   */
  currentBatch(): { x: Tensor; t: Uint8Array } {
    if (!this.gathered) {
      const b = this.batchSize;
      if (this.xBuf instanceof Float32Array) fastFor(this.xBuf)?.forgetNonZeros?.(this.xBuf);
      this.xBuf.set(this.train.images.subarray(0, b * this.per));
      this.tBuf.set(this.train.labels.subarray(0, b));
    }
    return { x: new Tensor(this.xBuf, [this.batchSize, ...this.net.inShape]), t: this.tBuf };
  }

  /** Applies the optimizer to the gradients the network holds and advances the counters. */
  commit(loss: number): { loss: number; epochEnded: boolean } {
    if (!Number.isFinite(loss)) throw new DivergenceError(this.iteration + 1, loss);
    this.optimizer.update(this.net.params());
    this.iteration++;
    if (this.keepLosses) this.losses.push(loss);
    const epochEnded = this.iteration % this.itersPerEpoch === 0;
    if (epochEnded) this.epoch++;
    return { loss, epochEnded };
  }

  /** One iteration: a mini-batch, forward, backward, update. */
  step(): { loss: number; epochEnded: boolean } {
    const { x, t } = this.nextBatch();
    return this.commit(this.net.gradient(x, t));
  }

  /** Accuracy on the (limited) training and test sets, recorded as the result of the current epoch. */
  evaluate(): EpochResult {
    const it = this.evaluation();
    for (let r = it.next(); ; r = it.next()) if (r.done) return r.value;
  }

  /**
   * The same evaluation in pieces: yields after every `chunk` samples, so a caller can look at its
   * message queue in between (the editor's worker, where a full MNIST evaluation takes a second or
   * more), and returns the result, recorded as `evaluate` records it. The weights must not change
   * until it has returned. It runs in batches of the training batch size: the layers' buffers keep
   * their shape, so an evaluation allocates nothing (with the WebAssembly arena, buffers of another
   * shape were new arena blocks every epoch, freed only when the collector got to them, and a long
   * run in the worker grew by ≈ 1 MB/s).
   */
  *evaluation(chunk = 1000): Generator<void, EpochResult, void> {
    let trainCorrect = 0;
    for (let s = 0; s < this.evalTrainLimit; s += chunk) {
      trainCorrect += this.net.countCorrect(this.train.images, this.train.labels, s, Math.min(s + chunk, this.evalTrainLimit), this.batchSize);
      yield;
    }
    let testCorrect = 0;
    for (let s = 0; s < this.evalTestLimit; s += chunk) {
      testCorrect += this.net.countCorrect(this.test.images, this.test.labels, s, Math.min(s + chunk, this.evalTestLimit), this.batchSize);
      yield;
    }
    const r: EpochResult = {
      epoch: this.epoch,
      iteration: this.iteration,
      trainAccuracy: this.evalTrainLimit ? trainCorrect / this.evalTrainLimit : 0,
      testAccuracy: this.evalTestLimit ? testCorrect / this.evalTestLimit : 0,
    };
    this.epochs.push(r);
    return r;
  }
}
