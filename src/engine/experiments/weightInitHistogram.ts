/**
 * Book §6.2.2–6.2.3 (`ch06/weight_init_activation_histogram.py`): 1000 samples of N(0, 1) in 100
 * dimensions pass through 5 layers of 100 units without bias (a = x·W, z = f(a)), and the distribution
 * of each layer's outputs shows whether the initial weights keep the signal alive. Sigmoid with std 1
 * saturates at 0 and 1 (vanishing gradients), std 0.01 collapses onto 0.5 (no expressiveness), Xavier
 * spreads the values; with ReLU, std 0.01 fades layer by layer while He keeps the spread.
 *
 * Histograms have 30 bins over a fixed range, values outside dropped (numpy's `hist(range=…)`):
 * [0, 1] for sigmoid (the book's range), [−1, 1] for tanh, and for ReLU [0, m] where m is the largest
 * output of all five layers of that run (so the layers share one axis and shrinking or growing shows),
 * or [0, `reluRange`] when that option is given (1 gives the book's plot).
 */
import { sigmoid1 } from '../functions';
import { gemmNN } from '../gemm';
import { initName, initStd, type InitSpec } from '../init';
import { Rng } from '../rng';
import {
  ProgressTracker,
  deriveSeed,
  positive,
  seedOf,
  sig,
  type ExperimentOptions,
  type ExperimentResult,
  type ProgressCallback,
} from './common';

export type HistogramActivation = 'sigmoid' | 'tanh' | 'relu';

/** Options of `weight-init-histogram`. */
export interface WeightInitHistogramOptions extends ExperimentOptions {
  /** Default sigmoid, tanh, relu. */
  activations?: HistogramActivation[];
  /** Default std 1, std 0.01, Xavier, He. */
  inits?: InitSpec[];
  /** Samples (rows of the input); default 1000. */
  samples?: number;
  /** Units per layer and input dimension; default 100. */
  units?: number;
  /** Layers; default 5. */
  layers?: number;
  /** Bins per histogram; default 30. */
  bins?: number;
  /** Fixed upper end of the ReLU histograms (default: the largest output of the run). */
  reluRange?: number;
}

export interface HistogramBins {
  /** bins + 1 edges, increasing; bin i is [edges[i], edges[i+1]), the last one closed. */
  edges: number[];
  /** Values per bin. */
  counts: number[];
}

export interface LayerActivations {
  /** 1-based layer number. */
  layer: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
  min: number;
  max: number;
  /** Sigmoid: fraction of outputs < 0.01 or > 0.99; tanh: fraction with |z| > 0.99; ReLU: 0. */
  saturated: number;
  /** ReLU: fraction of outputs exactly 0; sigmoid and tanh: 0. */
  dead: number;
  histogram: HistogramBins;
}

export interface WeightInitHistogramRun {
  activation: HistogramActivation;
  /** `std=1`, `std=0.01`, `xavier`, `he`. */
  init: string;
  /** The standard deviation of the weights. */
  weightStd: number;
  layers: LayerActivations[];
}

export interface WeightInitHistogramConfig {
  samples: number;
  units: number;
  layers: number;
  bins: number;
  bias: false;
  activations: HistogramActivation[];
  inits: string[];
  /** Histogram range per activation; for ReLU `"max"` means [0, largest output of the run]. */
  ranges: Record<HistogramActivation, [number, number | 'max']>;
  seed: number;
}

export type WeightInitHistogramResult = ExperimentResult<WeightInitHistogramConfig, WeightInitHistogramRun>;

/** The book's four initial weight scales. */
export const HISTOGRAM_INITS: readonly InitSpec[] = [{ std: 1 }, { std: 0.01 }, 'xavier', 'he'];

function activate(kind: HistogramActivation, a: Float64Array): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    a[i] = kind === 'sigmoid' ? sigmoid1(v) : kind === 'tanh' ? Math.tanh(v) : v > 0 ? v : 0;
  }
}

/** A histogram of `values` with `bins` equal bins over [lo, hi]; values outside are not counted. */
export function binValues(values: ArrayLike<number>, bins: number, lo: number, hi: number): HistogramBins {
  const edges = Array.from({ length: bins + 1 }, (_, i) => sig(lo + ((hi - lo) * i) / bins, 8));
  const counts = new Array<number>(bins).fill(0);
  const width = hi - lo;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) continue;
    const b = width > 0 ? Math.min(bins - 1, Math.floor(((v - lo) / width) * bins)) : 0;
    counts[b]++;
  }
  return { edges, counts };
}

function stats(kind: HistogramActivation, z: Float64Array): Omit<LayerActivations, 'layer' | 'histogram'> {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let saturated = 0;
  let dead = 0;
  for (let i = 0; i < z.length; i++) {
    const v = z[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (kind === 'sigmoid' ? v < 0.01 || v > 0.99 : kind === 'tanh' ? Math.abs(v) > 0.99 : false) saturated++;
    if (kind === 'relu' && v === 0) dead++;
  }
  const mean = sum / z.length;
  let sq = 0;
  for (let i = 0; i < z.length; i++) sq += (z[i] - mean) * (z[i] - mean);
  return {
    mean: sig(mean),
    std: sig(Math.sqrt(sq / z.length)),
    min: sig(min),
    max: sig(max),
    saturated: sig(saturated / z.length),
    dead: sig(dead / z.length),
  };
}

export function weightInitHistogram(
  opts: WeightInitHistogramOptions = {},
  onProgress?: ProgressCallback,
): WeightInitHistogramResult {
  const seed = seedOf(opts);
  const activations = opts.activations ?? ['sigmoid', 'tanh', 'relu'];
  const inits = opts.inits ?? HISTOGRAM_INITS;
  const samples = positive(opts.samples, 1000, 'samples');
  const units = positive(opts.units, 100, 'units');
  const depth = positive(opts.layers, 5, 'layers');
  const bins = positive(opts.bins, 30, 'bins');
  if (opts.reluRange !== undefined && !(opts.reluRange > 0))
    throw new RangeError(`reluRange must be positive, got ${opts.reluRange}`);
  const progress = new ProgressTracker(activations.length * inits.length * depth, onProgress, opts.signal);
  const x0 = new Float64Array(samples * units); // (samples, units)
  new Rng(seed).fillNormal(x0);
  const results: WeightInitHistogramRun[] = [];
  for (const kind of activations) {
    for (const init of inits) {
      const std = initStd(init, units);
      // The same normal draws for every run: the weights differ only in scale.
      const wRng = new Rng(deriveSeed(seed, 1));
      const w = new Float64Array(units * units); // (units, units)
      const outputs: Float64Array[] = [];
      let x = x0;
      for (let l = 0; l < depth; l++) {
        wRng.fillNormal(w, std);
        const a = new Float64Array(samples * units); // (samples, units)
        gemmNN(x, w, a, samples, units, units);
        activate(kind, a);
        outputs.push(a);
        x = a;
        progress.advance(1, `${kind} ${initName(init)} · layer ${l + 1}/${depth}`);
      }
      let hi = kind === 'relu' ? (opts.reluRange ?? 0) : 1;
      if (kind === 'relu' && opts.reluRange === undefined) {
        for (const z of outputs) for (let i = 0; i < z.length; i++) if (z[i] > hi) hi = z[i];
        if (!(hi > 0)) hi = 1;
      }
      const lo = kind === 'tanh' ? -1 : 0;
      results.push({
        activation: kind,
        init: initName(init),
        weightStd: sig(std),
        layers: outputs.map((z, l) => ({ layer: l + 1, ...stats(kind, z), histogram: binValues(z, bins, lo, hi) })),
      });
    }
  }
  return {
    experiment: 'weight-init-histogram',
    config: {
      samples,
      units,
      layers: depth,
      bins,
      bias: false,
      activations,
      inits: inits.map(initName),
      ranges: { sigmoid: [0, 1], tanh: [-1, 1], relu: [0, opts.reluRange ?? 'max'] },
      seed,
    },
    results,
  };
}
