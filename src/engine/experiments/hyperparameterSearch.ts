/**
 * Book §6.5 (`ch06/hyperparameter_optimization.py`): random search of the learning rate and the weight
 * decay on a log scale. The first 500 MNIST training images are shuffled with the seed and 20 % of them
 * held out for validation (the test set is never looked at); each trial trains a 784-[100×6]-10 ReLU
 * network (He init, SGD, batch 100) for 50 epochs on the other 400 with lr = 10^U(−6, −2) and
 * λ = 10^U(−8, −4), and is scored by its validation accuracy. A second round of as many trials then
 * samples the log-ranges spanned by the best `topK` trials of the first, the narrowing the book
 * describes.
 */
import { buildNetwork } from '../network';
import { multiLayerSpec } from '../presets';
import { Rng } from '../rng';
import { DivergenceError, Trainer } from '../trainer';
import {
  ProgressTracker,
  deriveSeed,
  experimentData,
  headOf,
  pickOf,
  positive,
  seedOf,
  sig,
  type ExperimentOptions,
  type ExperimentResult,
  type ProgressCallback,
} from './common';

/** A closed range of base-10 exponents: [−6, −2] means 1e-6 … 1e-2. */
export type LogRange = [number, number];

/** Options of `hyperparameter-search`. */
export interface HyperparameterSearchOptions extends ExperimentOptions {
  /** Trials per round; default 100. */
  trials?: number;
  /** Default 50. */
  epochs?: number;
  /** Images taken from the start of MNIST's training set; default 500. */
  trainSize?: number;
  /** Fraction of them held out for validation; default 0.2. */
  validationRate?: number;
  /** Default 100. */
  batchSize?: number;
  /** Exponent range of the first round's learning rates; default [−6, −2]. */
  lrRange?: LogRange;
  /** Exponent range of the first round's weight decays; default [−8, −4]. */
  weightDecayRange?: LogRange;
  /** How many of the first round's best trials set the second round's ranges; default 5. */
  topK?: number;
  /** Number of rounds: 1 (the book's single search) or 2 (default, with the narrowed second round). */
  rounds?: 1 | 2;
}

export interface Trial {
  /** 1 or 2. */
  round: number;
  /** 1-based number of the trial within its round, in the order trials ran. */
  trial: number;
  lr: number;
  weightDecay: number;
  /** Accuracy on the held-out validation images after the last epoch. */
  valAccuracy: number;
  /** Accuracy on the training images after the last epoch. */
  trainAccuracy: number;
}

export interface HyperparameterSearchConfig {
  network: string;
  hidden: number[];
  activation: 'relu';
  init: 'he';
  optimizer: 'sgd';
  batchSize: number;
  epochs: number;
  trials: number;
  trainSize: number;
  validationSize: number;
  topK: number;
  /** Exponent ranges each round sampled. */
  rounds: { round: number; lrRange: LogRange; weightDecayRange: LogRange }[];
  seed: number;
}

export type HyperparameterSearchResult = ExperimentResult<HyperparameterSearchConfig, Trial>;

function checkRange(r: LogRange, name: string): LogRange {
  if (r.length !== 2 || !r.every(Number.isFinite) || r[0] > r[1])
    throw new RangeError(`${name} must be [low, high] exponents with low ≤ high`);
  return [r[0], r[1]];
}

/** Best first: higher validation accuracy, then higher training accuracy, then earlier round and trial. */
export function compareTrials(a: Trial, b: Trial): number {
  return b.valAccuracy - a.valAccuracy || b.trainAccuracy - a.trainAccuracy || a.round - b.round || a.trial - b.trial;
}

/**
 * The exponent range spanned by some trials' values, widened to at least `minWidth` decades around
 * its middle and kept inside `bounds` (the range the values were drawn from).
 */
export function spannedRange(values: number[], bounds: LogRange, minWidth = 0.5): LogRange {
  const logs = values.map((v) => Math.log10(v));
  let lo = Math.min(...logs);
  let hi = Math.max(...logs);
  const width = Math.min(minWidth, bounds[1] - bounds[0]);
  if (hi - lo < width) {
    const mid = (lo + hi) / 2;
    lo = mid - width / 2;
    hi = mid + width / 2;
    if (lo < bounds[0]) [lo, hi] = [bounds[0], bounds[0] + width];
    if (hi > bounds[1]) [lo, hi] = [bounds[1] - width, bounds[1]];
  }
  return [sig(lo, 4), sig(hi, 4)];
}

export function hyperparameterSearch(
  opts: HyperparameterSearchOptions = {},
  onProgress?: ProgressCallback,
): HyperparameterSearchResult {
  const seed = seedOf(opts);
  const trials = positive(opts.trials, 100, 'trials');
  const epochs = positive(opts.epochs, 50, 'epochs');
  const trainSize = positive(opts.trainSize, 500, 'trainSize');
  const batchSize = positive(opts.batchSize, 100, 'batchSize');
  const topK = positive(opts.topK, 5, 'topK');
  const rounds = opts.rounds ?? 2;
  const rate = opts.validationRate ?? 0.2;
  if (!(rate > 0 && rate < 1)) throw new RangeError(`validationRate must be in (0, 1), got ${rate}`);
  let lrRange = checkRange(opts.lrRange ?? [-6, -2], 'lrRange');
  let wdRange = checkRange(opts.weightDecayRange ?? [-8, -4], 'weightDecayRange');

  const data = experimentData(opts, trainSize, 1);
  const all = headOf(data.train, trainSize);
  const rng = new Rng(seed);
  const order = rng.permutation(all.count);
  const valCount = Math.floor(all.count * rate);
  if (valCount < 1 || valCount >= all.count)
    throw new RangeError(`${all.count} images cannot be split ${rate} for validation`);
  const val = pickOf(all, order.subarray(0, valCount));
  const train = pickOf(all, order.subarray(valCount));
  const hidden = [100, 100, 100, 100, 100, 100];
  const spec = multiLayerSpec({ hidden, init: 'he' });
  const itersPerEpoch = Math.max(1, Math.floor(train.count / Math.min(batchSize, train.count)));
  const progress = new ProgressTracker(rounds * trials * epochs * itersPerEpoch, onProgress, opts.signal);

  const done: Trial[] = [];
  const roundRanges: HyperparameterSearchConfig['rounds'] = [];
  for (let round = 1; round <= rounds; round++) {
    if (round > 1) {
      const best = done
        .filter((t) => t.round === round - 1)
        .sort(compareTrials)
        .slice(0, topK);
      lrRange = spannedRange(
        best.map((t) => t.lr),
        lrRange,
      );
      wdRange = spannedRange(
        best.map((t) => t.weightDecay),
        wdRange,
      );
    }
    roundRanges.push({ round, lrRange, weightDecayRange: wdRange });
    for (let i = 1; i <= trials; i++) {
      // The book draws the weight decay first, then the learning rate.
      const weightDecay = Math.pow(10, rng.uniform(wdRange[0], wdRange[1]));
      const lr = Math.pow(10, rng.uniform(lrRange[0], lrRange[1]));
      const trialSeed = rng.nextUint32();
      const net = buildNetwork(spec, { seed: trialSeed });
      net.weightDecay = weightDecay;
      const trainer = new Trainer(net, train, val, {
        batchSize,
        epochs,
        optimizer: { type: 'sgd', lr },
        seed: deriveSeed(trialSeed, 1),
      });
      const message = `round ${round}/${rounds} · trial ${i}/${trials} · lr ${sig(lr, 3)} · λ ${sig(weightDecay, 3)}`;
      while (!trainer.done) {
        try {
          trainer.step();
          progress.advance(1, message);
        } catch (e) {
          if (!(e instanceof DivergenceError)) throw e;
          progress.advance(trainer.totalIterations - trainer.iteration, message);
          break;
        }
      }
      done.push({
        round,
        trial: i,
        lr,
        weightDecay,
        valAccuracy: net.accuracy(val.images, val.labels, val.count),
        trainAccuracy: net.accuracy(train.images, train.labels, train.count),
      });
    }
  }
  return {
    experiment: 'hyperparameter-search',
    config: {
      network: `784-[${hidden.join(',')}]-10`,
      hidden,
      activation: 'relu',
      init: 'he',
      optimizer: 'sgd',
      batchSize: Math.min(batchSize, train.count),
      epochs,
      trials,
      trainSize: train.count,
      validationSize: val.count,
      topK,
      rounds: roundRanges,
      seed,
    },
    results: done.sort(compareTrials),
  };
}
