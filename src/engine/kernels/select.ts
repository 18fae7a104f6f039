/**
 * Chooses the float32 GEMM for a process: the WebAssembly SIMD kernels where this engine runs them,
 * else the TypeScript reference with a reason the caller shows as a warning. The engine as a library
 * leaves the choice to its user; the CLI and the training worker call this at start.
 */
import { setGemmBackend, typescriptGemm } from '../gemm';
import { setFloat32Kernels } from './fast';
import { createWasmArena, wasmArenaUnavailableReason, type WasmArena } from './wasmArena';
import { createWasmGemm, wasmGemmUnavailableReason } from './wasmGemm';

let arena: WasmArena | undefined;

/** The process's arena, once `useFastKernels` created it (for benchmarks and profiles). */
export function currentArena(): WasmArena | undefined {
  return arena;
}

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
 * Installs the fastest available float32 kernels (`prefer: 'typescript'` forces the reference): the
 * WebAssembly arena (GEMM and every other float32 kernel on one shared memory that the layers'
 * buffers live in, no copies); where shared memory is missing, the copying WebAssembly GEMM with
 * the other kernels in TypeScript; where WebAssembly SIMD is missing, TypeScript with a warning.
 * The arena is created once per process and reused. Install before building networks: buffers
 * allocated before stay where they are (and are copied in and out of the kernels).
 *
 * `threads` > 1 installs the GEMM that splits big products over that many threads
 * (`createWasmGemm({ threads })`, worker threads on a shared memory of its own, so it copies its
 * operands) beside the arena's other kernels; where that build cannot run, the single-threaded
 * kernels are installed with a warning (the returned `threads` says which).
 */
export function useFastKernels(prefer: 'auto' | 'typescript' = 'auto', threads = 1): KernelChoice {
  if (prefer === 'typescript') {
    setGemmBackend(typescriptGemm);
    setFloat32Kernels(undefined);
    return { name: typescriptGemm.name, threads: 1 };
  }
  arena ??= createWasmArena();
  let warning: string | undefined;
  if (threads > 1) {
    const wasm = createWasmGemm({ threads });
    if (wasm) {
      setGemmBackend(wasm);
      setFloat32Kernels(arena?.kernels);
      return { name: wasm.name, threads: wasm.threads };
    }
    warning = `WebAssembly threads unavailable here (the shared-memory kernel did not load); using 1 thread`;
  }
  if (arena) {
    setGemmBackend(arena.gemm);
    setFloat32Kernels(arena.kernels);
    return { name: arena.name, threads: 1, ...(warning ? { warning } : {}) };
  }
  setFloat32Kernels(undefined);
  const wasm = createWasmGemm();
  if (wasm) {
    setGemmBackend(wasm);
    return {
      name: wasm.name,
      threads: 1,
      warning: `WebAssembly arena unavailable (${wasmArenaUnavailableReason() ?? 'unknown reason'}); the GEMM copies its operands and the other float32 kernels run in TypeScript`,
    };
  }
  setGemmBackend(typescriptGemm);
  return {
    name: typescriptGemm.name,
    threads: 1,
    warning: `WebAssembly SIMD kernels unavailable (${wasmGemmUnavailableReason() ?? 'unknown reason'}); using the slower TypeScript kernels`,
  };
}
