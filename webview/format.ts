/** Text formatting shared by the panel's parts: shapes, counts, losses, accuracies, rates. */

/** A per-sample shape as the graph shows it: `(50)`, `(30, 24, 24)`. */
export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}

/** An integer with thousands separators: `39,250`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A parameter count: `39,250 params`, `1 param`, `no params`. */
export function formatParams(n: number): string {
  if (n === 0) return 'no params';
  return `${formatCount(n)} ${n === 1 ? 'param' : 'params'}`;
}

/** A real number in about four significant digits (exponent form when very small or large). */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(2);
  return x
    .toPrecision(4)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

/** A loss value: three decimals, or the general form when far from 1. */
export function formatLoss(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 0.001 && Math.abs(x) < 1000 ? x.toFixed(3) : formatNumber(x);
}

/** An accuracy in [0, 1] as a percentage with one decimal: `91.2%`. */
export function formatPercent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** An epoch number: whole epochs as integers, partial ones with two decimals. */
export function formatEpoch(epoch: number): string {
  return Number.isInteger(epoch) ? String(epoch) : epoch.toFixed(2);
}

/** A number with 4 significant digits: `0.1235`, `-12.35`, exponent form below 1e-3 or from 1e5. */
export function formatSig4(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e5 || a < 1e-3) return x.toExponential(3);
  return x.toPrecision(4);
}

/** Exponent form with three significant digits: `1.23e-9` (relative errors, tiny norms). */
export function formatExp(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x.toExponential(2);
}

/** The sides of a plane (image, map, heat map): `24 × 24`. */
export function formatSides(h: number, w: number): string {
  return `${h} × ${w}`;
}
