import assert from 'node:assert/strict';
import { Relu, Sigmoid, Tanh } from '../../src/engine/layers/activations';
import { Affine } from '../../src/engine/layers/affine';
import { Flatten } from '../../src/engine/layers/flatten';
import type { ForwardContext, Layer } from '../../src/engine/layers/layer';
import { MeanSquaredLoss, SoftmaxWithLoss, type LossLayer, type Targets } from '../../src/engine/layers/loss';
import { numericalGradient, relativeError } from '../../src/engine/numerical';
import { Rng } from '../../src/engine/rng';
import { Tensor } from '../../src/engine/tensor';
import { expectGradients, gradcheckLayer } from './helpers/gradcheck';

const CTX: ForwardContext = { train: true, rng: new Rng(0) };
const BOUND = 1e-7;

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

function randomTensor(shape: number[], seed: number, std = 1): Tensor {
  const t = Tensor.zeros(shape, 'float64');
  new Rng(seed).fillNormal(t.data, std);
  return t;
}

/** Moves values away from 0 so a step of 1e-4 never crosses ReLU's kink. */
function awayFromZero(t: Tensor, margin = 0.05): Tensor {
  for (let i = 0; i < t.size; i++) if (Math.abs(t.data[i]) < margin) t.data[i] = t.data[i] < 0 ? -margin : margin;
  return t;
}

/** An affine layer in float64 with random weights and (if any) random biases. */
function affine(inShape: number[], units: number, seed: number, bias = true): Affine {
  const layer = new Affine('affine1', inShape, units, { std: 0.5 }, 'float64', new Rng(seed), bias);
  if (layer.b) new Rng(seed + 1).fillNormal(layer.b.value.data);
  return layer;
}

/** Relative error of a loss layer's backward against numerical d loss / d y; prints it. */
function checkLoss(label: string, loss: LossLayer, y: Tensor, t: Targets): number {
  loss.forward(y, t);
  const analytic = Float64Array.from(loss.backward().data);
  const numeric = numericalGradient(() => loss.forward(y, t), y.data);
  const err = relativeError(analytic, numeric);
  console.log(`      gradcheck ${label} dy: relative error ${err.toExponential(2)}`);
  assert.ok(err <= BOUND, `${label}: relative error ${err} exceeds ${BOUND}`);
  return err;
}

describe('layers', () => {
  describe('Affine', () => {
    it('forward and backward on a hand-computed 2×2 → 3 example', () => {
      const layer = new Affine('affine1', [2], 3, { std: 1 }, 'float64', new Rng(0));
      layer.W.value.data.set([1, 0, -1, 0.5, 2, 1]); // W = [[1, 0, −1], [0.5, 2, 1]]
      layer.b!.value.data.set([0.1, 0.2, 0.3]);
      const x = Tensor.from([1, 2, 3, 4], [2, 2], 'float64');
      const y = layer.forward(x);
      assert.deepEqual(y.shape, [2, 3]);
      // [1·1 + 2·0.5 + 0.1, 1·0 + 2·2 + 0.2, −1 + 2 + 0.3] and [3 + 2 + 0.1, 0 + 8 + 0.2, −3 + 4 + 0.3]
      close(y.data, [2.1, 4.2, 1.3, 5.1, 8.2, 1.3], 1e-15, 'y');
      const dy = Tensor.from([1, 0, 0, 0, 1, 1], [2, 3], 'float64');
      const dx = layer.backward(dy)!;
      // dW = xᵀ·dy = [[1, 3, 3], [2, 4, 4]]; db = column sums = [1, 1, 1]
      assert.deepEqual(Array.from(layer.W.grad.data), [1, 3, 3, 2, 4, 4]);
      assert.deepEqual(Array.from(layer.b!.grad.data), [1, 1, 1]);
      // dx = dy·Wᵀ: row 0 = W[:, 0] = [1, 0.5]; row 1 = W[:, 1] + W[:, 2] = [−1, 3]
      assert.deepEqual(dx.shape, [2, 2]);
      assert.deepEqual(Array.from(dx.data), [1, 0.5, -1, 3]);
      // parameters are named after the layer and only W decays
      assert.deepEqual(
        layer.params().map((p) => [p.name, p.decay]),
        [
          ['affine1.W', true],
          ['affine1.b', false],
        ],
      );
      assert.deepEqual(layer.W.value.shape, [2, 3]);
    });

    it('repeated forwards give the same output (the reused buffer is overwritten, not accumulated)', () => {
      const layer = affine([4], 3, 11);
      const x = randomTensor([5, 4], 12);
      const first = Float64Array.from(layer.forward(x).data);
      const second = layer.forward(x);
      assert.deepEqual(second.data, first);
    });

    it('backward matches numerical gradients (dx, W, b)', () => {
      const layer = affine([6], 4, 3);
      expectGradients('affine 6→4', gradcheckLayer(layer, randomTensor([5, 6], 4)));
    });

    it('flattens an N-D (N, C, H, W) input and returns dx in the input shape', () => {
      const layer = affine([2, 3, 4], 5, 21);
      assert.equal(layer.inputs, 24);
      assert.deepEqual(layer.W.value.shape, [24, 5]);
      const x = randomTensor([3, 2, 3, 4], 22);
      const y = layer.forward(x);
      assert.deepEqual(y.shape, [3, 5]);
      // same as the affine of the flattened input
      const flat = affine([24], 5, 21);
      close(y.data, flat.forward(x.reshape([3, 24])).data, 0, 'N-D vs flat');
      const dx = layer.backward(randomTensor([3, 5], 23))!;
      assert.deepEqual(dx.shape, [3, 2, 3, 4]);
      expectGradients('affine (2,3,4)→5', gradcheckLayer(layer, x));
    });

    it('without bias: only W, y = x·W, gradients check', () => {
      const layer = affine([4], 3, 31, false);
      assert.equal(layer.b, undefined);
      assert.deepEqual(
        layer.params().map((p) => p.name),
        ['affine1.W'],
      );
      const x = randomTensor([2, 4], 32);
      const y = layer.forward(x);
      const w = layer.W.value.data;
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 3; j++) {
          let s = 0;
          for (let p = 0; p < 4; p++) s += x.data[i * 4 + p] * w[p * 3 + j];
          assert.ok(Math.abs(y.get(i, j) - s) < 1e-14);
        }
      expectGradients('affine no bias', gradcheckLayer(layer, x));
    });

    it('skips dx when needDx is false but still fills the parameter gradients', () => {
      const layer = affine([3], 2, 41);
      layer.forward(randomTensor([2, 3], 42));
      layer.W.grad.data.fill(NaN);
      assert.equal(layer.backward(randomTensor([2, 2], 43), false), undefined);
      assert.ok(layer.W.grad.data.every((v) => Number.isFinite(v)));
      assert.throws(() => affine([3], 2, 1).backward(randomTensor([2, 2], 1)), /backward before forward/);
    });
  });

  describe('activations', () => {
    it('Relu forward, backward by hand, and it does not mutate dy', () => {
      const layer = new Relu('relu1', [4], 'float64');
      const y = layer.forward(Tensor.from([-1, 0, 2, 0.5], [1, 4], 'float64'));
      assert.deepEqual(Array.from(y.data), [0, 0, 2, 0.5]);
      const dy = Tensor.from([5, 6, 7, 8], [1, 4], 'float64');
      const dx = layer.backward(dy)!;
      assert.deepEqual(Array.from(dx.data), [0, 0, 7, 8]);
      assert.deepEqual(Array.from(dy.data), [5, 6, 7, 8], 'Relu.backward must not write into dy');
      assert.notEqual(dx.data, dy.data);
      assert.deepEqual(layer.params(), []);
      assert.equal(layer.backward(dy, false), undefined);
      // NaN passes through (as np.maximum and the book's mask = x <= 0 do), so a diverging run shows it
      const nan = layer.forward(Tensor.from([NaN, -1, 1, 0], [1, 4], 'float64'));
      assert.ok(Number.isNaN(nan.data[0]));
      assert.deepEqual(Array.from(nan.data.subarray(1)), [0, 1, 0]);
    });

    it('Relu backward matches numerical gradients on an N-D input', () => {
      const layer = new Relu('relu1', [2, 3, 3], 'float64');
      expectGradients('relu', gradcheckLayer(layer, awayFromZero(randomTensor([2, 2, 3, 3], 51))));
    });

    it('Sigmoid forward and backward by hand, then numerically', () => {
      const layer = new Sigmoid('sigmoid1', [3], 'float64');
      const y = layer.forward(Tensor.from([0, Math.log(3), -Math.log(3)], [1, 3], 'float64'));
      // σ(0) = 1/2, σ(ln 3) = 3/4, σ(−ln 3) = 1/4
      close(y.data, [0.5, 0.75, 0.25], 1e-15, 'sigmoid');
      const dy = Tensor.from([1, 2, 4], [1, 3], 'float64');
      const dx = layer.backward(dy)!;
      // dy·y(1 − y): 1·¼, 2·3/16, 4·3/16
      close(dx.data, [0.25, 0.375, 0.75], 1e-15, 'sigmoid dx');
      assert.deepEqual(Array.from(dy.data), [1, 2, 4]);
      expectGradients('sigmoid', gradcheckLayer(new Sigmoid('sigmoid1', [7], 'float64'), randomTensor([4, 7], 52, 2)));
    });

    it('Tanh forward and backward by hand, then numerically', () => {
      const layer = new Tanh('tanh1', [2], 'float64');
      const y = layer.forward(Tensor.from([0, Math.atanh(0.5)], [1, 2], 'float64'));
      close(y.data, [0, 0.5], 1e-15, 'tanh');
      const dx = layer.backward(Tensor.from([3, 2], [1, 2], 'float64'))!;
      // dy·(1 − y²): 3·1, 2·0.75
      close(dx.data, [3, 1.5], 1e-15, 'tanh dx');
      expectGradients('tanh', gradcheckLayer(new Tanh('tanh1', [7], 'float64'), randomTensor([4, 7], 53, 2)));
    });
  });

  describe('Flatten', () => {
    it('reshapes (N, C, H, W) to (N, C·H·W) without copying; dx takes the input shape', () => {
      const layer = new Flatten('flatten1', [2, 2, 3], 'float64');
      assert.deepEqual(layer.outShape, [12]);
      const x = Tensor.from(
        Array.from({ length: 24 }, (_, i) => i),
        [2, 2, 2, 3],
        'float64',
      );
      const y = layer.forward(x);
      assert.deepEqual(y.shape, [2, 12]);
      assert.equal(y.data, x.data);
      assert.equal(y.get(1, 5), 17);
      const dy = Tensor.from(
        Array.from({ length: 24 }, (_, i) => -i),
        [2, 12],
        'float64',
      );
      const dx = layer.backward(dy)!;
      assert.deepEqual(dx.shape, [2, 2, 2, 3]);
      assert.deepEqual(Array.from(dx.data), Array.from(dy.data));
      assert.equal(layer.backward(dy, false), undefined);
      expectGradients('flatten', gradcheckLayer(layer, randomTensor([2, 2, 2, 3], 61)));
    });
  });

  describe('SoftmaxWithLoss', () => {
    it('forward and backward on a hand-computed batch', () => {
      const loss = new SoftmaxWithLoss('float64');
      // row 0: equal scores → p = 1/3 each, label 1 → −ln(1/3) = ln 3
      // row 1: scores (0, ln 2, ln 5) → p = (1/8, 2/8, 5/8), label 2 → −ln(5/8)
      const y = Tensor.from([0, 0, 0, 0, Math.log(2), Math.log(5)], [2, 3], 'float64');
      const l = loss.forward(y, Int32Array.of(1, 2));
      assert.ok(Math.abs(l - (Math.log(3) - Math.log(5 / 8)) / 2) < 1e-15, `${l}`);
      close(loss.probs!.data, [1 / 3, 1 / 3, 1 / 3, 1 / 8, 2 / 8, 5 / 8], 1e-15, 'probs');
      // (p − t) / N
      close(loss.backward().data, [1 / 6, -1 / 3, 1 / 6, 1 / 16, 1 / 8, -3 / 16], 1e-15, 'grad');
    });

    it('labels and one-hot targets give the same loss and gradient', () => {
      const y = randomTensor([4, 5], 71, 3);
      const labels = Uint8Array.of(0, 4, 2, 2);
      const onehot = Tensor.zeros([4, 5], 'float64');
      labels.forEach((l, r) => (onehot.data[r * 5 + l] = 1));
      const a = new SoftmaxWithLoss('float64');
      const b = new SoftmaxWithLoss('float64');
      const la = a.forward(y, labels);
      const lb = b.forward(y, onehot);
      assert.ok(Math.abs(la - lb) < 1e-15, `${la} vs ${lb}`);
      close(a.backward().data, b.backward().data, 1e-17, 'grad labels vs one-hot');
    });

    it('does not overflow on large scores', () => {
      const loss = new SoftmaxWithLoss('float64');
      const l = loss.forward(Tensor.from([1010, 1000, 990], [1, 3], 'float64'), Int32Array.of(1));
      // −log softmax = 1010 + log(1 + e^−10 + e^−20) − 1000
      assert.ok(Math.abs(l - (10 + Math.log(1 + Math.exp(-10) + Math.exp(-20)))) < 1e-12, `${l}`);
      assert.ok(loss.backward().data.every((v) => Number.isFinite(v)));
    });

    it('backward matches numerical gradients (labels and soft targets)', () => {
      checkLoss(
        'softmax-with-loss labels',
        new SoftmaxWithLoss('float64'),
        randomTensor([3, 6], 72),
        Int32Array.of(5, 0, 3),
      );
      const soft = Tensor.zeros([3, 6], 'float64');
      const r = new Rng(73);
      for (let i = 0; i < 3; i++) {
        let s = 0;
        for (let j = 0; j < 6; j++) s += soft.data[i * 6 + j] = r.random();
        for (let j = 0; j < 6; j++) soft.data[i * 6 + j] /= s;
      }
      checkLoss('softmax-with-loss one-hot/soft', new SoftmaxWithLoss('float64'), randomTensor([3, 6], 74), soft);
    });

    it('refuses bad targets and backward before forward', () => {
      const loss = new SoftmaxWithLoss('float64');
      assert.throws(() => loss.backward(), /backward before forward/);
      const y = randomTensor([2, 3], 75);
      assert.throws(() => loss.forward(y, Int32Array.of(0, 3)), /label 3 at row 1 is outside 0..2/);
      assert.throws(() => loss.forward(y, Int32Array.of(0)), /1 targets for 2 rows/);
      assert.throws(() => loss.forward(y, Tensor.zeros([2, 2], 'float64')), /4 targets for 2 rows/);
    });
  });

  describe('MeanSquaredLoss', () => {
    it('½ Σ (y − t)² / N with gradient (y − t) / N, by hand and numerically', () => {
      const loss = new MeanSquaredLoss('float64');
      const y = Tensor.from([1, 2, 3, 4], [2, 2], 'float64');
      const t = Tensor.from([0, 2, 1, 1], [2, 2], 'float64');
      // ½ (1 + 0 + 4 + 9) / 2 = 3.5
      assert.equal(loss.forward(y, t), 3.5);
      assert.deepEqual(Array.from(loss.backward().data), [0.5, 0, 1, 1.5]);
      checkLoss('mse', new MeanSquaredLoss('float64'), randomTensor([4, 3], 81), randomTensor([4, 3], 82));
      assert.throws(() => loss.forward(y, Int32Array.of(1, 0)), /targets must be a tensor of 4 values/);
    });
  });

  it('forward contexts are accepted by every layer (train and eval give the same result here)', () => {
    const x = randomTensor([2, 3], 91);
    const layers: Layer[] = [
      affine([3], 2, 92),
      new Relu('relu1', [3], 'float64'),
      new Sigmoid('s', [3], 'float64'),
      new Tanh('t', [3], 'float64'),
    ];
    for (const layer of layers) {
      const a = Float64Array.from(layer.forward(x, CTX).data);
      const b = layer.forward(x, { train: false, rng: new Rng(5) }).data;
      assert.deepEqual(b, a);
    }
  });
});
