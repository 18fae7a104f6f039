/**
 * Gradient check of a whole network (book §5.7): the gradient of every parameter by backpropagation
 * against central differences, compared by the mean absolute difference (the book's figure) and the
 * relative error ‖g_num − g_bp‖ / (‖g_num‖ + ‖g_bp‖). Large parameters can be checked on a seeded
 * sample of their entries (as CS231n's `grad_check_sparse` does), which keeps the check of a convnet
 * to seconds.
 */
import type { Targets } from './layers/loss';
import type { Network } from './network';
import { meanAbsDiff, relativeError } from './numerical';
import { Rng } from './rng';
import type { Tensor } from './tensor';

/**
 * Step of the central differences in a float64 check. Smaller than the book's 1e-4: rounding error
 * (≈ ε/h ≈ 1e-11) stays far below the truncation error, and the step crosses far fewer ReLU and
 * max-pool kinks in nets initialised with std 0.01, whose pre-activations are only ≈ 1e-2 in size
 * (with 1e-4, SimpleConvNet's conv1 shows relative errors of 1e-3 from kinks alone).
 */
export const GRADCHECK_H_FLOAT64 = 1e-5;
/** Step for float32 checks, where ε/h dominates: expect relative errors of about 1e-3 at best. */
export const GRADCHECK_H_FLOAT32 = 1e-2;

/** The figures of one parameter. */
export interface ParamCheck {
  meanAbsDiff: number;
  relativeError: number;
  /** Number of entries compared (all, or the sample). */
  size: number;
}

/** Result of a whole-network check. */
export interface GradCheckResult {
  maxRelativeError: number;
  params: Record<string, ParamCheck>;
}

/** Options of a check. */
export interface GradCheckOptions {
  /** Step of the central differences; by default per element type (see above). */
  h?: number;
  /** Compare at most this many entries per parameter, chosen with `seed` (default: all). */
  maxEntries?: number;
  seed?: number;
  /** Called after each parameter. */
  onParam?: (name: string, r: ParamCheck) => void;
}

/**
 * Compares backpropagation with numerical gradients for every parameter on the batch (x, t). The loss
 * is evaluated in training mode (batch norm uses batch statistics), so the network should have no
 * dropout, or the check would see a different mask on every evaluation.
 */
export function gradientCheck(net: Network, x: Tensor, t: Targets, opts: GradCheckOptions = {}): GradCheckResult {
  const h = opts.h ?? (net.dtype === 'float64' ? GRADCHECK_H_FLOAT64 : GRADCHECK_H_FLOAT32);
  const rng = new Rng(opts.seed ?? 0);
  net.gradient(x, t);
  const backprop = new Map(net.params().map((p) => [p.name, p.grad.data.slice()]));
  const params: Record<string, ParamCheck> = {};
  let max = 0;
  for (const p of net.params()) {
    const w = p.value.data;
    const all = w.length;
    const idx = opts.maxEntries !== undefined && opts.maxEntries < all ? rng.choice(all, opts.maxEntries) : undefined;
    const count = idx ? idx.length : all;
    const num = new Float64Array(count);
    const bp = new Float64Array(count);
    const g = backprop.get(p.name)!;
    for (let k = 0; k < count; k++) {
      const i = idx ? idx[k] : k;
      const v = w[i];
      w[i] = v + h;
      const fp = net.loss(x, t, true);
      w[i] = v - h;
      const fm = net.loss(x, t, true);
      w[i] = v;
      num[k] = (fp - fm) / (2 * h);
      bp[k] = g[i];
    }
    const r: ParamCheck = { meanAbsDiff: meanAbsDiff(num, bp), relativeError: relativeError(num, bp), size: count };
    params[p.name] = r;
    if (r.relativeError > max) max = r.relativeError;
    opts.onParam?.(p.name, r);
  }
  return { maxRelativeError: max, params };
}
