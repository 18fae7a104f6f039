/**
 * Gradient check of a whole network (book §5.7): the gradient of every parameter by backpropagation
 * against central differences, compared by the mean absolute difference (the book's figure) and the
 * relative error ‖g_num − g_bp‖ / (‖g_num‖ + ‖g_bp‖).
 */
import type { Targets } from './layers/loss';
import type { Network } from './network';
import { meanAbsDiff, numericalGradient, relativeError } from './numerical';

/**
 * Step of the central differences in a float64 check. Smaller than the book's 1e-4: rounding error
 * (≈ ε/h ≈ 1e-11) stays far below the truncation error, and the step crosses far fewer ReLU and
 * max-pool kinks in nets initialised with std 0.01, whose pre-activations are only ≈ 1e-2 in size
 * (with 1e-4, SimpleConvNet's conv1 shows relative errors of 1e-3 from kinks alone).
 */
export const GRADCHECK_H_FLOAT64 = 1e-5;
/** Step for float32 checks, where ε/h dominates: expect relative errors of about 1e-3 at best. */
export const GRADCHECK_H_FLOAT32 = 1e-2;
import type { Tensor } from './tensor';

/** The figures of one parameter. */
export interface ParamCheck {
  meanAbsDiff: number;
  relativeError: number;
  size: number;
}

/** Result of a whole-network check. */
export interface GradCheckResult {
  maxRelativeError: number;
  params: Record<string, ParamCheck>;
}

/**
 * Compares backpropagation with numerical gradients for every parameter on the batch (x, t). The loss
 * is evaluated in training mode (batch norm uses batch statistics), so the network should have no
 * dropout, or the check would see a different mask on every evaluation.
 */
export function gradientCheck(
  net: Network,
  x: Tensor,
  t: Targets,
  onParam?: (name: string, r: ParamCheck) => void,
  h = net.dtype === 'float64' ? GRADCHECK_H_FLOAT64 : GRADCHECK_H_FLOAT32,
): GradCheckResult {
  net.gradient(x, t);
  const backprop = new Map(net.params().map((p) => [p.name, p.grad.data.slice()]));
  const params: Record<string, ParamCheck> = {};
  let max = 0;
  for (const p of net.params()) {
    const num = numericalGradient(() => net.loss(x, t, true), p.value.data, h);
    const bp = backprop.get(p.name)!;
    const r: ParamCheck = { meanAbsDiff: meanAbsDiff(num, bp), relativeError: relativeError(num, bp), size: p.value.size };
    params[p.name] = r;
    if (r.relativeError > max) max = r.relativeError;
    onParam?.(p.name, r);
  }
  return { maxRelativeError: max, params };
}
