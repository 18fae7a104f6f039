/**
 * Activation layers, book §5.5: ReLU, Sigmoid and Tanh. Each keeps what its backward needs (the mask,
 * or its own output) and returns a fresh dx; the upstream gradient is never modified (the book's
 * `Relu.backward` writes into dout; this one does not).
 */
import { sigmoid1 } from '../functions';
import { fastFor } from '../kernels/fast';
import { Tensor, reuse, type DType, type Shape } from '../tensor';
import type { Layer, LayerKind, Param } from './layer';

abstract class Elementwise implements Layer {
  abstract readonly kind: LayerKind;
  readonly outShape: Shape;
  protected out: Tensor | undefined;
  protected dx: Tensor | undefined;

  constructor(
    readonly id: string,
    readonly inShape: Shape,
    readonly dtype: DType,
  ) {
    this.outShape = inShape;
  }

  protected output(x: Tensor): Tensor {
    this.out = reuse(this.out, x.shape, this.dtype);
    return this.out;
  }

  protected gradient(dy: Tensor): Tensor {
    this.dx = reuse(this.dx, dy.shape, this.dtype);
    return this.dx;
  }

  abstract forward(x: Tensor): Tensor;
  abstract backward(dy: Tensor, needDx?: boolean): Tensor | undefined;

  params(): readonly Param[] {
    return [];
  }
}

/** ReLU: y = max(0, x); dx = dy where x > 0, else 0. */
export class Relu extends Elementwise {
  readonly kind = 'relu' as const;
  private mask: Uint8Array = new Uint8Array(0);
  /** Whether the last forward ran on the float32 kernels (then there is no mask: backward reads out). */
  private fastForward = false;

  forward(x: Tensor): Tensor {
    const out = this.output(x);
    const xd = x.data;
    const o = out.data;
    const k = fastFor(xd);
    if (k && o instanceof Float32Array) {
      // the kernels' backward reads the output instead of a mask (y ≠ 0 exactly where x passed)
      k.reluForward(xd as Float32Array, o);
      this.fastForward = true;
      return out;
    }
    this.fastForward = false;
    if (this.mask.length !== xd.length) this.mask = new Uint8Array(xd.length);
    const m = this.mask;
    for (let i = 0; i < xd.length; i++) {
      const v = xd[i];
      if (!(v <= 0)) {
        // v > 0, or NaN, which passes through as in the book's Relu (mask = x <= 0) so divergence shows
        o[i] = v;
        m[i] = 1;
      } else {
        o[i] = 0;
        m[i] = 0;
      }
    }
    return out;
  }

  backward(dy: Tensor, needDx = true): Tensor | undefined {
    if (!needDx) return undefined;
    const dx = this.gradient(dy);
    const d = dy.data;
    const o = dx.data;
    const k = fastFor(d);
    if (this.fastForward && k && this.out && o instanceof Float32Array) {
      k.reluBackward(d as Float32Array, this.out.data as Float32Array, o);
      return dx;
    }
    const m = this.mask;
    for (let i = 0; i < d.length; i++) o[i] = m[i] ? d[i] : 0;
    return dx;
  }
}

/** Sigmoid: y = 1 / (1 + e^−x); dx = dy · y (1 − y). */
export class Sigmoid extends Elementwise {
  readonly kind = 'sigmoid' as const;

  forward(x: Tensor): Tensor {
    const out = this.output(x);
    const xd = x.data;
    const o = out.data;
    for (let i = 0; i < xd.length; i++) o[i] = sigmoid1(xd[i]);
    return out;
  }

  backward(dy: Tensor, needDx = true): Tensor | undefined {
    if (!needDx) return undefined;
    const y = this.out;
    if (!y) throw new Error(`${this.id}: backward before forward`);
    const dx = this.gradient(dy);
    const d = dy.data;
    const yd = y.data;
    const o = dx.data;
    for (let i = 0; i < d.length; i++) o[i] = d[i] * yd[i] * (1 - yd[i]);
    return dx;
  }
}

/** Tanh: y = tanh x; dx = dy · (1 − y²). */
export class Tanh extends Elementwise {
  readonly kind = 'tanh' as const;

  forward(x: Tensor): Tensor {
    const out = this.output(x);
    const xd = x.data;
    const o = out.data;
    for (let i = 0; i < xd.length; i++) o[i] = Math.tanh(xd[i]);
    return out;
  }

  backward(dy: Tensor, needDx = true): Tensor | undefined {
    if (!needDx) return undefined;
    const y = this.out;
    if (!y) throw new Error(`${this.id}: backward before forward`);
    const dx = this.gradient(dy);
    const d = dy.data;
    const yd = y.data;
    const o = dx.data;
    for (let i = 0; i < d.length; i++) o[i] = d[i] * (1 - yd[i] * yd[i]);
    return dx;
  }
}
