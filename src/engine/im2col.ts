/**
 * im2col and col2im (book §7.4.3): convolution as one matrix product. `im2col` copies every receptive
 * field of a batch of images into a row of a matrix, in the book's layout:
 *
 *   x:   (N, C, H, W)
 *   col: (N·OH·OW, C·FH·FW), row (n·OH + oy)·OW + ox, column (c·FH + ky)·FW + kx
 *
 * with OH = ⌊(H + 2·pad − FH) / stride⌋ + 1 (OW likewise). Cells of the window that fall in the zero
 * padding are written as 0. `col2im` is its adjoint (not its inverse): it adds every column entry back
 * onto the pixel it was copied from, so overlapping windows accumulate. That is exactly the backward
 * pass of `im2col`.
 *
 * Both work for Float32Array and Float64Array and write into `out` when it is given (it must be large
 * enough), so a layer can keep its buffers between steps.
 */
import type { Arr } from './tensor';

/** Output height or width of a window sliding over `size` cells: ⌊(size + 2·pad − k) / stride⌋ + 1. */
export function convOutSize(size: number, k: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - k) / stride) + 1;
}

function outDims(h: number, w: number, fh: number, fw: number, stride: number, pad: number): [number, number] {
  const oh = convOutSize(h, fh, stride, pad);
  const ow = convOutSize(w, fw, stride, pad);
  if (oh < 1 || ow < 1 || stride < 1 || pad < 0) {
    throw new RangeError(`im2col: window ${fh}×${fw} (stride ${stride}, pad ${pad}) does not fit ${h}×${w}`);
  }
  return [oh, ow];
}

function alloc(like: Arr, n: number): Arr {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}

/**
 * Unfolds x (N, C, H, W) into col (N·OH·OW, C·FH·FW), the book's `im2col`. Returns `out` when given,
 * otherwise a new array of x's type.
 */
export function im2col(
  x: Arr,
  n: number,
  c: number,
  h: number,
  w: number,
  fh: number,
  fw: number,
  stride: number,
  pad: number,
  out?: Arr,
): Arr {
  const [oh, ow] = outDims(h, w, fh, fw, stride, pad);
  const size = n * oh * ow * c * fh * fw;
  if (x.length < n * c * h * w) throw new RangeError(`im2col: x has ${x.length} elements, needs ${n * c * h * w}`);
  if (out && out.length < size) throw new RangeError(`im2col: out has ${out.length} elements, needs ${size}`);
  const col = out ?? alloc(x, size);
  const plane = h * w;
  let p = 0; // write position in col, which is filled strictly in order
  for (let s = 0; s < n; s++) {
    const xs = s * c * plane;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride - pad;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * stride - pad;
        // Columns kx in [kx0, kx1) read real pixels; the rest of each window row is padding.
        const kx0 = x0 < 0 ? -x0 : 0;
        const kx1 = x0 + fw > w ? w - x0 : fw;
        for (let ch = 0; ch < c; ch++) {
          const xc = xs + ch * plane;
          for (let ky = 0; ky < fh; ky++) {
            const iy = y0 + ky;
            if (iy < 0 || iy >= h || kx1 <= kx0) {
              col.fill(0, p, p + fw);
              p += fw;
              continue;
            }
            const row = xc + iy * w + x0;
            let kx = 0;
            for (; kx < kx0; kx++) col[p++] = 0;
            for (; kx < kx1; kx++) col[p++] = x[row + kx];
            for (; kx < fw; kx++) col[p++] = 0;
          }
        }
      }
    }
  }
  return col;
}

/**
 * The adjoint of `im2col`: folds col (N·OH·OW, C·FH·FW) back into x (N, C, H, W), summing the entries
 * of overlapping windows and dropping those that fell in the padding (book §7.4.3, `col2im`). `out`
 * is overwritten (zeroed first). Returns `out` when given, otherwise a new array of col's type.
 */
export function col2im(
  col: Arr,
  n: number,
  c: number,
  h: number,
  w: number,
  fh: number,
  fw: number,
  stride: number,
  pad: number,
  out?: Arr,
): Arr {
  const [oh, ow] = outDims(h, w, fh, fw, stride, pad);
  const size = n * c * h * w;
  const need = n * oh * ow * c * fh * fw;
  if (col.length < need) throw new RangeError(`col2im: col has ${col.length} elements, needs ${need}`);
  if (out && out.length < size) throw new RangeError(`col2im: out has ${out.length} elements, needs ${size}`);
  const x = out ?? alloc(col, size);
  x.fill(0, 0, size);
  const plane = h * w;
  let p = 0; // read position in col, which is read strictly in order
  for (let s = 0; s < n; s++) {
    const xs = s * c * plane;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride - pad;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * stride - pad;
        const kx0 = x0 < 0 ? -x0 : 0;
        const kx1 = x0 + fw > w ? w - x0 : fw;
        for (let ch = 0; ch < c; ch++) {
          const xc = xs + ch * plane;
          for (let ky = 0; ky < fh; ky++) {
            const iy = y0 + ky;
            if (iy < 0 || iy >= h) {
              p += fw;
              continue;
            }
            const row = xc + iy * w + x0;
            for (let kx = kx0; kx < kx1; kx++) x[row + kx] += col[p + kx];
            p += fw;
          }
        }
      }
    }
  }
  return x;
}
