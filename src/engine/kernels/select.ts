/**
 * Chooses the float32 GEMM for a process: the WebAssembly SIMD kernels where this engine runs them,
 * else the TypeScript reference with a reason the caller shows as a warning. The engine as a library
 * leaves the choice to its user; the CLI and the training worker call this at start.
 */
import { setGemmBackend, typescriptGemm } from '../gemm';
import { createWasmGemm, wasmGemmUnavailableReason } from './wasmGemm';

/** Which kernels were installed, and why not the fast ones when they were not. */
export interface KernelChoice {
  /** The backend's name: `wasm-relaxed`, `wasm-simd`, `typescript`. */
  name: string;
  /** Set when WebAssembly SIMD was wanted but is missing here. */
  warning?: string;
}

/** Installs the fastest available float32 GEMM (`prefer: 'typescript'` forces the reference). */
export function useFastKernels(prefer: 'auto' | 'typescript' = 'auto'): KernelChoice {
  if (prefer === 'typescript') {
    setGemmBackend(typescriptGemm);
    return { name: typescriptGemm.name };
  }
  const wasm = createWasmGemm();
  if (!wasm) {
    setGemmBackend(typescriptGemm);
    return {
      name: typescriptGemm.name,
      warning: `WebAssembly SIMD kernels unavailable (${wasmGemmUnavailableReason() ?? 'unknown reason'}); using the slower TypeScript kernels`,
    };
  }
  setGemmBackend(wasm);
  return { name: wasm.name };
}
