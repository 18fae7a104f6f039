/**
 * The float32 kernels besides GEMM, as an installable backend like `setGemmBackend`: when one is
 * installed (the WebAssembly SIMD arena, `useFastKernels()`), float32 layers run their elementwise
 * work, im2col/col2im, pooling and the SGD update through it, and allocate their buffers from it (so
 * the buffers live in WebAssembly memory and the kernels need no copies). With none installed, and
 * always for float64, the layers run their TypeScript loops, which stay the reference.
 *
 * No runtime imports: tensor.ts and every layer import this module.
 */

/** The float32 kernels a backend provides. Arrays outside its memory are copied in and out. */
export interface Float32Kernels {
  readonly name: string;
  /** A zeroed Float32Array, in the backend's memory when it has room. */
  allocFloat32(n: number): Float32Array;
  /** A zeroed Int32Array, in the backend's memory when it has room. */
  allocInt32(n: number): Int32Array;
  /** y = x where x > 0 or NaN, else 0. */
  reluForward(x: Float32Array, y: Float32Array): void;
  /**
   * Softmax of the n rows of y (n × cols) into p, and Σ over rows of log Σ exp(y) − y[label]
   * (`SoftmaxWithLoss.forward` before its division by n); a label outside 0..cols − 1 is a
   * RangeError. The exponentials are float32 (within 2 ulps) where the TypeScript loop's are doubles.
   */
  softmaxCrossEntropy?(y: Float32Array, labels: Int32Array | Uint8Array, n: number, cols: number, p: Float32Array): number;
  /** dx = dy where y ≠ 0 (y: the forward's output), else 0. */
  reluBackward(dy: Float32Array, y: Float32Array, dx: Float32Array): void;
  /** w ← w − lr·g (rounded once from double, like the TypeScript loop). */
  sgd(w: Float32Array, g: Float32Array, lr: number): void;
  /** Momentum: v ← a·v − lr·g; w ← w + v (the same bits as the TypeScript loop, likewise below). */
  momentum(w: Float32Array, g: Float32Array, v: Float32Array, lr: number, a: number): void;
  /** Nesterov (the book's form): v ← a·v − lr·g; w ← w + a²·v − (1 + a)·lr·g. */
  nesterov(w: Float32Array, g: Float32Array, v: Float32Array, lr: number, a: number): void;
  /** AdaGrad (decay undefined: h ← h + g²) or RMSprop (h ← decay·h + (1 − decay)·g²); w ← w − lr·g / (√h + eps). */
  adagrad(w: Float32Array, g: Float32Array, h: Float32Array, lr: number, eps: number, decay?: number): void;
  /** Adam with bias corrections c1 = 1 − β₁ᵗ, c2 = 1 − β₂ᵗ. */
  adam(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    lr: number,
    b1: number,
    b2: number,
    c1: number,
    c2: number,
    eps: number,
  ): void;
  /** out[r, :] = b, for rows × cols. */
  fillRows(b: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /** out[s, j, :] = b[j], for n × f blocks of p. */
  fillBlocks(b: Float32Array, out: Float32Array, n: number, f: number, p: number): void;
  /** db[j] = Σ_r d[r, j], rows × cols. */
  colSums(d: Float32Array, db: Float32Array, rows: number, cols: number): void;
  /** db[j] = Σ_s Σ_i d[s, j, i], n × f blocks of p. */
  blockSums(d: Float32Array, db: Float32Array, n: number, f: number, p: number): void;
  /**
   * The backward of ReLU + 2×2/stride-2 max pooling and of the stride-1, unpadded convolution before
   * them, fused (the convolution is the first layer: no dx): dW (F, C·FH·FW) and db (F) from the
   * pooling's output gradient dq and argmax (N, F, OH/2, OW/2), the convolution's output y (N, F,
   * OH, OW) and input x (N, C, H, W). The same values as maxPoolBackward (with y), convWeightGrad and
   * blockSums one after another, without writing the (N, F, OH, OW) gradient out.
   */
  reluPoolConvBackward?(
    dq: Float32Array,
    arg: Int32Array,
    y: Float32Array,
    x: Float32Array,
    n: number,
    c: number,
    h: number,
    w: number,
    fh: number,
    fw: number,
    f: number,
    dw: Float32Array,
    db: Float32Array,
  ): void;
  /** A data set's pixel bytes (`Split.pixels`) in the backend's memory, copied once per array. */
  pixelBytes(pixels: Uint8Array): Uint8Array;
  /**
   * dst[i, :] = bytes[order[i], :] / 255 in float32 (the same values as `Split.images`). With
   * `listNonZeros`, the backend also lists each row's non-zeros, and its products that read `dst`
   * as A (nn) or Aᵀ (tn) use that list instead of scanning `dst` for them (the same results, bit for
   * bit), until `dst` is next gathered into, written by a kernel, or passed to `forgetNonZeros`
   * (which whoever writes `dst` from JavaScript must call first).
   */
  gatherPixels(bytes: Uint8Array, order: Int32Array, per: number, dst: Float32Array, listNonZeros?: boolean): void;
  /** Drops the non-zero list `gatherPixels(…, true)` keeps for dst (if any). */
  forgetNonZeros?(dst: Float32Array): void;
  /**
   * Convolution forward for stride 1, without im2col: y (N, F, OH, OW) = W (F, C·FH·FW) ⋆ x
   * (N, C, H, W) + b, zero padding `pad`.
   */
  convForward(
    x: Float32Array,
    n: number,
    c: number,
    h: number,
    w: number,
    fh: number,
    fw: number,
    pad: number,
    wt: Float32Array,
    b: Float32Array,
    f: number,
    y: Float32Array,
  ): void;
  /** Convolution weight gradient for stride 1, without im2col: dW (F, C·FH·FW), overwritten. */
  convWeightGrad(
    x: Float32Array,
    dy: Float32Array,
    n: number,
    c: number,
    h: number,
    w: number,
    fh: number,
    fw: number,
    pad: number,
    f: number,
    dw: Float32Array,
  ): void;
  /** im2col.ts `im2col` into col. */
  im2col(
    x: Float32Array,
    n: number,
    c: number,
    h: number,
    w: number,
    fh: number,
    fw: number,
    stride: number,
    pad: number,
    col: Float32Array,
  ): void;
  /** im2col.ts `col2im` into x (overwritten). */
  col2im(
    col: Float32Array,
    n: number,
    c: number,
    h: number,
    w: number,
    fh: number,
    fw: number,
    stride: number,
    pad: number,
    x: Float32Array,
  ): void;
  /**
   * Max pooling over `planes` planes of h×w: y and the flat index of each maximum in arg. `relu`:
   * max pooling of ReLU(x) (fused; the same y as the two layers, arg may point at another cell ≤ 0).
   */
  maxPoolForward(
    x: Float32Array,
    planes: number,
    h: number,
    w: number,
    fh: number,
    fw: number,
    stride: number,
    pad: number,
    y: Float32Array,
    arg: Int32Array,
    relu?: boolean,
  ): void;
  /**
   * dx (zeroed first) += dy[q] at arg[q]; with `reluInput`, only where it passed the ReLU (> 0 or
   * NaN). `window2` = [planes, h, w] when the pooling is 2×2 with stride 2 and no padding (windows
   * do not overlap: dx is written in one pass).
   */
  maxPoolBackward(
    dy: Float32Array,
    arg: Int32Array,
    dx: Float32Array,
    reluInput?: Float32Array,
    window2?: [number, number, number],
  ): void;
}

/**
 * The softmax loss's class labels: a RangeError for the first row whose label is outside
 * 0..cols − 1 (`SoftmaxWithLoss` and `Float32Kernels.softmaxCrossEntropy` both check with it).
 */
export function checkClassLabels(labels: ArrayLike<number>, n: number, cols: number): void {
  for (let r = 0; r < n; r++) {
    const label = labels[r];
    if (!(label >= 0 && label < cols)) throw new RangeError(`softmax loss: label ${label} at row ${r} is outside 0..${cols - 1}`);
  }
}

let kernels: Float32Kernels | undefined;

/** Installs float32 kernels (undefined: the TypeScript loops everywhere). */
export function setFloat32Kernels(k: Float32Kernels | undefined): void {
  kernels = k;
}

/** The installed float32 kernels, if any. */
export function float32Kernels(): Float32Kernels | undefined {
  return kernels;
}

/** The installed kernels when `a` is float32 data, else undefined (float64: the TypeScript path). */
export function fastFor(a: Float32Array | Float64Array): Float32Kernels | undefined {
  return kernels !== undefined && a instanceof Float32Array ? kernels : undefined;
}
