import assert from 'node:assert/strict';
import { BatchNorm } from '../../src/engine/layers/batchnorm';
import { Rng } from '../../src/engine/rng';
import { Tensor } from '../../src/engine/tensor';
import { expectGradients, gradcheckLayer } from './helpers/gradcheck';

const train = { train: true, rng: new Rng(0) };
const evaluate = { train: false, rng: new Rng(0) };

/** Random input N(mean, std²) per element, in float64. */
function input(shape: number[], seed: number, mean = 1, std = 2): Tensor {
  const t = Tensor.zeros(shape, 'float64');
  new Rng(seed).fillNormal(t.data, std);
  for (let i = 0; i < t.size; i++) t.data[i] += mean;
  return t;
}

/** Mean and biased variance of each channel of (N, C, S) data. */
function channelStats(
  data: ArrayLike<number>,
  n: number,
  c: number,
  s: number,
): { mean: number[]; variance: number[] } {
  const mean: number[] = [];
  const variance: number[] = [];
  for (let j = 0; j < c; j++) {
    const v: number[] = [];
    for (let i = 0; i < n; i++) for (let k = 0; k < s; k++) v.push(data[(i * c + j) * s + k]);
    const m = v.reduce((a, b) => a + b, 0) / v.length;
    mean.push(m);
    variance.push(v.reduce((a, b) => a + (b - m) * (b - m), 0) / v.length);
  }
  return { mean, variance };
}

function randomizeAffine(layer: BatchNorm, seed: number): void {
  const rng = new Rng(seed);
  for (let j = 0; j < layer.channels; j++) {
    layer.gamma.value.data[j] = rng.uniform(0.5, 1.5);
    layer.beta.value.data[j] = rng.normal();
  }
}

describe('BatchNorm', () => {
  const layouts = [
    { name: 'flat [5]', inShape: [5], n: 8, c: 5, s: 1 },
    { name: 'image [3, 4, 5]', inShape: [3, 4, 5], n: 4, c: 3, s: 20 },
  ];

  for (const { name, inShape, n, c, s } of layouts) {
    it(`${name}: training output has mean 0 and variance 1 per feature (γ = 1, β = 0)`, () => {
      const layer = new BatchNorm('bn1', inShape, 0.9, 1e-7, 'float64');
      assert.deepEqual(layer.gamma.value.shape, [c]);
      const x = input([n, ...inShape], 1);
      const y = layer.forward(x, train); // (N, ...inShape)
      const { mean, variance } = channelStats(y.data, n, c, s);
      for (let j = 0; j < c; j++) {
        assert.ok(Math.abs(mean[j]) < 1e-12, `mean ${mean[j]}`);
        assert.ok(Math.abs(variance[j] - 1) < 1e-6, `variance ${variance[j]}`);
      }
    });

    it(`${name}: running statistics move with momentum and evaluation uses them`, () => {
      const layer = new BatchNorm('bn1', inShape, 0.9, 1e-7, 'float64');
      randomizeAffine(layer, 2);
      assert.deepEqual(Array.from(layer.runningMean.data), new Array(c).fill(0));
      assert.deepEqual(Array.from(layer.runningVar.data), new Array(c).fill(1));
      const x1 = input([n, ...inShape], 3);
      const x2 = input([n, ...inShape], 4, -2, 0.5);
      const s1 = channelStats(x1.data, n, c, s);
      const s2 = channelStats(x2.data, n, c, s);
      layer.forward(x1, train);
      layer.forward(x2, train);
      for (let j = 0; j < c; j++) {
        const wantMean = 0.9 * (0.9 * 0 + 0.1 * s1.mean[j]) + 0.1 * s2.mean[j];
        const wantVar = 0.9 * (0.9 * 1 + 0.1 * s1.variance[j]) + 0.1 * s2.variance[j];
        assert.ok(Math.abs(layer.runningMean.data[j] - wantMean) < 1e-12, `running mean ${j}`);
        assert.ok(Math.abs(layer.runningVar.data[j] - wantVar) < 1e-12, `running var ${j}`);
      }
      const rm = Array.from(layer.runningMean.data);
      const rv = Array.from(layer.runningVar.data);
      const x3 = input([n, ...inShape], 5);
      const y = layer.forward(x3, evaluate);
      assert.deepEqual(Array.from(layer.runningMean.data), rm, 'evaluation leaves the running mean alone');
      assert.deepEqual(Array.from(layer.runningVar.data), rv, 'evaluation leaves the running variance alone');
      let worst = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < c; j++)
          for (let k = 0; k < s; k++) {
            const p = (i * c + j) * s + k;
            const g = layer.gamma.value.data[j];
            const b = layer.beta.value.data[j];
            const want = (g * (x3.data[p] - rm[j])) / Math.sqrt(rv[j] + 1e-7) + b;
            worst = Math.max(worst, Math.abs(y.data[p] - want));
          }
      assert.ok(worst < 1e-12, `evaluation output off by ${worst}`);
    });
  }

  const checks = [
    { name: 'flat [5], N=4', shape: [4, 5] },
    { name: 'flat [3], N=3', shape: [3, 3] },
    { name: 'image [2, 3, 4], N=3', shape: [3, 2, 3, 4] },
    { name: 'image [3, 2, 2], N=2', shape: [2, 3, 2, 2] },
  ];
  for (const { name, shape } of checks) {
    for (const mode of [train, evaluate]) {
      const modeName = mode.train ? 'train' : 'eval';
      it(`${name}: backward (${modeName}) matches numerical gradients for dx, gamma and beta`, () => {
        const layer = new BatchNorm('bn1', shape.slice(1), 0.9, 1e-7, 'float64');
        randomizeAffine(layer, 6);
        const rng = new Rng(7);
        for (let j = 0; j < layer.channels; j++) {
          layer.runningMean.data[j] = rng.normal();
          layer.runningVar.data[j] = rng.uniform(0.5, 2);
        }
        const x = input(shape, 8);
        expectGradients(`batchnorm ${name} ${modeName}`, gradcheckLayer(layer, x, { seed: 9, ctx: () => mode }));
      });
    }
  }

  it('flat, N=2: each normalised feature is ±1 up to eps, so dx shrinks by eps / (σ² + eps)', () => {
    const layer = new BatchNorm('bn1', [4], 0.9, 1e-7, 'float64');
    randomizeAffine(layer, 12);
    const x = input([2, 4], 13);
    layer.forward(x, train);
    const dy = input([2, 4], 14, 0, 1);
    const dx = layer.backward(dy);
    assert.ok(dx);
    let worst = 0;
    for (let j = 0; j < 4; j++) {
      // Two samples a, b: σ² = ((a − b) / 2)², x̂ = ±√(σ² / (σ² + eps)), and the full gradient reduces to
      // dx_a = −dx_b = γ / √(σ² + eps) · eps / (σ² + eps) · (dy_a − dy_b) / 2.
      const variance = ((x.data[j] - x.data[4 + j]) / 2) ** 2;
      const want =
        ((layer.gamma.value.data[j] / Math.sqrt(variance + 1e-7)) * 1e-7 * (dy.data[j] - dy.data[4 + j])) /
        2 /
        (variance + 1e-7);
      worst = Math.max(
        worst,
        Math.abs(dx.data[j] - want) / Math.abs(want),
        Math.abs(dx.data[4 + j] + want) / Math.abs(want),
      );
    }
    console.log(`      batchnorm flat N=2: dx against the closed form, relative error ${worst.toExponential(2)}`);
    assert.ok(worst < 1e-6, `relative error ${worst}`);
  });

  it('float32 agrees with float64 and skips dx when needDx is false', () => {
    const l64 = new BatchNorm('bn1', [2, 3, 3], 0.9, 1e-7, 'float64');
    const l32 = new BatchNorm('bn1', [2, 3, 3], 0.9, 1e-7, 'float32');
    const x = input([5, 2, 3, 3], 10);
    const y32 = l32.forward(x.to('float32'), train);
    const y64 = l64.forward(x, train);
    assert.ok(y32.data instanceof Float32Array);
    let worst = 0;
    for (let i = 0; i < y64.size; i++) worst = Math.max(worst, Math.abs(y32.data[i] - y64.data[i]));
    assert.ok(worst < 1e-5, `float32 off by ${worst}`);
    const dy = input([5, 2, 3, 3], 11, 0, 1);
    assert.equal(l64.backward(dy, false), undefined);
    const dbeta = Array.from(l64.beta.grad.data);
    const want = [0, 1].map((j) => {
      let sum = 0;
      for (let i = 0; i < 5; i++) for (let k = 0; k < 9; k++) sum += dy.data[(i * 2 + j) * 9 + k];
      return sum;
    });
    for (let j = 0; j < 2; j++) assert.ok(Math.abs(dbeta[j] - want[j]) < 1e-12);
    assert.deepEqual(
      l64.params().map((p) => [p.name, p.decay]),
      [
        ['bn1.gamma', false],
        ['bn1.beta', false],
      ],
    );
  });
});
