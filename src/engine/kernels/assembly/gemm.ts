// Scratchnet's float32 GEMM kernel in AssemblyScript, compiled to WebAssembly SIMD by
// scripts/build-wasm.mjs: four builds from this one source (plain SIMD; relaxed SIMD; each again on
// an imported shared memory for threads). Not TypeScript: tsconfig.json excludes this folder.
//
// C(m×n) (+)= op(A)(m×k) · op(B)(k×n), row-major float32 in this module's linear memory, with BLAS
// strides: transA = 0: A stored m×k, A[i,p] at a + 4(i·lda + p); transA = 1: A stored k×m, at
// a + 4(p·lda + i); transB likewise for B (stored k×n, or n×k when transposed).
//
// Blocking (after Goto & van de Geijn): k is cut into blocks of at most KC. For each, op(B) is packed
// into panels of 8 columns (kc×8 floats, zero-padded past the last column) and op(A), in row blocks
// of MC, into strips of 4 rows (kc×4, padded below the last row), so the micro-kernel reads both
// contiguously: a B panel (8 KB) stays in L1 while it passes over the A block (128 KB, in L2). When n
// is small (≤ NA) few panels would reuse a packed A, so A is read in place through its strides
// (where the narrow tiles below do not take the product).
// The micro-kernel keeps a 4×8 tile of C in eight f32x4 registers; per step of k it loads two B
// vectors and splats four A values: 8 multiply-adds. Bigger tiles or an unrolled k loop make V8's
// TurboFan spill registers (seen with `node --print-wasm-code`), halving the speed.
//
// Narrow n (≤ NA, where 8-column panels leave lanes empty: n = 25 fills 25 of 32, n = 10 10 of 16)
// turns the roles round: gemmNarrow runs m along the vectors, in 8×4 tiles (kernel8x4); the last
// one or two columns run over two or three 8-row panels at once (kernel16x2, kernel24x1), so that
// they too have enough accumulators to hide the multiply-add's latency. Every lane carries a row of
// C. It sums each element in the same order as the 4×8 tiles, so which of the two tilings runs never
// changes a bit.
//
// Where A is stored m×k and n % 8 leaves one or two columns, those columns are dot products along
// k instead (gemmDotTail: rows of A and columns of op(B) both contiguous along k, four lanes of
// partial sums added at the end), which leaves no lane empty: an 8-column panel for them would
// carry six or seven empty ones. These columns' sums are in another order than the tiles', but
// which columns take it depends only on the forms, k and n % 8, so a product cut into row blocks or
// into column blocks of multiples of 8 (threads) still gives the same bits. Otherwise (A stored k×m,
// k < 32, or B stored k×n with k too deep for the columns' copy in ap: dotTail), where A is packed
// the one or two columns run as 16×2 tiles over four packed strips (kernel16x2Strips), in the
// tiles' own order of sums.
//
// The micro-kernels and their full-tile stores are inlined (@inline) into the loops that call them
// once per tile: with k as short as 10–30 (im2col products, the small affine layers) a call per
// tile, with its vector arguments, cost 5–15% (measured, and seen in the disassembly).
//
// The caller owns all memory and passes the scratch areas, so two instances on one shared memory
// (threads) never touch the same bytes as long as their scratch areas and C blocks are disjoint.

// Block sizes (compile-time constants: AssemblyScript inlines a top-level const).
const KC: i32 = 256;
const MC: i32 = 128;
// Up to this many columns (NA/8 B panels) A is read in place instead of packed.
const NA: i32 = 32;

/** The block sizes, for the caller to size the packing areas: bp 4·KC·round8(n), ap 4·KC·MC bytes. */
export const BLOCK_K: i32 = KC;
export const BLOCK_M: i32 = MC;

// Binaryen inlines this (and the other helpers) at -O3.
function madd(acc: v128, x: v128, y: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(x, y, acc);
  } else {
    return f32x4.add(acc, f32x4.mul(x, y));
  }
}

/**
 * Packs kc rows of `w` floats (row p at src + p·ld bytes) into panels of `width` (8 or 4) columns:
 * panel q holds kc rows of `width` floats at dst + 4·width·kc·q, zero-padded past column w. Works
 * through 8 rows at a time across all panels, so the source streams through in order while each
 * panel receives whole cache lines (panel-at-a-time strides through the source; row-at-a-time
 * writes to many panels whose 8 KB spacing maps them onto the same L1 sets).
 */
function packRows(src: usize, ld: usize, w: i32, kc: i32, dst: usize, width: i32): void {
  const full = w / width;
  const rest = w - full * width;
  const step = (<usize>(kc * width)) << 2; // bytes from one panel to the next
  const rowBytes = (<usize>width) << 2;
  for (let p0 = 0; p0 < kc; p0 += 8) {
    const pn = min(8, kc - p0);
    const s0 = src + <usize>p0 * ld;
    let d0 = dst + <usize>p0 * rowBytes;
    for (let q = 0; q < full; q++) {
      let s = s0 + <usize>q * rowBytes;
      let d = d0;
      if (width == 8) {
        for (let p = 0; p < pn; p++) {
          v128.store(d, v128.load(s));
          v128.store(d, v128.load(s, 16), 16);
          s += ld;
          d += 32;
        }
      } else {
        for (let p = 0; p < pn; p++) {
          v128.store(d, v128.load(s));
          s += ld;
          d += 16;
        }
      }
      d0 += step;
    }
    if (rest > 0) {
      let s = s0 + <usize>full * rowBytes;
      let d = d0;
      for (let p = 0; p < pn; p++) {
        v128.store(d, f32x4.splat(0));
        if (width == 8) v128.store(d, f32x4.splat(0), 16);
        for (let jj = 0; jj < rest; jj++) store<f32>(d + ((<usize>jj) << 2), load<f32>(s + ((<usize>jj) << 2)));
        s += ld;
        d += rowBytes;
      }
    }
  }
}

/**
 * Packs op(B)[pc..pc+kc, 0..n] into panels of 8 columns: panel q holds kc rows of 8 floats at
 * bp + 32·kc·q, zero-padded right of the last column. `ldb` is B's row stride in bytes.
 */
function packB(b: usize, ldb: usize, transB: i32, n: i32, pc: i32, kc: i32, bp: usize): void {
  if (transB == 0) {
    // B stored k×n: the rows of the block are rows of the store.
    packRows(b + <usize>pc * ldb, ldb, n, kc, bp, 8);
    return;
  }
  // B stored n×k: column j of op(B) is row j of the store, contiguous along k. Transpose 4×4 blocks.
  for (let j = 0; j < n; j += 8) {
    const nr = min(8, n - j);
    const s0 = b + <usize>j * ldb + ((<usize>pc) << 2);
    let dst = bp;
    if (nr == 8) {
      let r0 = s0;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        storeTransposed(v128.load(r0), v128.load(r0 + ldb), v128.load(r0 + 2 * ldb), v128.load(r0 + 3 * ldb), dst, 32);
        const r4 = r0 + 4 * ldb;
        storeTransposed(v128.load(r4), v128.load(r4 + ldb), v128.load(r4 + 2 * ldb), v128.load(r4 + 3 * ldb), dst + 16, 32);
        r0 += 16;
        dst += 128;
      }
      for (; p < kc; p++) {
        for (let jj = 0; jj < 8; jj++) store<f32>(dst + ((<usize>jj) << 2), load<f32>(r0 + <usize>jj * ldb));
        r0 += 4;
        dst += 32;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, f32x4.splat(0));
        v128.store(dst, f32x4.splat(0), 16);
        const r = s0 + ((<usize>p) << 2);
        for (let jj = 0; jj < nr; jj++) store<f32>(dst + ((<usize>jj) << 2), load<f32>(r + <usize>jj * ldb));
        dst += 32;
      }
    }
    bp += (<usize>kc) << 5;
  }
}

/**
 * Transposes 4 rows of A (row r at src + r·rs, contiguous along k) over kc columns into kc groups:
 * column p's four values at dst + p·step (4 floats; step 16 for packA's strips, 32 for packA8's
 * 8-row groups). 4×4 blocks through shuffles, the last kc % 4 columns one by one.
 */
function transpose4(src: usize, rs: usize, kc: i32, dst: usize, step: usize): void {
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    storeTransposed(v128.load(src), v128.load(src + rs), v128.load(src + 2 * rs), v128.load(src + 3 * rs), dst, step);
    src += 16;
    dst += 4 * step;
  }
  for (; p < kc; p++) {
    store<f32>(dst, load<f32>(src));
    store<f32>(dst, load<f32>(src + rs), 4);
    store<f32>(dst, load<f32>(src + 2 * rs), 8);
    store<f32>(dst, load<f32>(src + 3 * rs), 12);
    src += 4;
    dst += step;
  }
}

/**
 * transpose4 for the rows of a block's last strip or panel, each at its own address `s0`–`s3`
 * (rows past the block's end repeat its last row). Kept apart from transpose4: one base and a
 * stride compile to faster code for the whole strips (measured 3–4% on 512³ and 57600×30×25).
 */
function transpose4Rows(s0: usize, s1: usize, s2: usize, s3: usize, kc: i32, dst: usize, step: usize): void {
  let p = 0;
  let o: usize = 0;
  for (; p + 4 <= kc; p += 4) {
    storeTransposed(v128.load(s0 + o), v128.load(s1 + o), v128.load(s2 + o), v128.load(s3 + o), dst, step);
    o += 16;
    dst += 4 * step;
  }
  for (; p < kc; p++) {
    store<f32>(dst, load<f32>(s0 + o));
    store<f32>(dst, load<f32>(s1 + o), 4);
    store<f32>(dst, load<f32>(s2 + o), 8);
    store<f32>(dst, load<f32>(s3 + o), 12);
    o += 4;
    dst += step;
  }
}

/** Stores the 4×4 block of rows x0–x3 transposed: column q at dst + q·step. */
@inline
function storeTransposed(x0: v128, x1: v128, x2: v128, x3: v128, dst: usize, step: usize): void {
  const t0 = v128.shuffle<i32>(x0, x1, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(x0, x1, 2, 6, 3, 7);
  const t2 = v128.shuffle<i32>(x2, x3, 0, 4, 1, 5);
  const t3 = v128.shuffle<i32>(x2, x3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst + step, v128.shuffle<i32>(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * step, v128.shuffle<i32>(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * step, v128.shuffle<i32>(t1, t3, 2, 3, 6, 7));
}

/** Row r of a block of `mr` rows at `a` (stride rs), rows past the last repeating it. */
function rowAt(a: usize, rs: usize, r: i32, mr: i32): usize {
  return a + <usize>min(r, mr - 1) * rs;
}

/**
 * Packs op(A)[ic..ie, pc..pc+kc] (`a` at column pc) into strips of 4 rows: strip s holds kc columns
 * of 4 floats at ap + 16·kc·s; below the last row, zeros (A stored k×m) or the last row again (A
 * stored m×k): computed, never stored. Row i at column p: a + i·rs + p·cs.
 */
function packA(a: usize, rs: usize, cs: usize, ic: i32, ie: i32, kc: i32, ap: usize): void {
  if (rs == 4) {
    // A stored k×m (transposed): a row of the store holds one column of op(A) for all rows.
    packRows(a + ((<usize>ic) << 2), cs, ie - ic, kc, ap, 4);
    return;
  }
  // A stored m×k: transpose 4×4 blocks from four rows (in a last strip of mr < 4, the last row again).
  for (let i = ic; i < ie; i += 4) {
    const mr = min(4, ie - i);
    const src = a + <usize>i * rs;
    if (mr == 4) transpose4(src, rs, kc, ap, 16);
    else transpose4Rows(src, rowAt(src, rs, 1, mr), rowAt(src, rs, 2, mr), rowAt(src, rs, 3, mr), kc, ap, 16);
    ap += (<usize>kc) << 4;
  }
}

/**
 * The 4×8 micro-kernel: C tile (+)= packed A strip (kc×4) · packed B panel (kc×8).
 * `mr`×`nr` is the valid part of the tile.
 */
@inline
function kernel4x8(ap: usize, bp: usize, kc: i32, c: usize, ldc: usize, mr: i32, nr: i32, acc: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = v128.load32_splat(ap);
    c00 = madd(c00, x, b0);
    c01 = madd(c01, x, b1);
    x = v128.load32_splat(ap, 4);
    c10 = madd(c10, x, b0);
    c11 = madd(c11, x, b1);
    x = v128.load32_splat(ap, 8);
    c20 = madd(c20, x, b0);
    c21 = madd(c21, x, b1);
    x = v128.load32_splat(ap, 12);
    c30 = madd(c30, x, b0);
    c31 = madd(c31, x, b1);
    ap += 16;
    bp += 32;
  }
  storeTile(c, ldc, mr, nr, acc, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * The same micro-kernel reading A where it lies: row i at column p is a + i·rs + p·cs. Used when
 * few B panels would reuse a packed A (small n), so packing A would cost more than it saves. Rows
 * past the edge (mr < 4) repeat the last valid row: computed, never stored. B's row p is at
 * bp + p·bs (a packed panel: bs = 32); with `pack` (a literal at each call, so the inlined copies
 * keep only their own branch), the B vectors loaded are also stored to the packed panel at `pk`.
 */
@inline
function kernel4x8Strided(
  a: usize,
  rs: usize,
  cs: usize,
  bp: usize,
  bs: usize,
  pack: bool,
  pk: usize,
  kc: i32,
  c: usize,
  ldc: usize,
  mr: i32,
  nr: i32,
  acc: bool,
): void {
  let a0 = a;
  let a1 = mr > 1 ? a0 + rs : a0;
  let a2 = mr > 2 ? a1 + rs : a1;
  let a3 = mr > 3 ? a2 + rs : a2;
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = v128.load32_splat(a0);
    c00 = madd(c00, x, b0);
    c01 = madd(c01, x, b1);
    x = v128.load32_splat(a1);
    c10 = madd(c10, x, b0);
    c11 = madd(c11, x, b1);
    x = v128.load32_splat(a2);
    c20 = madd(c20, x, b0);
    c21 = madd(c21, x, b1);
    x = v128.load32_splat(a3);
    c30 = madd(c30, x, b0);
    c31 = madd(c31, x, b1);
    a0 += cs;
    a1 += cs;
    a2 += cs;
    a3 += cs;
    bp += bs;
    if (pack) {
      v128.store(pk, b0);
      v128.store(pk, b1, 16);
      pk += 32;
    }
  }
  storeTile(c, ldc, mr, nr, acc, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * kernel4x8Strided reading B where it lies (row p at b + p·bs) and storing the vectors it loads
 * into the packed panel at `pk` (kc×8), for the strips after it. A function of its own: it runs
 * once per panel and k block.
 */
function kernel4x8Pack(
  a: usize,
  rs: usize,
  cs: usize,
  b: usize,
  bs: usize,
  pk: usize,
  kc: i32,
  c: usize,
  ldc: usize,
  mr: i32,
  nr: i32,
  acc: bool,
): void {
  kernel4x8Strided(a, rs, cs, b, bs, true, pk, kc, c, ldc, mr, nr, acc);
}

/**
 * Stores (or adds, `acc`) a 4×8 tile into C; edge tiles (mr < 4 or nr < 8) in a function of their
 * own, storeEdge. Inlined into the kernels: a call with eight vector arguments per tile cost
 * more than a short k loop's tile leaves to spare.
 */
@inline
function storeTile(
  c: usize,
  ldc: usize,
  mr: i32,
  nr: i32,
  acc: bool,
  c00: v128,
  c01: v128,
  c10: v128,
  c11: v128,
  c20: v128,
  c21: v128,
  c30: v128,
  c31: v128,
): void {
  if (mr == 4 && nr == 8) {
    if (acc) {
      v128.store(c, f32x4.add(c00, v128.load(c)));
      v128.store(c, f32x4.add(c01, v128.load(c, 16)), 16);
      c += ldc;
      v128.store(c, f32x4.add(c10, v128.load(c)));
      v128.store(c, f32x4.add(c11, v128.load(c, 16)), 16);
      c += ldc;
      v128.store(c, f32x4.add(c20, v128.load(c)));
      v128.store(c, f32x4.add(c21, v128.load(c, 16)), 16);
      c += ldc;
      v128.store(c, f32x4.add(c30, v128.load(c)));
      v128.store(c, f32x4.add(c31, v128.load(c, 16)), 16);
    } else {
      v128.store(c, c00);
      v128.store(c, c01, 16);
      c += ldc;
      v128.store(c, c10);
      v128.store(c, c11, 16);
      c += ldc;
      v128.store(c, c20);
      v128.store(c, c21, 16);
      c += ldc;
      v128.store(c, c30);
      v128.store(c, c31, 16);
    }
    return;
  }
  storeEdge(c, ldc, mr, nr, acc, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * storeTile for a tile at C's edge (mr < 4 or nr < 8): row by row, each through vector and lane
 * stores that touch only its first nr columns (C may end where the memory ends).
 */
function storeEdge(
  c: usize,
  ldc: usize,
  mr: i32,
  nr: i32,
  acc: bool,
  c00: v128,
  c01: v128,
  c10: v128,
  c11: v128,
  c20: v128,
  c21: v128,
  c30: v128,
  c31: v128,
): void {
  storeRow8(c, nr, acc, c00, c01);
  if (mr < 2) return;
  c += ldc;
  storeRow8(c, nr, acc, c10, c11);
  if (mr < 3) return;
  c += ldc;
  storeRow8(c, nr, acc, c20, c21);
  if (mr < 4) return;
  c += ldc;
  storeRow8(c, nr, acc, c30, c31);
}

/** Stores (or adds) columns 0..nr−1 (1 ≤ nr ≤ 8) of one tile row held as v0 (columns 0–3), v1 (4–7). */
@inline
function storeRow8(c: usize, nr: i32, acc: bool, v0: v128, v1: v128): void {
  if (nr < 4) {
    storePart(c, nr, acc, v0);
    return;
  }
  storeRow4(c, acc, v0);
  if (nr == 8) storeRow4(c + 16, acc, v1);
  else storePart(c + 16, nr - 4, acc, v1);
}

/** Stores (or adds) the first w (0–3) lanes of v at c; nothing past them is read or written. */
@inline
function storePart(c: usize, w: i32, acc: bool, v: v128): void {
  if (w == 0) return;
  if (acc) {
    let r = w == 1 ? v128.load32_zero(c) : v128.load64_zero(c);
    if (w == 3) r = v128.load32_lane(c + 8, r, 2);
    v = f32x4.add(v, r);
  }
  if (w == 1) {
    v128.store32_lane(c, v, 0);
    return;
  }
  v128.store64_lane(c, v, 0);
  if (w == 3) v128.store32_lane(c + 8, v, 2);
}

/**
 * The 8×4 micro-kernel for narrow n, with the roles turned: m runs along the vectors. A C tile of
 * 8 rows × 4 columns lives in eight f32x4 registers, column q of rows 0–3 in `c0q`, of rows 4–7 in
 * `c1q`. Per step of k it loads 8 values of op(A)'s column (two vectors, at `a`, then `a + as`) and
 * splats 4 of op(B)'s row (at `b`, then `b + bs`): 8 multiply-adds, the 4×8 kernel's mix (so the
 * same 14 vector registers: a fifth column would spill). Each element is summed over p in the same
 * order as by the 4×8 kernels, so both give the same bits. `mr` ≤ 8 rows of the tile are stored.
 */
@inline
function kernel8x4(a: usize, as: usize, b: usize, bs: usize, kc: i32, c: usize, ldc: usize, mr: i32, acc: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c02 = f32x4.splat(0);
  let c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c12 = f32x4.splat(0);
  let c13 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const a0 = v128.load(a);
    const a1 = v128.load(a, 16);
    let x = v128.load32_splat(b);
    c00 = madd(c00, a0, x);
    c10 = madd(c10, a1, x);
    x = v128.load32_splat(b, 4);
    c01 = madd(c01, a0, x);
    c11 = madd(c11, a1, x);
    x = v128.load32_splat(b, 8);
    c02 = madd(c02, a0, x);
    c12 = madd(c12, a1, x);
    x = v128.load32_splat(b, 12);
    c03 = madd(c03, a0, x);
    c13 = madd(c13, a1, x);
    a += as;
    b += bs;
  }
  storeRows4x4(c, ldc, min(mr, 4), acc, c00, c01, c02, c03);
  if (mr > 4) storeRows4x4(c + (ldc << 2), ldc, mr - 4, acc, c10, c11, c12, c13);
}

/**
 * kernel8x4 for the last one or two columns: column 1's values are read at `b + b1` (`b1` = 0 when
 * only one column is left: it repeats column 0, computed and not stored).
 */
function kernel8x2(a: usize, as: usize, b: usize, b1: usize, bs: usize, kc: i32, c: usize, ldc: usize, mr: i32, nr: i32, acc: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const a0 = v128.load(a);
    const a1 = v128.load(a, 16);
    let x = v128.load32_splat(b);
    c00 = madd(c00, a0, x);
    c10 = madd(c10, a1, x);
    x = v128.load32_splat(b + b1);
    c01 = madd(c01, a0, x);
    c11 = madd(c11, a1, x);
    a += as;
    b += bs;
  }
  storeRows4x2(c, ldc, min(mr, 4), nr, acc, c00, c01);
  if (mr > 4) storeRows4x2(c + (ldc << 2), ldc, mr - 4, nr, acc, c10, c11);
}

/**
 * The last one or two columns for 16 rows at once: eight accumulators, as in kernel8x4, where one
 * 8-row panel's two columns (kernel8x2) have four, too few to hide the multiply-add's latency. Rows
 * 0–3 of op(A)'s column are at `a`, 4–7 at `a + o`, 8–11 at `a2`, 12–15 at `a2 + o`, all advancing
 * `as` a step. Rows past `mr` are computed (from whatever lies there, inside the caller's operand or
 * scratch) and not stored. Column 1 of op(B) is at `b + b1` (b1 = 0 when only one column is left:
 * it repeats column 0, computed and not stored); op(B)'s rows `bs` apart. Inlined into its two
 * callers below, so that gemmNarrow's literal `o` stays an offset in the load instructions.
 */
@inline
function kernel16x2At(a: usize, o: usize, a2: usize, as: usize, b: usize, b1: usize, bs: usize, kc: i32, c: usize, ldc: usize, mr: i32, nr: i32, acc: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const x0 = v128.load(a);
    const x1 = v128.load(a + o);
    const x2 = v128.load(a2);
    const x3 = v128.load(a2 + o);
    let y = v128.load32_splat(b);
    c00 = madd(c00, x0, y);
    c10 = madd(c10, x1, y);
    c20 = madd(c20, x2, y);
    c30 = madd(c30, x3, y);
    y = v128.load32_splat(b + b1);
    c01 = madd(c01, x0, y);
    c11 = madd(c11, x1, y);
    c21 = madd(c21, x2, y);
    c31 = madd(c31, x3, y);
    a += as;
    a2 += as;
    b += bs;
  }
  storeRows4x2(c, ldc, min(mr, 4), nr, acc, c00, c01);
  if (mr > 4) storeRows4x2(c + (ldc << 2), ldc, min(mr - 4, 4), nr, acc, c10, c11);
  if (mr > 8) storeRows4x2(c + (ldc << 3), ldc, min(mr - 8, 4), nr, acc, c20, c21);
  if (mr > 12) storeRows4x2(c + 12 * ldc, ldc, mr - 12, nr, acc, c30, c31);
}

/** kernel16x2At over two 8-row panels (gemmNarrow): panel 1's column of op(A) at `a + ps`. */
function kernel16x2(a: usize, as: usize, ps: usize, b: usize, b1: usize, bs: usize, kc: i32, c: usize, ldc: usize, mr: i32, nr: i32, acc: bool): void {
  kernel16x2At(a, 16, a + ps, as, b, b1, bs, kc, c, ldc, mr, nr, acc);
}

/**
 * kernel16x2At over four packed 4-row strips (kc×4 each, `ss` bytes apart) and the last packed B
 * panel (kc×8), for the one or two columns past gemm's 8-column panels, where a 4×8 tile would leave
 * six or seven of its columns empty: the same sums in the same order as the tiles. Strips past the
 * block's last row hold earlier packings (inside `ap`): computed, never stored.
 */
function kernel16x2Strips(a: usize, ss: usize, b: usize, b1: usize, kc: i32, c: usize, ldc: usize, mr: i32, nr: i32, acc: bool): void {
  kernel16x2At(a, ss, a + 2 * ss, 16, b, b1, 32, kc, c, ldc, mr, nr, acc);
}

/**
 * The last column of G = 3 row panels at once (24 rows): six accumulators where kernel8x2 has two
 * useful ones. Panel q's column of op(A) is at `a + q·ps`; rows past `mr` are not stored.
 */
function kernel24x1(a: usize, as: usize, ps: usize, b: usize, bs: usize, kc: i32, c: usize, ldc: usize, mr: i32, acc: bool): void {
  let c0 = f32x4.splat(0);
  let c1 = f32x4.splat(0);
  let c2 = f32x4.splat(0);
  let c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0);
  let c5 = f32x4.splat(0);
  let a2 = a + ps;
  let a4 = a2 + ps;
  for (let p = 0; p < kc; p++) {
    const y = v128.load32_splat(b);
    c0 = madd(c0, v128.load(a), y);
    c1 = madd(c1, v128.load(a, 16), y);
    c2 = madd(c2, v128.load(a2), y);
    c3 = madd(c3, v128.load(a2, 16), y);
    c4 = madd(c4, v128.load(a4), y);
    c5 = madd(c5, v128.load(a4, 16), y);
    a += as;
    a2 += as;
    a4 += as;
    b += bs;
  }
  storeRows4x2(c, ldc, min(mr, 4), 1, acc, c0, c0);
  if (mr > 4) storeRows4x2(c + (ldc << 2), ldc, min(mr - 4, 4), 1, acc, c1, c1);
  if (mr > 8) storeRows4x2(c + (ldc << 3), ldc, min(mr - 8, 4), 1, acc, c2, c2);
  if (mr > 12) storeRows4x2(c + 12 * ldc, ldc, min(mr - 12, 4), 1, acc, c3, c3);
  if (mr > 16) storeRows4x2(c + (ldc << 4), ldc, min(mr - 16, 4), 1, acc, c4, c4);
  if (mr > 20) storeRows4x2(c + 20 * ldc, ldc, mr - 20, 1, acc, c5, c5);
}

/**
 * Stores (or adds, `acc`) the first `mr` rows of a 4×4 block held as columns (`x0`..`x3`, lane r =
 * row r), transposed into row vectors.
 */
@inline
function storeRows4x4(c: usize, ldc: usize, mr: i32, acc: bool, x0: v128, x1: v128, x2: v128, x3: v128): void {
  const t0 = v128.shuffle<i32>(x0, x1, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(x0, x1, 2, 6, 3, 7);
  const t2 = v128.shuffle<i32>(x2, x3, 0, 4, 1, 5);
  const t3 = v128.shuffle<i32>(x2, x3, 2, 6, 3, 7);
  storeRow4(c, acc, v128.shuffle<i32>(t0, t2, 0, 1, 4, 5));
  if (mr < 2) return;
  c += ldc;
  storeRow4(c, acc, v128.shuffle<i32>(t0, t2, 2, 3, 6, 7));
  if (mr < 3) return;
  c += ldc;
  storeRow4(c, acc, v128.shuffle<i32>(t1, t3, 0, 1, 4, 5));
  if (mr < 4) return;
  c += ldc;
  storeRow4(c, acc, v128.shuffle<i32>(t1, t3, 2, 3, 6, 7));
}

function storeRow4(c: usize, acc: bool, v: v128): void {
  v128.store(c, acc ? f32x4.add(v, v128.load(c)) : v);
}

/**
 * Stores (or adds) the first `mr` rows of a 4×`nr` block (nr = 1 or 2) held as columns `x0`, `x1`.
 */
@inline
function storeRows4x2(c: usize, ldc: usize, mr: i32, nr: i32, acc: bool, x0: v128, x1: v128): void {
  if (nr == 1) {
    if (acc) x0 = f32x4.add(x0, rows4(c, ldc, mr));
    v128.store32_lane(c, x0, 0);
    if (mr > 1) v128.store32_lane(c + ldc, x0, 1);
    if (mr > 2) v128.store32_lane(c + 2 * ldc, x0, 2);
    if (mr > 3) v128.store32_lane(c + 3 * ldc, x0, 3);
    return;
  }
  let t0 = v128.shuffle<i32>(x0, x1, 0, 4, 1, 5);
  let t1 = v128.shuffle<i32>(x0, x1, 2, 6, 3, 7);
  if (acc) {
    // rows past mr are not read: C may end at the end of the memory
    let r = v128.load64_zero(c);
    if (mr > 1) r = v128.load64_lane(c + ldc, r, 1);
    t0 = f32x4.add(t0, r);
    if (mr > 2) {
      r = v128.load64_zero(c + 2 * ldc);
      if (mr > 3) r = v128.load64_lane(c + 3 * ldc, r, 1);
      t1 = f32x4.add(t1, r);
    }
  }
  v128.store64_lane(c, t0, 0);
  if (mr > 1) v128.store64_lane(c + ldc, t0, 1);
  if (mr > 2) v128.store64_lane(c + 2 * ldc, t1, 0);
  if (mr > 3) v128.store64_lane(c + 3 * ldc, t1, 1);
}

/** C[r, 0] of rows 0–3 (those below `mr` read as row 0) as one vector. */
function rows4(c: usize, ldc: usize, mr: i32): v128 {
  let v = v128.load32_splat(c);
  if (mr > 1) v = v128.load32_lane(c + ldc, v, 1);
  if (mr > 2) v = v128.load32_lane(c + 2 * ldc, v, 2);
  if (mr > 3) v = v128.load32_lane(c + 3 * ldc, v, 3);
  return v;
}

/**
 * Packs 8 rows of op(A) (row i at column p: a + i·rs + p·cs), `mr` of them valid, over kc columns
 * into kc groups of 8 floats at `ap` (below row mr: the last row again, or zeros when A is stored k×m;
 * computed, never stored): the layout kernel8x4 and the tail kernels read.
 */
function packA8(a: usize, rs: usize, cs: usize, mr: i32, kc: i32, ap: usize): void {
  if (cs == 4) {
    // A stored m×k: transpose 4×4 blocks, rows 0–3 into the first vector of each group, 4–7 the
    // second (rows past mr repeat the last).
    if (mr == 8) {
      transpose4(a, rs, kc, ap, 32);
      transpose4(a + 4 * rs, rs, kc, ap + 16, 32);
    } else {
      transpose4Rows(a, rowAt(a, rs, 1, mr), rowAt(a, rs, 2, mr), rowAt(a, rs, 3, mr), kc, ap, 32);
      transpose4Rows(rowAt(a, rs, 4, mr), rowAt(a, rs, 5, mr), rowAt(a, rs, 6, mr), rowAt(a, rs, 7, mr), kc, ap + 16, 32);
    }
    return;
  }
  // A stored k×m (rs = 4): the mr floats of each row of the store, through vector and lane loads
  // that read nothing past them; zeros below the last row.
  let src = a;
  let dst = ap;
  if (mr >= 4) {
    for (let p = 0; p < kc; p++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, mr == 4 ? f32x4.splat(0) : mr == 8 ? v128.load(src, 16) : loadHead(src + 16, mr - 4), 16);
      src += cs;
      dst += 32;
    }
  } else {
    for (let p = 0; p < kc; p++) {
      v128.store(dst, loadHead(src, mr));
      v128.store(dst, f32x4.splat(0), 16);
      src += cs;
      dst += 32;
    }
  }
}

/** The depth of gemm's k blocks: equal blocks of ≤ KC (784 → 4 × 196 rather than 3 × 256 + 16). */
function blockDepth(k: i32): i32 {
  const kb = (k + KC - 1) / KC;
  return (k + kb - 1) / kb;
}

/**
 * Whether gemm runs m along the vectors (gemmNarrow) for an m×n C: n ≤ NA, and 8-row × 2-column
 * tiles fill at least 10% more of their lanes than the 4×8 tiles (n = 25, 10; not n = 30).
 */
export function narrowTiles(m: i32, n: i32): bool {
  return m > 0 && n > 0 && n <= NA && fill(m, n, 8, 2) * 10 > fill(m, n, 4, 8) * 11;
}

/** Share of the lanes a tiling of m×n into mt×nt tiles fills, in thousandths. */
function fill(m: i32, n: i32, mt: i32, nt: i32): i32 {
  return <i32>((<i64>m * n * 1000) / (<i64>((m + mt - 1) / mt) * mt * (<i64>((n + nt - 1) / nt) * nt)));
}

/**
 * gemm for narrow n (see gemm), with m along the vectors: kernel8x4 over 4-column tiles, kernel8x2
 * for the last one or two columns. k blocks as in gemm; `rs`, `cs`, `ldbb`, `ldcb` in bytes.
 */
function gemmNarrow(
  transB: i32,
  m: i32,
  k: i32,
  n: i32,
  a: usize,
  rs: usize,
  cs: usize,
  b: usize,
  ldbb: usize,
  c: usize,
  ldcb: usize,
  accumulate: i32,
  bp: usize,
  ap: usize,
): void {
  const kd = blockDepth(k); // gemm's k blocks: each element summed in the same order
  for (let pc = 0; pc < k; pc += kd) {
    const kc = min(kd, k - pc);
    const acc = accumulate != 0 || pc > 0;
    const ak = a + <usize>pc * cs;
    // m along the vectors (kernel8x4). op(B) is read in place when stored k×n, else transposed
    // into kc rows of n floats at bp; op(A) in place when stored k×m (8 rows contiguous at each
    // p), else 8 rows at a time packed into ap.
    let bk = b + <usize>pc * ldbb;
    let bs = ldbb;
    if (transB != 0) {
      bs = (<usize>n) << 2;
      for (let j = 0; j < n; j++) {
        const s = b + <usize>j * ldbb + ((<usize>pc) << 2);
        for (let p = 0; p < kc; p++) store<f32>(bp + <usize>p * bs + ((<usize>j) << 2), load<f32>(s + ((<usize>p) << 2)));
      }
      bk = bp;
    }
    // The last n % 4 columns: one or two run over G row panels at once (kernel24x1, kernel16x2),
    // so that the tail has enough accumulators; three by kernel8x2, panel by panel.
    const tail = n & 3;
    const g = tail == 1 ? 3 : tail == 2 ? 2 : 1;
    const n4 = n - tail;
    const ps: usize = (<usize>kc) << 5; // bytes from one packed panel to the next
    for (let i = 0; i < m; i += 8 * g) {
      const rows = min(8 * g, m - i);
      let ai = ak + <usize>i * rs;
      let as: usize = cs;
      let step: usize = 32; // bytes from one panel's rows to the next's
      if (rows < 8 * g || rs != 4) {
        for (let q = 0; q * 8 < rows; q++) packA8(ai + <usize>(8 * q) * rs, rs, cs, min(8, rows - 8 * q), kc, ap + <usize>q * ps);
        ai = ap;
        as = 32;
        step = ps;
      }
      for (let q = 0; q * 8 < rows; q++) {
        const aq = ai + <usize>q * step;
        const mr = min(8, rows - 8 * q);
        const ci = c + <usize>(i + 8 * q) * ldcb;
        for (let j = 0; j < n4; j += 4) {
          kernel8x4(aq, as, bk + ((<usize>j) << 2), bs, kc, ci + ((<usize>j) << 2), ldcb, mr, acc);
        }
        if (tail == 3) {
          kernel8x2(aq, as, bk + ((<usize>n4) << 2), 4, bs, kc, ci + ((<usize>n4) << 2), ldcb, mr, 2, acc);
          kernel8x2(aq, as, bk + ((<usize>(n4 + 2)) << 2), 0, bs, kc, ci + ((<usize>(n4 + 2)) << 2), ldcb, mr, 1, acc);
        }
      }
      const ct = c + <usize>i * ldcb + ((<usize>n4) << 2);
      const bt = bk + ((<usize>n4) << 2);
      if (tail == 2) kernel16x2(ai, as, step, bt, 4, bs, kc, ct, ldcb, rows, 2, acc);
      else if (tail == 1) kernel24x1(ai, as, step, bt, bs, kc, ct, ldcb, rows, acc);
    }
  }
}

// ---- the last one or two columns as dot products ---------------------------------------------------
// From this depth on, where A is stored m×k, the last n % 8 columns of C when they are one or two
// are dot products along k (dotTail) instead of an 8-column tile with six or seven empty lanes.
const KD: i32 = 32;

/**
 * How many of C's last columns gemm computes as dot products along k (gemmDotTail): n % 8 when
 * that is 1 or 2, A is stored m×k (rows contiguous along k), k ≥ KD, and (B stored k×n) the
 * columns fit the ap scratch once copied; else 0. Depends on n only through n % 8, and on neither m
 * nor the memory: a product cut into row blocks, or into column blocks of multiples of 8 (threads),
 * sums every element the same way as uncut.
 */
export function dotTail(transA: i32, transB: i32, k: i32, n: i32): i32 {
  const t = n & 7;
  return transA == 0 && (t == 1 || t == 2) && k >= KD && (transB != 0 || t * ((k + 3) & ~3) <= KC * MC) ? t : 0;
}

/** [Σx0, Σx1, Σx2, Σx3], each sum as (lane 0 + lane 1) + (lane 2 + lane 3). */
@inline
function hsum4(x0: v128, x1: v128, x2: v128, x3: v128): v128 {
  const s0 = f32x4.add(v128.shuffle<f32>(x0, x1, 0, 4, 2, 6), v128.shuffle<f32>(x0, x1, 1, 5, 3, 7));
  const s1 = f32x4.add(v128.shuffle<f32>(x2, x3, 0, 4, 2, 6), v128.shuffle<f32>(x2, x3, 1, 5, 3, 7));
  return f32x4.add(v128.shuffle<f32>(s0, s1, 0, 1, 4, 5), v128.shuffle<f32>(s0, s1, 2, 3, 6, 7));
}

/** The first r (1–3) floats at p in the low lanes, the others zero; nothing past them is read. */
@inline
function loadHead(p: usize, r: i32): v128 {
  if (r == 1) return v128.load32_zero(p);
  const v = v128.load64_zero(p);
  return r == 2 ? v : v128.load32_lane(p, v, 2, 8);
}

/**
 * Four rows × two columns of C as dot products along k: rows of A at a0–a3, columns of op(B) at
 * b0, b1, each contiguous along k (rows and columns past the end repeat the last: computed, not
 * stored); kv whole vectors of k, then r (0–3) floats. Lane l of accumulator cRQ sums the products
 * p ≡ l (mod 4) in order of p; the lanes are added at the end (hsum4). Eight accumulators, as in
 * the other kernels, hide the multiply-add's latency. `mr` rows and `nr` (1–2) columns are stored.
 */
function dot4x2(a0: usize, a1: usize, a2: usize, a3: usize, b0: usize, b1: usize, kv: i32, r: i32, c: usize, ldc: usize, mr: i32, nr: i32, acc: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  let o: usize = 0;
  for (let p = 0; p < kv; p++) {
    const y0 = v128.load(b0 + o);
    const y1 = v128.load(b1 + o);
    let x = v128.load(a0 + o);
    c00 = madd(c00, x, y0);
    c01 = madd(c01, x, y1);
    x = v128.load(a1 + o);
    c10 = madd(c10, x, y0);
    c11 = madd(c11, x, y1);
    x = v128.load(a2 + o);
    c20 = madd(c20, x, y0);
    c21 = madd(c21, x, y1);
    x = v128.load(a3 + o);
    c30 = madd(c30, x, y0);
    c31 = madd(c31, x, y1);
    o += 16;
  }
  if (r != 0) {
    const y0 = loadHead(b0 + o, r);
    const y1 = loadHead(b1 + o, r);
    let x = loadHead(a0 + o, r);
    c00 = madd(c00, x, y0);
    c01 = madd(c01, x, y1);
    x = loadHead(a1 + o, r);
    c10 = madd(c10, x, y0);
    c11 = madd(c11, x, y1);
    x = loadHead(a2 + o, r);
    c20 = madd(c20, x, y0);
    c21 = madd(c21, x, y1);
    x = loadHead(a3 + o, r);
    c30 = madd(c30, x, y0);
    c31 = madd(c31, x, y1);
  }
  // lanes: row 0 columns 0–1, row 1 columns 0–1 (and rows 2, 3 in the second vector)
  storeRowPair(c, ldc, mr, nr, acc, hsum4(c00, c01, c10, c11));
  if (mr > 2) storeRowPair(c + 2 * ldc, ldc, mr - 2, nr, acc, hsum4(c20, c21, c30, c31));
}

/** Stores (or adds) nr (1–2) columns of two rows held as [r0c0, r0c1, r1c0, r1c1]; row 1 if mr > 1. */
@inline
function storeRowPair(c: usize, ldc: usize, mr: i32, nr: i32, acc: bool, v: v128): void {
  const c1 = c + ldc;
  if (nr == 2) {
    if (acc) {
      let o = v128.load64_zero(c);
      if (mr > 1) o = v128.load64_lane(c1, o, 1);
      v = f32x4.add(v, o);
    }
    v128.store64_lane(c, v, 0);
    if (mr > 1) v128.store64_lane(c1, v, 1);
  } else {
    if (acc) {
      let o = v128.load32_zero(c);
      if (mr > 1) o = v128.load32_lane(c1, o, 2);
      v = f32x4.add(v, o);
    }
    v128.store32_lane(c, v, 0);
    if (mr > 1) v128.store32_lane(c1, v, 2);
  }
}

/**
 * C's columns [0, t) (t = 1 or 2, see dotTail) as dot products along k, in 4×2 tiles: each element
 * the sum over all of k at once (no k blocks) in four lanes added at the end, then added to C when
 * accumulating. op(B)'s columns are read in place when B is stored n×k, else copied into `ap`.
 */
function gemmDotTail(transB: i32, m: i32, k: i32, t: i32, a: usize, rs: usize, b: usize, ldbb: usize, c: usize, ldcb: usize, accumulate: i32, ap: usize): void {
  let bs = ldbb;
  if (transB == 0) {
    bs = (<usize>((k + 3) & ~3)) << 2;
    for (let j = 0; j < t; j++) {
      const bj = b + ((<usize>j) << 2);
      const dj = ap + <usize>j * bs;
      for (let p = 0; p < k; p++) store<f32>(dj + ((<usize>p) << 2), load<f32>(bj + <usize>p * ldbb));
    }
    b = ap;
  }
  const b1 = t == 2 ? b + bs : b;
  const kv = k >> 2;
  const r = k & 3;
  for (let i = 0; i < m; i += 4) {
    const mr = min(4, m - i);
    const a0 = a + <usize>i * rs;
    dot4x2(a0, rowAt(a0, rs, 1, mr), rowAt(a0, rs, 2, mr), rowAt(a0, rs, 3, mr), b, b1, kv, r, c + <usize>i * ldcb, ldcb, mr, t, accumulate != 0);
  }
}

/**
 * C (+)= op(A) · op(B), BLAS style: op(A) is m×k, op(B) k×n, C m×n; `lda`, `ldb`, `ldc` are the row
 * strides of the stored matrices in floats (A stored m×k: lda ≥ k; stored k×m (transA): lda ≥ m; and
 * likewise for B). Pointers are byte offsets into this module's memory. Scratch the caller provides:
 * `bp` 4·KC·round8(n) bytes, `ap` 4·KC·MC bytes, both 16-byte aligned.
 */
export function gemm(
  transA: i32,
  transB: i32,
  m: i32,
  k: i32,
  n: i32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
  accumulate: i32,
  bp: usize,
  ap: usize,
): void {
  if (m <= 0 || n <= 0) return;
  const ldcb = (<usize>ldc) << 2;
  if (k <= 0) {
    if (accumulate == 0) {
      for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldcb, 0, (<usize>n) << 2);
    }
    return;
  }
  // op(A) row i at column p: a + i·rs + p·cs (bytes).
  const rs: usize = transA == 0 ? (<usize>lda) << 2 : 4;
  const cs: usize = transA == 0 ? 4 : (<usize>lda) << 2;
  const ldbb = (<usize>ldb) << 2;
  const t = dotTail(transA, transB, k, n);
  if (t > 0) {
    // the last columns first: gemmDotTail's copy of B in ap is done with before the tiles pack A there
    n -= t;
    const bt = b + (transB == 0 ? (<usize>n) << 2 : <usize>n * ldbb);
    gemmDotTail(transB, m, k, t, a, rs, bt, ldbb, c + ((<usize>n) << 2), ldcb, accumulate, ap);
    if (n == 0) return;
  }
  if (narrowTiles(m, n)) {
    // A function of its own, not inlined here: growing this one changed how V8 compiled the loops
    // below (5% slower on 512³).
    gemmNarrow(transB, m, k, n, a, rs, cs, b, ldbb, c, ldcb, accumulate, bp, ap);
    return;
  }
  const kd = blockDepth(k);
  for (let pc = 0; pc < k; pc += kd) {
    const kc = min(kd, k - pc);
    const acc = accumulate != 0 || pc > 0;
    const ak = a + <usize>pc * cs;
    if (n <= NA) {
      // Rows outer: a strip of A (4 × kc) is read from memory once and stays in L1 across the (at
      // most NA/8, small) packed B panels, so a tall A (im2col: 57600 × 25) streams through once.
      // B stored k×n with 8 rows or more after the block: the first strip reads it in place and
      // packs the vectors it loads as it goes (a partial panel's run past its row into the next:
      // lanes computed, never stored), so that B's reads from memory overlap the multiply-adds
      // instead of stalling a packing pass (25×57600×30: 225 blocks).
      let i = 0;
      if (transB == 0 && m > 4 && pc + kc + 8 <= k) {
        const bk = b + <usize>pc * ldbb;
        for (let j = 0, bq = bp; j < n; j += 8, bq += (<usize>kc) << 5) {
          kernel4x8Pack(ak, rs, cs, bk + ((<usize>j) << 2), ldbb, bq, kc, c + ((<usize>j) << 2), ldcb, 4, min(8, n - j), acc);
        }
        i = 4;
      } else packB(b, ldbb, transB, n, pc, kc, bp);
      for (; i < m; i += 4) {
        const mr = min(4, m - i);
        const ai = ak + <usize>i * rs;
        const ci = c + <usize>i * ldcb;
        for (let j = 0, bq = bp; j < n; j += 8, bq += (<usize>kc) << 5) {
          kernel4x8Strided(ai, rs, cs, bq, 32, false, 0, kc, ci + ((<usize>j) << 2), ldcb, mr, min(8, n - j), acc);
        }
      }
      continue;
    }
    packB(b, ldbb, transB, n, pc, kc, bp);
    // One or two columns in the last panel: 16×2 tiles over four packed strips (kernel16x2Strips)
    // instead of 4×8 tiles with six or seven empty lanes.
    const edge = n & 7;
    const np = edge == 1 || edge == 2 ? n - edge : n;
    for (let ic = 0; ic < m; ic += MC) {
      const ie = min(m, ic + MC);
      packA(ak, rs, cs, ic, ie, kc, ap);
      for (let j = 0, bq = bp; j < np; j += 8, bq += (<usize>kc) << 5) {
        const nr = min(8, n - j);
        let aq = ap;
        for (let i = ic; i < ie; i += 4) {
          kernel4x8(aq, bq, kc, c + <usize>i * ldcb + ((<usize>j) << 2), ldcb, min(4, ie - i), nr, acc);
          aq += (<usize>kc) << 4;
        }
      }
      if (np < n) {
        const bq = bp + ((<usize>(np >> 3) * <usize>kc) << 5);
        let aq = ap;
        for (let i = ic; i < ie; i += 16) {
          kernel16x2Strips(aq, (<usize>kc) << 4, bq, edge == 2 ? 4 : 0, kc, c + <usize>i * ldcb + ((<usize>np) << 2), ldcb, min(16, ie - i), edge, acc);
          aq += (<usize>kc) << 6;
        }
      }
    }
  }
}
