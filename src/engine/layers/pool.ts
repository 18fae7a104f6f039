/**
 * Pooling layer, book §7.3 and §7.4.4: the maximum or the average of each window of each channel.
 * Direct loops over the windows (no im2col: pooling does no multiply-adds, so the copy would cost more
 * than it saves).
 */
import { convOutSize } from '../im2col';
import { fastFor } from '../kernels/fast';
import { Tensor, reuse, type Arr, type DType, type Shape } from '../tensor';
import type { Layer, Param } from './layer';

/** Max or average pooling. */
export type PoolMode = 'max' | 'avg';

/**
 * Max or average pooling over (N, C, H, W), window FH×FW, a stride and padding; output
 * (N, C, OH, OW) with OH = ⌊(H + 2·pad − FH) / stride⌋ + 1 (book §7.3).
 *
 * - `max`: padded cells count as −∞, so they never win; the padding must be smaller than the window,
 *   so every window holds at least one real cell. The forward pass records where each maximum came
 *   from; on ties the first maximum in row-major window order wins (ky, then kx) and alone receives
 *   the gradient, as in the book's `np.argmax`.
 * - `avg`: padded cells count as zeros and the sum is always divided by the full window size FH·FW
 *   (PyTorch's `count_include_pad`), so each real cell of a window receives dy / (FH·FW).
 */
export class Pooling implements Layer {
  readonly kind = 'pool' as const;
  readonly outShape: Shape;
  private readonly c: number;
  private readonly h: number;
  private readonly w: number;
  private readonly oh: number;
  private readonly ow: number;
  private n = 0; // batch size of the last forward
  private argmax: Int32Array = new Int32Array(0); // (N, C, OH, OW): flat index into x of each maximum
  private out: Tensor | undefined; // (N, C, OH, OW)
  private dx: Tensor | undefined; // (N, C, H, W)
  /** The ReLU's input of the last fused forward (`forwardAfterRelu`). */
  private reluInput: Tensor | undefined;

  constructor(
    readonly id: string,
    readonly inShape: Shape,
    readonly mode: PoolMode,
    readonly size: readonly [number, number],
    readonly stride: number,
    readonly pad: number,
    readonly dtype: DType,
  ) {
    if (inShape.length !== 3) throw new RangeError(`${id}: pool needs a (C, H, W) input, got [${inShape.join(', ')}]`);
    const [c, h, w] = inShape;
    const [fh, fw] = size;
    this.c = c;
    this.h = h;
    this.w = w;
    this.oh = convOutSize(h, fh, stride, pad);
    this.ow = convOutSize(w, fw, stride, pad);
    if (this.oh < 1 || this.ow < 1 || stride < 1 || pad < 0) {
      throw new RangeError(`${id}: window ${fh}×${fw} (stride ${stride}, pad ${pad}) does not fit ${h}×${w}`);
    }
    if (mode === 'max' && (pad >= fh || pad >= fw)) {
      throw new RangeError(`${id}: max pooling needs pad < window (got pad ${pad}, window ${fh}×${fw})`);
    }
    this.outShape = [c, this.oh, this.ow];
  }

  /** x: (N, C, H, W) → (N, C, OH, OW). */
  forward(x: Tensor): Tensor {
    const n = (this.n = x.shape[0]);
    const out = (this.out = reuse(this.out, [n, this.c, this.oh, this.ow], this.dtype));
    if (this.mode === 'max') this.forwardMax(x.data, out.data, n);
    else this.forwardAvg(x.data, out.data, n);
    return out;
  }

  private forwardMax(x: Arr, o: Arr, n: number): void {
    const { h, w, oh, ow, stride, pad } = this;
    const [fh, fw] = this.size;
    const k = fastFor(x);
    if (this.argmax.length !== o.length) this.argmax = k ? k.allocInt32(o.length) : new Int32Array(o.length);
    const arg = this.argmax;
    if (k && o instanceof Float32Array) {
      k.maxPoolForward(x as Float32Array, n * this.c, h, w, fh, fw, stride, pad, o, arg);
      return;
    }
    let q = 0; // output index, written in order
    for (let plane = 0; plane < n * this.c; plane++) {
      const base = plane * h * w;
      for (let oy = 0; oy < oh; oy++) {
        const y0 = oy * stride - pad;
        const ky0 = y0 < 0 ? -y0 : 0;
        const ky1 = y0 + fh > h ? h - y0 : fh;
        for (let ox = 0; ox < ow; ox++) {
          const x0 = ox * stride - pad;
          const kx0 = x0 < 0 ? -x0 : 0;
          const kx1 = x0 + fw > w ? w - x0 : fw;
          let best = -Infinity;
          let at = base + (y0 + ky0) * w + x0 + kx0;
          for (let ky = ky0; ky < ky1; ky++) {
            const row = base + (y0 + ky) * w + x0;
            for (let kx = kx0; kx < kx1; kx++) {
              const v = x[row + kx];
              if (v > best) {
                best = v;
                at = row + kx;
              }
            }
          }
          o[q] = best;
          arg[q++] = at;
        }
      }
    }
  }

  private forwardAvg(x: Arr, o: Arr, n: number): void {
    const { h, w, oh, ow, stride, pad } = this;
    const [fh, fw] = this.size;
    const inv = 1 / (fh * fw);
    let q = 0;
    for (let plane = 0; plane < n * this.c; plane++) {
      const base = plane * h * w;
      for (let oy = 0; oy < oh; oy++) {
        const y0 = oy * stride - pad;
        const ky0 = y0 < 0 ? -y0 : 0;
        const ky1 = y0 + fh > h ? h - y0 : fh;
        for (let ox = 0; ox < ow; ox++) {
          const x0 = ox * stride - pad;
          const kx0 = x0 < 0 ? -x0 : 0;
          const kx1 = x0 + fw > w ? w - x0 : fw;
          let sum = 0;
          for (let ky = ky0; ky < ky1; ky++) {
            const row = base + (y0 + ky) * w + x0;
            for (let kx = kx0; kx < kx1; kx++) sum += x[row + kx];
          }
          o[q++] = sum * inv;
        }
      }
    }
  }

  /**
   * ReLU then this max pooling in one pass (Network fuses the pair on the fast float32 kernels):
   * the same output as `relu.forward` then `forward`, without writing the ReLU's output. Undefined
   * when there are no fast kernels for x or this is not max pooling.
   */
  forwardAfterRelu(x: Tensor): Tensor | undefined {
    const k = fastFor(x.data);
    if (!k || this.mode !== 'max' || !(x.data instanceof Float32Array)) return undefined;
    const n = (this.n = x.shape[0]);
    const out = (this.out = reuse(this.out, [n, this.c, this.oh, this.ow], this.dtype));
    const [fh, fw] = this.size;
    if (this.argmax.length !== out.size) this.argmax = k.allocInt32(out.size);
    k.maxPoolForward(
      x.data,
      n * this.c,
      this.h,
      this.w,
      fh,
      fw,
      this.stride,
      this.pad,
      out.data as Float32Array,
      this.argmax,
      true,
    );
    this.reluInput = x;
    return out;
  }

  /** The backward of `forwardAfterRelu`: dy → the gradient for the ReLU's input. */
  backwardThroughRelu(dy: Tensor): Tensor {
    const x = this.reluInput;
    const k = fastFor(dy.data);
    if (!x || !k) throw new Error(`${this.id}: backwardThroughRelu without forwardAfterRelu`);
    const dx = (this.dx = reuse(this.dx, [this.n, this.c, this.h, this.w], this.dtype));
    k.maxPoolBackward(
      dy.data as Float32Array,
      this.argmax.subarray(0, dy.size),
      dx.data as Float32Array,
      x.data as Float32Array,
      this.window2(),
    );
    return dx;
  }

  /**
   * The backward of `forwardAfterRelu` and of the convolution before the ReLU, when that is the
   * network's first layer (`Convolution.backwardFromReluPool`): true when done, false when the
   * fused kernel does not apply (then call `backwardThroughRelu`).
   */
  backwardIntoFirstConv(
    dy: Tensor,
    conv: { backwardFromReluPool(dq: Tensor, argmax: Int32Array, y: Tensor): boolean },
  ): boolean {
    const y = this.reluInput;
    if (!y || !this.window2() || this.h % 2 || this.w % 2) return false;
    return conv.backwardFromReluPool(dy, this.argmax.subarray(0, dy.size), y);
  }

  /** [planes, h, w] when the windows are 2×2 with stride 2 and no padding (the kernels' fast case). */
  private window2(): [number, number, number] | undefined {
    const [fh, fw] = this.size;
    return fh === 2 && fw === 2 && this.stride === 2 && this.pad === 0 ? [this.n * this.c, this.h, this.w] : undefined;
  }

  /** dy: (N, C, OH, OW) → dx: (N, C, H, W). */
  backward(dy: Tensor, needDx = true): Tensor | undefined {
    if (!this.out) throw new Error(`${this.id}: backward before forward`);
    if (!needDx) return undefined;
    const n = this.n;
    const dx = (this.dx = reuse(this.dx, [n, this.c, this.h, this.w], this.dtype));
    const g = dx.data;
    const d = dy.data;
    const k = fastFor(d);
    if (this.mode === 'max' && k && g instanceof Float32Array) {
      k.maxPoolBackward(d as Float32Array, this.argmax.subarray(0, d.length), g, undefined, this.window2());
      return dx;
    }
    g.fill(0);
    if (this.mode === 'max') {
      const arg = this.argmax;
      for (let q = 0; q < d.length; q++) g[arg[q]] += d[q];
      return dx;
    }
    const { h, w, oh, ow, stride, pad } = this;
    const [fh, fw] = this.size;
    const inv = 1 / (fh * fw);
    let q = 0;
    for (let plane = 0; plane < n * this.c; plane++) {
      const base = plane * h * w;
      for (let oy = 0; oy < oh; oy++) {
        const y0 = oy * stride - pad;
        const ky0 = y0 < 0 ? -y0 : 0;
        const ky1 = y0 + fh > h ? h - y0 : fh;
        for (let ox = 0; ox < ow; ox++) {
          const x0 = ox * stride - pad;
          const kx0 = x0 < 0 ? -x0 : 0;
          const kx1 = x0 + fw > w ? w - x0 : fw;
          const v = d[q++] * inv;
          for (let ky = ky0; ky < ky1; ky++) {
            const row = base + (y0 + ky) * w + x0;
            for (let kx = kx0; kx < kx1; kx++) g[row + kx] += v;
          }
        }
      }
    }
    return dx;
  }

  params(): readonly Param[] {
    return [];
  }
}
