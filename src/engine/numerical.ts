/**
 * Numerical differentiation by central differences (book §4.3): f'(x) ≈ (f(x+h) − f(x−h)) / 2h with
 * h = 1e-4. Slow and exact enough to check backpropagation against.
 */
import type { Arr } from './tensor';

/** The book's step, 1e-4: small enough for accuracy, large enough to avoid rounding trouble. */
export const NUMERICAL_H = 1e-4;

/** Derivative of a function of one variable at x. */
export function numericalDiff(f: (x: number) => number, x: number, h = NUMERICAL_H): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

/**
 * ∂f/∂x for every element of `x`, where `f` reads `x` (it is perturbed in place and restored).
 * Returns the gradient in an array of the same type and length.
 */
export function numericalGradient(f: () => number, x: Arr, h = NUMERICAL_H): Arr {
  const grad = x instanceof Float64Array ? new Float64Array(x.length) : new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    x[i] = v + h;
    const fp = f();
    x[i] = v - h;
    const fm = f();
    x[i] = v;
    grad[i] = (fp - fm) / (2 * h);
  }
  return grad;
}

/** ‖a − b‖ / (‖a‖ + ‖b‖), 0 when both are zero: the relative error of a gradient check. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] - b[i];
    d += x * x;
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const den = Math.sqrt(na) + Math.sqrt(nb);
  return den === 0 ? 0 : Math.sqrt(d) / den;
}

/** Mean of |a − b|, the book's gradient-check figure. */
export function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return a.length ? s / a.length : 0;
}
