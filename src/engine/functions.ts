/**
 * Activation functions and loss functions of chapters 3–4, on whole arrays. The layers in `layers/`
 * use these for their forward passes.
 */
import { allocArray, dtypeOf, type Arr } from './tensor';

/** Names of the activation functions. */
export type ActivationName = 'step' | 'sigmoid' | 'tanh' | 'relu' | 'softmax' | 'identity';

/** Step: 1 where x > 0, else 0. */
export function step(x: Arr): Arr {
  const y = allocArray(dtypeOf(x), x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? 1 : 0;
  return y;
}

/** Numerically stable logistic sigmoid of one number. */
export function sigmoid1(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** Sigmoid 1 / (1 + e^−x), elementwise. */
export function sigmoid(x: Arr): Arr {
  const y = allocArray(dtypeOf(x), x.length);
  for (let i = 0; i < x.length; i++) y[i] = sigmoid1(x[i]);
  return y;
}

/** Hyperbolic tangent, elementwise. */
export function tanh(x: Arr): Arr {
  const y = allocArray(dtypeOf(x), x.length);
  for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]);
  return y;
}

/** ReLU max(0, x), elementwise; NaN stays NaN (numpy's np.maximum(0, x)). */
export function relu(x: Arr): Arr {
  const y = allocArray(dtypeOf(x), x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i] <= 0 ? 0 : x[i];
  return y;
}

/** Identity (a copy). */
export function identity(x: Arr): Arr {
  return x.slice();
}

/**
 * Softmax over the last axis of a (rows × cols) array, with the row maximum subtracted first so large
 * inputs do not overflow (book §3.5.2). Writes into `out` when given.
 */
export function softmax(x: Arr, cols: number, out?: Arr): Arr {
  const y = out ?? allocArray(dtypeOf(x), x.length);
  const rows = x.length / cols;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) if (x[o + j] > max) max = x[o + j];
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[o + j] - max);
      y[o + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < cols; j++) y[o + j] *= inv;
  }
  return y;
}

/** Applies an activation by name; softmax needs the row width. */
export function activate(name: ActivationName, x: Arr, cols = x.length): Arr {
  switch (name) {
    case 'step':
      return step(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'tanh':
      return tanh(x);
    case 'relu':
      return relu(x);
    case 'softmax':
      return softmax(x, cols);
    case 'identity':
      return identity(x);
  }
}

/** Sum of squares error ½ Σ (y − t)², summed over everything, divided by the number of rows (book §4.2.1). */
export function sumSquaresError(y: Arr, t: Arr, rows = 1): number {
  if (y.length !== t.length) throw new RangeError(`sum of squares: y has ${y.length} values, t has ${t.length}`);
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const d = y[i] - t[i];
    s += d * d;
  }
  return (0.5 * s) / rows;
}

/** Mean squared error: mean over all elements of (y − t)². */
export function meanSquaredError(y: Arr, t: Arr): number {
  if (y.length !== t.length) throw new RangeError(`mean squared error: y has ${y.length} values, t has ${t.length}`);
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const d = y[i] - t[i];
    s += d * d;
  }
  return s / y.length;
}

/** Added inside the logarithm of cross-entropy so log(0) never happens (the book's 1e-7). */
export const CROSS_ENTROPY_DELTA = 1e-7;

/**
 * Cross-entropy error −Σ t·log(y + δ), averaged over rows (book §4.2.4). `t` is either class labels
 * (one integer per row) or one-hot rows of the same length as `y`.
 */
export function crossEntropyError(y: Arr, t: ArrayLike<number>, cols: number): number {
  const rows = y.length / cols;
  let s = 0;
  if (t.length === rows) {
    for (let r = 0; r < rows; r++) {
      const label = t[r];
      if (!Number.isInteger(label) || label < 0 || label >= cols) {
        throw new RangeError(`cross-entropy: label ${label} at row ${r} is outside 0..${cols - 1}`);
      }
      s -= Math.log(y[r * cols + label] + CROSS_ENTROPY_DELTA);
    }
  } else if (t.length === y.length) {
    for (let i = 0; i < y.length; i++) if (t[i] !== 0) s -= t[i] * Math.log(y[i] + CROSS_ENTROPY_DELTA);
  } else {
    throw new RangeError(`cross-entropy: ${t.length} targets for ${rows} rows of ${cols}`);
  }
  return s / rows;
}
