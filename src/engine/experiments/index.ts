/**
 * The book's chapter-6 experiments by name. Each `run` reproduces the book's set-up by default, takes
 * options that shorten it, is deterministic for a given seed, reports progress through a callback and
 * returns `{ experiment, config, results }` (plain JSON values).
 */
import { batchnorm } from './batchnorm';
import type { ExperimentOptions, ExperimentResult, ProgressCallback } from './common';
import { hyperparameterSearch } from './hyperparameterSearch';
import { optimizerCompare } from './optimizerCompare';
import { overfitDropout } from './overfitDropout';
import { overfitWeightDecay } from './overfitWeightDecay';
import { weightInitCompare } from './weightInitCompare';
import { weightInitHistogram } from './weightInitHistogram';

export type { ExperimentOptions, ExperimentProgress, ExperimentResult, ProgressCallback } from './common';
export * from './batchnorm';
export * from './hyperparameterSearch';
export * from './optimizerCompare';
export * from './overfit';
export * from './overfitDropout';
export * from './overfitWeightDecay';
export * from './weightInitCompare';
export * from './weightInitHistogram';

/** The shortening options an experiment honours (the CLI accepts only these flags for it). */
export type ExperimentKnob = 'iterations' | 'epochs' | 'trials';

/** One entry of the registry. */
export interface ExperimentEntry {
  /** One line for pickers and `--help`. */
  description: string;
  /** Which of `iterations`, `epochs`, `trials` shorten it. */
  knobs: readonly ExperimentKnob[];
  /** Runs the experiment to the end (synchronously; run it in a worker to keep a UI responsive). */
  run(opts?: ExperimentOptions, onProgress?: ProgressCallback): ExperimentResult<unknown, unknown>;
}

/** Every experiment by name, in the book's order. */
export const EXPERIMENTS: Record<string, ExperimentEntry> = {
  'optimizer-compare': {
    description:
      'Book §6.1: SGD, Momentum, AdaGrad, Adam on 784-[100×4]-10 ReLU (He), batch 128, 2000 iterations, same batches → loss curves',
    knobs: ['iterations'],
    run: optimizerCompare,
  },
  'weight-init-histogram': {
    description:
      'Book §6.2: activations of 5 layers of 100 units (no bias) for sigmoid/tanh/relu × std 1/0.01/Xavier/He → 30-bin histograms',
    knobs: [],
    run: weightInitHistogram,
  },
  'weight-init-compare': {
    description:
      'Book §6.2: std 0.01 vs Xavier vs He on 784-[100×4]-10 ReLU, SGD 0.01, batch 128, 2000 iterations → loss curves',
    knobs: ['iterations'],
    run: weightInitCompare,
  },
  batchnorm: {
    description:
      'Book §6.3: with and without Batch Norm, 1000 images, 784-[100×5]-10, 16 weight scales, 20 epochs → train accuracy',
    knobs: ['epochs'],
    run: batchnorm,
  },
  'overfit-weight-decay': {
    description: 'Book §6.4: 300 images, 784-[100×6]-10, 201 epochs, weight decay λ=0.1 vs none → train/test accuracy',
    knobs: ['epochs'],
    run: overfitWeightDecay,
  },
  'overfit-dropout': {
    description:
      "Book §6.4: 300 images, 784-[100×6]-10, 301 epochs, the book's dropout 0.2 vs none → train/test accuracy",
    knobs: ['epochs'],
    run: overfitDropout,
  },
  'hyperparameter-search': {
    description:
      'Book §6.5: random search of lr 10^U(−6,−2) and weight decay 10^U(−8,−4), 500 images (20% validation), 50 epochs, then a narrowed round',
    knobs: ['epochs', 'trials'],
    run: hyperparameterSearch,
  },
};

/** Names of every experiment, for error messages and pickers. */
export function experimentNames(): string[] {
  return Object.keys(EXPERIMENTS);
}
