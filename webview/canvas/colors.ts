/**
 * Colour maps for heat maps and images, built from the theme's colours: a diverging map (negative:
 * blue, zero: the editor background, positive: red) for gradients and weights, a sequential map
 * (background → blue) for activations, and greyscale for filters and feature maps.
 */
import type { ChartTheme } from '../charts/theme';

/** An opaque colour as 0–255 channels. */
export type Rgb = [number, number, number];

let probe: CanvasRenderingContext2D | null | undefined;

/** Any CSS colour as RGB (the browser parses it; transparency is dropped). */
export function toRgb(color: string): Rgb {
  const hex = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(color.trim());
  if (hex) return [0, 2, 4].map((i) => parseInt(hex[1].slice(i, i + 2), 16)) as Rgb;
  if (probe === undefined) probe = document.createElement('canvas').getContext('2d');
  if (probe) {
    probe.fillStyle = '#000000';
    probe.fillStyle = color;
    const c = String(probe.fillStyle);
    const h = /^#([0-9a-f]{6})$/i.exec(c);
    if (h) return [0, 2, 4].map((i) => parseInt(h[1].slice(i, i + 2), 16)) as Rgb;
    const m = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c);
    if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  return [128, 128, 128];
}

/** The colour a fraction `t` of the way from `a` to `b`. */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Maps a value to RGB; returns null for a value that has no colour (NaN: an empty cell). */
export type ColorMap = (v: number) => Rgb | null;

/** Which map a tensor is drawn with. */
export type MapKind = 'diverging' | 'sequential' | 'grey';

/** The diverging map over [−m, m] where m = max |v|: blue below zero, background at 0, red above. */
export function divergingMap(theme: ChartTheme, maxAbs: number): ColorMap {
  const neg = toRgb(theme.blue);
  const zero = toRgb(theme.background);
  const pos = toRgb(theme.red);
  const m = maxAbs > 0 ? maxAbs : 1;
  return (v) => {
    if (Number.isNaN(v)) return null;
    const t = Math.max(-1, Math.min(1, v / m));
    return t < 0 ? mix(zero, neg, -t) : mix(zero, pos, t);
  };
}

/** The sequential map over [lo, hi]: background at lo, the theme's blue at hi. */
export function sequentialMap(theme: ChartTheme, lo: number, hi: number): ColorMap {
  const a = toRgb(theme.background);
  const b = toRgb(theme.blue);
  const span = hi > lo ? hi - lo : 1;
  return (v) => (Number.isNaN(v) ? null : mix(a, b, Math.max(0, Math.min(1, (v - lo) / span))));
}

/** Greyscale over [0, 1]: black at 0, white at 1 (filters and feature maps, already normalised). */
export const greyMap: ColorMap = (v) => {
  if (Number.isNaN(v)) return null;
  const g = Math.round(Math.max(0, Math.min(1, v)) * 255);
  return [g, g, g];
};

/** min, max and max |v| of the non-NaN values of `data`. */
export function extent(data: ArrayLike<number>): { min: number; max: number; maxAbs: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return { min: 0, max: 0, maxAbs: 0 };
  return { min, max, maxAbs: Math.max(Math.abs(min), Math.abs(max)) };
}

/**
 * The `q` quantile of |v| over the non-NaN values (0.99: all but the largest 1%). Gradients are
 * heavy-tailed: scaling a diverging map by the single largest value would leave almost every cell
 * at the background colour, so the few beyond this are drawn at full colour instead.
 */
export function robustMaxAbs(data: ArrayLike<number>, q = 0.99): number {
  const a: number[] = [];
  for (let i = 0; i < data.length; i++) if (!Number.isNaN(data[i])) a.push(Math.abs(data[i]));
  if (a.length === 0) return 0;
  a.sort((x, y) => x - y);
  const m = a[Math.ceil(q * (a.length - 1))];
  return m > 0 ? m : a[a.length - 1];
}
