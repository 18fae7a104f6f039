/**
 * A small histogram drawn on canvas: equal-width bars over [lo, hi], a baseline, and a dashed mark at
 * zero when zero is inside the range. Sized to the canvas's CSS box at the device's pixel ratio.
 * When the first bin towers over the rest (half of all ReLU outputs are exactly 0), it can be clipped
 * so the shape of the others shows; a break mark says so.
 */
import type { ChartTheme } from '../charts/theme';

/** What to draw. */
export interface HistogramSpec {
  counts: ArrayLike<number>;
  /** Index of bin 0 in `counts` (histograms of a probe are packed). */
  offset?: number;
  bins: number;
  lo: number;
  hi: number;
  /** Clip a first bin more than twice as high as any other (drawn with a break mark). */
  clipFirst?: boolean;
  /** Bar colour; default the theme's blue. */
  color?: string;
}

/** Makes the canvas match its CSS size at the device pixel ratio; returns the CSS size and context. */
export function fitCanvas(
  canvas: HTMLCanvasElement,
  fallbackWidth: number,
  fallbackHeight: number,
): { ctx: CanvasRenderingContext2D; width: number; height: number } | null {
  const width = canvas.clientWidth || fallbackWidth;
  const height = canvas.clientHeight || fallbackHeight;
  const dpr = window.devicePixelRatio || 1;
  const pw = Math.round(width * dpr);
  const ph = Math.round(height * dpr);
  if (canvas.width !== pw) canvas.width = pw;
  if (canvas.height !== ph) canvas.height = ph;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

/** Draws the histogram; returns whether the first bin was clipped. */
export function drawHistogram(canvas: HTMLCanvasElement, spec: HistogramSpec, theme: ChartTheme): boolean {
  const fit = fitCanvas(canvas, 160, 56);
  if (!fit) return false;
  const { ctx, width, height } = fit;
  const { counts, bins, lo, hi } = spec;
  const off = spec.offset ?? 0;
  let max = 0;
  let restMax = 0;
  for (let b = 0; b < bins; b++) {
    const c = counts[off + b] || 0;
    if (c > max) max = c;
    if (b > 0 && c > restMax) restMax = c;
  }
  const clipped = Boolean(spec.clipFirst) && restMax > 0 && (counts[off] || 0) > 2 * restMax;
  const top = clipped ? restMax * 1.15 : max;
  const plotH = height - 1;
  const bw = width / bins;
  const gap = bw > 4 ? 1 : 0;
  ctx.fillStyle = spec.color ?? theme.blue;
  for (let b = 0; b < bins; b++) {
    const c = counts[off + b] || 0;
    if (c <= 0 || top <= 0) continue;
    const h = Math.max(1, Math.min(1, c / top) * (plotH - 2));
    ctx.fillRect(b * bw + gap / 2, plotH - h, Math.max(1, bw - gap), h);
  }
  if (clipped) {
    // Two slanted strokes across the clipped bar, in the background colour: "this bar goes on".
    ctx.strokeStyle = theme.background;
    ctx.lineWidth = 2;
    for (const y of [7, 12]) {
      ctx.beginPath();
      ctx.moveTo(0, y + 3);
      ctx.lineTo(bw, y - 1);
      ctx.stroke();
    }
  }
  if (lo < 0 && hi > 0) {
    const x = Math.round(((0 - lo) / (hi - lo)) * width) + 0.5;
    ctx.strokeStyle = theme.description;
    ctx.lineWidth = 1;
    ctx.setLineDash([2, 2]);
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, plotH);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.fillStyle = theme.grid;
  ctx.fillRect(0, plotH, width, 1);
  return clipped;
}

/** Index of the fullest bin (the first of equals). */
export function peakBin(counts: ArrayLike<number>, offset: number, bins: number): number {
  let best = 0;
  for (let b = 1; b < bins; b++) if ((counts[offset + b] || 0) > (counts[offset + best] || 0)) best = b;
  return best;
}
