// Scratchnet's float32 kernels besides GEMM, in AssemblyScript, compiled by scripts/build-wasm.mjs
// to WebAssembly SIMD on an imported shared memory (the arena the engine's float32 layer buffers and
// parameters live in, see src/engine/kernels/wasmArena.ts). Not TypeScript: tsconfig.json excludes
// this folder. Each function mirrors a TypeScript reference in the engine (named in its comment);
// the unit tests (test/unit/wasmOps.test.ts) check that both agree on random shapes.
//
// All pointers are byte offsets into the memory; sizes are element counts. The caller owns all
// memory. Vector loads may read up to 60 bytes past the end of an operand (never stores): the arena
// keeps slack after every block.

// ---- elementwise -------------------------------------------------------------------------------

/** ReLU forward (layers/activations.ts Relu): y = x where x > 0 or NaN, else +0. */
export function relu_fwd(x: usize, y: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const v = v128.load(x + o);
    v128.store(y + o, v128.andnot(v, f32x4.le(v, zero)));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    const v = load<f32>(x + o);
    store<f32>(y + o, v <= 0 ? 0 : v);
  }
}

/**
 * ReLU backward from the forward's output: dx = dy where y ≠ 0, else +0. y ≠ 0 exactly where the
 * forward let x through (x > 0 or NaN), so this is the TypeScript layer's mask without storing one.
 */
export function relu_bwd(dy: usize, y: usize, dx: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.ne(v128.load(y + o), zero)));
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(dx + o, load<f32>(y + o) != 0 ? load<f32>(dy + o) : 0);
  }
}

/**
 * SGD update w ← w − lr·g (optimizers/optimizer.ts SGD), computed in f64 and rounded once, exactly
 * as the TypeScript loop does (JavaScript numbers are doubles): the same bits.
 */
export function sgd(w: usize, g: usize, lr: f64, n: i32): void {
  const l = f64x2.splat(lr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const wv = v128.load(w + o);
    const gv = v128.load(g + o);
    const lo = f64x2.sub(f64x2.promote_low_f32x4(wv), f64x2.mul(l, f64x2.promote_low_f32x4(gv)));
    const hi = f64x2.sub(
      f64x2.promote_low_f32x4(v128.shuffle<i32>(wv, wv, 2, 3, 0, 1)),
      f64x2.mul(l, f64x2.promote_low_f32x4(v128.shuffle<i32>(gv, gv, 2, 3, 0, 1))),
    );
    const r = v128.shuffle<i32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
    v128.store(w + o, r);
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(w + o, <f32>(<f64>load<f32>(w + o) - lr * <f64>load<f32>(g + o)));
  }
}

/** sgd with lr passed as the two halves of its bits (low, high): for threads, whose parts carry int32 arguments only. */
export function sgd_bits(w: usize, g: usize, lrLo: i32, lrHi: i32, n: i32): void {
  sgd(w, g, reinterpret<f64>((<i64>lrHi << 32) | <i64>(<u32>lrLo)), n);
}

// The other optimizers, two parameters at a time in f64 like the TypeScript loops (JavaScript
// numbers are doubles; each stored value is rounded to float32 once, and read back rounded): the
// same bits. Constants that the loops compute from their options are passed precomputed.

/** Two float32 at p as an f64x2. */
function ld2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}
/** An f64x2 stored at p as two float32 (rounded once), and read back as f64 (the stored values). */
function st2(p: usize, v: v128): v128 {
  const f = f32x4.demote_f64x2_zero(v);
  v128.store64_lane(p, f, 0);
  return f64x2.promote_low_f32x4(f);
}
function rd(p: usize): f64 {
  return <f64>load<f32>(p);
}
function wr(p: usize, v: f64): f64 {
  const f = <f32>v;
  store<f32>(p, f);
  return <f64>f;
}

/** Momentum: v ← αv − lr·g; W ← W + v. */
export function momentum(w: usize, g: usize, v: usize, lr: f64, a: f64, n: i32): void {
  const A = f64x2.splat(a);
  const L = f64x2.splat(lr);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = (<usize>i) << 2;
    const vn = st2(v + o, f64x2.sub(f64x2.mul(A, ld2(v + o)), f64x2.mul(L, ld2(g + o))));
    st2(w + o, f64x2.add(ld2(w + o), vn));
  }
  if (i < n) {
    const o = (<usize>i) << 2;
    const vn = wr(v + o, a * rd(v + o) - lr * rd(g + o));
    wr(w + o, rd(w + o) + vn);
  }
}

/** Nesterov (the book's form): v ← αv − lr·g; W ← W + α²v − (1 + α)·lr·g. aa = α·α, c = (1 + α)·lr. */
export function nesterov(w: usize, g: usize, v: usize, lr: f64, a: f64, aa: f64, c: f64, n: i32): void {
  const A = f64x2.splat(a);
  const L = f64x2.splat(lr);
  const AA = f64x2.splat(aa);
  const C = f64x2.splat(c);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = (<usize>i) << 2;
    const gv = ld2(g + o);
    const vn = st2(v + o, f64x2.sub(f64x2.mul(A, ld2(v + o)), f64x2.mul(L, gv)));
    st2(w + o, f64x2.add(ld2(w + o), f64x2.sub(f64x2.mul(AA, vn), f64x2.mul(C, gv))));
  }
  if (i < n) {
    const o = (<usize>i) << 2;
    const gv = rd(g + o);
    const vn = wr(v + o, a * rd(v + o) - lr * gv);
    wr(w + o, rd(w + o) + (aa * vn - c * gv));
  }
}

/**
 * AdaGrad (r = 1, q = 1) and RMSprop (r = ρ, q = 1 − ρ): h ← r·h + q·g² (AdaGrad: h + g·g);
 * W ← W − lr·g / (√h + ε).
 */
export function adagrad_rmsprop(
  w: usize,
  g: usize,
  h: usize,
  lr: f64,
  r: f64,
  q: f64,
  eps: f64,
  rms: i32,
  n: i32,
): void {
  const R = f64x2.splat(r);
  const Q = f64x2.splat(q);
  const L = f64x2.splat(lr);
  const E = f64x2.splat(eps);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = (<usize>i) << 2;
    const gv = ld2(g + o);
    const hv = ld2(h + o);
    const hn = st2(
      h + o,
      rms ? f64x2.add(f64x2.mul(R, hv), f64x2.mul(f64x2.mul(Q, gv), gv)) : f64x2.add(hv, f64x2.mul(gv, gv)),
    );
    st2(w + o, f64x2.sub(ld2(w + o), f64x2.div(f64x2.mul(L, gv), f64x2.add(f64x2.sqrt(hn), E))));
  }
  if (i < n) {
    const o = (<usize>i) << 2;
    const gv = rd(g + o);
    const hv = rd(h + o);
    const hn = wr(h + o, rms ? r * hv + q * gv * gv : hv + gv * gv);
    wr(w + o, rd(w + o) - (lr * gv) / (Math.sqrt(hn) + eps));
  }
}

/**
 * Adam: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; W ← W − lr·(m/c1) / (√(v/c2) + ε), with
 * q1 = 1 − β₁, q2 = 1 − β₂ and the bias corrections c1, c2 computed by the caller.
 */
export function adam(
  w: usize,
  g: usize,
  m: usize,
  v: usize,
  lr: f64,
  b1: f64,
  q1: f64,
  b2: f64,
  q2: f64,
  c1: f64,
  c2: f64,
  eps: f64,
  n: i32,
): void {
  const B1 = f64x2.splat(b1);
  const Q1 = f64x2.splat(q1);
  const B2 = f64x2.splat(b2);
  const Q2 = f64x2.splat(q2);
  const C1 = f64x2.splat(c1);
  const C2 = f64x2.splat(c2);
  const L = f64x2.splat(lr);
  const E = f64x2.splat(eps);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = (<usize>i) << 2;
    const gv = ld2(g + o);
    const mn = st2(m + o, f64x2.add(f64x2.mul(B1, ld2(m + o)), f64x2.mul(Q1, gv)));
    const vn = st2(v + o, f64x2.add(f64x2.mul(B2, ld2(v + o)), f64x2.mul(f64x2.mul(Q2, gv), gv)));
    const step = f64x2.div(f64x2.mul(L, f64x2.div(mn, C1)), f64x2.add(f64x2.sqrt(f64x2.div(vn, C2)), E));
    st2(w + o, f64x2.sub(ld2(w + o), step));
  }
  if (i < n) {
    const o = (<usize>i) << 2;
    const gv = rd(g + o);
    const mn = wr(m + o, b1 * rd(m + o) + q1 * gv);
    const vn = wr(v + o, b2 * rd(v + o) + q2 * gv * gv);
    wr(w + o, rd(w + o) - (lr * (mn / c1)) / (Math.sqrt(vn / c2) + eps));
  }
}

/** out[r, :] = b for r < rows (the affine layer's bias, before the product accumulates). */
export function fill_rows(b: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = (<usize>cols) << 2;
  for (let r = 0; r < rows; r++) memory.copy(out + <usize>r * rowBytes, b, rowBytes);
}

/** out[s, j, :] = b[j] for s < n, j < f, over p values each (the conv layer's bias). */
export function fill_blocks(b: usize, out: usize, n: i32, f: i32, p: i32): void {
  let o = out;
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < f; j++) {
      const bj = load<f32>(b + ((<usize>j) << 2));
      const v = f32x4.splat(bj);
      let i = 0;
      for (; i + 4 <= p; i += 4) {
        v128.store(o, v);
        o += 16;
      }
      for (; i < p; i++) {
        store<f32>(o, bj);
        o += 4;
      }
    }
  }
}

/**
 * db[j] = Σ_r d[r, j] over rows (the affine layer's bias gradient), summed in row order in float32
 * like the TypeScript loop: the same bits.
 */
export function col_sums(d: usize, db: usize, rows: i32, cols: i32): void {
  const rowBytes = (<usize>cols) << 2;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const o = (<usize>j) << 2;
    let acc = f32x4.splat(0);
    for (let r = 0; r < rows; r++) acc = f32x4.add(acc, v128.load(d + <usize>r * rowBytes + o));
    v128.store(db + o, acc);
  }
  for (; j < cols; j++) {
    const o = (<usize>j) << 2;
    let acc: f32 = 0;
    for (let r = 0; r < rows; r++) acc += load<f32>(d + <usize>r * rowBytes + o);
    store<f32>(db + o, acc);
  }
}

/**
 * db[j] = Σ_s Σ_i d[s, j, i] over n samples of f blocks of p values (the conv layer's bias
 * gradient), for the filters j0 ≤ j < j1 (a part of the work: each filter's sum is the same whatever
 * the range). Each block is summed in four f64 lanes, then added to db in sample order.
 */
export function block_sums(d: usize, db: usize, n: i32, f: i32, p: i32, j0: i32, j1: i32): void {
  for (let j = j0; j < j1; j++) store<f32>(db + ((<usize>j) << 2), 0);
  for (let s = 0; s < n; s++) add_plane_sums(d + ((<usize>(s * f + j0) * <usize>p) << 2), db + ((<usize>j0) << 2), j1 - j0, p);
}

/** db[j] += Σ of plane j (p floats, planes one after another at d), for j < planes: block_sums' step. */
function add_plane_sums(d: usize, db: usize, planes: i32, p: i32): void {
  let o = d;
  for (let j = 0; j < planes; j++) {
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= p; i += 4) {
      const v = v128.load(o);
      a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
      a1 = f64x2.add(a1, f64x2.promote_low_f32x4(v128.shuffle<i32>(v, v, 2, 3, 0, 1)));
      o += 16;
    }
    const a = f64x2.add(a0, a1);
    let acc = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
    for (; i < p; i++) {
      acc += <f64>load<f32>(o);
      o += 4;
    }
    const at = db + ((<usize>j) << 2);
    store<f32>(at, <f32>(<f64>load<f32>(at) + acc));
  }
}

/**
 * The backward of ReLU + 2×2 max pooling (maxpool2_bwd with `y`) and of the stride-1, unpadded
 * convolution before them (conv_dw and block_sums), fused per sample and group of four filters: a
 * sample's four gradient planes are written to scratch (`work`, after the taps' accumulators: C·FH·
 * ⌈FW/2⌉·128 bytes, then 4·OH·OW floats) and used at once for dW and db, never written out whole
 * (6.9 MB for SimpleConvNet's batch). The same values as the three kernels one after another.
 * x (N, C, H, W): the convolution's input; y (N, F, OH, OW): its output (the ReLU's input); dq, arg
 * (N, F, OH/2, OW/2): the pooling's output gradient and argmax. Groups g0..g1 (for threads).
 */
export function relu_pool_conv_bwd(
  dq: usize,
  arg: usize,
  y: usize,
  x: usize,
  n: i32,
  c: i32,
  h: i32,
  w: i32,
  fh: i32,
  fw: i32,
  f: i32,
  dw: usize,
  db: usize,
  work: usize,
  g0: i32,
  g1: i32,
): void {
  const oh = h - fh + 1;
  const ow = w - fw + 1;
  const plane = <usize>h * <usize>w;
  const outPlane = <usize>oh * <usize>ow;
  const acc = work;
  const dys = work + ((<usize>(c * fh * ((fw + 1) >> 1))) << 7);
  const dyi = dys + ((<usize>outPlane) << 4);
  const ext = dyi + ((<usize>(oh * ((ow + 3) >> 2))) << 6);
  row_extents(x, n * c * h, w, ext);
  for (let g = g0; g < g1; g++) {
    const fl = min(4, f - 4 * g);
    zero_taps(acc, c, fh, fw);
    for (let j = 0; j < fl; j++) store<f32>(db + ((<usize>(4 * g + j)) << 2), 0);
    for (let s = 0; s < n; s++) {
      const p0 = s * f + 4 * g;
      // maxpool2_bwd writes plane pl at dx + pl·OH·OW: a base that puts plane p0 at dys (wrapping)
      maxpool2_bwd(dq, arg, n * f, oh, ow, oh >> 1, ow >> 1, dys - ((<usize>p0 * outPlane) << 2), y, p0, p0 + fl);
      add_plane_sums(dys, db + ((<usize>(4 * g)) << 2), fl, <i32>outPlane);
      interleave_group(dys, fl, oh, ow, dyi);
      dw_sample(x + ((<usize>(s * c) * plane) << 2), dyi, c, plane, w, fh, fw, oh, ow, acc, ext + ((<usize>(s * c * h)) << 3));
    }
    store_group_dw(dw, acc, g, fl, c, fh, fw);
  }
}

// ---- softmax and cross-entropy (layers/loss.ts SoftmaxWithLoss) --------------------------------

// e^x for four lanes (after Cephes' expf): x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r as
// 1 + r + r²·P(r) with P of degree 5, 2^n put into the exponent bits. Relative error within 2 float32 ulps on [−87.3, 88.7];
// below, the smallest normal float (e^−87.3); NaN stays NaN (f32x4.max and every step keep it).
function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.3)), f32x4.splat(88.7));
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, x), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, f32x4.mul(x, x)), x), f32x4.splat(1));
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}

/**
 * Softmax of each of the n rows of y (n × cols) into p, and the summed cross-entropy against the
 * class labels (i32, checked by the caller): Σ over rows of log Σ exp(y) − y[label]. As the
 * TypeScript layer: each row's exponentials of y − max, summed in f64; p = e / sum rounded once;
 * log Σ exp(y) = max + log(sum). The exponentials are float32 (exp4) where the layer's are doubles.
 * In passes: y − (its row's max) into p; the exponentials over all of p as one array (no row's
 * ragged end, and every vector independent of the others); then each row's sum, normalisation and
 * loss. `work`: 4·n bytes (the rows' maxima).
 */
export function softmax_xent(y: usize, labels: usize, p: usize, n: i32, cols: i32, work: usize): f64 {
  const rowBytes = (<usize>cols) << 2;
  for (let r = 0; r < n; r++) {
    const yo = y + <usize>r * rowBytes;
    const po = p + <usize>r * rowBytes;
    let max: f32 = -Infinity;
    for (let j = 0; j < cols; j++) {
      const v = load<f32>(yo + ((<usize>j) << 2));
      if (v > max) max = v;
    }
    store<f32>(work + ((<usize>r) << 2), max);
    for (let j = 0; j < cols; j++) {
      const o = (<usize>j) << 2;
      store<f32>(po + o, load<f32>(yo + o) - max);
    }
  }
  const total = n * cols;
  let i = 0;
  for (; i + 4 <= total; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(p + o, exp4(v128.load(p + o)));
  }
  for (; i < total; i++) {
    const o = (<usize>i) << 2;
    store<f32>(p + o, f32x4.extract_lane(exp4(f32x4.splat(load<f32>(p + o))), 0));
  }
  let s: f64 = 0;
  for (let r = 0; r < n; r++) {
    const yo = y + <usize>r * rowBytes;
    const po = p + <usize>r * rowBytes;
    let sum: f64 = 0;
    for (let q = 0; q < cols; q++) sum += <f64>load<f32>(po + ((<usize>q) << 2));
    const inv = 1 / sum;
    for (let q = 0; q < cols; q++) {
      const o = (<usize>q) << 2;
      store<f32>(po + o, <f32>(<f64>load<f32>(po + o) * inv));
    }
    const label = load<i32>(labels + ((<usize>r) << 2));
    s += <f64>load<f32>(work + ((<usize>r) << 2)) + Math.log(sum) - <f64>load<f32>(yo + ((<usize>label) << 2));
  }
  return s;
}

// ---- mini-batch gather (trainer.ts) ----------------------------------------------------------

/** The start of data row order[i] (rows of `per` bytes at src). */
function row_at(src: usize, order: usize, i: i32, per: i32): usize {
  return src + <usize>load<i32>(order + ((<usize>i) << 2)) * <usize>per;
}

/**
 * dst[i, :] = src[order[i], :] / 255 for i < count, rows of `per` bytes (pixel values 0..255) turned
 * into float32 by an f32 division, which rounds b/255 exactly once (the tests check all 256 values
 * against the data set's float32 pixels). Reads a quarter of the bytes a float32 gather reads: the
 * random rows of a large data set come from DRAM, so that is most of the time.
 */
export function gather_u8(src: usize, order: usize, count: i32, per: i32, dst: usize): void {
  gather_u8_rows(src, order, count, per, dst, 0, 0, 0, 0);
}

/** Sixteen bytes (0..255) / 255 as float32 at o (64 bytes). */
function bytes16(v: v128, o: usize, d255: v128): void {
  const lo = i16x8.extend_low_i8x16_u(v);
  const hi = i16x8.extend_high_i8x16_u(v);
  v128.store(o, pixels4(lo, false, d255));
  v128.store(o, pixels4(lo, true, d255), 16);
  v128.store(o, pixels4(hi, false, d255), 32);
  v128.store(o, pixels4(hi, true, d255), 48);
}

/** Four of the eight 16-bit pixel values in `h` (its `high` half or low), as float32 b / 255. */
function pixels4(h: v128, high: bool, d255: v128): v128 {
  return f32x4.div(f32x4.convert_i32x4_u(high ? i32x4.extend_high_i16x8_u(h) : i32x4.extend_low_i16x8_u(h)), d255);
}

// ---- direct convolution, stride 1 (layers/conv.ts forward) -----------------------------------

/** Stores the first `valid` (1..8) floats of v0, v1 at p. */
function store8(p: usize, v0: v128, v1: v128, valid: i32): void {
  if (valid >= 8) {
    v128.store(p, v0);
    v128.store(p, v1, 16);
  } else if (valid >= 4) {
    v128.store(p, v0);
    if (valid > 4) store_part(p + 16, v1, valid - 4);
  } else {
    store_part(p, v0, valid);
  }
}

/**
 * y (N, F, OH, OW) = W ⋆ x + b for stride 1 and zero padding `pad`, without im2col: four filters at
 * a time over eight outputs of a row, i.e. eight f32x4 accumulators, each step loading two vectors of
 * an input row and the four filters' weight for that tap (weights repacked as [F/4][C][FH][FW][4]).
 * Each output sums its C·FH·FW terms in (c, ky, kx) order onto the bias, one multiply-add each;
 * a window row whose inputs are all ±0 is skipped (it would add only zeros).
 * Scratch: wq (⌈F/4⌉·C·FH·FW·4 floats), bq (⌈F/4⌉·4), and with padding xp (C·(H+2pad)·(W+2pad)).
 * Input loads may read up to 7 floats past a row (the next row, or the arena's slack).
 */
export function conv_fwd(
  x: usize,
  n: i32,
  c: i32,
  h: i32,
  w: i32,
  fh: i32,
  fw: i32,
  pad: i32,
  wt: usize,
  bias: usize,
  f: i32,
  out: usize,
  wq: usize,
  bq: usize,
  xp: usize,
): void {
  const hp = h + 2 * pad;
  const wp = w + 2 * pad;
  const oh = hp - fh + 1;
  const ow = wp - fw + 1;
  const k = c * fh * fw;
  const groups = (f + 3) >> 2;
  // repack W (F, C·FH·FW) as [g][tap][4] and b as [g][4], zeros for the filters past F
  for (let g = 0; g < groups; g++) {
    for (let l = 0; l < 4; l++) {
      const fi = 4 * g + l;
      store<f32>(bq + ((<usize>(4 * g + l)) << 2), fi < f ? load<f32>(bias + ((<usize>fi) << 2)) : 0);
      for (let q = 0; q < k; q++) {
        store<f32>(
          wq + ((<usize>((g * k + q) * 4 + l)) << 2),
          fi < f ? load<f32>(wt + ((<usize>(fi * k + q)) << 2)) : 0,
        );
      }
    }
  }
  const plane = <usize>hp * <usize>wp;
  const outPlane = <usize>oh * <usize>ow;
  for (let s = 0; s < n; s++) {
    let src = x + <usize>s * <usize>c * <usize>h * <usize>w * 4;
    if (pad > 0) {
      memory.fill(xp, 0, <usize>c * plane * 4);
      for (let ch = 0; ch < c; ch++) {
        for (let y = 0; y < h; y++) {
          memory.copy(
            xp + ((<usize>ch * plane + <usize>(y + pad) * <usize>wp + <usize>pad) << 2),
            src + ((<usize>(ch * h + y) * <usize>w) << 2),
            (<usize>w) << 2,
          );
        }
      }
      src = xp;
    }
    for (let g = 0; g < groups; g++) {
      const b0 = v128.load32_splat(bq + ((<usize>(4 * g)) << 2));
      const b1 = v128.load32_splat(bq + ((<usize>(4 * g + 1)) << 2));
      const b2 = v128.load32_splat(bq + ((<usize>(4 * g + 2)) << 2));
      const b3 = v128.load32_splat(bq + ((<usize>(4 * g + 3)) << 2));
      const wg = wq + ((<usize>(g * k * 4)) << 2);
      const fl = min(4, f - 4 * g);
      const og = out + ((<usize>(s * f + 4 * g) * outPlane) << 2);
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox += 8) {
          let a0 = b0;
          let a1 = b1;
          let a2 = b2;
          let a3 = b3;
          let a4 = b0;
          let a5 = b1;
          let a6 = b2;
          let a7 = b3;
          let wp4 = wg;
          for (let ch = 0; ch < c; ch++) {
            for (let ky = 0; ky < fh; ky++) {
              let rp = src + ((<usize>ch * plane + <usize>(oy + ky) * <usize>wp + <usize>ox) << 2);
              // skip an input row segment that is all zeros (MNIST: the borders): it adds nothing
              let any = v128.load(rp);
              for (let q = 4; q < fw + 7; q += 4) any = v128.or(any, v128.load(rp + ((<usize>q) << 2)));
              if (!v128.any_true(f32x4.ne(any, f32x4.splat(0)))) {
                wp4 += (<usize>fw) << 4;
                continue;
              }
              for (let kx = 0; kx < fw; kx++) {
                const x0 = v128.load(rp);
                const x1 = v128.load(rp, 16);
                let wv = v128.load32_splat(wp4);
                a0 = madd(a0, wv, x0);
                a4 = madd(a4, wv, x1);
                wv = v128.load32_splat(wp4, 4);
                a1 = madd(a1, wv, x0);
                a5 = madd(a5, wv, x1);
                wv = v128.load32_splat(wp4, 8);
                a2 = madd(a2, wv, x0);
                a6 = madd(a6, wv, x1);
                wv = v128.load32_splat(wp4, 12);
                a3 = madd(a3, wv, x0);
                a7 = madd(a7, wv, x1);
                rp += 4;
                wp4 += 16;
              }
            }
          }
          const valid = min(8, ow - ox);
          const op = og + ((<usize>(oy * ow + ox)) << 2);
          store8(op, a0, a4, valid);
          if (fl > 1) store8(op + (outPlane << 2), a1, a5, valid);
          if (fl > 2) store8(op + (outPlane << 3), a2, a6, valid);
          if (fl > 3) store8(op + outPlane * 12, a3, a7, valid);
        }
      }
    }
  }
}

/**
 * dW (F, C, FH, FW) = Σ_s Σ_oy Σ_ox dy[s, f, oy, ox] · x[s, c, oy + ky, ox + kx] for stride 1 and
 * zero padding `pad` (the conv layer's weight gradient, without im2col). Eight accumulators: four
 * filters × two neighbouring taps kx, kx + 1, summed over the whole batch along rows of four outputs,
 * then across the lanes; steps whose two input vectors are all ±0 are skipped. dW is overwritten.
 * Sample by sample: every tap's accumulators are kept at `acc` (C·FH·⌈FW/2⌉·8 vectors) between
 * samples, so a sample's input and its four dy planes are read once from memory for all the taps
 * (from L1 after the first), not once per tap from a batch that does not fit in L2; the same sums
 * in the same order. Scratch xp: with padding, the padded batch (N·C·(H+2pad)·(W+2pad) floats). A
 * row's last partial vector is masked on both operands.
 * Only the groups of four filters g0 ≤ g < g1 are computed (a part of the work, for threads: a
 * group's sums are the same whatever the range).
 */
export function conv_dw(
  x: usize,
  dy: usize,
  n: i32,
  c: i32,
  h: i32,
  w: i32,
  fh: i32,
  fw: i32,
  pad: i32,
  f: i32,
  dw: usize,
  xp: usize,
  g0: i32,
  g1: i32,
  acc: usize,
): void {
  const hp = h + 2 * pad;
  const wp = w + 2 * pad;
  const oh = hp - fh + 1;
  const ow = wp - fw + 1;
  const plane = <usize>hp * <usize>wp;
  const outPlane = <usize>oh * <usize>ow;
  let src = x;
  if (pad > 0) {
    memory.fill(xp, 0, <usize>n * <usize>c * plane * 4);
    for (let sc = 0; sc < n * c; sc++) {
      for (let y = 0; y < h; y++) {
        memory.copy(
          xp + ((<usize>sc * plane + <usize>(y + pad) * <usize>wp + <usize>pad) << 2),
          x + ((<usize>(sc * h + y) * <usize>w) << 2),
          (<usize>w) << 2,
        );
      }
    }
    src = xp;
  }
  const dyi = acc + ((<usize>(c * fh * ((fw + 1) >> 1))) << 7);
  const ext = dyi + ((<usize>(oh * ((ow + 3) >> 2))) << 6);
  row_extents(src, n * c * hp, wp, ext);
  for (let g = g0; g < g1; g++) {
    const fl = min(4, f - 4 * g);
    zero_taps(acc, c, fh, fw);
    for (let s = 0; s < n; s++) {
      interleave_group(dy + ((<usize>(s * f + 4 * g) * outPlane) << 2), fl, oh, ow, dyi);
      dw_sample(src + ((<usize>(s * c) * plane) << 2), dyi, c, plane, wp, fh, fw, oh, ow, acc, ext + ((<usize>(s * c * hp)) << 3));
    }
    store_group_dw(dw, acc, g, fl, c, fh, fw);
  }
}

/** Zeroes the taps' accumulators of a group (dw_sample's `acc`: C·FH·⌈FW/2⌉ × 8 vectors). */
function zero_taps(acc: usize, c: i32, fh: i32, fw: i32): void {
  memory.fill(acc, 0, (<usize>(c * fh * ((fw + 1) >> 1))) << 7);
}

/**
 * The `fl` (1..4) dy planes of a group (OH·OW floats each, one after another at ds) interleaved for
 * dw_sample at dyi: block b (outputs 4b..4b+3) of row oy holds the four filters' vectors at
 * dyi + 64·(oy·⌈OW/4⌉ + b) + 16·j, so the kernel reads them at fixed offsets from one pointer.
 * Lanes past OW and the filters past fl are zero.
 */
function interleave_group(ds: usize, fl: i32, oh: i32, ow: i32, dyi: usize): void {
  const outBytes = (<usize>oh * <usize>ow) << 2;
  const full = ow & ~3;
  const zero = f32x4.splat(0);
  const mask = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(ow - full));
  // a missing filter's offset is 0: the conditional loads below may compile to a select, which
  // loads both ways, and a plane past the last one may lie past dy's end
  const p1 = fl > 1 ? outBytes : 0;
  const p2 = fl > 2 ? 2 * outBytes : 0;
  const p3 = fl > 3 ? 3 * outBytes : 0;
  let d = dyi;
  for (let oy = 0; oy < oh; oy++) {
    const row = ds + ((<usize>oy * <usize>ow) << 2);
    for (let ox = 0; ox < ow; ox += 4) {
      const sp = row + ((<usize>ox) << 2);
      // the last, partial block: lanes past OW masked off
      const m = ox < full ? i32x4.splat(-1) : mask;
      v128.store(d, v128.and(v128.load(sp), m));
      v128.store(d, fl > 1 ? v128.and(v128.load(sp + p1), m) : zero, 16);
      v128.store(d, fl > 2 ? v128.and(v128.load(sp + p2), m) : zero, 32);
      v128.store(d, fl > 3 ? v128.and(v128.load(sp + p3), m) : zero, 48);
      d += 64;
    }
  }
}

/**
 * One sample's terms of conv_dw for a group of filters: every tap's eight accumulators, kept at
 * `acc`, += this sample's (input `xsample`, C planes of `plane` floats `wp` wide, whose rows'
 * non-zero extents are at `ext` (row_extents); the group's dy interleaved at dyi, interleave_group).
 * Blocks of four outputs whose inputs are all zero in that row are skipped (MNIST's borders).
 */
function dw_sample(
  xsample: usize,
  dyi: usize,
  c: i32,
  plane: usize,
  wp: i32,
  fh: i32,
  fw: i32,
  oh: i32,
  ow: i32,
  acc: usize,
  ext: usize,
): void {
  const full = ow & ~3;
  const rest = ow - full;
  const mask = i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(rest));
  const pairs = (fw + 1) >> 1;
  const rows = oh + fh - 1;
  const rowBytes = (<usize>((ow + 3) >> 2)) << 6; // a row of interleaved dy
  const wpBytes = (<usize>wp) << 2;
  for (let ch = 0; ch < c; ch++) {
    const xs = xsample + ((<usize>ch * plane) << 2);
    const xe = ext + ((<usize>(ch * rows)) << 3);
    for (let ky = 0; ky < fh; ky++) {
      for (let kx = 0; kx < fw; kx += 2) {
        const ap = acc + ((<usize>((ch * fh + ky) * pairs + (kx >> 1))) << 7);
        let a0 = v128.load(ap);
        let a1 = v128.load(ap, 16);
        let a2 = v128.load(ap, 32);
        let a3 = v128.load(ap, 48);
        let b0 = v128.load(ap, 64);
        let b1 = v128.load(ap, 80);
        let b2 = v128.load(ap, 96);
        let b3 = v128.load(ap, 112);
        // row oy + ky of the input from xr, its extent at e; row oy of dy from dr
        let xr = xs + ((<usize>ky * <usize>wp + <usize>kx) << 2);
        let e = xe + ((<usize>ky) << 3);
        let dr = dyi;
        for (let oy = 0; oy < oh; oy++, xr += wpBytes, e += 8, dr += rowBytes) {
          // the blocks of four outputs whose inputs (columns ox + kx .. ox + kx + 4) are not all zero
          // in this row: ox from the row's first non-zero − kx − 4 up to its last − kx (none if the
          // row is all zero)
          const last = min(load<i32>(e, 4) - kx, ow - 1);
          if (last < 0) continue;
          const first = load<i32>(e) - kx - 4;
          let ox = first > 0 ? (first + 3) & ~3 : 0;
          const end = min(last + 1, full);
          let xo = xr + ((<usize>ox) << 2);
          let dp = dr + ((<usize>ox) << 4);
          for (; ox < end; ox += 4) {
            const x0 = v128.load(xo);
            const x1 = v128.load(xo, 4);
            let d = v128.load(dp);
            a0 = madd(a0, d, x0);
            b0 = madd(b0, d, x1);
            d = v128.load(dp, 16);
            a1 = madd(a1, d, x0);
            b1 = madd(b1, d, x1);
            d = v128.load(dp, 32);
            a2 = madd(a2, d, x0);
            b2 = madd(b2, d, x1);
            d = v128.load(dp, 48);
            a3 = madd(a3, d, x0);
            b3 = madd(b3, d, x1);
            xo += 16;
            dp += 64;
          }
          if (rest > 0 && ox == full && ox <= last) {
            const x0 = v128.and(v128.load(xo), mask);
            const x1 = v128.and(v128.load(xo, 4), mask);
            let d = v128.load(dp);
            a0 = madd(a0, d, x0);
            b0 = madd(b0, d, x1);
            d = v128.load(dp, 16);
            a1 = madd(a1, d, x0);
            b1 = madd(b1, d, x1);
            d = v128.load(dp, 32);
            a2 = madd(a2, d, x0);
            b2 = madd(b2, d, x1);
            d = v128.load(dp, 48);
            a3 = madd(a3, d, x0);
            b3 = madd(b3, d, x1);
          }
        }
        v128.store(ap, a0);
        v128.store(ap, a1, 16);
        v128.store(ap, a2, 32);
        v128.store(ap, a3, 48);
        v128.store(ap, b0, 64);
        v128.store(ap, b1, 80);
        v128.store(ap, b2, 96);
        v128.store(ap, b3, 112);
      }
    }
  }
}

/**
 * Each of `rows` rows of `w` floats at x: its first and last non-zero column, as two i32 at
 * ext + 8·row (a row of zeros: w and −1). ±0 count as zero, NaN as non-zero.
 */
function row_extents(x: usize, rows: i32, w: i32, ext: usize): void {
  const full = w & ~3;
  const zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const row = x + ((<usize>r * <usize>w) << 2);
    let lo = w;
    let hi = -1;
    for (let j = 0; j < full; j += 4) {
      const m = i32x4.bitmask(f32x4.ne(v128.load(row + ((<usize>j) << 2)), zero));
      if (m != 0) {
        if (hi < 0) lo = j + ctz(m);
        hi = j + 31 - clz(m);
      }
    }
    for (let j = full; j < w; j++) {
      if (load<f32>(row + ((<usize>j) << 2)) != 0) {
        if (hi < 0) lo = j;
        hi = j;
      }
    }
    store<i32>(ext + ((<usize>r) << 3), lo);
    store<i32>(ext + ((<usize>r) << 3), hi, 4);
  }
}

/** dW of a group (filters 4g..) from the taps' accumulators at `acc` (dw_sample). */
function store_group_dw(dw: usize, acc: usize, g: i32, fl: i32, c: i32, fh: i32, fw: i32): void {
  const pairs = (fw + 1) >> 1;
  const fstep = (<usize>(c * fh * fw)) << 2;
  for (let ch = 0; ch < c; ch++) {
    for (let ky = 0; ky < fh; ky++) {
      for (let kx = 0; kx < fw; kx += 2) {
        const ap = acc + ((<usize>((ch * fh + ky) * pairs + (kx >> 1))) << 7);
        const two = kx + 1 < fw;
        const base = (<usize>((4 * g * c + ch) * fh + ky) * <usize>fw + <usize>kx) << 2;
        store_dw(dw + base, v128.load(ap), v128.load(ap, 64), two);
        if (fl > 1) store_dw(dw + base + fstep, v128.load(ap, 16), v128.load(ap, 80), two);
        if (fl > 2) store_dw(dw + base + 2 * fstep, v128.load(ap, 32), v128.load(ap, 96), two);
        if (fl > 3) store_dw(dw + base + 3 * fstep, v128.load(ap, 48), v128.load(ap, 112), two);
      }
    }
  }
}

function hsum(v: v128): f32 {
  const t = f32x4.add(v, v128.shuffle<i32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1);
}

function store_dw(p: usize, a: v128, b: v128, two: bool): void {
  store<f32>(p, hsum(a));
  if (two) store<f32>(p, hsum(b), 4);
}

// ---- im2col / col2im (im2col.ts) ---------------------------------------------------------------

/**
 * x (N, C, H, W) → col (N·OH·OW, C·FH·FW), the book's layout, padding cells as 0. col is written
 * strictly in order.
 */
export function im2col(
  x: usize,
  n: i32,
  c: i32,
  h: i32,
  w: i32,
  fh: i32,
  fw: i32,
  stride: i32,
  pad: i32,
  oh: i32,
  ow: i32,
  col: usize,
): void {
  const plane = h * w;
  let p = col;
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
            if (iy < 0 || iy >= h || kx1 <= kx0) {
              for (let kx = 0; kx < fw; kx++) store<f32>(p + ((<usize>kx) << 2), 0);
              p += (<usize>fw) << 2;
              continue;
            }
            const row = x + ((<usize>(xc + iy * w + x0)) << 2);
            let kx = 0;
            for (; kx < kx0; kx++) store<f32>(p + ((<usize>kx) << 2), 0);
            for (; kx + 4 <= kx1; kx += 4) v128.store(p + ((<usize>kx) << 2), v128.load(row + ((<usize>kx) << 2)));
            for (; kx < kx1; kx++) store<f32>(p + ((<usize>kx) << 2), load<f32>(row + ((<usize>kx) << 2)));
            for (; kx < fw; kx++) store<f32>(p + ((<usize>kx) << 2), 0);
            p += (<usize>fw) << 2;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: x (zeroed first) += every col entry at the pixel it came from. */
export function col2im(
  col: usize,
  n: i32,
  c: i32,
  h: i32,
  w: i32,
  fh: i32,
  fw: i32,
  stride: i32,
  pad: i32,
  oh: i32,
  ow: i32,
  x: usize,
): void {
  const plane = h * w;
  memory.fill(x, 0, (<usize>(n * c * plane)) << 2);
  let p = col;
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
            if (iy >= 0 && iy < h) {
              const row = x + ((<usize>(xc + iy * w + x0)) << 2);
              for (let kx = kx0; kx < kx1; kx++) {
                const at = row + ((<usize>kx) << 2);
                store<f32>(at, load<f32>(at) + load<f32>(p + ((<usize>kx) << 2)));
              }
            }
            p += (<usize>fw) << 2;
          }
        }
      }
    }
  }
}

// ---- max pooling (layers/pool.ts) --------------------------------------------------------------

/**
 * Max pooling over planes (N·C of them) of H×W: y (planes, OH, OW) and arg, the flat index into x
 * of each maximum (the first in row-major window order on ties; NaN never wins, as in `v > best`).
 */
export function maxpool_fwd(
  x: usize,
  planes: i32,
  h: i32,
  w: i32,
  fh: i32,
  fw: i32,
  stride: i32,
  pad: i32,
  oh: i32,
  ow: i32,
  y: usize,
  arg: usize,
  relu: i32,
): void {
  let q: usize = 0;
  for (let pl = 0; pl < planes; pl++) {
    const base = pl * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * stride - pad;
      const ky0 = y0 < 0 ? -y0 : 0;
      const ky1 = y0 + fh > h ? h - y0 : fh;
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * stride - pad;
        const kx0 = x0 < 0 ? -x0 : 0;
        const kx1 = x0 + fw > w ? w - x0 : fw;
        let best: f32 = -Infinity;
        let at: i32 = base + (y0 + ky0) * w + x0 + kx0;
        for (let ky = ky0; ky < ky1; ky++) {
          const row = base + (y0 + ky) * w + x0;
          for (let kx = kx0; kx < kx1; kx++) {
            const v = load<f32>(x + ((<usize>(row + kx)) << 2));
            const gt = v > best;
            best = select<f32>(v, best, gt);
            at = select<i32>(row + kx, at, gt);
          }
        }
        store<f32>(y + (q << 2), relu ? relu_of_max(best) : best);
        store<i32>(arg + (q << 2), at);
        q++;
      }
    }
  }
}

/**
 * max(ReLU(window)) from max(window), for the fused ReLU + max pooling: the maximum when it is > 0,
 * −∞ when no cell won (all NaN: as the unfused layers give), else +0.
 */
function relu_of_max(best: f32): f32 {
  return best > 0 || best == -Infinity ? best : 0;
}

/**
 * 2×2 max pooling with stride 2 and no padding, the common case, four outputs at a time with SIMD
 * (same results as maxpool_fwd: ties go to the first cell in row-major order, NaN never wins).
 * Only the planes p0 ≤ pl < p1 (of `planes`) are done: a part of the work, for threads.
 */
export function maxpool2_fwd(
  x: usize,
  planes: i32,
  h: i32,
  w: i32,
  oh: i32,
  ow: i32,
  y: usize,
  arg: usize,
  relu: i32,
  p0: i32,
  p1: i32,
): void {
  const ninf = f32x4.splat(-Infinity);
  const zero = f32x4.splat(0);
  let q: usize = <usize>p0 * <usize>oh * <usize>ow;
  for (let pl = p0; pl < p1; pl++) {
    const base = pl * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const r0 = base + 2 * oy * w;
      const r1 = r0 + w;
      let ox = 0;
      for (; ox + 4 <= ow; ox += 4) {
        // even and odd columns of the window pairs, rows 0 and 1
        const a0 = v128.load(x + ((<usize>(r0 + 2 * ox)) << 2));
        const b0 = v128.load(x + ((<usize>(r0 + 2 * ox + 4)) << 2));
        const a1 = v128.load(x + ((<usize>(r1 + 2 * ox)) << 2));
        const b1 = v128.load(x + ((<usize>(r1 + 2 * ox + 4)) << 2));
        const e0 = v128.shuffle<i32>(a0, b0, 0, 2, 4, 6);
        const o0 = v128.shuffle<i32>(a0, b0, 1, 3, 5, 7);
        const e1 = v128.shuffle<i32>(a1, b1, 0, 2, 4, 6);
        const o1 = v128.shuffle<i32>(a1, b1, 1, 3, 5, 7);
        const i00 = i32x4.add(i32x4.splat(r0 + 2 * ox), i32x4(0, 2, 4, 6));
        // best = -inf, at = first cell; then each cell in row-major window order wins only if >
        let best = ninf;
        let at = i00;
        let gt = f32x4.gt(e0, best);
        best = v128.bitselect(e0, best, gt);
        let m = f32x4.gt(o0, best);
        best = v128.bitselect(o0, best, m);
        at = v128.bitselect(i32x4.add(i00, i32x4.splat(1)), at, m);
        m = f32x4.gt(e1, best);
        best = v128.bitselect(e1, best, m);
        at = v128.bitselect(i32x4.add(i00, i32x4.splat(w)), at, m);
        m = f32x4.gt(o1, best);
        best = v128.bitselect(o1, best, m);
        at = v128.bitselect(i32x4.add(i00, i32x4.splat(w + 1)), at, m);
        if (relu) best = v128.and(best, v128.or(f32x4.gt(best, zero), f32x4.eq(best, ninf)));
        v128.store(y + (q << 2), best);
        v128.store(arg + (q << 2), at);
        q += 4;
      }
      for (; ox < ow; ox++) {
        const c = r0 + 2 * ox;
        let best: f32 = -Infinity;
        let at: i32 = c;
        let v = load<f32>(x + ((<usize>c) << 2));
        let g = v > best;
        best = select<f32>(v, best, g);
        v = load<f32>(x + ((<usize>(c + 1)) << 2));
        g = v > best;
        best = select<f32>(v, best, g);
        at = select<i32>(c + 1, at, g);
        v = load<f32>(x + ((<usize>(c + w)) << 2));
        g = v > best;
        best = select<f32>(v, best, g);
        at = select<i32>(c + w, at, g);
        v = load<f32>(x + ((<usize>(c + w + 1)) << 2));
        g = v > best;
        best = select<f32>(v, best, g);
        at = select<i32>(c + w + 1, at, g);
        store<f32>(y + (q << 2), relu ? relu_of_max(best) : best);
        store<i32>(arg + (q << 2), at);
        q++;
      }
    }
  }
}

/**
 * maxpool_bwd for 2×2 windows with stride 2 and no padding (windows do not overlap): dx is written
 * in one pass, window by window — dy[q] on the cell arg[q] names (with `x`: only if x there passed
 * the ReLU, > 0 or NaN), 0 on the other three — instead of zeroing all of dx and then scattering.
 * Cells outside every window (an odd last row or column) are zeroed. The same values as maxpool_bwd.
 * Only the planes p0 ≤ pl < p1 are done (a part of the work, for threads).
 */
export function maxpool2_bwd(
  dy: usize,
  arg: usize,
  planes: i32,
  h: i32,
  w: i32,
  oh: i32,
  ow: i32,
  dx: usize,
  x: usize,
  p0: i32,
  p1: i32,
): void {
  const zero = f32x4.splat(0);
  let q: usize = <usize>p0 * <usize>oh * <usize>ow;
  for (let pl = p0; pl < p1; pl++) {
    const base = pl * h * w;
    for (let oy = 0; oy < oh; oy++) {
      const r0 = base + 2 * oy * w;
      const r1 = r0 + w;
      let ox = 0;
      for (; ox + 4 <= ow; ox += 4) {
        const a = v128.load(arg + (q << 2));
        let d = v128.load(dy + (q << 2));
        const i00 = i32x4.add(i32x4.splat(r0 + 2 * ox), i32x4(0, 2, 4, 6));
        let e0 = v128.and(d, i32x4.eq(a, i00));
        let o0 = v128.and(d, i32x4.eq(a, i32x4.add(i00, i32x4.splat(1))));
        let e1 = v128.and(d, i32x4.eq(a, i32x4.add(i00, i32x4.splat(w))));
        let o1 = v128.and(d, i32x4.eq(a, i32x4.add(i00, i32x4.splat(w + 1))));
        if (x) {
          const xr0 = x + ((<usize>(r0 + 2 * ox)) << 2);
          const xr1 = x + ((<usize>(r1 + 2 * ox)) << 2);
          const xa0 = v128.load(xr0);
          const xb0 = v128.load(xr0, 16);
          const xa1 = v128.load(xr1);
          const xb1 = v128.load(xr1, 16);
          // keep where x is not ≤ 0 (> 0 or NaN)
          e0 = v128.andnot(e0, f32x4.le(v128.shuffle<i32>(xa0, xb0, 0, 2, 4, 6), zero));
          o0 = v128.andnot(o0, f32x4.le(v128.shuffle<i32>(xa0, xb0, 1, 3, 5, 7), zero));
          e1 = v128.andnot(e1, f32x4.le(v128.shuffle<i32>(xa1, xb1, 0, 2, 4, 6), zero));
          o1 = v128.andnot(o1, f32x4.le(v128.shuffle<i32>(xa1, xb1, 1, 3, 5, 7), zero));
        }
        const s0 = dx + ((<usize>(r0 + 2 * ox)) << 2);
        const s1 = dx + ((<usize>(r1 + 2 * ox)) << 2);
        v128.store(s0, v128.shuffle<i32>(e0, o0, 0, 4, 1, 5));
        v128.store(s0, v128.shuffle<i32>(e0, o0, 2, 6, 3, 7), 16);
        v128.store(s1, v128.shuffle<i32>(e1, o1, 0, 4, 1, 5));
        v128.store(s1, v128.shuffle<i32>(e1, o1, 2, 6, 3, 7), 16);
        q += 4;
      }
      for (; ox < ow; ox++) {
        const c = r0 + 2 * ox;
        const at = load<i32>(arg + (q << 2));
        let d = load<f32>(dy + (q << 2));
        if (x) d = load<f32>(x + ((<usize>at) << 2)) <= 0 ? 0 : d;
        store<f32>(dx + ((<usize>c) << 2), at == c ? d : 0);
        store<f32>(dx + ((<usize>(c + 1)) << 2), at == c + 1 ? d : 0);
        store<f32>(dx + ((<usize>(c + w)) << 2), at == c + w ? d : 0);
        store<f32>(dx + ((<usize>(c + w + 1)) << 2), at == c + w + 1 ? d : 0);
        q++;
      }
      if (2 * ow < w) {
        // the last column, outside every window
        store<f32>(dx + ((<usize>(r0 + w - 1)) << 2), 0);
        store<f32>(dx + ((<usize>(r1 + w - 1)) << 2), 0);
      }
    }
    if (2 * oh < h) memory.fill(dx + ((<usize>(base + (h - 1) * w)) << 2), 0, (<usize>w) << 2);
  }
}

/**
 * Max pooling backward: dx (nx values, zeroed first) += dy[q] at arg[q], in q order. With `x` ≠ 0
 * (the fused ReLU + max pooling): only where x[arg[q]] passed the ReLU (> 0 or NaN), i.e. the
 * gradient through both layers.
 */
export function maxpool_bwd(dy: usize, arg: usize, nq: i32, dx: usize, nx: i32, x: usize): void {
  memory.fill(dx, 0, (<usize>nx) << 2);
  for (let q = 0; q < nq; q++) {
    const i = (<usize>load<i32>(arg + ((<usize>q) << 2))) << 2;
    const at = dx + i;
    let d = load<f32>(dy + ((<usize>q) << 2));
    if (x) d = load<f32>(x + i) <= 0 ? 0 : d;
    store<f32>(at, load<f32>(at) + d);
  }
}

// ---- sparse-A products (gemm.ts nn and tn, A mostly zeros) -------------------------------------

/** Number of non-zero floats among n (NaN counts as non-zero). */
export function count_nonzero(a: usize, n: i32): i32 {
  const zero = f32x4.splat(0);
  let cnt = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) cnt = i32x4.sub(cnt, f32x4.ne(v128.load(a + ((<usize>i) << 2)), zero));
  let s =
    i32x4.extract_lane(cnt, 0) + i32x4.extract_lane(cnt, 1) + i32x4.extract_lane(cnt, 2) + i32x4.extract_lane(cnt, 3);
  for (; i < n; i++) if (load<f32>(a + ((<usize>i) << 2)) != 0) s++;
  return s;
}

/**
 * Writes the non-zeros of a row of `cols` floats at a as indices (i32 at idx) and values (f32 at
 * val), room for cols + 4 entries each, and returns how many there were. Groups of four zeros are
 * skipped with one vector test.
 */
function gather_row(a: usize, cols: i32, idx: usize, val: usize): i32 {
  let cnt = 0;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    const at = a + ((<usize>j) << 2);
    if (!v128.any_true(f32x4.ne(v128.load(at), f32x4.splat(0)))) continue;
    // branch-free: always write the entry, advance only past a non-zero (scattered non-zeros would
    // mispredict a branch about every other time)
    for (let t = 0; t < 4; t++) {
      const v = load<f32>(at + ((<usize>t) << 2));
      const e = (<usize>cnt) << 2;
      store<i32>(idx + e, j + t);
      store<f32>(val + e, v);
      cnt += i32(v != 0);
    }
  }
  for (; j < cols; j++) {
    const v = load<f32>(a + ((<usize>j) << 2));
    if (v != 0) {
      const e = (<usize>cnt) << 2;
      store<i32>(idx + e, j);
      store<f32>(val + e, v);
      cnt++;
    }
  }
  return cnt;
}

/** Stores the first `lanes` (1..3) floats of v at p. */
function store_part(p: usize, v: v128, lanes: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/**
 * C(m×n) (+)= A(m×k)·B(k×n), row-major and contiguous, skipping the zeros of A: per row of A its
 * non-zeros are listed once (indices at `list`, values after them: 8 bytes per entry, k + 4 entries
 * of room), then each chunk of 32 columns of C is summed in eight registers over that list
 * (`sum_rows`). For A with most entries zero (MNIST pixels: ≈ 80%), a fraction of the dense work.
 * Sums run in k order, one multiply-add per term.
 */
export function spmm_nn(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, accumulate: i32, list: usize): void {
  const ldb = (<usize>n) << 2;
  const vals = list + ((<usize>(k + 4)) << 2);
  for (let i = 0; i < m; i++) {
    const cnt = gather_row(a + <usize>i * <usize>k * 4, k, list, vals);
    sum_rows(list, vals, cnt, b, ldb, c + <usize>i * ldb, n, accumulate);
  }
}

/**
 * C row (n floats at cp) (+)= Σ_t val[t] · B[idx[t], :] over `cnt` entries (i32 row indices at idx,
 * f32 values at val), B rows `ldb` bytes apart. Columns in chunks of 32 (eight accumulators: eight independent
 * multiply-add chains keep both FMA pipes busy), the rest in one chunk of 16; each sum runs in list
 * order. Loads may read up to 31 floats past the end of a B row (never past the arena's slack for
 * the last row: the chunk is read only where at least one column is valid).
 */
function sum_rows(idx: usize, val: usize, cnt: i32, b: usize, ldb: usize, cp: usize, n: i32, accumulate: i32): void {
  let j = 0;
  // 32 columns at a time (eight accumulators) while more than 20 are left; 17..20 left: five
  // accumulators (the two-layer net's 50 = 32 + 18: eight would load and multiply 14 columns past
  // the edge for every entry); 1..16: four
  for (; n - j > 20; j += 32) {
    const jo = (<usize>j) << 2;
    let c0 = f32x4.splat(0);
    let c1 = f32x4.splat(0);
    let c2 = f32x4.splat(0);
    let c3 = f32x4.splat(0);
    let c4 = f32x4.splat(0);
    let c5 = f32x4.splat(0);
    let c6 = f32x4.splat(0);
    let c7 = f32x4.splat(0);
    for (let t = 0; t < cnt; t++) {
      const e = (<usize>t) << 2;
      const bp = b + <usize>load<i32>(idx + e) * ldb + jo;
      const av = v128.load32_splat(val + e);
      c0 = madd(c0, av, v128.load(bp));
      c1 = madd(c1, av, v128.load(bp, 16));
      c2 = madd(c2, av, v128.load(bp, 32));
      c3 = madd(c3, av, v128.load(bp, 48));
      c4 = madd(c4, av, v128.load(bp, 64));
      c5 = madd(c5, av, v128.load(bp, 80));
      c6 = madd(c6, av, v128.load(bp, 96));
      c7 = madd(c7, av, v128.load(bp, 112));
    }
    const left = n - j;
    const q = cp + jo;
    store16(q, c0, c1, c2, c3, accumulate);
    // 21..31 columns: the rest through store_tail
    if (left >= 32) store16(q + 64, c4, c5, c6, c7, accumulate);
    else store_tail(q + 64, c4, c5, c6, c7, left - 16, accumulate);
  }
  if (n - j > 16) {
    const jo = (<usize>j) << 2;
    let c0 = f32x4.splat(0);
    let c1 = f32x4.splat(0);
    let c2 = f32x4.splat(0);
    let c3 = f32x4.splat(0);
    let c4 = f32x4.splat(0);
    for (let t = 0; t < cnt; t++) {
      const e = (<usize>t) << 2;
      const bp = b + <usize>load<i32>(idx + e) * ldb + jo;
      const av = v128.load32_splat(val + e);
      c0 = madd(c0, av, v128.load(bp));
      c1 = madd(c1, av, v128.load(bp, 16));
      c2 = madd(c2, av, v128.load(bp, 32));
      c3 = madd(c3, av, v128.load(bp, 48));
      c4 = madd(c4, av, v128.load(bp, 64));
    }
    const q = cp + jo;
    store16(q, c0, c1, c2, c3, accumulate);
    store_tail(q + 64, c4, c4, c4, c4, n - j - 16, accumulate);
  } else if (j < n) {
    const jo = (<usize>j) << 2;
    let c0 = f32x4.splat(0);
    let c1 = f32x4.splat(0);
    let c2 = f32x4.splat(0);
    let c3 = f32x4.splat(0);
    for (let t = 0; t < cnt; t++) {
      const e = (<usize>t) << 2;
      const bp = b + <usize>load<i32>(idx + e) * ldb + jo;
      const av = v128.load32_splat(val + e);
      c0 = madd(c0, av, v128.load(bp));
      c1 = madd(c1, av, v128.load(bp, 16));
      c2 = madd(c2, av, v128.load(bp, 32));
      c3 = madd(c3, av, v128.load(bp, 48));
    }
    const q = cp + jo;
    const left = n - j;
    if (left == 16) {
      store16(q, c0, c1, c2, c3, accumulate);
    } else {
      store_tail(q, c0, c1, c2, c3, left, accumulate);
    }
  }
}

/** C[q .. q + 16) (+)= four vectors. */
function store16(q: usize, c0: v128, c1: v128, c2: v128, c3: v128, accumulate: i32): void {
  if (accumulate) {
    c0 = f32x4.add(c0, v128.load(q));
    c1 = f32x4.add(c1, v128.load(q, 16));
    c2 = f32x4.add(c2, v128.load(q, 32));
    c3 = f32x4.add(c3, v128.load(q, 48));
  }
  v128.store(q, c0);
  v128.store(q, c1, 16);
  v128.store(q, c2, 32);
  v128.store(q, c3, 48);
}

/** Stores the first `left` (< 16) floats of the four vectors at p (added to what is there when accumulating). */
function store_tail(p: usize, c0: v128, c1: v128, c2: v128, c3: v128, left: i32, accumulate: i32): void {
  for (let v = 0; v < 4; v++) {
    const lanes = min(4, left - v * 4);
    if (lanes <= 0) break;
    let x = v == 0 ? c0 : v == 1 ? c1 : v == 2 ? c2 : c3;
    const q = p + ((<usize>v) << 4);
    if (lanes == 4) {
      if (accumulate) x = f32x4.add(x, v128.load(q));
      v128.store(q, x);
    } else {
      if (accumulate) {
        // read only the valid lanes: the floats past them may belong to the next row of C
        let y = f32x4.splat(0);
        y = f32x4.replace_lane(y, 0, load<f32>(q));
        if (lanes > 1) y = f32x4.replace_lane(y, 1, load<f32>(q, 4));
        if (lanes > 2) y = f32x4.replace_lane(y, 2, load<f32>(q, 8));
        x = f32x4.add(x, y);
      }
      store_part(q, x, lanes);
    }
  }
}

/**
 * C(m×n) (+)= Aᵀ·B with A stored k×m and B k×n, skipping the zeros of A. A's non-zeros are first
 * regrouped by column (by row of C: counts, prefix sums, then each row of A's non-zeros scattered
 * to their columns, in row order), so that each chunk of columns of a C row is summed in registers
 * (`sum_rows`) and stored once: Σ_p A[p, i]·B[p, :] over the p where A[p, i] ≠ 0, in p order.
 * `work` holds (m + 1) + m i32, then 2·(m + 4) for one row's list, then nnz + m + 4 entries of 8
 * bytes. A's rows are `lda` floats apart (lda ≥ m: m columns of a wider A, for a part of the rows
 * of C).
 */
export function spmm_tn(
  a: usize,
  b: usize,
  c: usize,
  m: i32,
  k: i32,
  n: i32,
  accumulate: i32,
  work: usize,
  lda: i32,
): void {
  const start = work; // (m + 1) i32: where column i's entries begin
  const pos = start + ((<usize>(m + 1)) << 2); // m i32: next free entry of column i
  const rowIdx = pos + ((<usize>m) << 2); // one row's non-zeros (m + 4 entries)
  const rowVal = rowIdx + ((<usize>(m + 4)) << 2);
  const zero = f32x4.splat(0);
  // counts per column
  memory.fill(start, 0, (<usize>(m + 1)) << 2);
  for (let p = 0; p < k; p++) {
    const ap = a + <usize>p * <usize>lda * 4;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const at = start + ((<usize>(i + 1)) << 2);
      v128.store(at, i32x4.sub(v128.load(at), f32x4.ne(v128.load(ap + ((<usize>i) << 2)), zero)));
    }
    for (; i < m; i++) {
      const at = start + ((<usize>(i + 1)) << 2);
      store<i32>(at, load<i32>(at) + i32(load<f32>(ap + ((<usize>i) << 2)) != 0));
    }
  }
  const total = prefix_counts(start, pos, m);
  const entIdx = rowVal + ((<usize>(m + 4)) << 2); // nnz entries grouped by column: p, then value
  const entVal = entIdx + ((<usize>(total + 4)) << 2);
  // scatter each row's non-zeros to their columns (rows in order, so each column stays in p order)
  for (let p = 0; p < k; p++) {
    const cnt = gather_row(a + <usize>p * <usize>lda * 4, m, rowIdx, rowVal);
    for (let t = 0; t < cnt; t++) {
      const e = (<usize>t) << 2;
      place_entry(pos + ((<usize>load<i32>(rowIdx + e)) << 2), p, load<f32>(rowVal + e), entIdx, entVal);
    }
  }
  sum_columns(start, entIdx, entVal, m, b, c, n, accumulate);
}

/**
 * Turns the counts at start[1..m] into prefix sums (start[i] = entries before column i, start[m] =
 * all) and copies start[0..m) to pos; returns the total.
 */
function prefix_counts(start: usize, pos: usize, m: i32): i32 {
  for (let i = 0; i < m; i++) {
    const before = load<i32>(start + ((<usize>i) << 2));
    const at = start + ((<usize>(i + 1)) << 2);
    store<i32>(at, load<i32>(at) + before);
    store<i32>(pos + ((<usize>i) << 2), before);
  }
  return load<i32>(start + ((<usize>m) << 2));
}

/** Appends entry (p, v) to a column's list: at the column's next free slot (*pi), which advances. */
function place_entry(pi: usize, p: i32, v: f32, entIdx: usize, entVal: usize): void {
  const q = load<i32>(pi);
  store<i32>(pi, q + 1);
  store<i32>(entIdx + ((<usize>q) << 2), p);
  store<f32>(entVal + ((<usize>q) << 2), v);
}

/** Row i of C (m rows of n) (+)= the sum over column i's entries (start[i]..start[i + 1]). */
function sum_columns(start: usize, entIdx: usize, entVal: usize, m: i32, b: usize, c: usize, n: i32, accumulate: i32): void {
  const ldb = (<usize>n) << 2;
  for (let i = 0; i < m; i++) {
    const e0 = <usize>load<i32>(start + ((<usize>i) << 2)) << 2;
    const e1 = load<i32>(start + ((<usize>(i + 1)) << 2));
    sum_rows(entIdx + e0, entVal + e0, e1 - <i32>(e0 >> 2), b, ldb, c + <usize>i * ldb, n, accumulate);
  }
}

// ---- sparse rows listed by the batch gather ---------------------------------------------------
// A batch of `rows` rows of `per` floats, gathered by gather_u8_rows, carries its non-zeros as rows
// of a fixed stride: cnt[i] (i32) entries for row i at idx[i·per ..] (i32 column) and val[i·per ..]
// (f32), in column order. The products below use that list instead of scanning A for its non-zeros,
// and give the same bits as spmm_nn / spmm_tn on the dense rows (same terms, same order).

/**
 * gather_u8 (dst[i, :] = src[order[i], :] / 255) that also lists each row's non-zeros: cnt[i],
 * idx[i·per ..], val[i·per ..] (the values as written to dst), in the same pass (four rows
 * interleaved, as gather_u8: the listing work overlaps the rows' DRAM latency). No data-dependent
 * branch but one per sixteen pixels: four lanes at a time are packed to the front with a byte
 * shuffle chosen by their non-zero mask (a table of 16 shuffles at `lut`, 256 bytes, written here)
 * and stored whole, the count advancing by the mask's population. A row's stores stay inside its
 * `per` entries (the count never passes the position).
 */
export function gather_u8_rows(
  src: usize,
  order: usize,
  count: i32,
  per: i32,
  dst: usize,
  cnt: usize,
  idx: usize,
  val: usize,
  lut: usize,
): void {
  const listing = lut != 0; // lut 0: gather only (gather_u8)
  for (let m = 0; listing && m < 16; m++) {
    // shuffle for mask m: the selected lanes' four bytes first, in lane order
    let q = 0;
    for (let l = 0; l < 4; l++) {
      if (((m >> l) & 1) == 0) continue;
      for (let y = 0; y < 4; y++) store<u8>(lut + <usize>(m * 16 + q * 4 + y), <u8>(l * 4 + y));
      q++;
    }
    for (; q < 4; q++) for (let y = 0; y < 4; y++) store<u8>(lut + <usize>(m * 16 + q * 4 + y), 0);
  }
  const d255 = f32x4.splat(255);
  const rowOut = (<usize>per) << 2;
  let i = 0;
  // four rows at a time, interleaved: four independent streams of DRAM reads in flight instead of
  // one (a row is only 13 cache lines, too short for the prefetcher to hide the next row's latency)
  for (; i + 4 <= count; i += 4) {
    const s0 = row_at(src, order, i, per);
    const s1 = row_at(src, order, i + 1, per);
    const s2 = row_at(src, order, i + 2, per);
    const s3 = row_at(src, order, i + 3, per);
    const o0 = dst + <usize>i * rowOut;
    if (!listing) {
      let j = 0;
      for (; j + 16 <= per; j += 16) {
        const oj = (<usize>j) << 2;
        bytes16(v128.load(s0 + <usize>j), o0 + oj, d255);
        bytes16(v128.load(s1 + <usize>j), o0 + rowOut + oj, d255);
        bytes16(v128.load(s2 + <usize>j), o0 + 2 * rowOut + oj, d255);
        bytes16(v128.load(s3 + <usize>j), o0 + 3 * rowOut + oj, d255);
      }
      if (j < per) for (let r = 0; r < 4; r++) list_tail(row_at(src, order, i + r, per), j, per, o0 + <usize>r * rowOut, 0, 0, 0, false);
      continue;
    }
    const x0 = idx + <usize>i * rowOut;
    const v0 = val + <usize>i * rowOut;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    let j = 0;
    for (; j + 16 <= per; j += 16) {
      const oj = (<usize>j) << 2;
      c0 = list16(v128.load(s0 + <usize>j), j, o0 + oj, x0, v0, c0, d255, lut);
      c1 = list16(v128.load(s1 + <usize>j), j, o0 + rowOut + oj, x0 + rowOut, v0 + rowOut, c1, d255, lut);
      c2 = list16(v128.load(s2 + <usize>j), j, o0 + 2 * rowOut + oj, x0 + 2 * rowOut, v0 + 2 * rowOut, c2, d255, lut);
      c3 = list16(v128.load(s3 + <usize>j), j, o0 + 3 * rowOut + oj, x0 + 3 * rowOut, v0 + 3 * rowOut, c3, d255, lut);
    }
    if (j < per) {
      c0 = list_tail(s0, j, per, o0, x0, v0, c0, true);
      c1 = list_tail(s1, j, per, o0 + rowOut, x0 + rowOut, v0 + rowOut, c1, true);
      c2 = list_tail(s2, j, per, o0 + 2 * rowOut, x0 + 2 * rowOut, v0 + 2 * rowOut, c2, true);
      c3 = list_tail(s3, j, per, o0 + 3 * rowOut, x0 + 3 * rowOut, v0 + 3 * rowOut, c3, true);
    }
    v128.store(cnt + ((<usize>i) << 2), i32x4(c0, c1, c2, c3));
  }
  for (; i < count; i++) {
    const row = row_at(src, order, i, per);
    const o = dst + <usize>i * rowOut;
    const ix = idx + <usize>i * rowOut;
    const vx = val + <usize>i * rowOut;
    let c = 0;
    let j = 0;
    for (; j + 16 <= per; j += 16) {
      if (listing) c = list16(v128.load(row + <usize>j), j, o + ((<usize>j) << 2), ix, vx, c, d255, lut);
      else bytes16(v128.load(row + <usize>j), o + ((<usize>j) << 2), d255);
    }
    c = list_tail(row, j, per, o, ix, vx, c, listing);
    if (listing) store<i32>(cnt + ((<usize>i) << 2), c);
  }
}

/**
 * Sixteen pixel bytes v (columns j..j+15) → floats at o (bytes16), and their non-zeros appended to
 * the row's list (indices at ix, values at vx) from entry c; returns the new count.
 */
function list16(v: v128, j: i32, o: usize, ix: usize, vx: usize, c: i32, d255: v128, lut: usize): i32 {
  const lo = i16x8.extend_low_i8x16_u(v);
  const hi = i16x8.extend_high_i8x16_u(v);
  const f0 = pixels4(lo, false, d255);
  const f1 = pixels4(lo, true, d255);
  const f2 = pixels4(hi, false, d255);
  const f3 = pixels4(hi, true, d255);
  v128.store(o, f0);
  v128.store(o, f1, 16);
  v128.store(o, f2, 32);
  v128.store(o, f3, 48);
  const mask = i8x16.bitmask(i8x16.ne(v, i8x16.splat(0)));
  if (mask == 0) return c;
  const jv = i32x4.add(i32x4.splat(j), i32x4(0, 1, 2, 3));
  c = list4(f0, jv, mask & 15, ix, vx, c, lut);
  c = list4(f1, i32x4.add(jv, i32x4.splat(4)), (mask >> 4) & 15, ix, vx, c, lut);
  c = list4(f2, i32x4.add(jv, i32x4.splat(8)), (mask >> 8) & 15, ix, vx, c, lut);
  return list4(f3, i32x4.add(jv, i32x4.splat(12)), mask >> 12, ix, vx, c, lut);
}

/** The lanes of `f` that `m` selects, and their columns (`cols`), appended to the list at entry c. */
function list4(f: v128, cols: v128, m: i32, ix: usize, vx: usize, c: i32, lut: usize): i32 {
  const sh = v128.load(lut + ((<usize>m) << 4));
  const e = (<usize>c) << 2;
  v128.store(vx + e, swizzle(f, sh));
  v128.store(ix + e, swizzle(cols, sh));
  return c + <i32>popcnt(m);
}

/** i8x16.swizzle where every index is < 16 (the relaxed form skips the out-of-range fix-up). */
function swizzle(v: v128, s: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return i8x16.relaxed_swizzle(v, s);
  } else {
    return i8x16.swizzle(v, s);
  }
}

/**
 * The pixels j..per of a row past its last whole sixteen (list16 one at a time, or bytes16 when not
 * `listing`); returns the count.
 */
function list_tail(row: usize, j: i32, per: i32, o: usize, ix: usize, vx: usize, c: i32, listing: bool): i32 {
  for (; j < per; j++) {
    const x = <f32>load<u8>(row + <usize>j) / <f32>255;
    store<f32>(o + ((<usize>j) << 2), x);
    if (listing && x != 0) {
      const e = (<usize>c) << 2;
      store<i32>(ix + e, j);
      store<f32>(vx + e, x);
      c++;
    }
  }
  return c;
}

/** spmm_nn for rows r0..r1 of a listed batch (stride `per` entries): C rows r0..r1 (+)= A·B. */
export function spmm_nn_rows(
  cnt: usize,
  idx: usize,
  val: usize,
  per: i32,
  r0: i32,
  r1: i32,
  b: usize,
  c: usize,
  n: i32,
  accumulate: i32,
): void {
  const ldb = (<usize>n) << 2;
  const stride = (<usize>per) << 2;
  for (let i = r0; i < r1; i++) {
    const at = <usize>i * stride;
    sum_rows(idx + at, val + at, load<i32>(cnt + ((<usize>i) << 2)), b, ldb, c + <usize>i * ldb, n, accumulate);
  }
}

/**
 * spmm_tn for a listed batch of k rows (stride `per` entries): rows c0..c1 of C (m×n, m = the
 * batch's columns) (+)= the same rows of Aᵀ·B. `work` holds (c1 − c0 + 1) + (c1 − c0) + k i32, then
 * nnz + 4 entries of 8 bytes.
 */
export function spmm_tn_rows(
  cnt: usize,
  idx: usize,
  val: usize,
  per: i32,
  k: i32,
  c0: i32,
  c1: i32,
  b: usize,
  c: usize,
  n: i32,
  accumulate: i32,
  work: usize,
): void {
  const m = c1 - c0;
  const start = work;
  const pos = start + ((<usize>(m + 1)) << 2);
  const from = pos + ((<usize>m) << 2); // k i32: each row's first entry at or past c0
  const stride = (<usize>per) << 2;
  memory.fill(start, 0, (<usize>(m + 1)) << 2);
  for (let p = 0; p < k; p++) {
    const ix = idx + <usize>p * stride;
    const cn = load<i32>(cnt + ((<usize>p) << 2));
    // first entry ≥ c0 (the entries are in column order)
    let lo = 0;
    let hi = cn;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (load<i32>(ix + ((<usize>mid) << 2)) < c0) lo = mid + 1;
      else hi = mid;
    }
    store<i32>(from + ((<usize>p) << 2), lo);
    for (let t = lo; t < cn; t++) {
      const col = load<i32>(ix + ((<usize>t) << 2));
      if (col >= c1) break;
      const at = start + ((<usize>(col - c0 + 1)) << 2);
      store<i32>(at, load<i32>(at) + 1);
    }
  }
  const total = prefix_counts(start, pos, m);
  const entIdx = from + ((<usize>k) << 2);
  const entVal = entIdx + ((<usize>(total + 4)) << 2);
  for (let p = 0; p < k; p++) {
    const ix = idx + <usize>p * stride;
    const vx = val + <usize>p * stride;
    const cn = load<i32>(cnt + ((<usize>p) << 2));
    for (let t = load<i32>(from + ((<usize>p) << 2)); t < cn; t++) {
      const col = load<i32>(ix + ((<usize>t) << 2));
      if (col >= c1) break;
      place_entry(pos + ((<usize>(col - c0)) << 2), p, load<f32>(vx + ((<usize>t) << 2)), entIdx, entVal);
    }
  }
  sum_columns(start, entIdx, entVal, m, b, c + <usize>c0 * ((<usize>n) << 2), n, accumulate);
}

function madd(acc: v128, x: v128, y: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(x, y, acc);
  } else {
    return f32x4.add(acc, f32x4.mul(x, y));
  }
}
