/**
 * Book §6.4.3 (`ch06/overfit_dropout.py`): the overfitting set-up (300 images, 784-[100×6]-10, SGD lr
 * 0.01, batch 100) with Dropout of ratio 0.2 after every hidden ReLU, for 301 epochs, against the
 * same network without dropout. By default the book's dropout: kept units are not scaled while
 * training and every unit is multiplied by 1 − ratio in evaluation; `inverted: true` scales kept units
 * by 1 / (1 − ratio) while training instead (same expected output, identity in evaluation).
 */
import { multiLayerSpec } from '../presets';
import type { NetworkSpec } from '../spec';
import type { ExperimentResult, ProgressCallback } from './common';
import { OVERFIT_HIDDEN, runOverfit, type OverfitConfig, type OverfitCurves, type OverfitOptions } from './overfit';

/** Options of `overfit-dropout`. */
export interface OverfitDropoutOptions extends OverfitOptions {
  /** Default 301. */
  epochs?: number;
  /** Dropout ratio; default 0.2. */
  ratio?: number;
  /** Inverted dropout instead of the book's; default false. */
  inverted?: boolean;
}

export interface OverfitDropoutRun extends OverfitCurves {
  variant: 'dropout' | 'none';
  /** Dropout ratio (0 for the plain run). */
  ratio: number;
}

export type OverfitDropoutResult = ExperimentResult<
  OverfitConfig & { ratio: number; inverted: boolean },
  OverfitDropoutRun
>;

/** The dropout network with every dropout layer set to inverted or not. */
function dropoutSpec(ratio: number, inverted: boolean): NetworkSpec {
  const spec = multiLayerSpec({ hidden: OVERFIT_HIDDEN, init: 'he', dropout: ratio });
  return { ...spec, layers: spec.layers.map((l) => (l.type === 'dropout' ? { ...l, inverted } : l)) };
}

export function overfitDropout(opts: OverfitDropoutOptions = {}, onProgress?: ProgressCallback): OverfitDropoutResult {
  const ratio = opts.ratio ?? 0.2;
  if (!(ratio > 0 && ratio < 1)) throw new RangeError(`ratio must be in (0, 1), got ${ratio}`);
  const inverted = opts.inverted ?? false;
  const specs = [dropoutSpec(ratio, inverted), multiLayerSpec({ hidden: OVERFIT_HIDDEN, init: 'he' })];
  const { config, curves } = runOverfit(
    specs,
    [`dropout ${ratio}${inverted ? ' inverted' : ''}`, 'none'],
    opts,
    301,
    onProgress,
  );
  return {
    experiment: 'overfit-dropout',
    config: { ...config, ratio, inverted },
    results: [
      { variant: 'dropout', ratio, ...curves[0] },
      { variant: 'none', ratio: 0, ...curves[1] },
    ],
  };
}
