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
 * `threads` > 1 splits the arena's big kernels (products, convolution, pooling) over that many
 * threads, the calling one included: helper worker threads on the arena's own shared memory, no
 * copies (`WasmArena.setThreads`); every split kernel gives the same bits as on one thread. Where the
 * helpers cannot start, the single-threaded arena is installed with a warning (the returned
 * `threads` says which). Where the arena itself is missing, the copying threaded GEMM
 * (`createWasmGemm({ threads })`) is tried.
 */
export function useFastKernels(prefer: 'auto' | 'typescript' = 'auto', threads = 1): KernelChoice {
  if (prefer === 'typescript') {
    setGemmBackend(typescriptGemm);
    setFloat32Kernels(undefined);
    return { name: typescriptGemm.name, threads: 1 };
  }
  arena ??= createWasmArena();
  let warning: string | undefined;
  if (arena) {
    const got = arena.setThreads(threads);
    if (got !== threads && threads > 1)
      warning = `WebAssembly threads unavailable here (${arena.threadsUnavailableReason ?? 'unknown reason'}); using ${got} thread${got === 1 ? '' : 's'}`;
  } else if (threads > 1) {
    const wasm = createWasmGemm({ threads });
    if (wasm) {
      setGemmBackend(wasm);
      setFloat32Kernels(undefined);
      return {
        name: wasm.name,
        threads: wasm.threads,
        warning: `WebAssembly arena unavailable (${wasmArenaUnavailableReason() ?? 'unknown reason'}); the threaded GEMM copies its operands and the other float32 kernels run in TypeScript`,
      };
    }
    warning = `WebAssembly threads unavailable here (the shared-memory kernel did not load); using 1 thread`;
  }
  if (arena) {
    setGemmBackend(arena.gemm);
    setFloat32Kernels(arena.kernels);
    const n = arena.threads;
    return { name: n > 1 ? `${arena.name}-${n}threads` : arena.name, threads: n, ...(warning ? { warning } : {}) };
  }
  setFloat32Kernels(undefined);
  const wasm = createWasmGemm();
  if (wasm) {
    setGemmBackend(wasm);
    return {
      name: wasm.name,
      threads: 1,
      warning: [
        warning,
        `WebAssembly arena unavailable (${wasmArenaUnavailableReason() ?? 'unknown reason'}); the GEMM copies its operands and the other float32 kernels run in TypeScript`,
      ]
        .filter(Boolean)
        .join('; '),
    };
  }
  setGemmBackend(typescriptGemm);
  return {
    name: typescriptGemm.name,
    threads: 1,
    warning: `WebAssembly SIMD kernels unavailable (${wasmGemmUnavailableReason() ?? 'unknown reason'}); using the slower TypeScript kernels`,
  };
}
