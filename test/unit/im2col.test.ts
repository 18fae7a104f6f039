import assert from 'node:assert/strict';
import { col2im, convOutSize, im2col } from '../../src/engine/im2col';
import { Rng } from '../../src/engine/rng';

/** (N, C, H, W, FH, FW, stride, pad) */
type Case = [number, number, number, number, number, number, number, number];

const CASES: Case[] = [
  [2, 1, 5, 5, 3, 3, 1, 0],
  [2, 3, 7, 6, 3, 2, 2, 1],
  [1, 2, 4, 4, 2, 2, 2, 0],
  [3, 2, 6, 5, 5, 3, 1, 2],
  [2, 1, 8, 8, 3, 3, 3, 1],
  [1, 2, 5, 7, 1, 4, 2, 0],
  [1, 1, 3, 3, 2, 2, 1, 2], // pad ≥ kernel: some windows lie entirely in the padding
];

function label([n, c, h, w, fh, fw, s, p]: Case): string {
  return `N=${n} C=${c} ${h}×${w} kernel ${fh}×${fw} stride ${s} pad ${p}`;
}

function randn(n: number, seed: number): Float64Array {
  const a = new Float64Array(n);
  new Rng(seed).fillNormal(a);
  return a;
}

/** The book's layout written out literally: one loop per index, no clipping tricks. */
function naiveIm2col(x: Float64Array, [n, c, h, w, fh, fw, s, p]: Case): Float64Array {
  const oh = convOutSize(h, fh, s, p);
  const ow = convOutSize(w, fw, s, p);
  const k = c * fh * fw;
  const col = new Float64Array(n * oh * ow * k); // (N·OH·OW, C·FH·FW)
  for (let i = 0; i < n; i++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++)
          for (let ky = 0; ky < fh; ky++)
            for (let kx = 0; kx < fw; kx++) {
              const iy = oy * s - p + ky;
              const ix = ox * s - p + kx;
              const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
              const row = (i * oh + oy) * ow + ox;
              col[row * k + (ch * fh + ky) * fw + kx] = inside ? x[((i * c + ch) * h + iy) * w + ix] : 0;
            }
  return col;
}

function naiveCol2im(col: Float64Array, [n, c, h, w, fh, fw, s, p]: Case): Float64Array {
  const oh = convOutSize(h, fh, s, p);
  const ow = convOutSize(w, fw, s, p);
  const k = c * fh * fw;
  const x = new Float64Array(n * c * h * w); // (N, C, H, W)
  for (let i = 0; i < n; i++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++)
          for (let ky = 0; ky < fh; ky++)
            for (let kx = 0; kx < fw; kx++) {
              const iy = oy * s - p + ky;
              const ix = ox * s - p + kx;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              const row = (i * oh + oy) * ow + ox;
              x[((i * c + ch) * h + iy) * w + ix] += col[row * k + (ch * fh + ky) * fw + kx];
            }
  return x;
}

/** ⟨a, b⟩ and Σ|aᵢbᵢ|, the scale its rounding error is relative to. */
function dot(a: ArrayLike<number>, b: ArrayLike<number>): [number, number] {
  let s = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i] * b[i];
    m += Math.abs(a[i] * b[i]);
  }
  return [s, m];
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('im2col / col2im', () => {
  for (const cs of CASES) {
    const [n, c, h, w, fh, fw, s, p] = cs;
    const colLen = n * convOutSize(h, fh, s, p) * convOutSize(w, fw, s, p) * c * fh * fw;

    it(`im2col matches the naive loops (${label(cs)})`, () => {
      const x = randn(n * c * h * w, 1); // (N, C, H, W)
      const want = naiveIm2col(x, cs);
      assert.deepEqual(im2col(x, n, c, h, w, fh, fw, s, p), want);
      const out = new Float64Array(colLen).fill(Number.NaN); // stale contents must be overwritten
      assert.equal(im2col(x, n, c, h, w, fh, fw, s, p, out), out);
      assert.deepEqual(out, want);
      const got32 = im2col(Float32Array.from(x), n, c, h, w, fh, fw, s, p);
      assert.ok(got32 instanceof Float32Array);
      assert.deepEqual(got32, Float32Array.from(want));
    });

    it(`col2im matches the naive loops (${label(cs)})`, () => {
      const col = randn(colLen, 2); // (N·OH·OW, C·FH·FW)
      const want = naiveCol2im(col, cs);
      const out = new Float64Array(n * c * h * w).fill(Number.NaN);
      assert.equal(col2im(col, n, c, h, w, fh, fw, s, p, out), out);
      const err = maxAbsDiff(out, want);
      assert.ok(err <= 1e-12, `max |diff| ${err}`);
      const got32 = col2im(Float32Array.from(col), n, c, h, w, fh, fw, s, p);
      assert.ok(got32 instanceof Float32Array);
      const err32 = maxAbsDiff(got32, want);
      assert.ok(err32 <= 1e-5, `float32 max |diff| ${err32}`);
    });

    it(`col2im is the adjoint of im2col (${label(cs)})`, () => {
      const x = randn(n * c * h * w, 3); // (N, C, H, W)
      const y = randn(colLen, 4); // (N·OH·OW, C·FH·FW)
      const [lhs, scale] = dot(im2col(x, n, c, h, w, fh, fw, s, p), y);
      const [rhs] = dot(x, col2im(y, n, c, h, w, fh, fw, s, p));
      const rel = Math.abs(lhs - rhs) / scale;
      console.log(
        `      adjoint ${label(cs)}: <im2col x, y> = ${lhs.toFixed(6)}, relative gap ${rel.toExponential(2)}`,
      );
      assert.ok(rel <= 1e-13, `relative gap ${rel}`);
    });
  }

  it('rejects a window that does not fit and an output buffer that is too small', () => {
    const x = new Float64Array(9);
    assert.throws(() => im2col(x, 1, 1, 3, 3, 4, 4, 1, 0), RangeError);
    assert.throws(() => im2col(x, 1, 1, 3, 3, 2, 2, 1, 0, new Float64Array(15)), RangeError);
    assert.throws(() => col2im(new Float64Array(16), 1, 1, 3, 3, 2, 2, 1, 0, new Float64Array(8)), RangeError);
  });
});
