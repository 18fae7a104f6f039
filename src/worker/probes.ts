/**
 * What the worker measures inside a network for the panel: histograms of activations and weights,
 * gradient norms and update ratios, convolution filters as images, feature maps of one image, and
 * summaries of single tensors for stepping through backprop. Pure functions over engine objects.
 */
import type { Layer } from '../engine/layers/layer';
import type { Network } from '../engine/network';
import { Tensor, type Arr } from '../engine/tensor';
import type { Dataset } from '../engine/data/dataset';
import { HISTOGRAM_BINS, type FeatureMapsEvent, type HistogramInfo, type TensorSummary } from '../shared/protocol';

/** Counts of `data` in HISTOGRAM_BINS equal bins over [lo, hi], written into `out` at `offset`. */
export function histogramInto(data: ArrayLike<number>, lo: number, hi: number, out: Float32Array | number[], offset = 0): void {
  const bins = HISTOGRAM_BINS;
  for (let b = 0; b < bins; b++) out[offset + b] = 0;
  const scale = hi > lo ? bins / (hi - lo) : 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(v >= lo && v <= hi)) continue;
    let b = Math.floor((v - lo) * scale);
    if (b >= bins) b = bins - 1;
    out[offset + b]++;
  }
}

/** min, max, mean and std of an array (NaN-free input assumed; NaN propagates to mean/std). */
export function moments(data: ArrayLike<number>): { min: number; max: number; mean: number; std: number } {
  let min = Infinity;
  let max = -Infinity;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
    s += v;
    s2 += v * v;
  }
  const n = data.length || 1;
  const mean = s / n;
  return { min, max, mean, std: Math.sqrt(Math.max(0, s2 / n - mean * mean)) };
}

/** The histogram range a layer's outputs are shown over: fixed for sigmoid and tanh, else the data's. */
function rangeFor(kind: string, m: { min: number; max: number }): [number, number] {
  if (kind === 'sigmoid') return [0, 1];
  if (kind === 'tanh') return [-1, 1];
  if (kind === 'relu') return [0, m.max > 0 ? m.max : 1];
  return m.max > m.min ? [m.min, m.max] : [m.min - 0.5, m.min + 0.5];
}

/** Histogram and summary of one layer's output. */
function activationInfo(layer: Layer, out: Arr, counts: Float32Array, offset: number): HistogramInfo {
  const m = moments(out);
  const [lo, hi] = rangeFor(layer.kind, m);
  histogramInto(out, lo, hi, counts, offset);
  let saturated = 0;
  let dead = 0;
  if (layer.kind === 'sigmoid') for (const v of out) saturated += v < 0.01 || v > 0.99 ? 1 : 0;
  if (layer.kind === 'tanh') for (const v of out) saturated += Math.abs(v) > 0.99 ? 1 : 0;
  if (layer.kind === 'relu') for (const v of out) dead += v === 0 ? 1 : 0;
  const n = out.length || 1;
  return { id: layer.id, lo, hi, mean: m.mean, std: m.std, saturated: saturated / n, dead: dead / n };
}

/** Activation histograms of every layer on the batch x (evaluation mode, no randomness). */
export function activationHistograms(net: Network, x: Tensor): { items: HistogramInfo[]; counts: Float32Array } {
  const counts = new Float32Array(net.layers.length * HISTOGRAM_BINS);
  const items: HistogramInfo[] = [];
  net.forwardEach(x, (layer, out) => items.push(activationInfo(layer, out.data, counts, items.length * HISTOGRAM_BINS)));
  return { items, counts };
}

/** Histograms of every parameter tensor. */
export function weightHistograms(net: Network): { items: HistogramInfo[]; counts: Float32Array } {
  const params = net.params();
  const counts = new Float32Array(params.length * HISTOGRAM_BINS);
  const items = params.map((p, i) => {
    const m = moments(p.value.data);
    const [lo, hi] = m.max > m.min ? [m.min, m.max] : [m.min - 0.5, m.min + 0.5];
    histogramInto(p.value.data, lo, hi, counts, i * HISTOGRAM_BINS);
    return { id: p.name, lo, hi, mean: m.mean, std: m.std, saturated: 0, dead: 0 };
  });
  return { items, counts };
}

/** ‖a‖₂ */
export function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** ‖a − b‖₂ */
export function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return Math.sqrt(s);
}

/** Normalises each consecutive block of `size` values of `data` to [0, 1] in place. */
export function normalizeBlocks(data: Float32Array, size: number): Float32Array {
  for (let o = 0; o < data.length; o += size) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = o; i < o + size; i++) {
      if (data[i] < lo) lo = data[i];
      if (data[i] > hi) hi = data[i];
    }
    const span = hi - lo;
    for (let i = o; i < o + size; i++) data[i] = span > 0 ? (data[i] - lo) / span : 0.5;
  }
  return data;
}

/** The first convolution layer's filters, channels averaged, each normalised to [0, 1]. */
export function convFilters(net: Network): { layer: string; count: number; h: number; w: number; data: Float32Array } | undefined {
  const conv = net.layers.find((l) => l.kind === 'conv');
  const w = conv?.params().find((p) => p.name.endsWith('.W'));
  if (!conv || !w) return undefined;
  const [f, c, fh, fw] = w.value.shape; // (F, C, FH, FW)
  const data = new Float32Array(f * fh * fw);
  const src = w.value.data;
  for (let k = 0; k < f; k++) {
    for (let ch = 0; ch < c; ch++) {
      for (let i = 0; i < fh * fw; i++) data[k * fh * fw + i] += src[(k * c + ch) * fh * fw + i] / c;
    }
  }
  return { layer: conv.id, count: f, h: fh, w: fw, data: normalizeBlocks(data, fh * fw) };
}

/** Feature maps of one image through every layer with an image-shaped output. */
export function featureMaps(net: Network, image: Arr): { predicted: number; layers: { id: string; channels: number; h: number; w: number; data: Float32Array }[] } {
  const x = new Tensor(net.dtype === 'float64' ? Float64Array.from(image) : Float32Array.from(image), [1, ...net.inShape]);
  const layers: { id: string; channels: number; h: number; w: number; data: Float32Array }[] = [];
  const y = net.forwardEach(x, (layer, out) => {
    if (layer.outShape.length !== 3) return;
    const [c, h, w] = layer.outShape;
    layers.push({ id: layer.id, channels: c, h, w, data: normalizeBlocks(Float32Array.from(out.data), h * w) });
  });
  let predicted = 0;
  for (let j = 1; j < y.size; j++) if (y.data[j] > y.data[predicted]) predicted = j;
  return { predicted, layers };
}

/** The `probe/featureMaps` event of test image `index` (clamped to the test set) through `net`. */
export function featureMapsEvent(net: Network, data: Pick<Dataset, 'test' | 'sampleShape'>, index: number): FeatureMapsEvent {
  const test = data.test;
  const i = Math.min(Math.max(0, Math.floor(index)), test.count - 1);
  const [c, h, w] = data.sampleShape;
  const per = c * h * w;
  const image = test.images.slice(i * per, (i + 1) * per);
  const fm = featureMaps(net, image);
  return { type: 'probe/featureMaps', index: i, label: test.labels[i], predicted: fm.predicted, image: { h, w, data: image.slice(0, h * w) }, layers: fm.layers };
}

/** Largest side of a heat map. */
const HEAT_MAX = 64;

/**
 * A heat map of a tensor: the whole of a small 2-D one; for activations and their gradients sample 0
 * (channel 0 of an image); for parameters (role grad or value) the top-left block of at most 64 × 64.
 */
function heatMap(t: Tensor, name: string, role: TensorSummary['role']): TensorSummary['heat'] {
  const isParam = role === 'grad' || role === 'value';
  const shape = t.shape;
  if (shape.length === 2 && shape[0] <= HEAT_MAX && shape[1] <= HEAT_MAX) {
    return { rows: shape[0], cols: shape[1], label: `${name}, all of it`, data: Float32Array.from(t.data) };
  }
  if (shape.length === 4) {
    const [, , h, w] = shape;
    const rows = Math.min(h, HEAT_MAX);
    const cols = Math.min(w, HEAT_MAX);
    const data = new Float32Array(rows * cols);
    for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) data[y * cols + x] = t.data[y * w + x];
    return { rows, cols, label: `${name}, sample 0, channel 0`, data };
  }
  if (shape.length === 2) {
    const [n, d] = shape;
    if (!isParam && n > HEAT_MAX && d <= HEAT_MAX * HEAT_MAX) {
      // One sample (row 0), wrapped into a near-square grid: 784 → 28 × 28, 50 → 8 × 7.
      const cols = Math.ceil(Math.sqrt(d));
      const rows = Math.ceil(d / cols);
      const data = new Float32Array(rows * cols).fill(NaN);
      data.set(t.data.subarray(0, d));
      return { rows, cols, label: `${name}, sample 0 (${d} values as ${rows} × ${cols})`, data };
    }
    const rows = Math.min(n, HEAT_MAX);
    const cols = Math.min(d, HEAT_MAX);
    const data = new Float32Array(rows * cols);
    for (let y = 0; y < rows; y++) for (let x = 0; x < cols; x++) data[y * cols + x] = t.data[y * d + x];
    return { rows, cols, label: `${name}, rows 1–${rows} × columns 1–${cols} of ${n} × ${d}`, data };
  }
  if (shape.length === 1 && shape[0] <= HEAT_MAX * HEAT_MAX) {
    const d = shape[0];
    const cols = Math.ceil(Math.sqrt(d));
    const rows = Math.ceil(d / cols);
    const data = new Float32Array(rows * cols).fill(NaN);
    data.set(t.data);
    return { rows, cols, label: `${name} (${d} values as ${rows} × ${cols})`, data };
  }
  return null;
}

/** Summary of one tensor: statistics, a histogram, and a heat map. */
export function summarize(t: Tensor, role: TensorSummary['role'], name: string): TensorSummary {
  const m = moments(t.data);
  const [lo, hi] = m.max > m.min ? [m.min, m.max] : [m.min - 0.5, m.min + 0.5];
  const counts: number[] = new Array(HISTOGRAM_BINS).fill(0);
  histogramInto(t.data, lo, hi, counts);
  return { role, name, shape: t.shape.slice(), ...m, lo, hi, counts, heat: heatMap(t, name, role) };
}
