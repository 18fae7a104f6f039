/**
 * Affine (fully connected) layer, book §5.6: y = x·W + b. An N-D input (N, C, H, W) is flattened to
 * (N, C·H·W) first, and dx is returned in the input's shape.
 */
import { gemmNN, gemmNT, gemmTN } from '../gemm';
import { initWeights, type InitSpec } from '../init';
import { fastFor } from '../kernels/fast';
import type { Rng } from '../rng';
import { Tensor, reuse, sizeOf, type DType, type Shape } from '../tensor';
import { makeParam, type Layer, type Param } from './layer';

export class Affine implements Layer {
  readonly kind = 'affine' as const;
  readonly outShape: Shape;
  readonly inputs: number;
  readonly units: number;
  readonly W: Param; // (inputs, units)
  /** Bias (units), absent when the layer is built without one (before batch norm it is redundant). */
  readonly b: Param | undefined;
  private x: Tensor | undefined; // (N, inputs), the last forward input
  private out: Tensor | undefined; // (N, units)
  private dx: Tensor | undefined; // (N, ...inShape)

  constructor(
    readonly id: string,
    readonly inShape: Shape,
    units: number,
    init: InitSpec,
    readonly dtype: DType,
    rng: Rng,
    bias = true,
  ) {
    this.inputs = sizeOf(inShape);
    this.units = units;
    this.outShape = [units];
    const w = Tensor.zeros([this.inputs, units], dtype);
    initWeights(w.data, init, this.inputs, rng);
    this.W = makeParam(id, 'W', w, true);
    this.b = bias ? makeParam(id, 'b', Tensor.zeros([units], dtype), false) : undefined;
  }

  forward(x: Tensor): Tensor {
    const n = x.shape[0];
    this.x = x.reshape([n, this.inputs]);
    const out = (this.out = reuse(this.out, [n, this.units], this.dtype));
    const o = out.data;
    const u = this.units;
    if (this.b) {
      const b = this.b.value.data;
      const k = fastFor(o);
      if (k) k.fillRows(b as Float32Array, o as Float32Array, n, u);
      else for (let i = 0; i < n; i++) o.set(b, i * u);
    }
    gemmNN(this.x.data, this.W.value.data, o, n, this.inputs, u, this.b !== undefined);
    return out;
  }

  backward(dy: Tensor, needDx = true): Tensor | undefined {
    const x = this.x;
    if (!x) throw new Error(`${this.id}: backward before forward`);
    const n = x.shape[0];
    const u = this.units;
    gemmTN(x.data, dy.data, this.W.grad.data, this.inputs, n, u);
    const d = dy.data;
    if (this.b) {
      const db = this.b.grad.data;
      const k = fastFor(d);
      if (k) k.colSums(d as Float32Array, db as Float32Array, n, u);
      else {
        db.fill(0);
        for (let i = 0; i < n; i++) {
          const o = i * u;
          for (let j = 0; j < u; j++) db[j] += d[o + j];
        }
      }
    }
    if (!needDx) return undefined;
    const dx = (this.dx = reuse(this.dx, [n, ...this.inShape], this.dtype));
    gemmNT(d, this.W.value.data, dx.data, n, u, this.inputs);
    return dx;
  }

  params(): readonly Param[] {
    return this.b ? [this.W, this.b] : [this.W];
  }
}
