/**
 * Book §6.4.1–6.4.2 (`ch06/overfit_weight_decay.py`): a 784-[100×6]-10 network trained on only 300
 * images for 201 epochs overfits (train accuracy 1.00, test ≈ 0.76); L2 weight decay λ = 0.1 (½λ‖W‖²
 * added to the loss for every weight matrix) narrows the gap between train and test accuracy.
 */
import { multiLayerSpec } from '../presets';
import type { ExperimentResult, ProgressCallback } from './common';
import { OVERFIT_HIDDEN, runOverfit, type OverfitConfig, type OverfitCurves, type OverfitOptions } from './overfit';

/** Options of `overfit-weight-decay`. */
export interface OverfitWeightDecayOptions extends OverfitOptions {
  /** Default 201. */
  epochs?: number;
  /** λ of the regularised run; default 0.1. */
  weightDecay?: number;
}

export interface OverfitWeightDecayRun extends OverfitCurves {
  variant: 'none' | 'weight-decay';
  /** λ (0 for the plain run). */
  weightDecay: number;
}

export type OverfitWeightDecayResult = ExperimentResult<OverfitConfig & { weightDecay: number }, OverfitWeightDecayRun>;

export function overfitWeightDecay(
  opts: OverfitWeightDecayOptions = {},
  onProgress?: ProgressCallback,
): OverfitWeightDecayResult {
  const lambda = opts.weightDecay ?? 0.1;
  if (!(lambda > 0)) throw new RangeError(`weightDecay must be positive, got ${lambda}`);
  const specs = [
    multiLayerSpec({ hidden: OVERFIT_HIDDEN, init: 'he', weightDecay: lambda }),
    multiLayerSpec({ hidden: OVERFIT_HIDDEN, init: 'he' }),
  ];
  const { config, curves } = runOverfit(specs, [`λ=${lambda}`, 'none'], opts, 201, onProgress);
  return {
    experiment: 'overfit-weight-decay',
    config: { ...config, weightDecay: lambda },
    results: [
      { variant: 'weight-decay', weightDecay: lambda, ...curves[0] },
      { variant: 'none', weightDecay: 0, ...curves[1] },
    ],
  };
}
