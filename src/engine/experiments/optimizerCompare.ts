/**
 * Book §6.1.8 (`ch06/optimizer_compare_mnist.py`): SGD, Momentum, AdaGrad and Adam train the same
 * 784-[100×4]-10 ReLU network (He init) on MNIST, batch 128, 2000 iterations. Every optimizer starts
 * from the same initial weights and sees the same mini-batches, so the loss curves differ only by the
 * update rule.
 */
import { buildNetwork } from '../network';
import { DEFAULT_LR } from '../optimizers/optimizer';
import { multiLayerSpec } from '../presets';
import type { OptimizerKind, OptimizerSpec } from '../spec';
import { Trainer } from '../trainer';
import {
  ProgressTracker,
  deriveSeed,
  experimentData,
  meanLast,
  positive,
  runLockstep,
  seedOf,
  sig,
  type ExperimentOptions,
  type ExperimentResult,
  type ProgressCallback,
} from './common';

/** Options of `optimizer-compare`. */
export interface OptimizerCompareOptions extends ExperimentOptions {
  /** Default 2000. */
  iterations?: number;
  /** Default 128. */
  batchSize?: number;
  /** Default the book's four with their default hyperparameters. */
  optimizers?: OptimizerSpec[];
}

/** The book's optimizers and hyperparameters. */
export const BOOK_OPTIMIZERS: readonly OptimizerSpec[] = [
  { type: 'sgd', lr: 0.01 },
  { type: 'momentum', lr: 0.01, momentum: 0.9 },
  { type: 'adagrad', lr: 0.01 },
  { type: 'adam', lr: 0.001, beta1: 0.9, beta2: 0.999 },
];

export interface OptimizerCompareConfig {
  network: string;
  hidden: number[];
  activation: 'relu';
  init: 'he';
  batchSize: number;
  iterations: number;
  trainSize: number;
  optimizers: OptimizerSpec[];
  seed: number;
}

export interface OptimizerCompareRun {
  optimizer: OptimizerKind;
  lr: number;
  /** Training loss of every iteration (the mini-batch's loss before the update). */
  loss: number[];
  /** Mean of the last 100 losses. */
  meanLast100: number;
  /** Iteration at which the loss stopped being finite, or null. */
  divergedAt: number | null;
}

export type OptimizerCompareResult = ExperimentResult<OptimizerCompareConfig, OptimizerCompareRun>;

export function optimizerCompare(
  opts: OptimizerCompareOptions = {},
  onProgress?: ProgressCallback,
): OptimizerCompareResult {
  const seed = seedOf(opts);
  const iterations = positive(opts.iterations, 2000, 'iterations');
  const batchSize = positive(opts.batchSize, 128, 'batchSize');
  const optimizers = (opts.optimizers ?? BOOK_OPTIMIZERS).map((o) => ({ ...o, lr: o.lr ?? DEFAULT_LR[o.type] }));
  const hidden = [100, 100, 100, 100];
  const data = experimentData(opts);
  const spec = multiLayerSpec({ hidden, init: 'he' });
  const progress = new ProgressTracker(iterations * optimizers.length, onProgress, opts.signal);
  // Same seed for every network: the same initial weights. Same seed for every trainer: the same batches.
  const trainers = optimizers.map(
    (o) =>
      new Trainer(buildNetwork(spec, { seed }), data.train, data.test, {
        batchSize,
        iterations,
        optimizer: o,
        seed: deriveSeed(seed, 1),
      }),
  );
  const losses: number[][] = optimizers.map(() => []);
  const { divergedAt } = runLockstep(trainers, progress, {
    onStep: (k, loss) => losses[k].push(sig(loss)),
    message: (it, total) => `iteration ${it}/${total}`,
  });
  return {
    experiment: 'optimizer-compare',
    config: {
      network: `784-[${hidden.join(',')}]-10`,
      hidden,
      activation: 'relu',
      init: 'he',
      batchSize: trainers[0].batchSize,
      iterations,
      trainSize: data.train.count,
      optimizers,
      seed,
    },
    results: optimizers.map((o, k) => ({
      optimizer: o.type,
      lr: o.lr,
      loss: losses[k],
      meanLast100: sig(meanLast(losses[k], 100)),
      divergedAt: divergedAt[k],
    })),
  };
}
