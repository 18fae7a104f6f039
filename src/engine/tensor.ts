import { float32Kernels } from './kernels/fast';

/**
 * Tensors: a flat typed array plus a shape. Float32Array for training, Float64Array for gradient
 * checks; every kernel in the engine accepts either. Shapes of batches are (N, ...sample shape),
 * images are (N, C, H, W).
 */

/** The two element types the engine computes in. */
export type DType = 'float32' | 'float64';
/** The typed array behind a tensor. */
export type Arr = Float32Array | Float64Array;
/** A tensor shape, outermost dimension first. */
export type Shape = readonly number[];

/** Number of elements a shape holds. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Allocates a zero-filled typed array of the given element type. */
export function allocArray(dtype: DType, n: number): Arr {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/**
 * Allocates a zeroed buffer the engine keeps between steps (layer outputs and gradients, parameters,
 * the mini-batch): for float32, from the installed float32 kernels' memory when there are some (the
 * WebAssembly arena, so kernels use it without copies), else like `allocArray`.
 */
export function allocKernelArray(dtype: DType, n: number): Arr {
  const k = dtype === 'float32' ? float32Kernels() : undefined;
  return k ? k.allocFloat32(n) : allocArray(dtype, n);
}

/** The element type of a typed array. */
export function dtypeOf(a: Arr): DType {
  return a instanceof Float64Array ? 'float64' : 'float32';
}

/** Formats a shape as `(2, 3)` for messages. */
export function formatShape(shape: Shape): string {
  return `(${shape.join(', ')})`;
}

/** A dense row-major tensor. `data.length === size` always. */
export class Tensor {
  readonly shape: Shape;
  readonly data: Arr;

  constructor(data: Arr, shape: Shape) {
    const n = sizeOf(shape);
    if (data.length !== n) {
      throw new RangeError(`tensor data has ${data.length} elements but shape ${formatShape(shape)} needs ${n}`);
    }
    this.data = data;
    this.shape = shape.slice();
  }

  static zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
    return new Tensor(allocArray(dtype, sizeOf(shape)), shape);
  }

  static from(values: ArrayLike<number>, shape: Shape, dtype: DType = 'float32'): Tensor {
    const data = allocArray(dtype, values.length);
    data.set(values as ArrayLike<number>);
    return new Tensor(data, shape);
  }

  get dtype(): DType {
    return dtypeOf(this.data);
  }

  get size(): number {
    return this.data.length;
  }

  /** A tensor over the same memory with another shape of the same size (no copy). */
  reshape(shape: Shape): Tensor {
    return new Tensor(this.data, shape);
  }

  /** Rows [start, end) of the outermost dimension, sharing memory (no copy). */
  slice(start: number, end: number): Tensor {
    const inner = this.size / this.shape[0];
    const data = this.data.subarray(start * inner, end * inner);
    return new Tensor(data, [end - start, ...this.shape.slice(1)]);
  }

  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  /** A copy converted to another element type. */
  to(dtype: DType): Tensor {
    const out = allocArray(dtype, this.size);
    out.set(this.data);
    return new Tensor(out, this.shape);
  }

  /** Element at a multi-index (slow; for tests and small tensors). */
  get(...idx: number[]): number {
    let off = 0;
    for (let i = 0; i < idx.length; i++) off = off * this.shape[i] + idx[i];
    return this.data[off];
  }
}

/**
 * Returns `buf` when it already has the wanted shape and type, otherwise a new zeroed tensor. Layers use
 * it to keep their output buffers between steps of equal batch size.
 */
export function reuse(buf: Tensor | undefined, shape: Shape, dtype: DType): Tensor {
  if (buf && buf.dtype === dtype && buf.shape.length === shape.length && buf.shape.every((d, i) => d === shape[i])) {
    return buf;
  }
  return new Tensor(allocKernelArray(dtype, sizeOf(shape)), shape);
}
