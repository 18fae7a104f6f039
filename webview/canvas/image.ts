/**
 * Pixel images on canvas: a plane of values (a filter, a feature map, a heat map) drawn one cell per
 * pixel into an offscreen canvas, then scaled up onto the visible one with smoothing off, so each
 * value stays a crisp square.
 */
import type { ColorMap } from './colors';

let scratch: HTMLCanvasElement | undefined;

/**
 * Draws the `h × w` plane starting at `offset` in `data` (row-major) onto `canvas`, each cell
 * `scale × scale` pixels. Cells without a colour (NaN) stay transparent.
 */
export function drawPlane(
  canvas: HTMLCanvasElement,
  data: ArrayLike<number>,
  offset: number,
  h: number,
  w: number,
  scale: number,
  map: ColorMap,
): void {
  const width = Math.max(1, Math.round(w * scale));
  const height = Math.max(1, Math.round(h * scale));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx || w === 0 || h === 0) return;
  scratch ??= document.createElement('canvas');
  scratch.width = w;
  scratch.height = h;
  const sctx = scratch.getContext('2d');
  if (!sctx) return;
  const img = sctx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const rgb = map(data[offset + i]);
    if (!rgb) continue;
    img.data[4 * i] = rgb[0];
    img.data[4 * i + 1] = rgb[1];
    img.data[4 * i + 2] = rgb[2];
    img.data[4 * i + 3] = 255;
  }
  sctx.putImageData(img, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, 0, 0, width, height);
}

/** A scale that makes a side of `side` cells about `target` pixels (at least 1, whole numbers). */
export function scaleFor(side: number, target: number): number {
  return Math.max(1, Math.round(target / Math.max(1, side)));
}

/** A horizontal colour bar of a map over [lo, hi] (a legend for a heat map; CSS sizes it). */
export function drawColorBar(canvas: HTMLCanvasElement, map: ColorMap, lo: number, hi: number): void {
  const n = 64;
  const data = Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  drawPlane(canvas, data, 0, 1, n, 1, map);
}
