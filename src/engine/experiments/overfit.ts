/**
 * The set-up both overfitting experiments share (book §6.4.1): the first 300 MNIST training images,
 * a 784-[100×6]-10 ReLU network with He init, SGD lr 0.01, batch 100, and accuracy on those 300 images
 * and on the whole test set after every epoch. The variants (with and without a regulariser) start
 * from the same initial weights and see the same mini-batches.
 */
import type { Split } from '../data/dataset';
import { buildNetwork } from '../network';
import type { NetworkSpec } from '../spec';
import { Trainer } from '../trainer';
import {
  ProgressTracker,
  deriveSeed,
  experimentData,
  headOf,
  positive,
  runLockstep,
  seedOf,
  sig,
  type ExperimentOptions,
  type ProgressCallback,
} from './common';

/** Options both overfitting experiments take. */
export interface OverfitOptions extends ExperimentOptions {
  /** Training images (the first ones of MNIST); default 300. */
  trainSize?: number;
  /** Test images accuracy is measured on; default all 10,000. */
  testLimit?: number;
  /** Default 100. */
  batchSize?: number;
  /** SGD learning rate; default 0.01. */
  lr?: number;
}

/** The shared part of an overfitting experiment's config. */
export interface OverfitConfig {
  network: string;
  hidden: number[];
  activation: 'relu';
  init: 'he';
  optimizer: { type: 'sgd'; lr: number };
  batchSize: number;
  epochs: number;
  itersPerEpoch: number;
  trainSize: number;
  testSize: number;
  seed: number;
}

/** Accuracy curves of one variant. */
export interface OverfitCurves {
  /** Accuracy on the training images after each epoch. */
  trainAccuracy: number[];
  /** Accuracy on the test images after each epoch. */
  testAccuracy: number[];
  /** Iteration at which the loss stopped being finite, or null. */
  divergedAt: number | null;
}

/** The six hidden layers of the overfitting experiments. */
export const OVERFIT_HIDDEN = [100, 100, 100, 100, 100, 100];

/** Trains the variants' networks in lockstep and returns their accuracy curves and the shared config. */
export function runOverfit(
  specs: NetworkSpec[],
  labels: string[],
  opts: OverfitOptions,
  defaultEpochs: number,
  onProgress: ProgressCallback | undefined,
): { config: OverfitConfig; curves: OverfitCurves[] } {
  const seed = seedOf(opts);
  const epochs = positive(opts.epochs, defaultEpochs, 'epochs');
  const trainSize = positive(opts.trainSize, 300, 'trainSize');
  const batchSize = positive(opts.batchSize, 100, 'batchSize');
  const testLimit = opts.testLimit === undefined ? undefined : positive(opts.testLimit, 1, 'testLimit');
  const lr = opts.lr ?? 0.01;
  const data = experimentData(opts, trainSize, testLimit);
  const train: Split = headOf(data.train, trainSize);
  const test: Split = headOf(data.test, testLimit ?? data.test.count);
  const nets = specs.map((s) => buildNetwork(s, { seed }));
  const trainers = nets.map(
    (net) =>
      new Trainer(net, train, test, { batchSize, epochs, optimizer: { type: 'sgd', lr }, seed: deriveSeed(seed, 1) }),
  );
  const progress = new ProgressTracker(
    trainers.reduce((s, t) => s + t.totalIterations, 0),
    onProgress,
    opts.signal,
  );
  const curves: OverfitCurves[] = specs.map(() => ({ trainAccuracy: [], testAccuracy: [], divergedAt: null }));
  const { divergedAt } = runLockstep(trainers, progress, {
    onEpoch: () =>
      nets.forEach((net, k) => {
        curves[k].trainAccuracy.push(sig(net.accuracy(train.images, train.labels, train.count), 5));
        curves[k].testAccuracy.push(sig(net.accuracy(test.images, test.labels, test.count), 5));
      }),
    message: (it, total) =>
      `epoch ${Math.ceil(it / trainers[0].itersPerEpoch)}/${epochs} · iteration ${it}/${total} · ${labels.join(' / ')}`,
  });
  divergedAt.forEach((d, k) => (curves[k].divergedAt = d));
  return {
    config: {
      network: `784-[${OVERFIT_HIDDEN.join(',')}]-10`,
      hidden: OVERFIT_HIDDEN,
      activation: 'relu',
      init: 'he',
      optimizer: { type: 'sgd', lr },
      batchSize: trainers[0].batchSize,
      epochs,
      itersPerEpoch: trainers[0].itersPerEpoch,
      trainSize: train.count,
      testSize: test.count,
      seed,
    },
    curves,
  };
}
