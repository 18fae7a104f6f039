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
  /** Set when WebAssembly SIMD was wanted but is missing here (or threads were, and are not). */
  warning?: string;
  /** Threads the installed backend splits big products over (1 for the TypeScript kernels). */
  threads: number;
}

/**
 * Installs the fastest available float32 GEMM (`prefer: 'typescript'` forces the reference).
 * `threads` > 1 asks for the WebAssembly backend that splits big products over that many threads
 * (`createWasmGemm({ threads })`, worker threads on a shared memory); where that build cannot run,
 * the single-threaded one is installed with a warning (the returned `threads` says which).
 */
export function useFastKernels(prefer: 'auto' | 'typescript' = 'auto', threads = 1): KernelChoice {
  if (prefer === 'typescript') {
    setGemmBackend(typescriptGemm);
    return { name: typescriptGemm.name, threads: 1 };
  }
  let warning: string | undefined;
  if (threads > 1) {
    const wasm = createWasmGemm({ threads });
    if (wasm) {
      setGemmBackend(wasm);
      return { name: wasm.name, threads: wasm.threads };
    }
    warning = `WebAssembly threads unavailable here (the shared-memory kernel did not load); using 1 thread`;
  }
  const wasm = createWasmGemm();
  if (!wasm) {
    setGemmBackend(typescriptGemm);
    return {
      name: typescriptGemm.name,
      threads: 1,
      warning: `WebAssembly SIMD kernels unavailable (${wasmGemmUnavailableReason() ?? 'unknown reason'}); using the slower TypeScript kernels`,
    };
  }
  setGemmBackend(wasm);
  return { name: wasm.name, threads: 1, ...(warning ? { warning } : {}) };
}
