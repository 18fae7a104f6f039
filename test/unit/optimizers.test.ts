import assert from 'node:assert/strict';
import { makeParam, type Param } from '../../src/engine/layers/layer';
import {
  AdaGrad,
  Adam,
  DEFAULT_LR,
  Momentum,
  Nesterov,
  OPTIMIZER_EPS,
  RMSprop,
  SGD,
  createOptimizer,
  type Optimizer,
} from '../../src/engine/optimizers/optimizer';
import { Tensor } from '../../src/engine/tensor';

const EPS = 1e-7;

/** A float64 parameter w = (1, −2) with gradient g = (0.5, −1) unless told otherwise. */
function param(name = 'affine1.W', w = [1, -2], g = [0.5, -1]): Param {
  const p = makeParam(name.split('.')[0], name.split('.')[1], Tensor.from(w, [w.length], 'float64'), true);
  p.grad.data.set(g);
  return p;
}

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-12, what = ''): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('optimizers', () => {
  it('uses the book 1e-7 under square roots', () => {
    assert.equal(OPTIMIZER_EPS, EPS);
  });

  it('SGD: W ← W − lr·g', () => {
    const p = param();
    const opt = new SGD(0.1);
    opt.update([p]);
    // (1 − 0.1·0.5, −2 − 0.1·(−1)) = (0.95, −1.9)
    close(p.value.data, [0.95, -1.9], 1e-15, 'step 1');
    opt.update([p]);
    close(p.value.data, [0.9, -1.8], 1e-15, 'step 2');
    assert.deepEqual(Array.from(p.grad.data), [0.5, -1], 'the gradient is left alone');
  });

  it('Momentum: v ← αv − lr·g; W ← W + v (lr 0.1, α 0.9)', () => {
    const p = param();
    const opt = new Momentum(0.1, 0.9);
    opt.update([p]);
    // v = −0.1·(0.5, −1) = (−0.05, 0.1); W = (0.95, −1.9)
    close(p.value.data, [0.95, -1.9], 1e-15, 'step 1');
    opt.update([p]);
    // v = 0.9·(−0.05, 0.1) − (0.05, −0.1) = (−0.095, 0.19); W = (0.855, −1.71)
    close(p.value.data, [0.855, -1.71], 1e-15, 'step 2');
  });

  it("Nesterov (the book's form): v ← αv − lr·g; W ← W + α²v − (1 + α)·lr·g", () => {
    const p = param();
    const opt = new Nesterov(0.1, 0.9);
    opt.update([p]);
    // v = (−0.05, 0.1); W += 0.81·v − 1.9·0.1·g = (−0.0405, 0.081) − (0.095, −0.19) = (−0.1355, 0.271)
    close(p.value.data, [0.8645, -1.729], 1e-15, 'step 1');
    opt.update([p]);
    // v = (−0.095, 0.19); W += 0.81·v − (0.095, −0.19) = (−0.07695 − 0.095, 0.1539 + 0.19) = (−0.17195, 0.3439)
    close(p.value.data, [0.69255, -1.3851], 1e-14, 'step 2');
  });

  it('AdaGrad: h ← h + g²; W ← W − lr·g / (√h + ε)', () => {
    const p = param();
    const opt = new AdaGrad(0.1);
    opt.update([p]);
    // h = (0.25, 1); W = (1 − 0.1·0.5/(0.5 + ε), −2 + 0.1·1/(1 + ε)) = (0.90000002, −1.90000001)
    close(p.value.data, [1 - 0.05 / (0.5 + EPS), -2 + 0.1 / (1 + EPS)], 1e-15, 'step 1');
    close(p.value.data, [0.90000002, -1.90000001], 1e-13, 'step 1 (decimal)');
    opt.update([p]);
    // h = (0.5, 2); W −= 0.1·(0.5/√0.5, −1/√2) ≈ 0.1·(0.70710678, −0.70710678)
    close(
      p.value.data,
      [0.90000002 - 0.05 / (Math.SQRT1_2 + EPS), -1.90000001 + 0.1 / (Math.SQRT2 + EPS)],
      1e-13,
      'step 2',
    );
    close(p.value.data, [0.82928935, -1.82928934], 1e-8, 'step 2 (decimal)');
  });

  it('RMSprop: h ← ρh + (1 − ρ)g²; W ← W − lr·g / (√h + ε) (lr 0.1, ρ 0.99)', () => {
    const p = param();
    const opt = new RMSprop(0.1, 0.99);
    opt.update([p]);
    // h = 0.01·(0.25, 1) = (0.0025, 0.01); √h = (0.05, 0.1); W −= 0.1·(0.5/0.05, −1/0.1) = (1, −1) → ≈ (0, −1)
    close(p.value.data, [1 - 0.05 / (0.05 + EPS), -2 + 0.1 / (0.1 + EPS)], 1e-15, 'step 1');
    close(p.value.data, [0, -1], 1e-5, 'step 1 (rounded)');
    opt.update([p]);
    // h = 0.99·(0.0025, 0.01) + 0.01·(0.25, 1) = (0.004975, 0.0199)
    // W −= 0.1·(0.5/√0.004975, −1/√0.0199) = (0.7088802, −0.7088812)
    const w1 = [1 - 0.05 / (0.05 + EPS), -2 + 0.1 / (0.1 + EPS)];
    close(
      p.value.data,
      [w1[0] - 0.05 / (Math.sqrt(0.004975) + EPS), w1[1] + 0.1 / (Math.sqrt(0.0199) + EPS)],
      1e-14,
      'step 2',
    );
    close(p.value.data, [-0.7088782, -0.2911203], 1e-7, 'step 2 (decimal)');
  });

  it('Adam at t = 1 and t = 2 (lr 0.001, β₁ 0.9, β₂ 0.999)', () => {
    const p = param();
    const opt = new Adam(0.001, 0.9, 0.999);
    opt.update([p]);
    assert.equal(opt.t, 1);
    // t = 1, g = (0.5, −1):
    //   m = 0.1·g = (0.05, −0.1);  v = 0.001·g² = (0.00025, 0.001)
    //   m̂ = m / (1 − 0.9) = (0.5, −1);  v̂ = v / (1 − 0.999) = (0.25, 1);  √v̂ = (0.5, 1)
    //   W −= 0.001·m̂ / (√v̂ + ε) = (0.001·0.5/0.5000001, −0.001·1/1.0000001) ≈ (0.001, −0.001)
    //   W = (0.9990000002, −1.9990000001): Adam's first step is lr·sign(g)
    close(p.value.data, [1 - 0.001 * (0.5 / (0.5 + EPS)), -2 + 0.001 * (1 / (1 + EPS))], 1e-15, 't=1');
    close(p.value.data, [0.9990000002, -1.9990000001], 1e-13, 't=1 (decimal)');
    p.grad.data.set([0.1, 0.2]);
    opt.update([p]);
    assert.equal(opt.t, 2);
    // t = 2, g = (0.1, 0.2):
    //   m = 0.9·(0.05, −0.1) + 0.1·(0.1, 0.2) = (0.045 + 0.01, −0.09 + 0.02) = (0.055, −0.07)
    //   v = 0.999·(0.00025, 0.001) + 0.001·(0.01, 0.04) = (0.00024975 + 0.00001, 0.000999 + 0.00004)
    //     = (0.00025975, 0.001039)
    //   1 − β₁² = 0.19; 1 − β₂² = 1 − 0.998001 = 0.001999
    //   m̂ = (0.055/0.19, −0.07/0.19) = (0.28947368, −0.36842105)
    //   v̂ = (0.00025975/0.001999, 0.001039/0.001999) = (0.12993997, 0.51975988); √v̂ = (0.36047187, 0.72094374)
    //   step = 0.001·m̂ / (√v̂ + ε) = (0.00080304, −0.00051103)
    //   W = (0.9990000002 − 0.00080304, −1.9990000001 + 0.00051103) = (0.99819696, −1.99848897)
    const w1 = [1 - 0.001 * (0.5 / (0.5 + EPS)), -2 + 0.001 * (1 / (1 + EPS))];
    const mhat = [0.055 / 0.19, -0.07 / 0.19];
    const vhat = [0.00025975 / 0.001999, 0.001039 / 0.001999];
    close(
      p.value.data,
      [w1[0] - (0.001 * mhat[0]) / (Math.sqrt(vhat[0]) + EPS), w1[1] - (0.001 * mhat[1]) / (Math.sqrt(vhat[1]) + EPS)],
      1e-13,
      't=2',
    );
    close(p.value.data, [0.99819696, -1.99848897], 1e-8, 't=2 (decimal)');
  });

  it('state is per parameter: two parameters do not share it', () => {
    const makers: [string, () => Optimizer][] = [
      ['momentum', () => new Momentum(0.1, 0.9)],
      ['nesterov', () => new Nesterov(0.1, 0.9)],
      ['adagrad', () => new AdaGrad(0.1)],
      ['rmsprop', () => new RMSprop(0.1, 0.9)],
      ['adam', () => new Adam(0.01)],
    ];
    for (const [name, make] of makers) {
      // together: one optimizer updating both, three times
      const a = param('affine1.W', [1, -2], [0.5, -1]);
      const b = param('affine1.b', [3, 4], [-2, 0.25]);
      const together = make();
      for (let i = 0; i < 3; i++) together.update([a, b]);
      // apart: each parameter with an optimizer of its own
      const a2 = param('affine1.W', [1, -2], [0.5, -1]);
      const b2 = param('affine1.b', [3, 4], [-2, 0.25]);
      const oa = make();
      const ob = make();
      for (let i = 0; i < 3; i++) {
        oa.update([a2]);
        ob.update([b2]);
      }
      assert.deepEqual(Array.from(a.value.data), Array.from(a2.value.data), `${name}: first parameter`);
      assert.deepEqual(Array.from(b.value.data), Array.from(b2.value.data), `${name}: second parameter`);
    }
  });

  it('state follows the parameter across calls that update only some parameters', () => {
    const opt = new Momentum(0.1, 0.9);
    const a = param('affine1.W');
    const b = param('affine2.W', [0, 0], [1, 1]);
    opt.update([a]);
    opt.update([b]);
    opt.update([a]);
    // a saw two momentum steps: the same as the hand-computed second step
    close(a.value.data, [0.855, -1.71], 1e-15, 'a');
    // b saw one: v = −0.1·(1, 1)
    close(b.value.data, [-0.1, -0.1], 1e-15, 'b');
  });

  it('works on float32 parameters', () => {
    const p = makeParam('affine1', 'W', Tensor.from([1, -2], [2], 'float32'), true);
    p.grad.data.set([0.5, -1]);
    const opt = new Adam(0.001);
    opt.update([p]);
    assert.ok(p.value.data instanceof Float32Array);
    close(p.value.data, [0.999, -1.999], 1e-6, 'float32 adam');
  });

  it('createOptimizer: kinds, the book default learning rates and hyperparameters', () => {
    assert.deepEqual(DEFAULT_LR, {
      sgd: 0.01,
      momentum: 0.01,
      nesterov: 0.01,
      adagrad: 0.01,
      rmsprop: 0.01,
      adam: 0.001,
    });
    for (const kind of ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] as const) {
      const o = createOptimizer({ type: kind });
      assert.equal(o.kind, kind);
      assert.equal(o.lr, DEFAULT_LR[kind]);
    }
    assert.equal(createOptimizer({ type: 'sgd', lr: 0.5 }).lr, 0.5);
    const m = createOptimizer({ type: 'momentum', momentum: 0.5 }) as Momentum;
    assert.equal(m.momentum, 0.5);
    assert.equal((createOptimizer({ type: 'momentum' }) as Momentum).momentum, 0.9);
    assert.equal((createOptimizer({ type: 'rmsprop', decay: 0.9 }) as RMSprop).decay, 0.9);
    assert.equal((createOptimizer({ type: 'rmsprop' }) as RMSprop).decay, 0.99);
    const a = createOptimizer({ type: 'adam', beta1: 0.8, beta2: 0.99 }) as Adam;
    assert.deepEqual([a.beta1, a.beta2], [0.8, 0.99]);
    // a changed lr applies to the next step
    const s = createOptimizer({ type: 'sgd' });
    const p = param();
    s.lr = 1;
    s.update([p]);
    close(p.value.data, [0.5, -1], 0);
  });
});
