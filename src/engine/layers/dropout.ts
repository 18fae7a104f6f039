/**
 * Dropout, book §6.4.3 (Srivastava et al. 2014, "Dropout: A Simple Way to Prevent Neural Networks
 * from Overfitting").
 */
import { Tensor, reuse, type DType, type Shape } from '../tensor';
import type { ForwardContext, Layer, Param } from './layer';

/**
 * Drops each unit with probability `ratio` while training. The mask is drawn from `ctx.rng`, one draw
 * per element in order (`rng.random() > ratio` keeps the unit), so the same seed gives the same mask.
 *
 * - Inverted (the default): training multiplies kept units by 1 / (1 − ratio), so the expected
 *   output equals the input and evaluation is the identity.
 * - Not inverted (the book's `Dropout`): training keeps units unscaled and evaluation multiplies
 *   every unit by (1 − ratio), the probability it was kept.
 *
 * Backward: dx = dy · mask · scale after a training forward (scale 1/(1 − ratio) or 1), and
 * dx = dy · (evaluation factor) after an evaluation forward.
 */
export class Dropout implements Layer {
  readonly kind = 'dropout' as const;
  readonly outShape: Shape;
  /** Factor applied to kept units while training. */
  readonly trainScale: number;
  /** Factor applied to every unit in evaluation. */
  readonly evalScale: number;
  private mask: Uint8Array = new Uint8Array(0); // (N, ...inShape), 1 = kept, of the last training forward
  private trained = false; // whether the last forward dropped units
  private out: Tensor | undefined; // (N, ...inShape)
  private dx: Tensor | undefined; // (N, ...inShape)

  constructor(
    readonly id: string,
    readonly inShape: Shape,
    readonly ratio: number,
    readonly inverted: boolean,
    readonly dtype: DType,
  ) {
    if (!(ratio >= 0 && ratio < 1)) throw new RangeError(`${id}: dropout ratio must be in [0, 1), got ${ratio}`);
    this.outShape = inShape;
    this.trainScale = inverted ? 1 / (1 - ratio) : 1;
    this.evalScale = inverted ? 1 : 1 - ratio;
  }

  /** The mask of the last training forward: 1 where the unit was kept. */
  get lastMask(): Uint8Array {
    return this.mask;
  }

  /** x: (N, ...inShape) → y of the same shape. */
  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const out = (this.out = reuse(this.out, x.shape, this.dtype));
    const xd = x.data;
    const o = out.data;
    this.trained = ctx.train;
    if (!ctx.train) {
      const e = this.evalScale;
      if (e === 1) o.set(xd);
      else for (let i = 0; i < xd.length; i++) o[i] = xd[i] * e;
      return out;
    }
    if (this.mask.length !== xd.length) this.mask = new Uint8Array(xd.length);
    const m = this.mask;
    const rng = ctx.rng;
    const ratio = this.ratio;
    const t = this.trainScale;
    for (let i = 0; i < xd.length; i++) {
      const keep = rng.random() > ratio;
      m[i] = keep ? 1 : 0;
      o[i] = keep ? xd[i] * t : 0;
    }
    return out;
  }

  /** dy: (N, ...inShape) → dx of the same shape. */
  backward(dy: Tensor, needDx = true): Tensor | undefined {
    if (!this.out) throw new Error(`${this.id}: backward before forward`);
    if (!needDx) return undefined;
    const dx = (this.dx = reuse(this.dx, dy.shape, this.dtype));
    const d = dy.data;
    const o = dx.data;
    if (!this.trained) {
      const e = this.evalScale;
      for (let i = 0; i < d.length; i++) o[i] = d[i] * e;
      return dx;
    }
    const m = this.mask;
    const t = this.trainScale;
    for (let i = 0; i < d.length; i++) o[i] = m[i] ? d[i] * t : 0;
    return dx;
  }

  params(): readonly Param[] {
    return [];
  }
}
