/**
 * Book §6.3.2 (`ch06/batch_norm_test.py`): 784-[100×5]-10 ReLU networks with and without Batch
 * Normalization, trained on the first 1000 MNIST training images (SGD lr 0.01, batch 100, 20 epochs)
 * from initial weights N(0, s²) for 16 scales s = logspace(0, −4, 16). Batch norm learns at almost
 * every scale; the plain network only near the right one. For each scale both networks start from the
 * same weight draws and see the same mini-batches; accuracy is measured on the 1000 training images
 * after every epoch.
 */
import type { Split } from '../data/dataset';
import { buildNetwork, type Network } from '../network';
import { multiLayerSpec } from '../presets';
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
  type ExperimentResult,
  type ProgressCallback,
} from './common';

/** Options of `batchnorm`. */
export interface BatchnormOptions extends ExperimentOptions {
  /** Default 20. */
  epochs?: number;
  /** Training images (the first ones of MNIST); default 1000. */
  trainSize?: number;
  /** Default the book's 16 scales, logspace(0, −4, 16). */
  weightScales?: number[];
  /** Default 100. */
  batchSize?: number;
  /** SGD learning rate; default 0.01. */
  lr?: number;
}

/** numpy's logspace(start, stop, num): num values 10^x for x evenly spaced from start to stop. */
export function logspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [Math.pow(10, start)];
  return Array.from({ length: num }, (_, i) => Math.pow(10, start + ((stop - start) * i) / (num - 1)));
}

export interface BatchnormConfig {
  network: string;
  hidden: number[];
  activation: 'relu';
  optimizer: { type: 'sgd'; lr: number };
  batchSize: number;
  epochs: number;
  itersPerEpoch: number;
  trainSize: number;
  weightScales: number[];
  /** Where accuracy is measured. */
  accuracyOn: 'train';
  seed: number;
}

export interface BatchnormRun {
  /** Standard deviation of every initial weight. */
  weightScale: number;
  /** Training accuracy after each epoch, with batch norm. */
  withBn: number[];
  /** Training accuracy after each epoch, without. */
  withoutBn: number[];
  /** Iteration at which the loss stopped being finite, or null, per network. */
  divergedAt: { withBn: number | null; withoutBn: number | null };
}

export type BatchnormResult = ExperimentResult<BatchnormConfig, BatchnormRun>;

export function batchnorm(opts: BatchnormOptions = {}, onProgress?: ProgressCallback): BatchnormResult {
  const seed = seedOf(opts);
  const epochs = positive(opts.epochs, 20, 'epochs');
  const trainSize = positive(opts.trainSize, 1000, 'trainSize');
  const batchSize = positive(opts.batchSize, 100, 'batchSize');
  const lr = opts.lr ?? 0.01;
  const scales = opts.weightScales ?? logspace(0, -4, 16);
  if (!scales.length || scales.some((s) => !(s > 0))) throw new RangeError('weightScales must be positive numbers');
  const hidden = [100, 100, 100, 100, 100];
  const data = experimentData(opts, trainSize, 1);
  const train: Split = headOf(data.train, trainSize);
  const itersPerEpoch = Math.max(1, Math.floor(train.count / Math.min(batchSize, train.count)));
  const progress = new ProgressTracker(scales.length * 2 * epochs * itersPerEpoch, onProgress, opts.signal);
  const results: BatchnormRun[] = scales.map((scale, si) => {
    const make = (bn: boolean): Network =>
      buildNetwork(multiLayerSpec({ hidden, batchNorm: bn, init: { std: scale } }), { seed: deriveSeed(seed, si) });
    const nets = [make(true), make(false)];
    const trainers = nets.map(
      (net) =>
        new Trainer(net, train, data.test, {
          batchSize,
          epochs,
          optimizer: { type: 'sgd', lr },
          seed: deriveSeed(seed, 1000 + si),
        }),
    );
    const curves: number[][] = [[], []];
    const { divergedAt } = runLockstep(trainers, progress, {
      onEpoch: () =>
        nets.forEach((net, k) => curves[k].push(sig(net.accuracy(train.images, train.labels, train.count), 4))),
      message: (it, total) => `scale ${si + 1}/${scales.length} (${sig(scale, 3)}) · iteration ${it}/${total}`,
    });
    return {
      weightScale: sig(scale),
      withBn: curves[0],
      withoutBn: curves[1],
      divergedAt: { withBn: divergedAt[0], withoutBn: divergedAt[1] },
    };
  });
  return {
    experiment: 'batchnorm',
    config: {
      network: `784-[${hidden.join(',')}]-10`,
      hidden,
      activation: 'relu',
      optimizer: { type: 'sgd', lr },
      batchSize: Math.min(batchSize, train.count),
      epochs,
      itersPerEpoch,
      trainSize: train.count,
      weightScales: scales.map((s) => sig(s)),
      accuracyOn: 'train',
      seed,
    },
    results,
  };
}
