/**
 * The WebAssembly SIMD arena: one shared `WebAssembly.Memory` that the GEMM kernel (gemm.ts, the
 * shared-memory build) and the other float32 kernels (ops.ts) both run on, and that the engine's
 * float32 layer buffers, parameters and mini-batch buffer are allocated from. Operands already in
 * the arena are passed to the kernels by offset — no copies; anything else (a user's array, a data
 * set) is copied into a staging block first and results copied back, so both kinds mix freely.
 *
 * Why shared: growing a non-shared memory detaches its ArrayBuffer, which would empty every view the
 * engine holds; a shared memory grows in place and old views stay valid. Blocks are freed when the
 * array handed out is garbage-collected (FinalizationRegistry) and reused by size; memory is never
 * returned to the system. An array must therefore not be used only through a subarray of it after
 * the original is dropped (the engine never does: layers keep their buffers).
 *
 * `createWasmArena()` returns undefined where WebAssembly SIMD or shared memory is missing; the
 * caller then uses the copying backend (wasmGemm.ts) or the TypeScript kernels.
 */
import { typescriptGemm, type GemmBackend } from '../gemm';
import type { Arr } from '../tensor';
import {
  CONTROL_BYTES,
  MAX_HELPERS,
  MAX_PARTS,
  PART_KERNELS,
  emptyThreadStats,
  runPart,
  startArenaThreads,
  type ArenaThreadStats,
  type ArenaThreads,
  type Part,
} from './arenaThreads';
import { checkClassLabels, type Float32Kernels } from './fast';

export type { ArenaThreadStats } from './arenaThreads';
import { wasmGemmUnavailableReason, wasmRelaxedSimdAvailable } from './wasmGemm';

type Form = 'nn' | 'tn' | 'nt';
type Ptr = number;

interface GemmExports {
  gemm: (...args: number[]) => void;
  BLOCK_K: WebAssembly.Global;
  BLOCK_M: WebAssembly.Global;
}

interface OpsExports {
  relu_fwd(x: Ptr, y: Ptr, n: number): void;
  softmax_xent(y: Ptr, labels: Ptr, p: Ptr, n: number, cols: number, work: Ptr): number;
  relu_bwd(dy: Ptr, y: Ptr, dx: Ptr, n: number): void;
  sgd(w: Ptr, g: Ptr, lr: number, n: number): void;
  sgd_bits(w: Ptr, g: Ptr, lrLo: number, lrHi: number, n: number): void;
  momentum(w: Ptr, g: Ptr, v: Ptr, lr: number, a: number, n: number): void;
  nesterov(w: Ptr, g: Ptr, v: Ptr, lr: number, a: number, aa: number, c: number, n: number): void;
  adagrad_rmsprop(w: Ptr, g: Ptr, h: Ptr, lr: number, r: number, q: number, eps: number, rms: number, n: number): void;
  adam(
    w: Ptr,
    g: Ptr,
    m: Ptr,
    v: Ptr,
    lr: number,
    b1: number,
    q1: number,
    b2: number,
    q2: number,
    c1: number,
    c2: number,
    eps: number,
    n: number,
  ): void;
  fill_rows(b: Ptr, out: Ptr, rows: number, cols: number): void;
  fill_blocks(b: Ptr, out: Ptr, n: number, f: number, p: number): void;
  col_sums(d: Ptr, db: Ptr, rows: number, cols: number): void;
  block_sums(d: Ptr, db: Ptr, n: number, f: number, p: number, j0: number, j1: number): void;
  gather_u8(src: Ptr, order: Ptr, count: number, per: number, dst: Ptr): void;
  gather_u8_rows(
    src: Ptr,
    order: Ptr,
    count: number,
    per: number,
    dst: Ptr,
    cnt: Ptr,
    idx: Ptr,
    val: Ptr,
    lut: Ptr,
  ): void;
  relu_pool_conv_bwd(
    dq: Ptr,
    arg: Ptr,
    y: Ptr,
    x: Ptr,
    n: number,
    c: number,
    h: number,
    w: number,
    fh: number,
    fw: number,
    f: number,
    dw: Ptr,
    db: Ptr,
    work: Ptr,
    g0: number,
    g1: number,
  ): void;
  spmm_nn_rows(
    cnt: Ptr,
    idx: Ptr,
    val: Ptr,
    per: number,
    r0: number,
    r1: number,
    b: Ptr,
    c: Ptr,
    n: number,
    acc: number,
  ): void;
  spmm_tn_rows(
    cnt: Ptr,
    idx: Ptr,
    val: Ptr,
    per: number,
    k: number,
    c0: number,
    c1: number,
    b: Ptr,
    c: Ptr,
    n: number,
    acc: number,
    work: Ptr,
  ): void;
  conv_fwd(
    x: Ptr,
    n: number,
    c: number,
    h: number,
    w: number,
    fh: number,
    fw: number,
    pad: number,
    wt: Ptr,
    b: Ptr,
    f: number,
    out: Ptr,
    wq: Ptr,
    bq: Ptr,
    xp: Ptr,
  ): void;
  conv_dw(
    x: Ptr,
    dy: Ptr,
    n: number,
    c: number,
    h: number,
    w: number,
    fh: number,
    fw: number,
    pad: number,
    f: number,
    dw: Ptr,
    xp: Ptr,
    g0: number,
    g1: number,
    acc: Ptr,
  ): void;
  im2col(
    x: Ptr,
    n: number,
    c: number,
    h: number,
    w: number,
    fh: number,
    fw: number,
    s: number,
    pad: number,
    oh: number,
    ow: number,
    col: Ptr,
  ): void;
  col2im(
    col: Ptr,
    n: number,
    c: number,
    h: number,
    w: number,
    fh: number,
    fw: number,
    s: number,
    pad: number,
    oh: number,
    ow: number,
    x: Ptr,
  ): void;
  maxpool_fwd(
    x: Ptr,
    planes: number,
    h: number,
    w: number,
    fh: number,
    fw: number,
    s: number,
    pad: number,
    oh: number,
    ow: number,
    y: Ptr,
    arg: Ptr,
    relu: number,
  ): void;
  maxpool2_fwd(
    x: Ptr,
    planes: number,
    h: number,
    w: number,
    oh: number,
    ow: number,
    y: Ptr,
    arg: Ptr,
    relu: number,
    p0: number,
    p1: number,
  ): void;
  maxpool_bwd(dy: Ptr, arg: Ptr, nq: number, dx: Ptr, nx: number, x: Ptr): void;
  maxpool2_bwd(
    dy: Ptr,
    arg: Ptr,
    planes: number,
    h: number,
    w: number,
    oh: number,
    ow: number,
    dx: Ptr,
    x: Ptr,
    p0: number,
    p1: number,
  ): void;
  count_nonzero(a: Ptr, n: number): number;
  spmm_nn(a: Ptr, b: Ptr, c: Ptr, m: number, k: number, n: number, acc: number, list: Ptr): void;
  spmm_tn(a: Ptr, b: Ptr, c: Ptr, m: number, k: number, n: number, acc: number, list: Ptr, lda: number): void;
}

interface Modules {
  threads: string;
  threadsRelaxed: string;
  opsShared?: string;
  opsSharedRelaxed?: string;
}

export interface WasmArenaOptions {
  /** Relaxed-SIMD builds where accepted (default true), as in `createWasmGemm`. */
  relaxed?: boolean;
  /**
   * Products of A (m×k, nn or tn form) with 32 ≤ n ≤ 64 columns whose A has at most this fraction of
   * non-zeros skip the zeros (the MNIST input: ≈ 0.19). Default 0.3; 0 turns it off. Below 32
   * columns each non-zero carries too little work for its bookkeeping: measured, the conv layer's
   * dW products (30×576×25, A 12% non-zeros) ran 20–30% slower sparse than dense.
   */
  sparseMaxDensity?: number;
}

export interface WasmArena {
  readonly name: string;
  readonly variant: 'simd' | 'relaxed';
  /** The GEMM, zero-copy for operands in the arena. */
  readonly gemm: GemmBackend;
  /** The other float32 kernels, zero-copy for operands in the arena. */
  readonly kernels: Float32Kernels;
  readonly memory: WebAssembly.Memory;
  /** The density under which nn/tn products with 32 ≤ n ≤ 64 skip A's zeros (option `sparseMaxDensity`). */
  sparseMaxDensity: number;
  /** Whether the array lies in the arena (kernels then use it in place). */
  contains(a: ArrayBufferView): boolean;
  /**
   * Splits the big kernels (dense and sparse products, the direct convolution and its weight
   * gradient, the bias sums of a convolution, 2×2 max pooling fused with ReLU) over `n` threads,
   * the calling one included (default 1; at most 16). With n > 1, n − 1 helper worker threads are
   * started on this arena's memory (once; ended and restarted when n changes). Every split kernel gives the same bits as unsplit, whoever runs
   * which part. Returns the threads now used: 1 when the helper cannot start here
   * (`threadsUnavailableReason`).
   */
  setThreads(n: number): number;
  readonly threads: number;
  /** Why `setThreads(2)` fell back to 1, if it did. */
  readonly threadsUnavailableReason: string | undefined;
  /** Parts a split kernel is cut into (default 4, at most 63), claimed by the threads as they come free. */
  threadParts: number;
  /**
   * Kernel calls under this much work stay on the calling thread (default 10⁶): flops for dense
   * products and convolutions, 2·non-zeros·n for sparse products, 2 per value for sums and pooling.
   */
  threadMinFlops: number;
  threadStats(): ArenaThreadStats;
  /**
   * Whether the calling thread runs split kernels alone when that pays (default true; `SplitPolicy`
   * in arenaThreads.ts): for a while when the helper looks descheduled, and for as long as whole
   * steps run faster on one thread. Off, every split kernel is handed to the helper.
   */
  threadBackoff: boolean;
  /**
   * Every split call runs on the calling thread alone, unsplit where that saves repeated work (as
   * when `SplitPolicy` finds whole steps faster alone): for tests and benchmarks. Default false.
   */
  threadAlone: boolean;
  /** Ends the helper thread (if any); the arena runs on one thread afterwards. */
  disposeThreads(): void;
  /**
   * Bytes of memory held, bytes in live blocks, free blocks; products that skipped A's zeros, and
   * of those, the ones that used a gathered batch's non-zero list (`gatherPixels(…, true)`).
   */
  stats(): {
    memoryBytes: number;
    liveBytes: number;
    freeBlocks: number;
    sparseProducts: number;
    listedProducts: number;
  };
}

const PAGE = 65536;
const ALIGN = 64;
/** Bytes kept free after every block: the kernels' vector loads may read up to 60 bytes past an operand. */
const SLACK = 64;
const MAX_PAGES = 65536;
const round = (x: number, to: number): number => Math.ceil(x / to) * to;

function decode(s: string): Uint8Array<ArrayBuffer> {
  const b = Buffer.from(s, 'base64');
  const out = new Uint8Array(b.byteLength);
  out.set(b);
  return out;
}

let unavailable: string | undefined;

/** Why the arena cannot run here (after a failed `createWasmArena`), or undefined. */
export function wasmArenaUnavailableReason(): string | undefined {
  return unavailable;
}

/** Creates the arena, or returns undefined (see `wasmArenaUnavailableReason()`). */
export function createWasmArena(options: WasmArenaOptions = {}): WasmArena | undefined {
  const why = wasmGemmUnavailableReason();
  if (why !== undefined) {
    unavailable = why;
    return undefined;
  }
  if (typeof SharedArrayBuffer === 'undefined' || typeof FinalizationRegistry === 'undefined') {
    unavailable = 'shared WebAssembly memory is not available in this runtime';
    return undefined;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mods = (require('./generated/wasmModules') as { wasmModules: Modules }).wasmModules;
  if (!mods.opsShared || !mods.opsSharedRelaxed) {
    unavailable = 'the WebAssembly ops kernels are not built (run `node scripts/build-wasm.mjs`)';
    return undefined;
  }
  const relaxed = options.relaxed !== false && wasmRelaxedSimdAvailable();
  const gemmBytes = decode(relaxed ? mods.threadsRelaxed : mods.threads);
  const opsBytes = decode(relaxed ? mods.opsSharedRelaxed : mods.opsShared);
  if (!WebAssembly.validate(gemmBytes) || !WebAssembly.validate(opsBytes)) {
    unavailable = 'the shared-memory kernel builds do not validate in this engine';
    return undefined;
  }
  let memory: WebAssembly.Memory;
  let g: GemmExports;
  let ops: OpsExports;
  let gemmModule: WebAssembly.Module;
  let opsModule: WebAssembly.Module;
  try {
    memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
    const imports = {
      env: {
        memory,
        abort: () => {
          throw new Error('wasm abort');
        },
      },
    };
    gemmModule = new WebAssembly.Module(gemmBytes);
    opsModule = new WebAssembly.Module(opsBytes);
    g = new WebAssembly.Instance(gemmModule, imports).exports as unknown as GemmExports;
    ops = new WebAssembly.Instance(opsModule, imports).exports as unknown as OpsExports;
  } catch (e) {
    unavailable = `shared WebAssembly memory failed: ${(e as Error).message}`;
    return undefined;
  }
  const kernel = g.gemm;
  const KC = g.BLOCK_K.value as number;
  const MC = g.BLOCK_M.value as number;
  let sparseMaxDensity = options.sparseMaxDensity ?? 0.3;

  // ---- allocator ------------------------------------------------------------------------------
  // every buffer object views of this memory were made on (weak: a dropped one may go)
  const buffers = new WeakSet<ArrayBufferLike>([memory.buffer]);
  let f32 = new Float32Array(memory.buffer);
  let i32 = new Int32Array(memory.buffer);
  let top = PAGE; // the first page stays unused (no kernel has data segments, but be safe)
  let liveBytes = 0;
  let sparseProducts = 0;
  let listedProducts = 0;
  const free = new Map<number, number[]>(); // block size → offsets
  let freeBlocks = 0;

  function grow(end: number): void {
    const have = memory.buffer.byteLength;
    if (end <= have) return;
    const want = Math.max(end, Math.min(have * 2, end + 256 * 1024 * 1024));
    const pages = Math.min(Math.ceil((want - have) / PAGE), MAX_PAGES - have / PAGE);
    if (have + pages * PAGE < end) throw new RangeError('WebAssembly arena: out of memory (4 GiB)');
    memory.grow(pages);
    buffers.add(memory.buffer);
    f32 = new Float32Array(memory.buffer);
    i32 = new Int32Array(memory.buffer);
  }

  /** A block of at least `bytes` (+ slack), zeroed. */
  function allocBlock(bytes: number): { off: number; size: number } {
    const size = round(bytes + SLACK, ALIGN);
    const list = free.get(size);
    let off: number;
    if (list && list.length) {
      off = list.pop() as number;
      freeBlocks--;
      f32.fill(0, off >> 2, (off + size) >> 2);
    } else {
      off = top;
      grow(off + size);
      top = off + size;
    }
    liveBytes += size;
    return { off, size };
  }
  function freeBlock(off: number, size: number): void {
    let list = free.get(size);
    if (!list) free.set(size, (list = []));
    list.push(off);
    freeBlocks++;
    liveBytes -= size;
  }
  const registry = new FinalizationRegistry<[number, number]>(([off, size]) => freeBlock(off, size));

  let lastOurs: ArrayBufferLike | undefined; // the buffer object `ours` accepted last
  /**
   * Whether `buf` is this memory's. Views made before and after each grow hold different buffer
   * objects; and V8 also hands out a new buffer object for a shared memory that did not grow when
   * another shared memory in the isolate grows (a second arena, the copying threaded GEMM). So
   * every view is made on `current()`, which registers the object it returns, and an object not
   * seen yet is ours if it is the current one.
   */
  function ours(buf: ArrayBufferLike): boolean {
    if (buf === lastOurs) return true; // most calls: one WeakSet lookup less (≈ 30 ns each)
    if (!buffers.has(buf)) {
      if (buf !== memory.buffer) return false;
      buffers.add(buf);
    }
    lastOurs = buf;
    return true;
  }
  /** The memory's buffer object now, registered as ours: make views on it. */
  function current(): ArrayBufferLike {
    const buf = memory.buffer;
    buffers.add(buf);
    return buf;
  }
  // data sets' pixel bytes copied into the arena (pixelBytes), per source array
  const pixelCache = new WeakMap<Uint8Array, Uint8Array>();

  // Staging blocks for operands from outside the arena, one per operand position of a call.
  const stages: { off: number; size: number }[] = [];
  function stageBlock(slot: number, bytes: number): number {
    const s = stages[slot];
    if (s && s.size >= bytes + SLACK) return s.off;
    if (s) freeBlock(s.off, s.size);
    stages[slot] = allocBlock(Math.max(bytes, 4096) * 1.25);
    return stages[slot].off;
  }
  /**
   * The byte offsets of the arrays the arena made (allocFloat32, allocInt32, pixelBytes). Looking an
   * array up here costs ≈ 8 ns, where reading its `.buffer` and `.byteOffset` costs ≈ 18 ns each
   * (Node 20's TurboFan calls those getters instead of inlining them): most of a small kernel
   * call's overhead, three or four operands a call. Other arrays (subarrays, views the caller made
   * on the memory) go by `.buffer`.
   */
  const offsets = new WeakMap<ArrayBufferView, number>();
  /** A new view of `n` elements at byte `off` of the memory, of the given type, known by its offset. */
  function view<T extends Float32Array | Int32Array | Uint8Array>(
    Type: new (buf: ArrayBufferLike, off: number, n: number) => T,
    off: number,
    n: number,
  ): T {
    const a = new Type(current(), off, n);
    offsets.set(a, off);
    return a;
  }
  /** Whether a lies in the arena (kernels then use it in place). */
  const contains = (a: ArrayBufferView): boolean => offsets.has(a) || ours(a.buffer);
  /** a's byte offset if it lies in the arena, else −1. */
  function inPlace(a: ArrayBufferView): number {
    const known = offsets.get(a);
    if (known !== undefined) return known;
    return ours(a.buffer) ? a.byteOffset : -1;
  }
  /** Offset of a for reading: in place, or copied into staging slot `slot`. */
  function src(a: Float32Array | Int32Array, slot: number, n = a.length): Ptr {
    const at = inPlace(a);
    if (at >= 0) return at;
    const off = stageBlock(slot, n * 4);
    if (a instanceof Int32Array) i32.set(n === a.length ? a : a.subarray(0, n), off >> 2);
    else f32.set(n === a.length ? a : a.subarray(0, n), off >> 2);
    return off;
  }
  /** Offset of a for writing (copied in first when `load`); call `back` after the kernel. */
  function dst(a: Float32Array | Int32Array, slot: number, n = a.length, load = false): Ptr {
    forgetListed(a);
    const at = inPlace(a);
    if (at >= 0) return at;
    const off = stageBlock(slot, n * 4);
    if (load)
      (a instanceof Int32Array ? i32 : f32).set(n === a.length ? (a as never) : (a.subarray(0, n) as never), off >> 2);
    return off;
  }
  function back(a: Float32Array | Int32Array, off: Ptr, n = a.length): void {
    if (contains(a)) return;
    if (a instanceof Int32Array) a.set(i32.subarray(off >> 2, (off >> 2) + n));
    else a.set(f32.subarray(off >> 2, (off >> 2) + n));
  }

  // ---- a gathered batch's non-zeros (gatherPixels with listNonZeros) ----------------------------
  /**
   * The batch whose rows' non-zeros the last listing gather wrote: `rows` (count × per floats, in
   * the arena) and, in one block, cnt (count i32), then idx and val (count·per each, row i's at
   * i·per). Dropped when `rows` is written by a kernel (dst), gathered into again, or forgotten.
   */
  let listed: { rows: Float32Array; count: number; per: number; cnt: Ptr; idx: Ptr; val: Ptr; nnz: number } | undefined;
  let listBlock = { off: 0, size: 0 };
  function forgetListed(a: Float32Array | Int32Array): void {
    if (listed && listed.rows === a) listed = undefined;
  }
  function listedFor(a: Float32Array, rows: number, cols: number) {
    return listed && listed.rows === a && listed.count === rows && listed.per === cols ? listed : undefined;
  }

  // ---- GEMM -----------------------------------------------------------------------------------
  let scratch = { ap: 0, bp: 0, bpBytes: -1, list: 0, listBytes: -1 };
  function gemmScratch(n: number): void {
    const need = KC * round(Math.max(n, 1), 8) * 4;
    if (need <= scratch.bpBytes) return;
    const blk = allocBlock(KC * MC * 4 + need);
    scratch = { ...scratch, ap: blk.off, bp: blk.off + KC * MC * 4, bpBytes: need };
  }
  function listScratch(entries: number): number {
    if (entries * 8 > scratch.listBytes) {
      const bytes = Math.max(entries * 8, 8192);
      scratch.list = allocBlock(bytes).off;
      scratch.listBytes = bytes;
    }
    return scratch.list;
  }

  // ---- threads (arenaThreads.ts) ---------------------------------------------------------------
  let pool: ArenaThreads | undefined;
  let threads = 1;
  let threadsUnavailable: string | undefined;
  let threadParts = 4;
  let threadMinFlops = 1e6;
  const lrBits = new Float64Array(1);
  const lrWords = new Int32Array(lrBits.buffer);
  let backoff = true;
  let alone = false;
  const K = Object.fromEntries(PART_KERNELS.map((name, i) => [name, i])) as Record<
    (typeof PART_KERNELS)[number],
    number
  >;
  const localFns = PART_KERNELS.map((name) =>
    name === 'gemm' ? kernel : (ops as unknown as Record<string, (...a: number[]) => void>)[name],
  );
  function setThreads(n: number): number {
    const want = Math.max(1, Math.floor(n));
    if (want === 1) {
      threads = 1;
      return 1;
    }
    const helpers = Math.min(MAX_HELPERS, want - 1);
    if (pool && pool.threads !== helpers + 1) {
      pool.dispose();
      pool = undefined;
    }
    if (!pool) {
      try {
        const ctl = allocBlock(CONTROL_BYTES).off;
        pool = startArenaThreads(memory, gemmModule, opsModule, localFns, ctl, helpers, (bytes) => {
          const blk = allocBlock(bytes);
          return { off: blk.off, release: () => freeBlock(blk.off, blk.size) };
        });
      } catch (e) {
        threadsUnavailable = `the helper thread did not start: ${(e as Error).message}`;
        threads = 1;
        return 1;
      }
    }
    pool.backoff = backoff;
    pool.alone = alone;
    threads = pool.threads;
    return threads;
  }
  /** Parts for this much work (flops, or a proxy): 1 (not split) below threadMinFlops or on one thread. */
  function partsFor(work: number, most: number): number {
    if (threads < 2 || work < threadMinFlops) return 1;
    return Math.max(1, Math.min(threadParts, most, MAX_PARTS));
  }
  /** Boundaries of `parts` pieces of [0, total), each but the last a multiple of `align`. */
  function cuts(total: number, parts: number, align: number): number[] {
    const at = [0];
    for (let t = 1; t < parts; t++) {
      const x = Math.min(total, Math.round((total * t) / parts / align) * align);
      if (x > at[at.length - 1]) at.push(x);
    }
    if (total > at[at.length - 1]) at.push(total);
    return at;
  }
  const runHere = (p: Part, base: number): void => runPart(localFns, p, base);
  /**
   * Runs the parts, split over the threads (or just the one part here); `whole`, the unsplit call,
   * runs instead when they run here alone (`ArenaThreads.run`).
   */
  function runParts(parts: Part[], whole?: (base: number) => void): void {
    if (parts.length === 1 || !pool) {
      const base = pool ? pool.scratch(0) : 0;
      for (const p of parts) runHere(p, base);
      return;
    }
    pool.run(parts, whole);
  }
  /**
   * A kernel call cut at `at` (from `cuts`): the part for [lo, hi) takes `argsFor(lo, hi, t)`, the
   * arguments `scratch` marks being offsets into its thread's scratch. Run alone, it is the one part
   * over the whole range, without the work the parts repeat.
   */
  function runSplit(kind: number, at: number[], argsFor: (lo: number, hi: number, t: number) => number[], scratch: number): void {
    const parts: Part[] = [];
    for (let t = 0; t + 1 < at.length; t++) parts.push({ kind, args: argsFor(at[t], at[t + 1], t), scratch });
    runParts(parts, (base) => runHere({ kind, args: argsFor(at[0], at[at.length - 1], 0), scratch }, base));
  }

  /** A dense product on arena offsets, split over the threads when big enough. */
  function denseProduct(
    ta: number,
    tb: number,
    m: number,
    k: number,
    n: number,
    pa: Ptr,
    pb: Ptr,
    pc: Ptr,
    acc: number,
  ): void {
    const lda = ta ? m : k;
    const ldb = tb ? k : n;
    const nparts = partsFor(2 * m * k * n, Math.max(m >> 2, n >> 3));
    if (nparts === 1) {
      kernel(ta, tb, m, k, n, pa, lda, pb, ldb, pc, n, acc, scratch.bp, scratch.ap);
      return;
    }
    const unsplit = () => kernel(ta, tb, m, k, n, pa, lda, pb, ldb, pc, n, acc, scratch.bp, scratch.ap);
    // Split the dimension whose packing the parts would otherwise repeat least: splitting n makes
    // every part pack all of A (m·k), splitting m every part pack all of B (k·n). Rows in multiples
    // of 4 and columns in multiples of 8 (the micro-tile), so each part's tiles are the unsplit ones.
    // Parts of at most 32 columns would make the kernel read A in place instead of packing it
    // (assembly/gemm.ts NA; or, since, take its narrow tiles, which pack A for every 8 rows):
    // measured 1.5× instead of 2× on 100×4320×100, so split m there.
    const narrow = n > 32 && n / nparts <= 32 && m >= 4 * nparts;
    const splitN = n >= 8 * nparts && (m * k <= k * n || m < 4 * nparts) && !narrow;
    // Every part packs the whole shared operand again (A when splitting n, B when splitting m):
    // worth it only while a part's own work is well above that (≥ 16 multiply-adds per packed
    // float, i.e. its n or m ≥ 16). Measured: 25×57600×30 cut into four parts of 6–7 rows, each
    // packing all 57600×30 of B, ran at 18 GFLOP/s on two threads against 26 on one.
    if ((splitN ? n : m) < 16 * nparts) {
      unsplit();
      return;
    }
    const parts: Part[] = [];
    const at = splitN ? cuts(n, nparts, 8) : cuts(m, nparts, 4);
    // thread scratch: packed A (KC·MC floats), packed B (KC·round8(n) floats)
    const apOff = 0;
    const bpOff = KC * MC * 4;
    for (let t = 0; t + 1 < at.length; t++) {
      const lo = at[t];
      const hi = at[t + 1];
      if (splitN) {
        const bo = pb + 4 * (tb ? lo * ldb : lo);
        parts.push({
          kind: K.gemm,
          args: [ta, tb, m, k, hi - lo, pa, lda, bo, ldb, pc + 4 * lo, n, acc, bpOff, apOff],
          scratch: 0b11 << 12,
        });
      } else {
        const ao = pa + 4 * (ta ? lo : lo * lda);
        parts.push({
          kind: K.gemm,
          args: [ta, tb, hi - lo, k, n, ao, lda, pb, ldb, pc + 4 * lo * n, n, acc, bpOff, apOff],
          scratch: 0b11 << 12,
        });
      }
    }
    // alone: one call, packing the shared operand once
    runParts(parts, unsplit);
  }

  function run(form: Form, a: Arr, b: Arr, c: Arr, m: number, k: number, n: number, accumulate: boolean): void {
    if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array)) {
      typescriptGemm[form](a, b, c, m, k, n, accumulate);
      return;
    }
    const na = m * k;
    const nb = k * n;
    const nc = m * n;
    if (a.length < na || b.length < nb || c.length < nc) {
      throw new RangeError(
        `gemm ${form}: operands too small (A ${a.length}/${na}, B ${b.length}/${nb}, C ${c.length}/${nc})`,
      );
    }
    if (nc === 0) return;
    if ((na + nb + nc) * 4 > 2 ** 31) {
      typescriptGemm[form](a, b, c, m, k, n, accumulate);
      return;
    }
    if (k === 0) {
      if (!accumulate) c.fill(0, 0, nc);
      return;
    }
    gemmScratch(n);
    const split = threads > 1 && 2 * m * k * n >= threadMinFlops;
    // per-thread scratch: the dense kernel's packing areas, or a sparse product's lists (bounded by
    // every entry of A being listed)
    if (split) pool?.scratch(Math.max(KC * MC * 4 + KC * round(n, 8) * 4, (3 * m + k + 8) * 8 + na * 8));
    // reserve every staging block before taking offsets (an allocation may grow the memory)
    const pa = src(a, 0, na);
    const pb = src(b, 1, nb);
    const pc = dst(c, 2, nc, accumulate);
    const acc = accumulate ? 1 : 0;
    const rows = form === 'nn' ? listedFor(a, m, k) : form === 'tn' ? listedFor(a, k, m) : undefined;
    if (rows && sparseMaxDensity > 0 && n >= 32 && n <= 64 && rows.nnz <= sparseMaxDensity * na) {
      listedProduct(form, rows, pb, pc, m, k, n, acc, split);
      back(c, pc, nc);
      return;
    }
    const nnz =
      form !== 'nt' && sparseMaxDensity > 0 && n >= 32 && n <= 64 && na >= 4096 ? ops.count_nonzero(pa, na) : na;
    if (nnz <= sparseMaxDensity * na) {
      sparseProducts++;
      // rows of C are independent (each summed over A's non-zeros in order): split them
      const nparts = split ? partsFor(2 * nnz * n, m >> 2) : 1;
      if (nparts === 1) {
        if (form === 'nn') ops.spmm_nn(pa, pb, pc, m, k, n, acc, listScratch(k + 4));
        else ops.spmm_tn(pa, pb, pc, m, k, n, acc, listScratch(2 * m + nnz + 9), m);
      } else {
        const at = cuts(m, nparts, 4);
        const parts: Part[] = [];
        for (let t = 0; t + 1 < at.length; t++) {
          const lo = at[t];
          const rows = at[t + 1] - lo;
          if (form === 'nn')
            parts.push({
              kind: K.spmm_nn,
              args: [pa + 4 * lo * k, pb, pc + 4 * lo * n, rows, k, n, acc, 0],
              scratch: 1 << 7,
            });
          else
            parts.push({
              kind: K.spmm_tn,
              args: [pa + 4 * lo, pb, pc + 4 * lo * n, rows, k, n, acc, 0, m],
              scratch: 1 << 7,
            });
        }
        runParts(parts);
      }
    } else {
      denseProduct(form === 'tn' ? 1 : 0, form === 'nt' ? 1 : 0, m, k, n, pa, pb, pc, acc);
    }
    back(c, pc, nc);
  }

  /**
   * A sparse product whose A is a listed batch (`listedFor`): nn split over rows of C, tn over rows
   * of C too (the batch's columns; each part regroups only its columns' entries).
   */
  function listedProduct(
    form: Form,
    rows: NonNullable<typeof listed>,
    pb: Ptr,
    pc: Ptr,
    m: number,
    k: number,
    n: number,
    acc: number,
    split: boolean,
  ): void {
    sparseProducts++;
    listedProducts++;
    const { cnt, idx, val, per, nnz } = rows;
    const nparts = split ? partsFor(2 * nnz * n, m >> 2) : 1;
    const at = cuts(m, nparts, 4);
    if (form === 'nn') {
      runSplit(K.spmm_nn_rows, at, (r0, r1) => [cnt, idx, val, per, r0, r1, pb, pc, n, acc], 0);
      return;
    }
    // spmm_tn_rows' work: (c1 − c0 + 1) + (c1 − c0) + k i32, then nnz + 4 entries of 8 bytes; on
    // this thread in one part, else in each thread's scratch (alone: Aᵀ·B regroups the list once)
    const tnWork = (2 * m + k + 1) * 4 + (nnz + 4) * 8;
    const one = at.length === 2;
    const work = one ? listScratch(Math.ceil(tnWork / 8)) : (split && pool?.scratch(tnWork), 0);
    runSplit(K.spmm_tn_rows, at, (c0, c1) => [cnt, idx, val, per, k, c0, c1, pb, pc, n, acc, work], one ? 0 : 1 << 11);
  }

  const gemm: GemmBackend = {
    name: relaxed ? 'wasm-relaxed' : 'wasm-simd',
    nn: (a, b, c, m, k, n, accumulate = false) => run('nn', a, b, c, m, k, n, accumulate),
    tn: (a, b, c, m, k, n, accumulate = false) => run('tn', a, b, c, m, k, n, accumulate),
    nt: (a, b, c, m, k, n, accumulate = false) => run('nt', a, b, c, m, k, n, accumulate),
  };

  // ---- the other kernels ----------------------------------------------------------------------
  const need = (what: string, a: { length: number }, n: number) => {
    if (a.length < n) throw new RangeError(`${what}: array has ${a.length} elements, needs ${n}`);
  };
  const outSize = (size: number, k: number, stride: number, pad: number) =>
    Math.floor((size + 2 * pad - k) / stride) + 1;

  let labelBuf = new Int32Array(0); // class labels given as bytes, widened for softmax_xent
  const kernels: Float32Kernels = {
    name: `${gemm.name}-arena`,
    allocFloat32(n) {
      const blk = allocBlock(n * 4);
      const a = view(Float32Array, blk.off, n);
      registry.register(a, [blk.off, blk.size]);
      return a;
    },
    allocInt32(n) {
      const blk = allocBlock(n * 4);
      const a = view(Int32Array, blk.off, n);
      registry.register(a, [blk.off, blk.size]);
      return a;
    },
    reluForward(x, y) {
      const n = x.length;
      need('relu', y, n);
      const px = src(x, 0);
      const py = dst(y, 1, n);
      ops.relu_fwd(px, py, n);
      back(y, py, n);
    },
    softmaxCrossEntropy(y, labels, n, cols, p) {
      need('softmax loss scores', y, n * cols);
      need('softmax loss probabilities', p, n * cols);
      need('softmax loss labels', labels, n);
      checkClassLabels(labels, n, cols);
      let l: Int32Array;
      if (labels instanceof Int32Array) l = labels;
      else {
        if (labelBuf.length < n) labelBuf = new Int32Array(n);
        l = labelBuf;
        for (let r = 0; r < n; r++) l[r] = labels[r];
      }
      const work = stageBlock(4, 4 * n); // the rows' maxima (before the operands: it may grow the memory)
      const py = src(y, 0, n * cols);
      const pl = src(l, 1, n);
      const pp = dst(p, 2, n * cols);
      const s = ops.softmax_xent(py, pl, pp, n, cols, work);
      back(p, pp, n * cols);
      return s;
    },
    reluBackward(dy, y, dx) {
      const n = dy.length;
      need('relu backward', y, n);
      need('relu backward', dx, n);
      const pd = src(dy, 0);
      const py = src(y, 1, n);
      const px = dst(dx, 2, n);
      ops.relu_bwd(pd, py, px, n);
      back(dx, px, n);
    },
    sgd(w, g, lr) {
      const n = w.length;
      need('sgd', g, n);
      const pg = src(g, 0, n);
      const pw = dst(w, 1, n, true);
      // elementwise and memory-bound: split (in multiples of 4 values) when 8·n reaches threadMinFlops
      const nparts = partsFor(8 * n, n >> 2);
      if (nparts === 1) ops.sgd(pw, pg, lr, n);
      else {
        lrBits[0] = lr;
        const at = cuts(n, nparts, 4);
        const parts: Part[] = [];
        for (let t = 0; t + 1 < at.length; t++)
          parts.push({
            kind: K.sgd_bits,
            args: [pw + 4 * at[t], pg + 4 * at[t], lrWords[0], lrWords[1], at[t + 1] - at[t]],
            scratch: 0,
          });
        runParts(parts);
      }
      back(w, pw, n);
    },
    momentum(w, g, v, lr, a) {
      const n = w.length;
      need('momentum', g, n);
      need('momentum', v, n);
      const pg = src(g, 0, n);
      const pw = dst(w, 1, n, true);
      const pv = dst(v, 2, n, true);
      ops.momentum(pw, pg, pv, lr, a, n);
      back(w, pw, n);
      back(v, pv, n);
    },
    nesterov(w, g, v, lr, a) {
      const n = w.length;
      need('nesterov', g, n);
      need('nesterov', v, n);
      const pg = src(g, 0, n);
      const pw = dst(w, 1, n, true);
      const pv = dst(v, 2, n, true);
      ops.nesterov(pw, pg, pv, lr, a, a * a, (1 + a) * lr, n);
      back(w, pw, n);
      back(v, pv, n);
    },
    adagrad(w, g, h, lr, eps, decay) {
      const n = w.length;
      need('adagrad', g, n);
      need('adagrad', h, n);
      const pg = src(g, 0, n);
      const pw = dst(w, 1, n, true);
      const ph = dst(h, 2, n, true);
      const rms = decay !== undefined;
      ops.adagrad_rmsprop(pw, pg, ph, lr, rms ? decay : 1, rms ? 1 - decay : 1, eps, rms ? 1 : 0, n);
      back(w, pw, n);
      back(h, ph, n);
    },
    adam(w, g, m, v, lr, b1, b2, c1, c2, eps) {
      const n = w.length;
      need('adam', g, n);
      need('adam', m, n);
      need('adam', v, n);
      const pg = src(g, 0, n);
      const pw = dst(w, 1, n, true);
      const pm = dst(m, 2, n, true);
      const pv = dst(v, 3, n, true);
      ops.adam(pw, pg, pm, pv, lr, b1, 1 - b1, b2, 1 - b2, c1, c2, eps, n);
      back(w, pw, n);
      back(m, pm, n);
      back(v, pv, n);
    },
    fillRows(b, out, rows, cols) {
      need('bias', b, cols);
      need('bias', out, rows * cols);
      const pb = src(b, 0, cols);
      const po = dst(out, 1, rows * cols);
      ops.fill_rows(pb, po, rows, cols);
      back(out, po, rows * cols);
    },
    fillBlocks(b, out, n, f, p) {
      need('bias', b, f);
      need('bias', out, n * f * p);
      const pb = src(b, 0, f);
      const po = dst(out, 1, n * f * p);
      ops.fill_blocks(pb, po, n, f, p);
      back(out, po, n * f * p);
    },
    colSums(d, db, rows, cols) {
      need('bias gradient', d, rows * cols);
      need('bias gradient', db, cols);
      const pd = src(d, 0, rows * cols);
      const pb = dst(db, 1, cols);
      ops.col_sums(pd, pb, rows, cols);
      back(db, pb, cols);
    },
    blockSums(d, db, n, f, p) {
      need('bias gradient', d, n * f * p);
      need('bias gradient', db, f);
      const pd = src(d, 0, n * f * p);
      const pb = dst(db, 1, f);
      // filters are independent: split them (a proxy for the work: 2 "flops" a value)
      const nparts = partsFor(2 * n * f * p, f);
      if (nparts === 1) ops.block_sums(pd, pb, n, f, p, 0, f);
      else {
        const at = cuts(f, nparts, 1);
        const parts: Part[] = [];
        for (let t = 0; t + 1 < at.length; t++)
          parts.push({ kind: K.block_sums, args: [pd, pb, n, f, p, at[t], at[t + 1]], scratch: 0 });
        runParts(parts);
      }
      back(db, pb, f);
    },
    reluPoolConvBackward(dq, arg, y, x, n, c, h, w, fh, fw, f, dw, db) {
      const oh = h - fh + 1;
      const ow = w - fw + 1;
      if (oh < 2 || ow < 2 || f < 1)
        throw new RangeError(`conv: kernel ${fh}×${fw} does not fit ${h}×${w} with 2×2 pooling`);
      const nq = n * f * (oh >> 1) * (ow >> 1);
      need('pool dq', dq, nq);
      need('pool argmax', arg, nq);
      need('conv y', y, n * f * oh * ow);
      need('conv x', x, n * c * h * w);
      need('conv dW', dw, f * c * fh * fw);
      need('conv db', db, f);
      const groups = (f + 3) >> 2;
      const nparts = partsFor(2 * n * f * c * fh * fw * oh * ow, groups);
      // per thread: the taps' accumulators, a sample's four gradient planes, the same interleaved,
      // the input rows' extents (relu_pool_conv_bwd's `work`)
      const work = c * fh * ((fw + 1) >> 1) * 128 + 16 * oh * ow + 64 * oh * ((ow + 3) >> 2) + 8 * n * c * h;
      const pw = nparts === 1 ? stageBlock(7, work) : (pool?.scratch(work), 0);
      const pq = src(dq, 0, nq);
      const pa = src(arg, 1, nq);
      const py = src(y, 2, n * f * oh * ow);
      const px = src(x, 3, n * c * h * w);
      const pdw = dst(dw, 4, f * c * fh * fw);
      const pdb = dst(db, 5, f);
      // alone: one call, the rows' extents found once
      runSplit(
        K.relu_pool_conv_bwd,
        cuts(groups, nparts, 1),
        (g0, g1) => [pq, pa, py, px, n, c, h, w, fh, fw, f, pdw, pdb, pw, g0, g1],
        nparts === 1 ? 0 : 1 << 13,
      );
      back(dw, pdw, f * c * fh * fw);
      back(db, pdb, f);
    },
    pixelBytes(pixels) {
      if (contains(pixels)) return pixels;
      let bytes = pixelCache.get(pixels);
      if (!bytes) {
        const blk = allocBlock(pixels.length);
        bytes = view(Uint8Array, blk.off, pixels.length);
        bytes.set(pixels);
        registry.register(bytes, [blk.off, blk.size]);
        pixelCache.set(pixels, bytes);
      }
      return bytes;
    },
    forgetNonZeros: forgetListed,
    gatherPixels(bytes, order, per, out, listNonZeros = false) {
      const count = order.length;
      need('gather', out, count * per);
      if (!contains(bytes)) throw new RangeError('gatherPixels: the bytes must be in the arena (pixelBytes)');
      for (let i = 0; i < count; i++) {
        if (!(order[i] >= 0 && (order[i] + 1) * per <= bytes.length))
          throw new RangeError(`gatherPixels: row ${order[i]} out of range`);
      }
      // the list lives beside an arena batch only (a staged copy would not outlive this call)
      const list = listNonZeros && contains(out);
      if (list) {
        const need = round(4 * count, ALIGN) + 8 * count * per + 256 * MAX_PARTS;
        if (listBlock.size < need + SLACK) {
          if (listBlock.size) freeBlock(listBlock.off, listBlock.size);
          listBlock = allocBlock(need);
        }
      }
      const po = src(order, 0, count);
      const pd = dst(out, 1, count * per);
      const cnt = listBlock.off;
      const idx = cnt + round(4 * count, ALIGN);
      const val = idx + 4 * count * per;
      // random rows from DRAM, latency-bound: split by rows when 16 per value reaches threadMinFlops
      const nparts = partsFor(16 * count * per, count >> 2);
      const at = cuts(count, nparts, 4);
      runSplit(
        list ? K.gather_u8_rows : K.gather_u8,
        at,
        (lo, hi, t) => {
          const args = [bytes.byteOffset, po + 4 * lo, hi - lo, per, pd + 4 * lo * per];
          // each part its own shuffle table (after the lists)
          if (list) args.push(cnt + 4 * lo, idx + 4 * lo * per, val + 4 * lo * per, val + 4 * count * per + 256 * t);
          return args;
        },
        0,
      );
      back(out, pd, count * per);
      if (list) {
        let nnz = 0;
        for (let i = 0; i < count; i++) nnz += i32[(cnt >> 2) + i];
        listed = { rows: out, count, per, cnt, idx, val, nnz };
      }
    },
    convForward(x, n, c, h, w, fh, fw, pad, wt, b, f, y) {
      const oh = h + 2 * pad - fh + 1;
      const ow = w + 2 * pad - fw + 1;
      if (oh < 1 || ow < 1 || pad < 0 || f < 1)
        throw new RangeError(`conv: kernel ${fh}×${fw} (pad ${pad}) does not fit ${h}×${w}`);
      const k = c * fh * fw;
      need('conv x', x, n * c * h * w);
      need('conv W', wt, f * k);
      need('conv b', b, f);
      need('conv out', y, n * f * oh * ow);
      const groups = (f + 3) >> 2;
      const nparts = partsFor(2 * n * f * k * oh * ow, n);
      if (nparts > 1) {
        // samples are independent: each part a range of them, with its thread's scratch (the
        // repacked filters, the padded sample)
        const bqOff = round(groups * k * 16, ALIGN);
        const xpOff = bqOff + round(groups * 16, ALIGN);
        pool?.scratch(xpOff + c * (h + 2 * pad) * (w + 2 * pad) * 4 + SLACK);
        const px = src(x, 0, n * c * h * w);
        const pw = src(wt, 1, f * k);
        const pb = src(b, 2, f);
        const py = dst(y, 3, n * f * oh * ow);
        const at = cuts(n, nparts, 1);
        const parts: Part[] = [];
        for (let t = 0; t + 1 < at.length; t++) {
          const lo = at[t];
          parts.push({
            kind: K.conv_fwd,
            args: [
              px + 4 * lo * c * h * w,
              at[t + 1] - lo,
              c,
              h,
              w,
              fh,
              fw,
              pad,
              pw,
              pb,
              f,
              py + 4 * lo * f * oh * ow,
              0,
              bqOff,
              xpOff,
            ],
            scratch: pad > 0 ? 0b111 << 12 : 0b11 << 12,
          });
        }
        runParts(parts);
        back(y, py, n * f * oh * ow);
        return;
      }
      // scratch first (allocations may grow the memory), then the operands
      const wq = stageBlock(4, groups * k * 16);
      const bq = stageBlock(5, groups * 16);
      const xp = pad > 0 ? stageBlock(6, c * (h + 2 * pad) * (w + 2 * pad) * 4) : 0;
      const px = src(x, 0, n * c * h * w);
      const pw = src(wt, 1, f * k);
      const pb = src(b, 2, f);
      const py = dst(y, 3, n * f * oh * ow);
      ops.conv_fwd(px, n, c, h, w, fh, fw, pad, pw, pb, f, py, wq, bq, xp);
      back(y, py, n * f * oh * ow);
    },
    convWeightGrad(x, dy, n, c, h, w, fh, fw, pad, f, dw) {
      const oh = h + 2 * pad - fh + 1;
      const ow = w + 2 * pad - fw + 1;
      if (oh < 1 || ow < 1 || pad < 0 || f < 1)
        throw new RangeError(`conv: kernel ${fh}×${fw} (pad ${pad}) does not fit ${h}×${w}`);
      need('conv x', x, n * c * h * w);
      need('conv dy', dy, n * f * oh * ow);
      need('conv dW', dw, f * c * fh * fw);
      const xp = pad > 0 ? stageBlock(6, n * c * (h + 2 * pad) * (w + 2 * pad) * 4) : 0;
      const groups = (f + 3) >> 2;
      // groups of four filters are independent (each summed over the whole batch): split them;
      // not with padding (each part would pad the whole batch again)
      const nparts = pad > 0 ? 1 : partsFor(2 * n * f * c * fh * fw * oh * ow, groups);
      // the taps' accumulators between samples (conv_dw `acc`): 8 vectors per (channel, ky, kx pair),
      // a sample's dy for a group of four filters, interleaved, and each input row's first and last
      // non-zero column (two i32)
      const accBytes = c * fh * ((fw + 1) >> 1) * 128 + 64 * oh * ((ow + 3) >> 2) + 8 * n * c * (h + 2 * pad);
      const acc = nparts === 1 ? stageBlock(7, accBytes) : (pool?.scratch(accBytes), 0);
      const px = src(x, 0, n * c * h * w);
      const pd = src(dy, 1, n * f * oh * ow);
      const pw = dst(dw, 2, f * c * fh * fw);
      // split: acc in each thread's scratch (xp unused: no padding); alone: one call, the rows'
      // extents found once
      runSplit(
        K.conv_dw,
        cuts(groups, nparts, 1),
        (g0, g1) => [px, pd, n, c, h, w, fh, fw, pad, f, pw, xp, g0, g1, acc],
        nparts === 1 ? 0 : 1 << 14,
      );
      back(dw, pw, f * c * fh * fw);
    },
    im2col(x, n, c, h, w, fh, fw, stride, pad, col) {
      const oh = outSize(h, fh, stride, pad);
      const ow = outSize(w, fw, stride, pad);
      if (oh < 1 || ow < 1 || stride < 1 || pad < 0)
        throw new RangeError(`im2col: window ${fh}×${fw} (stride ${stride}, pad ${pad}) does not fit ${h}×${w}`);
      const size = n * oh * ow * c * fh * fw;
      need('im2col x', x, n * c * h * w);
      need('im2col out', col, size);
      const px = src(x, 0, n * c * h * w);
      const pc = dst(col, 1, size);
      ops.im2col(px, n, c, h, w, fh, fw, stride, pad, oh, ow, pc);
      back(col, pc, size);
    },
    col2im(col, n, c, h, w, fh, fw, stride, pad, x) {
      const oh = outSize(h, fh, stride, pad);
      const ow = outSize(w, fw, stride, pad);
      if (oh < 1 || ow < 1 || stride < 1 || pad < 0)
        throw new RangeError(`col2im: window ${fh}×${fw} (stride ${stride}, pad ${pad}) does not fit ${h}×${w}`);
      const size = n * oh * ow * c * fh * fw;
      need('col2im col', col, size);
      need('col2im out', x, n * c * h * w);
      const pc = src(col, 0, size);
      const px = dst(x, 1, n * c * h * w);
      ops.col2im(pc, n, c, h, w, fh, fw, stride, pad, oh, ow, px);
      back(x, px, n * c * h * w);
    },
    maxPoolForward(x, planes, h, w, fh, fw, stride, pad, y, arg, relu = false) {
      const oh = outSize(h, fh, stride, pad);
      const ow = outSize(w, fw, stride, pad);
      const nq = planes * oh * ow;
      need('pool x', x, planes * h * w);
      need('pool out', y, nq);
      need('pool argmax', arg, nq);
      const px = src(x, 0, planes * h * w);
      const py = dst(y, 1, nq);
      const pa = dst(arg, 2, nq);
      const r = relu ? 1 : 0;
      if (fh === 2 && fw === 2 && stride === 2 && pad === 0) {
        // planes are independent: split them (a proxy for the work: 2 "flops" an input value)
        const at = cuts(planes, partsFor(2 * planes * h * w, planes), 1);
        const parts: Part[] = [];
        for (let t = 0; t + 1 < at.length; t++)
          parts.push({
            kind: K.maxpool2_fwd,
            args: [px, planes, h, w, oh, ow, py, pa, r, at[t], at[t + 1]],
            scratch: 0,
          });
        runParts(parts);
      } else ops.maxpool_fwd(px, planes, h, w, fh, fw, stride, pad, oh, ow, py, pa, r);
      back(y, py, nq);
      back(arg, pa, nq);
    },
    maxPoolBackward(dy, arg, dx, reluInput, window2) {
      const nq = dy.length;
      need('pool argmax', arg, nq);
      if (reluInput) need('pool input', reluInput, dx.length);
      if (
        window2 &&
        !(
          window2[0] * (window2[1] >> 1) * (window2[2] >> 1) === nq &&
          window2[0] * window2[1] * window2[2] === dx.length
        )
      ) {
        throw new RangeError('pool backward: the 2×2 shape does not match dy and dx');
      }
      const pd = src(dy, 0, nq);
      const pa = src(arg, 1, nq);
      const pr = reluInput ? src(reluInput, 3, dx.length) : 0;
      const px = dst(dx, 2);
      if (window2) {
        const [planes, h, w] = window2;
        const at = cuts(planes, partsFor(2 * planes * h * w, planes), 1);
        const parts: Part[] = [];
        for (let t = 0; t + 1 < at.length; t++)
          parts.push({
            kind: K.maxpool2_bwd,
            args: [pd, pa, planes, h, w, h >> 1, w >> 1, px, pr, at[t], at[t + 1]],
            scratch: 0,
          });
        runParts(parts);
      } else ops.maxpool_bwd(pd, pa, nq, px, dx.length, pr);
      back(dx, px);
    },
  };

  return {
    name: kernels.name,
    variant: relaxed ? 'relaxed' : 'simd',
    gemm,
    kernels,
    memory,
    contains,
    get sparseMaxDensity() {
      return sparseMaxDensity;
    },
    set sparseMaxDensity(d: number) {
      sparseMaxDensity = d;
    },
    setThreads,
    get threads() {
      return threads;
    },
    get threadsUnavailableReason() {
      return threadsUnavailable;
    },
    get threadParts() {
      return threadParts;
    },
    set threadParts(p: number) {
      threadParts = Math.max(1, Math.min(MAX_PARTS, Math.floor(p)));
    },
    get threadMinFlops() {
      return threadMinFlops;
    },
    set threadMinFlops(f: number) {
      threadMinFlops = f;
    },
    get threadBackoff() {
      return backoff;
    },
    get threadAlone() {
      return alone;
    },
    set threadAlone(on: boolean) {
      alone = on;
      if (pool) pool.alone = on;
    },
    set threadBackoff(on: boolean) {
      backoff = on;
      if (pool) pool.backoff = on;
    },
    threadStats: () => ({
      ...(pool?.stats ?? emptyThreadStats()),
    }),
    disposeThreads() {
      pool?.dispose();
      pool = undefined;
      threads = 1;
    },
    stats: () => ({ memoryBytes: memory.buffer.byteLength, liveBytes, freeBlocks, sparseProducts, listedProducts }),
  };
}
