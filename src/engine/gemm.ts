/**
 * General matrix multiplication in its three forms, for Float32Array and Float64Array alike. Every
 * matrix product in the engine goes through this module, so a faster kernel (WebAssembly SIMD) can
 * replace the TypeScript one with `setGemmBackend` without touching the layers.
 *
 * All matrices are dense and row-major. `accumulate` adds into C instead of overwriting it.
 */
import type { Arr } from './tensor';

/** A GEMM implementation: the three transpose forms the layers need. */
export interface GemmBackend {
  readonly name: string;
  /** C(m×n) (+)= A(m×k) · B(k×n) */
  nn(a: Arr, b: Arr, c: Arr, m: number, k: number, n: number, accumulate?: boolean): void;
  /** C(m×n) (+)= Aᵀ · B with A stored (k×m), B (k×n) */
  tn(a: Arr, b: Arr, c: Arr, m: number, k: number, n: number, accumulate?: boolean): void;
  /** C(m×n) (+)= A · Bᵀ with A (m×k), B stored (n×k) */
  nt(a: Arr, b: Arr, c: Arr, m: number, k: number, n: number, accumulate?: boolean): void;
}

function checkSizes(form: string, a: Arr, b: Arr, c: Arr, na: number, nb: number, nc: number): void {
  if (a.length < na || b.length < nb || c.length < nc) {
    throw new RangeError(
      `gemm ${form}: operands too small (A ${a.length}/${na}, B ${b.length}/${nb}, C ${c.length}/${nc})`,
    );
  }
}

/**
 * The reference kernels in plain TypeScript: loop orders chosen so the inner loop runs along rows.
 * nn and tn skip a row update when the A element is exactly 0 (MNIST pixels and ReLU outputs are
 * mostly zeros); so 0 × NaN in B gives 0 there, not NaN — a NaN weight still reaches the loss through
 * every other product, which is where divergence is detected.
 */
export const typescriptGemm: GemmBackend = {
  name: 'typescript',
  nn(a, b, c, m, k, n, accumulate = false) {
    checkSizes('nn', a, b, c, m * k, k * n, m * n);
    if (!accumulate) c.fill(0, 0, m * n);
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      const ai = i * k;
      for (let p = 0; p < k; p++) {
        const av = a[ai + p];
        if (av === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
      }
    }
  },
  tn(a, b, c, m, k, n, accumulate = false) {
    checkSizes('tn', a, b, c, m * k, k * n, m * n);
    if (!accumulate) c.fill(0, 0, m * n);
    for (let p = 0; p < k; p++) {
      const ap = p * m;
      const bp = p * n;
      for (let i = 0; i < m; i++) {
        const av = a[ap + i];
        if (av === 0) continue;
        const ci = i * n;
        for (let j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
      }
    }
  },
  nt(a, b, c, m, k, n, accumulate = false) {
    checkSizes('nt', a, b, c, m * k, n * k, m * n);
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      const ci = i * n;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let p = 0;
        for (; p + 3 < k; p += 4) {
          s0 += a[ai + p] * b[bj + p];
          s1 += a[ai + p + 1] * b[bj + p + 1];
          s2 += a[ai + p + 2] * b[bj + p + 2];
          s3 += a[ai + p + 3] * b[bj + p + 3];
        }
        for (; p < k; p++) s0 += a[ai + p] * b[bj + p];
        const s = s0 + s1 + (s2 + s3);
        c[ci + j] = accumulate ? c[ci + j] + s : s;
      }
    }
  },
};

let backend: GemmBackend = typescriptGemm;

/** Installs a GEMM backend for float32 work; float64 always uses the TypeScript kernels. */
export function setGemmBackend(b: GemmBackend): void {
  backend = b;
}

/** The backend currently used for float32. */
export function gemmBackend(): GemmBackend {
  return backend;
}

function pick(a: Arr): GemmBackend {
  return a instanceof Float64Array ? typescriptGemm : backend;
}

/** C(m×n) (+)= A(m×k) · B(k×n) */
export function gemmNN(a: Arr, b: Arr, c: Arr, m: number, k: number, n: number, accumulate = false): void {
  pick(a).nn(a, b, c, m, k, n, accumulate);
}
/** C(m×n) (+)= Aᵀ · B, A stored (k×m) */
export function gemmTN(a: Arr, b: Arr, c: Arr, m: number, k: number, n: number, accumulate = false): void {
  pick(a).tn(a, b, c, m, k, n, accumulate);
}
/** C(m×n) (+)= A · Bᵀ, B stored (n×k) */
export function gemmNT(a: Arr, b: Arr, c: Arr, m: number, k: number, n: number, accumulate = false): void {
  pick(a).nt(a, b, c, m, k, n, accumulate);
}
