/**
 * Loss layers, which end a network: SoftmaxWithLoss (softmax then cross-entropy, book §5.6.3, whose
 * gradient is (y − t) / N). Unlike the book's `cross_entropy_error`, the loss is computed as
 * log-sum-exp − score, without the δ = 1e-7 inside the logarithm: that δ makes the loss disagree with
 * its own gradient by a relative 1e-6 (visible in float64 gradient checks), and log-softmax never
 * takes log(0) anyway. and MeanSquaredLoss for regression (½ Σ (y − t)² / N, the book's sum of
 * squares per sample, gradient (y − t) / N).
 */
import { checkClassLabels, fastFor } from '../kernels/fast';
import { Tensor, reuse, type DType } from '../tensor';

/** Targets: class labels (one integer per row) or a tensor of one-hot rows / regression values. */
export type Targets = Int32Array | Uint8Array | Tensor;

/** Names of the loss layers. */
export type LossKind = 'softmax-cross-entropy' | 'mse';

/** The final layer: computes a scalar loss from the network's output and the targets. */
export interface LossLayer {
  readonly kind: LossKind;
  readonly id: string;
  /** y: (N, D) network output; returns the mean loss over the batch. */
  forward(y: Tensor, t: Targets): number;
  /** d loss / d y, shape (N, D). */
  backward(): Tensor;
}

export class SoftmaxWithLoss implements LossLayer {
  readonly kind = 'softmax-cross-entropy' as const;
  readonly id = 'loss';
  /** Softmax probabilities of the last forward, (N, D). */
  probs: Tensor | undefined;
  private t: Targets | undefined;
  private dx: Tensor | undefined;

  constructor(readonly dtype: DType) {}

  forward(y: Tensor, t: Targets): number {
    const n = y.shape[0];
    const cols = y.size / n;
    const p = (this.probs = reuse(this.probs, [n, cols], this.dtype));
    this.t = t;
    const yd = y.data;
    const pd = p.data;
    const onehot = t instanceof Tensor;
    if (onehot ? t.size !== y.size : t.length !== n) {
      throw new RangeError(`softmax loss: ${onehot ? t.size : t.length} targets for ${n} rows of ${cols} scores`);
    }
    const k = fastFor(yd);
    if (k?.softmaxCrossEntropy && !onehot && pd instanceof Float32Array) {
      // in WebAssembly, float32 exponentials four at a time: 100×10 in 9 µs instead of 23.5
      return k.softmaxCrossEntropy(yd as Float32Array, t, n, cols, pd) / n;
    }
    if (!onehot) checkClassLabels(t, n, cols);
    let s = 0;
    for (let r = 0; r < n; r++) {
      // softmax (as functions.ts `softmax` computes it) and log Σ exp(y) from the same exponentials
      const o = r * cols;
      let max = -Infinity;
      for (let j = 0; j < cols; j++) if (yd[o + j] > max) max = yd[o + j];
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(yd[o + j] - max);
        pd[o + j] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let j = 0; j < cols; j++) pd[o + j] *= inv;
      const lse = max + Math.log(sum); // log Σ exp(y)
      if (onehot) {
        for (let j = 0; j < cols; j++) if (t.data[o + j] !== 0) s += t.data[o + j] * (lse - yd[o + j]);
      } else {
        s += lse - yd[o + t[r]];
      }
    }
    return s / n;
  }

  backward(): Tensor {
    const p = this.probs;
    const t = this.t;
    if (!p || !t) throw new Error('loss: backward before forward');
    const [n, cols] = p.shape;
    const dx = (this.dx = reuse(this.dx, p.shape, this.dtype));
    const d = dx.data;
    const pd = p.data;
    const inv = 1 / n;
    if (t instanceof Tensor) {
      const td = t.data;
      for (let i = 0; i < d.length; i++) d[i] = (pd[i] - td[i]) * inv;
    } else {
      for (let i = 0; i < d.length; i++) d[i] = pd[i] * inv;
      for (let r = 0; r < n; r++) d[r * cols + t[r]] -= inv;
    }
    return dx;
  }
}

export class MeanSquaredLoss implements LossLayer {
  readonly kind = 'mse' as const;
  readonly id = 'loss';
  private y: Tensor | undefined;
  private t: Tensor | undefined;
  private dx: Tensor | undefined;

  constructor(readonly dtype: DType) {}

  forward(y: Tensor, t: Targets): number {
    if (!(t instanceof Tensor) || t.size !== y.size) {
      throw new RangeError(`mse loss: targets must be a tensor of ${y.size} values`);
    }
    this.y = y;
    this.t = t;
    let s = 0;
    for (let i = 0; i < y.size; i++) {
      const d = y.data[i] - t.data[i];
      s += d * d;
    }
    return (0.5 * s) / y.shape[0];
  }

  backward(): Tensor {
    const y = this.y;
    const t = this.t;
    if (!y || !t) throw new Error('loss: backward before forward');
    const dx = (this.dx = reuse(this.dx, y.shape, this.dtype));
    const inv = 1 / y.shape[0];
    for (let i = 0; i < y.size; i++) dx.data[i] = (y.data[i] - t.data[i]) * inv;
    return dx;
  }
}
