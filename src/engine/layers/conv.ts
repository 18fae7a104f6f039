/**
 * Convolution layer, book §7.2 and §7.4: y[n, f] = Σ_c W[f, c] ⋆ x[n, c] + b[f] (cross-correlation, as
 * in the book and every framework), computed per sample as one matrix product over the im2col matrix:
 *
 *   col_n = im2col(x_n)              (OH·OW, C·FH·FW)
 *   y_n   = W · col_nᵀ + b           (F, OH·OW), already in the (F, OH, OW) layout, no transpose
 *
 * Backward, per sample, with dy_n (F, OH·OW):
 *
 *   dW   += dy_n · col_n              (F, C·FH·FW)
 *   db   += Σ_p dy_n[:, p]
 *   dcol  = dy_nᵀ · W                 (OH·OW, C·FH·FW), folded back by col2im into dx
 *
 * The book forms one product for the whole batch and then transposes (N·OH·OW, F) into (N, F, OH, OW);
 * per sample the product lands in place, which saves both transposes and an (N·OH·OW, F) buffer. Both
 * measured equally fast with the TypeScript GEMM (SimpleConvNet's conv1, batch 100).
 */
import { gemmNN, gemmNT, gemmTN } from '../gemm';
import { col2im, convOutSize, im2col } from '../im2col';
import { initWeights, type InitSpec } from '../init';
import { fastFor } from '../kernels/fast';
import type { Rng } from '../rng';
import { Tensor, reuse, type DType, type Shape } from '../tensor';
import { makeParam, type Layer, type Param } from './layer';

/**
 * A 2-D convolution over (N, C, H, W) inputs with F filters of FH×FW, a stride and zero padding
 * (book §7.2). Output (N, F, OH, OW) with OH = ⌊(H + 2·pad − FH) / stride⌋ + 1. Weights are initialised
 * with fan-in C·FH·FW (book §6.2).
 */
export class Convolution implements Layer {
  readonly kind = 'conv' as const;
  readonly outShape: Shape;
  readonly W: Param; // (F, C, FH, FW)
  readonly b: Param; // (F)
  private readonly c: number;
  private readonly h: number;
  private readonly w: number;
  private readonly oh: number;
  private readonly ow: number;
  /** C·FH·FW: the length of one receptive field, a row of the im2col matrix. */
  private readonly k: number;
  private n = 0; // batch size of the last forward
  private col: Tensor | undefined; // (N·OH·OW, C·FH·FW), the last forward's im2col matrix
  private out: Tensor | undefined; // (N, F, OH, OW)
  private dcol: Tensor | undefined; // (N·OH·OW, C·FH·FW)
  private dx: Tensor | undefined; // (N, C, H, W)
  /** The last forward input, when the forward ran the direct convolution (col not built yet). */
  private x: Tensor | undefined;
  private colStale = false;

  constructor(
    readonly id: string,
    readonly inShape: Shape,
    readonly filters: number,
    readonly kernel: readonly [number, number],
    readonly stride: number,
    readonly pad: number,
    init: InitSpec,
    readonly dtype: DType,
    rng: Rng,
  ) {
    if (inShape.length !== 3) throw new RangeError(`${id}: conv needs a (C, H, W) input, got [${inShape.join(', ')}]`);
    const [c, h, w] = inShape;
    const [fh, fw] = kernel;
    this.c = c;
    this.h = h;
    this.w = w;
    this.oh = convOutSize(h, fh, stride, pad);
    this.ow = convOutSize(w, fw, stride, pad);
    if (this.oh < 1 || this.ow < 1 || stride < 1 || pad < 0) {
      throw new RangeError(`${id}: kernel ${fh}×${fw} (stride ${stride}, pad ${pad}) does not fit ${h}×${w}`);
    }
    this.k = c * fh * fw;
    this.outShape = [filters, this.oh, this.ow];
    const wt = Tensor.zeros([filters, c, fh, fw], dtype); // (F, C, FH, FW)
    initWeights(wt.data, init, this.k, rng);
    this.W = makeParam(id, 'W', wt, true);
    this.b = makeParam(id, 'b', Tensor.zeros([filters], dtype), false);
  }

  /** x: (N, C, H, W) → (N, F, OH, OW). */
  forward(x: Tensor): Tensor {
    const n = (this.n = x.shape[0]);
    const [fh, fw] = this.kernel;
    const f = this.filters;
    const k = this.k;
    const p = this.oh * this.ow;
    const out = (this.out = reuse(this.out, [n, f, this.oh, this.ow], this.dtype));
    const o = out.data;
    const b = this.b.value.data;
    const wd = this.W.value.data;
    const fast = fastFor(x.data);
    if (fast && this.stride === 1) {
      // direct convolution in WebAssembly, no im2col matrix: backward builds it when it needs it
      fast.convForward(
        x.data as Float32Array,
        n,
        this.c,
        this.h,
        this.w,
        fh,
        fw,
        this.pad,
        wd as Float32Array,
        b as Float32Array,
        f,
        o as Float32Array,
      );
      this.x = x;
      this.colStale = true;
      return out;
    }
    const col = (this.col = reuse(this.col, [n * p, k], this.dtype));
    this.colStale = false;
    if (fast) {
      fast.im2col(
        x.data as Float32Array,
        n,
        this.c,
        this.h,
        this.w,
        fh,
        fw,
        this.stride,
        this.pad,
        col.data as Float32Array,
      );
      fast.fillBlocks(b as Float32Array, o as Float32Array, n, f, p);
    } else im2col(x.data, n, this.c, this.h, this.w, fh, fw, this.stride, this.pad, col.data);
    for (let s = 0; s < n; s++) {
      const os = s * f * p;
      if (!fast) for (let j = 0; j < f; j++) o.fill(b[j], os + j * p, os + (j + 1) * p);
      gemmNT(wd, col.data.subarray(s * p * k, (s + 1) * p * k), o.subarray(os, os + f * p), f, k, p, true);
    }
    return out;
  }

  /**
   * As the first layer (no dx), followed by ReLU and 2×2 max pooling that ran fused
   * (`Pooling.forwardAfterRelu`): the three backwards in one pass on the fast kernels
   * (`reluPoolConvBackward`), from the pooling's output gradient `dq`, its argmax and the ReLU's
   * input `y` (this layer's output). False when this case does not apply (then nothing is done).
   */
  backwardFromReluPool(dq: Tensor, argmax: Int32Array, y: Tensor): boolean {
    const x = this.x?.data;
    const k = fastFor(dq.data);
    if (!this.colStale || !(x instanceof Float32Array) || !k?.reluPoolConvBackward) return false;
    if (this.stride !== 1 || this.pad !== 0 || !(y.data instanceof Float32Array)) return false;
    const [fh, fw] = this.kernel;
    k.reluPoolConvBackward(
      dq.data as Float32Array,
      argmax,
      y.data,
      x,
      this.n,
      this.c,
      this.h,
      this.w,
      fh,
      fw,
      this.filters,
      this.W.grad.data as Float32Array,
      this.b.grad.data as Float32Array,
    );
    return true;
  }

  /** dy: (N, F, OH, OW) → dx: (N, C, H, W); fills W.grad and b.grad. */
  backward(dy: Tensor, needDx = true): Tensor | undefined {
    const n = this.n;
    const f = this.filters;
    const k = this.k;
    const p = this.oh * this.ow;
    const [fh, fw] = this.kernel;
    const d = dy.data;
    const dw = this.W.grad.data;
    const db = this.b.grad.data;
    const fast = fastFor(d);
    if (this.colStale && this.x) {
      // the forward ran the direct convolution (no im2col matrix): dW directly from x and dy too
      const xd = this.x.data;
      if (fast && xd instanceof Float32Array) {
        fast.convWeightGrad(xd, d as Float32Array, n, this.c, this.h, this.w, fh, fw, this.pad, f, dw as Float32Array);
        fast.blockSums(d as Float32Array, db as Float32Array, n, f, p);
        return needDx ? this.inputGradient(d, fast) : undefined;
      }
      this.col = reuse(this.col, [n * p, k], this.dtype);
      im2col(xd, n, this.c, this.h, this.w, fh, fw, this.stride, this.pad, this.col.data);
      this.colStale = false;
    }
    const col = this.col;
    if (!col) throw new Error(`${this.id}: backward before forward`);
    dw.fill(0);
    if (fast) fast.blockSums(d as Float32Array, db as Float32Array, n, f, p);
    else db.fill(0);
    for (let s = 0; s < n; s++) {
      const ds = d.subarray(s * f * p, (s + 1) * f * p); // (F, OH·OW)
      gemmNN(ds, col.data.subarray(s * p * k, (s + 1) * p * k), dw, f, p, k, true);
      if (fast) continue;
      for (let j = 0; j < f; j++) {
        let acc = 0;
        const o = j * p;
        for (let i = 0; i < p; i++) acc += ds[o + i];
        db[j] += acc;
      }
    }
    return needDx ? this.inputGradient(d, fast) : undefined;
  }

  /** dx from dy: dcol = dy_nᵀ · W per sample, folded back by col2im. */
  private inputGradient(d: Tensor['data'], fast: ReturnType<typeof fastFor>): Tensor {
    const n = this.n;
    const f = this.filters;
    const k = this.k;
    const p = this.oh * this.ow;
    const [fh, fw] = this.kernel;
    const dcol = (this.dcol = reuse(this.dcol, [n * p, k], this.dtype));
    const wd = this.W.value.data;
    for (let s = 0; s < n; s++) {
      const ds = d.subarray(s * f * p, (s + 1) * f * p);
      gemmTN(ds, wd, dcol.data.subarray(s * p * k, (s + 1) * p * k), p, f, k);
    }
    const dx = (this.dx = reuse(this.dx, [n, this.c, this.h, this.w], this.dtype));
    if (fast)
      fast.col2im(
        dcol.data as Float32Array,
        n,
        this.c,
        this.h,
        this.w,
        fh,
        fw,
        this.stride,
        this.pad,
        dx.data as Float32Array,
      );
    else col2im(dcol.data, n, this.c, this.h, this.w, fh, fw, this.stride, this.pad, dx.data);
    return dx;
  }

  params(): readonly Param[] {
    return [this.W, this.b];
  }
}
