import assert from 'node:assert/strict';
import { convOutSize } from '../../src/engine/im2col';
import { Pooling, type PoolMode } from '../../src/engine/layers/pool';
import { relativeError } from '../../src/engine/numerical';
import { Rng } from '../../src/engine/rng';
import { Tensor } from '../../src/engine/tensor';
import { expectGradients, gradcheckLayer } from './helpers/gradcheck';

/** (N, C, H, W, FH, FW, stride, pad) */
type Case = [number, number, number, number, number, number, number, number];

const CASES: Case[] = [
  [2, 3, 6, 6, 2, 2, 2, 0], // SimpleConvNet's pooling
  [2, 2, 7, 7, 3, 3, 2, 1],
  [1, 2, 5, 6, 2, 3, 1, 0], // non-square, overlapping windows
  [2, 1, 7, 5, 3, 3, 3, 1],
  [1, 3, 4, 5, 3, 2, 1, 1],
];

function label([n, c, h, w, fh, fw, s, p]: Case): string {
  return `N=${n} C=${c} ${h}×${w} window ${fh}×${fw} stride ${s} pad ${p}`;
}

/**
 * Inputs with pairwise distinct values at least 0.01 apart (a shuffled ramp): no ties, and no two
 * values close enough for a ±1e-4 step to swap a maximum (a kink) in the numerical check.
 */
function distinctInput(shape: number[], seed: number): Tensor {
  const t = Tensor.zeros(shape, 'float64');
  const perm = new Rng(seed).permutation(t.size);
  for (let i = 0; i < t.size; i++) t.data[i] = (perm[i] - t.size / 2) * 0.01;
  return t;
}

/** Pooling window by window; max counts padding as −∞ and takes the first maximum, avg divides by FH·FW. */
function naivePool(mode: PoolMode, x: Tensor, dy: Tensor | undefined, [n, c, h, w, fh, fw, s, p]: Case) {
  const oh = convOutSize(h, fh, s, p);
  const ow = convOutSize(w, fw, s, p);
  const y = new Float64Array(n * c * oh * ow); // (N, C, OH, OW)
  const dx = new Float64Array(n * c * h * w); // (N, C, H, W)
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          const yi = ((i * c + ch) * oh + oy) * ow + ox;
          const cells: number[] = [];
          for (let ky = 0; ky < fh; ky++)
            for (let kx = 0; kx < fw; kx++) {
              const iy = oy * s - p + ky;
              const ix = ox * s - p + kx;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) cells.push(((i * c + ch) * h + iy) * w + ix);
            }
          const g = dy ? dy.data[yi] : 0;
          if (mode === 'max') {
            let best = cells[0];
            for (const k of cells) if (x.data[k] > x.data[best]) best = k;
            y[yi] = x.data[best];
            dx[best] += g;
          } else {
            y[yi] = cells.reduce((a, k) => a + x.data[k], 0) / (fh * fw);
            for (const k of cells) dx[k] += g / (fh * fw);
          }
        }
  return { y, dx };
}

describe('Pooling', () => {
  for (const mode of ['max', 'avg'] as const) {
    for (const cs of CASES) {
      const [n, c, h, w, fh, fw, s, p] = cs;
      const make = (): Pooling => new Pooling('pool1', [c, h, w], mode, [fh, fw], s, p, 'float64');

      it(`${mode}: forward and backward match the naive loops (${label(cs)})`, () => {
        const layer = make();
        const x = distinctInput([n, c, h, w], 1); // (N, C, H, W)
        const y = layer.forward(x); // (N, C, OH, OW)
        assert.deepEqual(y.shape, [n, c, convOutSize(h, fh, s, p), convOutSize(w, fw, s, p)]);
        const dy = Tensor.zeros(y.shape, 'float64'); // (N, C, OH, OW)
        new Rng(2).fillNormal(dy.data);
        const want = naivePool(mode, x, dy, cs);
        const dx = layer.backward(dy);
        assert.ok(dx);
        const ey = relativeError(y.data, want.y);
        const edx = relativeError(dx.data, want.dx);
        console.log(`      naive ${mode} ${label(cs)}: y ${ey.toExponential(2)}, dx ${edx.toExponential(2)}`);
        assert.ok(ey <= 1e-14 && edx <= 1e-14, `y ${ey}, dx ${edx}`);
      });

      it(`${mode}: backward matches numerical gradients (${label(cs)})`, () => {
        const x = distinctInput([n, c, h, w], 3);
        expectGradients(`${mode}-pool ${label(cs)}`, gradcheckLayer(make(), x, { seed: 4 }));
      });
    }
  }

  it('max: on ties the first maximum in window order wins and alone receives the gradient', () => {
    const layer = new Pooling('pool1', [1, 2, 4], 'max', [2, 2], 2, 0, 'float64');
    const x = Tensor.from([5, 5, 1, 7, 5, 5, 7, 7], [1, 1, 2, 4], 'float64');
    assert.deepEqual(Array.from(layer.forward(x).data), [5, 7]);
    const dx = layer.backward(Tensor.from([1, 2], [1, 1, 1, 2], 'float64'));
    assert.ok(dx);
    assert.deepEqual(Array.from(dx.data), [1, 0, 0, 2, 0, 0, 0, 0]);
  });

  it('max: padded cells never win, even over negative inputs', () => {
    const layer = new Pooling('pool1', [1, 2, 2], 'max', [2, 2], 1, 1, 'float64');
    const x = Tensor.from([-4, -3, -2, -1], [1, 1, 2, 2], 'float64');
    assert.deepEqual(Array.from(layer.forward(x).data), [-4, -3, -3, -2, -1, -1, -2, -1, -1]);
  });

  it('avg: padded cells count as zeros and the divisor is the full window size', () => {
    const layer = new Pooling('pool1', [1, 2, 2], 'avg', [2, 2], 1, 1, 'float64');
    const x = Tensor.from([4, 8, 12, 16], [1, 1, 2, 2], 'float64');
    assert.deepEqual(Array.from(layer.forward(x).data), [1, 3, 2, 4, 10, 6, 3, 7, 4]);
    const dx = layer.backward(Tensor.from(new Float64Array(9).fill(1), [1, 1, 3, 3], 'float64'));
    assert.ok(dx);
    assert.deepEqual(Array.from(dx.data), [1, 1, 1, 1]);
  });

  it('float32: the SimpleConvNet shape (30×24×24 → 30×12×12) matches float64', () => {
    const l32 = new Pooling('pool1', [30, 24, 24], 'max', [2, 2], 2, 0, 'float32');
    const l64 = new Pooling('pool1', [30, 24, 24], 'max', [2, 2], 2, 0, 'float64');
    const x = Tensor.zeros([4, 30, 24, 24], 'float64');
    new Rng(5).fillNormal(x.data);
    const x32 = x.to('float32');
    const y32 = l32.forward(x32);
    assert.deepEqual(y32.shape, [4, 30, 12, 12]);
    assert.deepEqual(y32.data, Float32Array.from(l64.forward(x32.to('float64')).data));
    const dy = Tensor.zeros(y32.shape, 'float32');
    new Rng(6).fillNormal(dy.data);
    const dx32 = l32.backward(dy);
    const dx64 = l64.backward(dy.to('float64'));
    assert.ok(dx32 && dx64);
    assert.deepEqual(dx32.data, Float32Array.from(dx64.data));
  });

  it('reuses its buffers, skips dx when needDx is false and validates its configuration', () => {
    const layer = new Pooling('pool1', [1, 4, 4], 'max', [2, 2], 2, 0, 'float64');
    const x = distinctInput([2, 1, 4, 4], 7);
    const y = layer.forward(x);
    assert.equal(layer.forward(x), y);
    assert.equal(layer.backward(y, false), undefined);
    assert.equal(layer.kind, 'pool');
    assert.deepEqual(layer.params(), []);
    assert.throws(() => new Pooling('p', [1, 4, 4], 'max', [2, 2], 2, 2, 'float64'), RangeError);
    assert.throws(() => new Pooling('p', [1, 4, 4], 'avg', [5, 5], 1, 0, 'float64'), RangeError);
    assert.throws(() => new Pooling('p', [16], 'avg', [2, 2], 2, 0, 'float64'), RangeError);
  });
});
