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

/**
 * A central difference that straddles a kink (ReLU at 0, a max-pool window changing its winner) is
 * wrong by the jump in slope, not by O(h²). Such a step shows itself in the one-sided differences
 * (f(x+h) − f(x))/h and (f(x) − f(x−h))/h disagreeing: by more than this fraction of their size, the
 * entry is measured again with h/10. The fraction is small because a bias feeds thousands of
 * positions, a few of which cross their kink inside the step: each moves the slope only a little,
 * together enough to spoil a 1e-6 check. A smooth function trips it where |f''/f'| > 0.1 (their gap
 * is h·f''); there the smaller step is as good, and one retry keeps rounding error (ε/h) small.
 * Measured on SimpleConvNet after 3 and 61 Adam steps: conv1.b 2.8e-6 → 2.1e-9, conv1.W 3.5e-4 →
 * 1.4e-9.
 */
export const KINK_TOLERANCE = 1e-6;

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
 * Compares backpropagation with numerical gradients for every parameter on the batch (x, t), stepping
 * around kinks (see KINK_TOLERANCE). The loss is evaluated in training mode (batch norm uses batch statistics), so the network should have no
 * dropout, or the check would see a different mask on every evaluation.
 */
export function gradientCheck(net: Network, x: Tensor, t: Targets, opts: GradCheckOptions = {}): GradCheckResult {
  const h = opts.h ?? (net.dtype === 'float64' ? GRADCHECK_H_FLOAT64 : GRADCHECK_H_FLOAT32);
  const rng = new Rng(opts.seed ?? 0);
  net.gradient(x, t);
  const backprop = new Map(net.params().map((p) => [p.name, p.grad.data.slice()]));
  const f0 = net.loss(x, t, true);
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
      for (let step = h, tries = 0; ; step /= 10, tries++) {
        w[i] = v + step;
        const fp = net.loss(x, t, true);
        w[i] = v - step;
        const fm = net.loss(x, t, true);
        w[i] = v;
        num[k] = (fp - fm) / (2 * step);
        const right = (fp - f0) / step;
        const left = (f0 - fm) / step;
        const kink = Math.abs(right - left) > KINK_TOLERANCE * Math.max(Math.abs(right), Math.abs(left)) + 1e-9;
        if (!kink) break;
        if (tries === 1) {
          // Still a kink at h/10: the loss is not differentiable here (a ReLU input exactly 0, as
          // where a zero bias meets MNIST's zero background). Every slope between the one-sided
          // ones is a valid subgradient, so the reference is the one nearest to backprop's.
          num[k] = Math.min(Math.max(g[i], Math.min(left, right)), Math.max(left, right));
          break;
        }
      }
      bp[k] = g[i];
    }
    const r: ParamCheck = { meanAbsDiff: meanAbsDiff(num, bp), relativeError: relativeError(num, bp), size: count };
    params[p.name] = r;
    if (r.relativeError > max) max = r.relativeError;
    opts.onParam?.(p.name, r);
  }
  return { maxRelativeError: max, params };
}
