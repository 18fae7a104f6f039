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
  /** Set when WebAssembly SIMD was wanted but is missing here. */
  warning?: string;
}

/**
 * Installs the fastest available float32 kernels (`prefer: 'typescript'` forces the reference): the
 * WebAssembly arena (GEMM and every other float32 kernel on one shared memory that the layers'
 * buffers live in, no copies); where shared memory is missing, the copying WebAssembly GEMM with
 * the other kernels in TypeScript; where WebAssembly SIMD is missing, TypeScript with a warning.
 * The arena is created once per process and reused. Install before building networks: buffers
 * allocated before stay where they are (and are copied in and out of the kernels).
 */
export function useFastKernels(prefer: 'auto' | 'typescript' = 'auto'): KernelChoice {
  if (prefer === 'typescript') {
    setGemmBackend(typescriptGemm);
    setFloat32Kernels(undefined);
    return { name: typescriptGemm.name };
  }
  arena ??= createWasmArena();
  if (arena) {
    setGemmBackend(arena.gemm);
    setFloat32Kernels(arena.kernels);
    return { name: arena.name };
  }
  setFloat32Kernels(undefined);
  const wasm = createWasmGemm();
  if (wasm) {
    setGemmBackend(wasm);
    return {
      name: wasm.name,
      warning: `WebAssembly arena unavailable (${wasmArenaUnavailableReason() ?? 'unknown reason'}); the GEMM copies its operands and the other float32 kernels run in TypeScript`,
    };
  }
  setGemmBackend(typescriptGemm);
  return {
    name: typescriptGemm.name,
    warning: `WebAssembly SIMD kernels unavailable (${wasmGemmUnavailableReason() ?? 'unknown reason'}); using the slower TypeScript kernels`,
  };
}
