import assert from 'node:assert/strict';
import { Dropout } from '../../src/engine/layers/dropout';
import { Rng } from '../../src/engine/rng';
import { Tensor } from '../../src/engine/tensor';
import { expectGradients, gradcheckLayer } from './helpers/gradcheck';

function ones(shape: number[], dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const t = Tensor.zeros(shape, dtype);
  t.data.fill(1);
  return t;
}

function randomTensor(shape: number[], seed: number): Tensor {
  const t = Tensor.zeros(shape, 'float64');
  new Rng(seed).fillNormal(t.data);
  return t;
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

describe('Dropout', () => {
  it('inverted: training scales kept units by 1/(1 − ratio), preserving the mean; evaluation is the identity', () => {
    const layer = new Dropout('dropout1', [1000], 0.3, true, 'float64');
    const x = ones([100, 1000]); // (N, D), 100 000 units
    const y = layer.forward(x, { train: true, rng: new Rng(1) });
    const kept = mean(layer.lastMask);
    const m = mean(y.data);
    console.log(`      inverted dropout ratio 0.3: kept ${kept.toFixed(4)}, output mean ${m.toFixed(4)}`);
    assert.ok(Math.abs(kept - 0.7) < 0.01, `kept fraction ${kept}`);
    assert.ok(Math.abs(m - 1) < 0.015, `output mean ${m}`);
    for (let i = 0; i < y.size; i++) assert.equal(y.data[i], layer.lastMask[i] ? 1 / 0.7 : 0);
    const xe = randomTensor([4, 1000], 2);
    assert.deepEqual(layer.forward(xe, { train: false, rng: new Rng(1) }).data, xe.data);
  });

  it("not inverted (the book's): training keeps units unscaled; evaluation multiplies by (1 − ratio)", () => {
    const layer = new Dropout('dropout1', [1000], 0.5, false, 'float64');
    const x = ones([100, 1000]);
    const y = layer.forward(x, { train: true, rng: new Rng(3) });
    const m = mean(y.data);
    console.log(`      book dropout ratio 0.5: output mean ${m.toFixed(4)} (expected 0.5)`);
    assert.ok(Math.abs(m - 0.5) < 0.01, `output mean ${m}`);
    for (let i = 0; i < y.size; i++) assert.equal(y.data[i], layer.lastMask[i]);
    const xe = randomTensor([4, 1000], 4);
    const ye = layer.forward(xe, { train: false, rng: new Rng(3) });
    for (let i = 0; i < xe.size; i++) assert.equal(ye.data[i], xe.data[i] * 0.5);
  });

  it('draws the mask from ctx.rng in order, keeping a unit when rng.random() > ratio', () => {
    const a = new Dropout('dropout1', [50], 0.4, true, 'float32');
    const b = new Dropout('dropout2', [50], 0.4, true, 'float32');
    const x = ones([8, 50], 'float32');
    a.forward(x, { train: true, rng: new Rng(42) });
    const maskA = a.lastMask.slice();
    b.forward(x, { train: true, rng: new Rng(42) });
    assert.deepEqual(b.lastMask, maskA, 'same seed, same mask');
    const ref = new Rng(42);
    assert.deepEqual(
      maskA,
      Uint8Array.from({ length: 400 }, () => (ref.random() > 0.4 ? 1 : 0)),
    );
    b.forward(x, { train: true, rng: new Rng(43) });
    assert.notDeepEqual(b.lastMask, maskA, 'another seed, another mask');
    const rng = new Rng(7);
    a.forward(x, { train: false, rng });
    assert.equal(rng.random(), new Rng(7).random(), 'evaluation draws nothing');
  });

  for (const inverted of [true, false]) {
    const name = inverted ? 'inverted' : 'not inverted';

    it(`${name}: backward is dy · mask · scale in training and dy · (eval factor) in evaluation`, () => {
      const layer = new Dropout('dropout1', [3, 4, 4], 0.25, inverted, 'float64');
      const x = randomTensor([5, 3, 4, 4], 5); // (N, C, H, W)
      const dy = randomTensor([5, 3, 4, 4], 6);
      const dyCopy = dy.data.slice();
      layer.forward(x, { train: true, rng: new Rng(8) });
      const dx = layer.backward(dy);
      assert.ok(dx);
      assert.deepEqual(dx.shape, dy.shape);
      assert.deepEqual(dy.data, dyCopy, 'dy is not mutated');
      const scale = inverted ? 1 / 0.75 : 1;
      for (let i = 0; i < dy.size; i++) assert.equal(dx.data[i], layer.lastMask[i] ? dy.data[i] * scale : 0);
      layer.forward(x, { train: false, rng: new Rng(8) });
      const dxe = layer.backward(dy);
      assert.ok(dxe);
      for (let i = 0; i < dy.size; i++) assert.equal(dxe.data[i], dy.data[i] * (inverted ? 1 : 0.75));
      assert.equal(layer.backward(dy, false), undefined);
    });

    it(`${name}: backward matches numerical gradients with a fixed mask`, () => {
      const layer = new Dropout('dropout1', [6], 0.5, inverted, 'float64');
      const x = randomTensor([4, 6], 9);
      const errors = gradcheckLayer(layer, x, { seed: 10, ctx: () => ({ train: true, rng: new Rng(11) }) });
      expectGradients(`dropout ${name} train`, errors);
      const evalErrors = gradcheckLayer(layer, x, { seed: 10, ctx: () => ({ train: false, rng: new Rng(11) }) });
      expectGradients(`dropout ${name} eval`, evalErrors);
    });
  }

  it('ratio 0 keeps everything and invalid ratios are rejected', () => {
    const layer = new Dropout('dropout1', [10], 0, true, 'float64');
    const x = randomTensor([3, 10], 12);
    assert.deepEqual(layer.forward(x, { train: true, rng: new Rng(1) }).data, x.data);
    assert.equal(layer.kind, 'dropout');
    assert.deepEqual(layer.params(), []);
    assert.throws(() => new Dropout('d', [10], 1, true, 'float64'), RangeError);
    assert.throws(() => new Dropout('d', [10], -0.1, false, 'float64'), RangeError);
    assert.throws(() => new Dropout('d', [10], Number.NaN, true, 'float64'), RangeError);
  });
});
