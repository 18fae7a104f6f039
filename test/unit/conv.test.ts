import assert from 'node:assert/strict';
import { convOutSize } from '../../src/engine/im2col';
import { Convolution } from '../../src/engine/layers/conv';
import { relativeError } from '../../src/engine/numerical';
import { Rng } from '../../src/engine/rng';
import { Tensor } from '../../src/engine/tensor';
import { expectGradients, gradcheckLayer } from './helpers/gradcheck';

/** (N, C, H, W, F, FH, FW, stride, pad) */
type Case = [number, number, number, number, number, number, number, number, number];

const CASES: Case[] = [
  [2, 1, 5, 5, 2, 3, 3, 1, 0],
  [2, 3, 6, 7, 4, 3, 2, 2, 1],
  [3, 2, 5, 4, 3, 2, 2, 1, 1],
  [1, 2, 7, 7, 2, 5, 5, 2, 2],
  [2, 2, 4, 6, 3, 1, 3, 3, 0],
];

function label([n, c, h, w, f, fh, fw, s, p]: Case): string {
  return `N=${n} C=${c} ${h}×${w} F=${f} kernel ${fh}×${fw} stride ${s} pad ${p}`;
}

function randomTensor(shape: number[], seed: number): Tensor {
  const t = Tensor.zeros(shape, 'float64');
  new Rng(seed).fillNormal(t.data);
  return t;
}

/** A layer of the case with random (non-zero) biases, in float64. */
function makeLayer([, c, h, w, f, fh, fw, s, p]: Case, seed = 5): Convolution {
  const layer = new Convolution('conv1', [c, h, w], f, [fh, fw], s, p, { std: 0.5 }, 'float64', new Rng(seed));
  new Rng(seed + 1).fillNormal(layer.b.value.data);
  return layer;
}

/** Direct convolution (cross-correlation) with zero padding: forward and backward, loop by loop. */
function naiveConv(x: Tensor, wt: Tensor, b: Tensor, dy: Tensor | undefined, [n, c, h, w, f, fh, fw, s, p]: Case) {
  const oh = convOutSize(h, fh, s, p);
  const ow = convOutSize(w, fw, s, p);
  const y = new Float64Array(n * f * oh * ow); // (N, F, OH, OW)
  const dx = new Float64Array(n * c * h * w); // (N, C, H, W)
  const dw = new Float64Array(f * c * fh * fw); // (F, C, FH, FW)
  const db = new Float64Array(f); // (F)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < f; j++)
      for (let oy = 0; oy < oh; oy++)
        for (let ox = 0; ox < ow; ox++) {
          const yi = ((i * f + j) * oh + oy) * ow + ox;
          const g = dy ? dy.data[yi] : 0;
          let acc = b.data[j];
          db[j] += g;
          for (let ch = 0; ch < c; ch++)
            for (let ky = 0; ky < fh; ky++)
              for (let kx = 0; kx < fw; kx++) {
                const iy = oy * s - p + ky;
                const ix = ox * s - p + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                const xi = ((i * c + ch) * h + iy) * w + ix;
                const wi = ((j * c + ch) * fh + ky) * fw + kx;
                acc += wt.data[wi] * x.data[xi];
                dw[wi] += g * x.data[xi];
                dx[xi] += g * wt.data[wi];
              }
          y[yi] = acc;
        }
  return { y, dx, dw, db };
}

describe('Convolution', () => {
  for (const cs of CASES) {
    const [n, c, h, w, f, fh, fw, s, p] = cs;

    it(`forward and backward match a direct convolution (${label(cs)})`, () => {
      const layer = makeLayer(cs);
      const x = randomTensor([n, c, h, w], 2); // (N, C, H, W)
      const y = layer.forward(x); // (N, F, OH, OW)
      assert.deepEqual(y.shape, [n, ...layer.outShape]);
      assert.deepEqual(layer.outShape, [f, convOutSize(h, fh, s, p), convOutSize(w, fw, s, p)]);
      const dy = randomTensor(y.shape.slice(), 3); // (N, F, OH, OW)
      const want = naiveConv(x, layer.W.value, layer.b.value, dy, cs);
      const dx = layer.backward(dy);
      assert.ok(dx);
      const errs = {
        y: relativeError(y.data, want.y),
        dx: relativeError(dx.data, want.dx),
        dW: relativeError(layer.W.grad.data, want.dw),
        db: relativeError(layer.b.grad.data, want.db),
      };
      console.log(
        `      direct ${label(cs)}: ${Object.entries(errs)
          .map(([k, e]) => `${k} ${e.toExponential(2)}`)
          .join(', ')}`,
      );
      for (const [k, e] of Object.entries(errs)) assert.ok(e <= 1e-13, `${k}: relative error ${e}`);
    });

    it(`backward matches numerical gradients (${label(cs)})`, () => {
      const layer = makeLayer(cs);
      const x = randomTensor([n, c, h, w], 4);
      expectGradients(`conv ${label(cs)}`, gradcheckLayer(layer, x, { seed: 9 }));
    });
  }

  it('float32 agrees with float64', () => {
    const cs: Case = [2, 3, 8, 8, 4, 3, 3, 1, 1];
    const l64 = makeLayer(cs);
    const l32 = new Convolution('conv1', [3, 8, 8], 4, [3, 3], 1, 1, { std: 0.5 }, 'float32', new Rng(5));
    l32.b.value.data.set(l64.b.value.data);
    assert.deepEqual(l32.W.value.data, Float32Array.from(l64.W.value.data));
    const x = randomTensor([2, 3, 8, 8], 2);
    const y32 = l32.forward(x.to('float32'));
    assert.ok(y32.data instanceof Float32Array);
    const err = relativeError(y32.data, l64.forward(x).data);
    const dy = randomTensor(y32.shape.slice(), 3);
    const dx32 = l32.backward(dy.to('float32'));
    const dx64 = l64.backward(dy);
    assert.ok(dx32 && dx64);
    const errDx = relativeError(dx32.data, dx64.data);
    const errDw = relativeError(l32.W.grad.data, l64.W.grad.data);
    console.log(
      `      float32 vs float64: y ${err.toExponential(2)}, dx ${errDx.toExponential(2)}, dW ${errDw.toExponential(2)}`,
    );
    for (const e of [err, errDx, errDw]) assert.ok(e <= 1e-6, `relative error ${e}`);
  });

  it('skips dx when needDx is false but still fills the parameter gradients', () => {
    const cs: Case = [2, 2, 5, 5, 3, 3, 3, 1, 1];
    const layer = makeLayer(cs);
    const x = randomTensor([2, 2, 5, 5], 2);
    const dy = randomTensor([2, ...layer.outShape], 3);
    layer.forward(x);
    assert.equal(layer.backward(dy, false), undefined);
    const want = naiveConv(x, layer.W.value, layer.b.value, dy, cs);
    assert.ok(relativeError(layer.W.grad.data, want.dw) <= 1e-13);
    assert.ok(relativeError(layer.b.grad.data, want.db) <= 1e-13);
  });

  it('reuses its buffers for equal batch sizes and overwrites gradients on each backward', () => {
    const layer = makeLayer([2, 1, 6, 6, 2, 3, 3, 1, 0]);
    const x = randomTensor([2, 1, 6, 6], 2);
    const dy = randomTensor([2, ...layer.outShape], 3);
    const y1 = layer.forward(x);
    const dx1 = layer.backward(dy);
    const dw1 = layer.W.grad.data.slice();
    assert.equal(layer.forward(x), y1);
    assert.equal(layer.backward(dy), dx1);
    assert.deepEqual(layer.W.grad.data, dw1, 'gradients are overwritten, not accumulated');
    const y3 = layer.forward(randomTensor([3, 1, 6, 6], 4));
    assert.notEqual(y3, y1);
    assert.deepEqual(y3.shape, [3, 2, 4, 4]);
  });

  it('exposes its hyperparameters and parameters, initialised with fan-in C·FH·FW', () => {
    const layer = new Convolution('conv1', [3, 12, 12], 64, [5, 5], 2, 1, 'he', 'float32', new Rng(1));
    assert.equal(layer.kind, 'conv');
    assert.equal(layer.filters, 64);
    assert.deepEqual(layer.kernel, [5, 5]);
    assert.equal(layer.stride, 2);
    assert.equal(layer.pad, 1);
    assert.deepEqual(layer.outShape, [64, 5, 5]);
    assert.deepEqual(layer.W.value.shape, [64, 3, 5, 5]);
    assert.deepEqual(layer.b.value.shape, [64]);
    assert.deepEqual(
      layer.params().map((q) => [q.name, q.decay]),
      [
        ['conv1.W', true],
        ['conv1.b', false],
      ],
    );
    const wd = layer.W.value.data;
    let ss = 0;
    for (const v of wd) ss += v * v;
    const std = Math.sqrt(ss / wd.length);
    const want = Math.sqrt(2 / 75);
    console.log(`      He init: std ${std.toFixed(4)}, expected ${want.toFixed(4)}`);
    assert.ok(Math.abs(std - want) / want < 0.05, `std ${std}`);
    assert.ok(layer.b.value.data.every((v) => v === 0));
  });

  it('rejects inputs that are not (C, H, W) and kernels that do not fit', () => {
    const rng = new Rng(1);
    assert.throws(() => new Convolution('c', [784], 2, [3, 3], 1, 0, 'he', 'float32', rng), RangeError);
    assert.throws(() => new Convolution('c', [1, 4, 4], 2, [5, 5], 1, 0, 'he', 'float32', rng), RangeError);
  });
});
