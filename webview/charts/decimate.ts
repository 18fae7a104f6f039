/**
 * Thins a long series for drawing: a chart a few hundred pixels wide cannot show 20,000 points, and
 * chart.js spends its time (and the renderer's core, which the training worker needs) on every one.
 * The series is cut into equal runs of consecutive points; each run keeps its first point and its
 * lowest and highest ones, in order, so spikes and the envelope of a noisy loss stay visible, and
 * the last point of the series is always kept. Short series are returned as they are.
 */

/** A point of a line chart. */
export interface XY {
  x: number;
  y: number;
}

/**
 * At most about `3 · buckets + 1` points of `xs`/`ys` (the first, lowest and highest of each of
 * `buckets` runs, and the last); all of them when there are no more than `3 · buckets`.
 */
export function decimate(xs: readonly number[], ys: readonly number[], buckets: number): XY[] {
  const n = Math.min(xs.length, ys.length);
  const out: XY[] = [];
  if (n <= 3 * buckets) {
    for (let i = 0; i < n; i++) out.push({ x: xs[i], y: ys[i] });
    return out;
  }
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if (ys[i] < ys[lo]) lo = i;
      if (ys[i] > ys[hi]) hi = i;
    }
    // Kept in index order: the first, then the lowest and the highest in the order they came.
    const keep = [...new Set([from, Math.min(lo, hi), Math.max(lo, hi)])];
    for (const i of keep) out.push({ x: xs[i], y: ys[i] });
  }
  if (out[out.length - 1].x !== xs[n - 1]) out.push({ x: xs[n - 1], y: ys[n - 1] });
  return out;
}
