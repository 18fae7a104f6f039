/**
 * Batch normalization, book §6.3 (Ioffe & Szegedy 2015, "Batch Normalization: Accelerating Deep
 * Network Training by Reducing Internal Covariate Shift", Algorithm 1 and §3.2 for convolutions).
 */
import { Tensor, reuse, sizeOf, type DType, type Shape } from '../tensor';
import { makeParam, type ForwardContext, type Layer, type Param } from './layer';

/**
 * Normalises each feature to zero mean and unit variance over the batch, then scales and shifts it:
 * y = γ · (x − μ) / √(σ² + eps) + β (book §6.3.1).
 *
 * - A (C, H, W) input is normalised per channel over N·H·W values (spatial batch norm, Ioffe & Szegedy
 *   §3.2); any other input shape is flattened to D features, each normalised over the N samples.
 *   γ and β have shape (C) or (D).
 * - Training: μ and σ² are the batch mean and the biased batch variance (divided by the count, as the
 *   book), and the running statistics move towards them:
 *   running = momentum · running + (1 − momentum) · batch.
 * - Evaluation: the running statistics take their place. They start at mean 0 and variance 1 (the
 *   book starts the variance at 0, which would divide by √eps if evaluated before any training).
 * - Backward after a training forward is the full gradient through μ and σ² (Ioffe & Szegedy §3):
 *   dx = γ / (M·√(σ² + eps)) · (M·dy − Σdy − x̂ · Σ(dy·x̂)), M the number of values per feature.
 *   After an evaluation forward the statistics are constants and dx = γ · dy / √(running σ² + eps).
 */
export class BatchNorm implements Layer {
  readonly kind = 'batchnorm' as const;
  readonly outShape: Shape;
  readonly gamma: Param; // (C)
  readonly beta: Param; // (C)
  /** Running mean, used in evaluation mode, (C). */
  readonly runningMean: Tensor;
  /** Running biased variance, used in evaluation mode, (C). */
  readonly runningVar: Tensor;
  /** Number of features or channels C. */
  readonly channels: number;
  /** Values per channel in one sample: H·W for images, 1 for flat inputs. */
  private readonly spatial: number;
  private readonly mean: Float64Array; // (C), the statistics the last forward used
  private readonly invStd: Float64Array; // (C), 1 / √(σ² + eps) of the last forward
  private readonly sumDyXhat: Float64Array; // (C), Σ dy·x̂ of the last backward
  private readonly sumDy: Float64Array; // (C), Σ dy of the last backward
  private trained = false; // whether the last forward used batch statistics
  private xhat: Tensor | undefined; // (N, ...inShape), normalised input of the last forward
  private out: Tensor | undefined; // (N, ...inShape)
  private dx: Tensor | undefined; // (N, ...inShape)

  constructor(
    readonly id: string,
    readonly inShape: Shape,
    readonly momentum: number,
    readonly eps: number,
    readonly dtype: DType,
  ) {
    this.outShape = inShape;
    this.channels = inShape.length === 3 ? inShape[0] : sizeOf(inShape);
    this.spatial = inShape.length === 3 ? inShape[1] * inShape[2] : 1;
    const c = this.channels;
    this.gamma = makeParam(id, 'gamma', Tensor.from(new Float64Array(c).fill(1), [c], dtype), false);
    this.beta = makeParam(id, 'beta', Tensor.zeros([c], dtype), false);
    this.runningMean = Tensor.zeros([c], dtype);
    this.runningVar = Tensor.from(new Float64Array(c).fill(1), [c], dtype);
    this.mean = new Float64Array(c);
    this.invStd = new Float64Array(c);
    this.sumDyXhat = new Float64Array(c);
    this.sumDy = new Float64Array(c);
  }

  /** x: (N, ...inShape) → y of the same shape. */
  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const n = x.shape[0];
    const c = this.channels;
    const s = this.spatial;
    const xd = x.data;
    const mean = this.mean;
    const invStd = this.invStd;
    this.trained = ctx.train;
    if (ctx.train) {
      const m = n * s;
      mean.fill(0);
      for (let i = 0, p = 0; i < n; i++) {
        for (let j = 0; j < c; j++) {
          let acc = 0;
          for (let k = 0; k < s; k++) acc += xd[p++];
          mean[j] += acc;
        }
      }
      for (let j = 0; j < c; j++) mean[j] /= m;
      invStd.fill(0);
      for (let i = 0, p = 0; i < n; i++) {
        for (let j = 0; j < c; j++) {
          const mu = mean[j];
          let acc = 0;
          for (let k = 0; k < s; k++, p++) acc += (xd[p] - mu) * (xd[p] - mu);
          invStd[j] += acc;
        }
      }
      const rm = this.runningMean.data;
      const rv = this.runningVar.data;
      const mo = this.momentum;
      for (let j = 0; j < c; j++) {
        const variance = invStd[j] / m;
        rm[j] = mo * rm[j] + (1 - mo) * mean[j];
        rv[j] = mo * rv[j] + (1 - mo) * variance;
        invStd[j] = 1 / Math.sqrt(variance + this.eps);
      }
    } else {
      const rm = this.runningMean.data;
      const rv = this.runningVar.data;
      for (let j = 0; j < c; j++) {
        mean[j] = rm[j];
        invStd[j] = 1 / Math.sqrt(rv[j] + this.eps);
      }
    }
    const xhat = (this.xhat = reuse(this.xhat, x.shape, this.dtype));
    const out = (this.out = reuse(this.out, x.shape, this.dtype));
    const xh = xhat.data;
    const o = out.data;
    const g = this.gamma.value.data;
    const b = this.beta.value.data;
    for (let i = 0, p = 0; i < n; i++) {
      for (let j = 0; j < c; j++) {
        const mu = mean[j];
        const is = invStd[j];
        const gj = g[j];
        const bj = b[j];
        for (let k = 0; k < s; k++, p++) {
          const v = (xd[p] - mu) * is;
          xh[p] = v;
          o[p] = gj * v + bj;
        }
      }
    }
    return out;
  }

  /** dy: (N, ...inShape) → dx of the same shape; fills gamma.grad and beta.grad. */
  backward(dy: Tensor, needDx = true): Tensor | undefined {
    const xhat = this.xhat;
    if (!xhat) throw new Error(`${this.id}: backward before forward`);
    const n = xhat.shape[0];
    const c = this.channels;
    const s = this.spatial;
    const d = dy.data;
    const xh = xhat.data;
    const dg = this.sumDyXhat.fill(0);
    const dbt = this.sumDy.fill(0);
    for (let i = 0, p = 0; i < n; i++) {
      for (let j = 0; j < c; j++) {
        let sg = 0;
        let sb = 0;
        for (let k = 0; k < s; k++, p++) {
          sg += d[p] * xh[p];
          sb += d[p];
        }
        dg[j] += sg;
        dbt[j] += sb;
      }
    }
    this.gamma.grad.data.set(dg);
    this.beta.grad.data.set(dbt);
    if (!needDx) return undefined;
    const dx = (this.dx = reuse(this.dx, xhat.shape, this.dtype));
    const o = dx.data;
    const g = this.gamma.value.data;
    const invStd = this.invStd;
    const m = n * s;
    for (let i = 0, p = 0; i < n; i++) {
      for (let j = 0; j < c; j++) {
        const scale = g[j] * invStd[j];
        if (this.trained) {
          const mb = dbt[j] / m;
          const mg = dg[j] / m;
          for (let k = 0; k < s; k++, p++) o[p] = scale * (d[p] - mb - xh[p] * mg);
        } else {
          for (let k = 0; k < s; k++, p++) o[p] = scale * d[p];
        }
      }
    }
    return dx;
  }

  params(): readonly Param[] {
    return [this.gamma, this.beta];
  }
}
