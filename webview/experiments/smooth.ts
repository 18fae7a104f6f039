/**
 * The book's `smooth_curve` (common/util.py), which its loss figures use: a Kaiser window of 11
 * points (β = 2) slid over the curve, with the ends mirrored so the smoothed curve keeps its length.
 */

/** The modified Bessel function of the first kind, order 0 (its power series). */
export function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 60; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** numpy's `kaiser(m, beta)`. */
export function kaiser(m: number, beta: number): number[] {
  if (m === 1) return [1];
  const d = besselI0(beta);
  return Array.from({ length: m }, (_, n) => {
    const r = (2 * n) / (m - 1) - 1;
    return besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / d;
  });
}

/**
 * The book's smoothing: `s = r_[x[w-1:0:-1], x, x[-1:-w:-1]]`, convolved with the normalised window,
 * trimmed to the input's length. Curves shorter than the window come back unchanged.
 */
export function smoothCurve(x: readonly number[], windowLen = 11, beta = 2): number[] {
  const n = x.length;
  if (n < windowLen) return x.slice();
  const w = kaiser(windowLen, beta);
  const total = w.reduce((a, b) => a + b, 0);
  const s: number[] = [];
  for (let i = windowLen - 1; i > 0; i--) s.push(x[i]);
  s.push(...x);
  for (let i = n - 1; i > n - windowLen; i--) s.push(x[i]);
  // np.convolve(w/w.sum(), s, 'valid') then y[5:len(y)-5]: the window is symmetric, so this is a
  // correlation; output k of the valid part starts at s[k].
  const valid = s.length - windowLen + 1;
  const half = Math.floor(windowLen / 2);
  const out: number[] = [];
  for (let k = half; k < valid - half; k++) {
    let acc = 0;
    for (let j = 0; j < windowLen; j++) acc += w[j] * s[k + j];
    out.push(acc / total);
  }
  return out;
}
