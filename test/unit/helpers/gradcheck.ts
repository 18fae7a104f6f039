/**
 * Gradient check of a single layer (book §5.7): its backward pass against central differences
 * (src/engine/numerical.ts), in float64. The scalar checked is a random projection of the output,
 * L = Σ r ⊙ forward(x) with r ~ N(0, 1), so ∂L/∂y = r exercises every output with a different weight.
 */
import assert from 'node:assert/strict';
import type { ForwardContext, Layer } from '../../../src/engine/layers/layer';
import { numericalGradient, relativeError } from '../../../src/engine/numerical';
import { Rng } from '../../../src/engine/rng';
import { Tensor } from '../../../src/engine/tensor';

/** How to run the forward passes of a gradient check. */
export interface GradCheckOptions {
  /** Seed of the projection r. Default 1. */
  seed?: number;
  /**
   * Context of every forward call, analytic and numerical alike. Default: training mode with a fresh
   * `Rng(1)` each call, so a layer that draws random numbers (dropout) sees the same draws every time.
   */
  ctx?: () => ForwardContext;
}

/** Relative errors ‖analytic − numerical‖ / (‖analytic‖ + ‖numerical‖): `dx` and one per parameter name. */
export type GradCheckErrors = Record<string, number>;

/**
 * Checks `layer.backward` for x (N, ...inShape): dx and the gradient of every parameter against
 * numerical gradients of L = Σ r ⊙ forward(x). Also asserts that backward leaves dy untouched. The
 * layer and x must be float64. Returns the relative errors.
 */
export function gradcheckLayer(layer: Layer, x: Tensor, opts: GradCheckOptions = {}): GradCheckErrors {
  assert.equal(layer.dtype, 'float64', 'gradient checks run in float64');
  assert.equal(x.dtype, 'float64', 'gradient checks run in float64');
  const ctx = opts.ctx ?? ((): ForwardContext => ({ train: true, rng: new Rng(1) }));
  const y = layer.forward(x, ctx()); // (N, ...outShape)
  const r = Tensor.zeros(y.shape, 'float64'); // (N, ...outShape), the projection, = ∂L/∂y
  new Rng(opts.seed ?? 1).fillNormal(r.data);
  const rCopy = r.data.slice();
  const dx = layer.backward(r, true);
  assert.ok(dx, `${layer.id}: backward returned no dx`);
  assert.deepEqual(dx.shape, x.shape, `${layer.id}: dx shape`);
  assert.deepEqual(r.data, rCopy, `${layer.id}: backward mutated dy`);
  const analytic: Record<string, Float64Array> = { dx: Float64Array.from(dx.data) };
  for (const p of layer.params()) analytic[p.name] = Float64Array.from(p.grad.data);

  const loss = (): number => {
    const out = layer.forward(x, ctx()).data;
    let s = 0;
    for (let i = 0; i < out.length; i++) s += rCopy[i] * out[i];
    return s;
  };
  const errors: GradCheckErrors = { dx: relativeError(analytic.dx, numericalGradient(loss, x.data)) };
  for (const p of layer.params()) {
    errors[p.name] = relativeError(analytic[p.name], numericalGradient(loss, p.value.data));
  }
  return errors;
}

/** Prints one line per check (`label dx 3.1e-11`) and asserts every error is at most `bound`. */
export function expectGradients(label: string, errors: GradCheckErrors, bound = 1e-7): void {
  for (const [name, err] of Object.entries(errors)) {
    console.log(`      gradcheck ${label} ${name}: relative error ${err.toExponential(2)}`);
    assert.ok(err <= bound, `${label} ${name}: relative error ${err} exceeds ${bound}`);
  }
}
