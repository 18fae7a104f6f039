/**
 * Book §6.2.4 (`ch06/weight_init_compare.py`): the 784-[100×4]-10 ReLU network trained with SGD
 * (lr 0.01, batch 128, 2000 iterations) from three initial weight scales: N(0, 0.01²), Xavier √(1/n)
 * and He √(2/n). All three see the same mini-batches and draw their weights from the same normal
 * samples (only the scale differs). With std 0.01 the signal vanishes and the loss stays at ln 10.
 */
import { initName, type InitSpec } from '../init';
import { buildNetwork } from '../network';
import { multiLayerSpec } from '../presets';
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

/** Options of `weight-init-compare`. */
export interface WeightInitCompareOptions extends ExperimentOptions {
  /** Default 2000. */
  iterations?: number;
  /** Default 128. */
  batchSize?: number;
  /** Learning rate of SGD; default 0.01. */
  lr?: number;
  /** Default std 0.01, Xavier, He. */
  inits?: InitSpec[];
}

/** The book's three initial weight scales. */
export const BOOK_INITS: readonly InitSpec[] = [{ std: 0.01 }, 'xavier', 'he'];

export interface WeightInitCompareConfig {
  network: string;
  hidden: number[];
  activation: 'relu';
  optimizer: { type: 'sgd'; lr: number };
  batchSize: number;
  iterations: number;
  trainSize: number;
  inits: string[];
  seed: number;
}

export interface WeightInitCompareRun {
  /** `std=0.01`, `xavier` or `he`. */
  init: string;
  /** Training loss of every iteration. */
  loss: number[];
  meanLast100: number;
  /** Iteration at which the loss stopped being finite, or null. */
  divergedAt: number | null;
}

export type WeightInitCompareResult = ExperimentResult<WeightInitCompareConfig, WeightInitCompareRun>;

export function weightInitCompare(
  opts: WeightInitCompareOptions = {},
  onProgress?: ProgressCallback,
): WeightInitCompareResult {
  const seed = seedOf(opts);
  const iterations = positive(opts.iterations, 2000, 'iterations');
  const batchSize = positive(opts.batchSize, 128, 'batchSize');
  const lr = opts.lr ?? 0.01;
  const inits = opts.inits ?? BOOK_INITS;
  const hidden = [100, 100, 100, 100];
  const data = experimentData(opts);
  const progress = new ProgressTracker(iterations * inits.length, onProgress, opts.signal);
  const trainers = inits.map(
    (init) =>
      new Trainer(buildNetwork(multiLayerSpec({ hidden, init }), { seed }), data.train, data.test, {
        batchSize,
        iterations,
        optimizer: { type: 'sgd', lr },
        seed: deriveSeed(seed, 1),
      }),
  );
  const losses: number[][] = inits.map(() => []);
  const { divergedAt } = runLockstep(trainers, progress, { onStep: (k, loss) => losses[k].push(sig(loss)) });
  return {
    experiment: 'weight-init-compare',
    config: {
      network: `784-[${hidden.join(',')}]-10`,
      hidden,
      activation: 'relu',
      optimizer: { type: 'sgd', lr },
      batchSize: trainers[0].batchSize,
      iterations,
      trainSize: data.train.count,
      inits: inits.map(initName),
      seed,
    },
    results: inits.map((init, k) => ({
      init: initName(init),
      loss: losses[k],
      meanLast100: sig(meanLast(losses[k], 100)),
      divergedAt: divergedAt[k],
    })),
  };
}
