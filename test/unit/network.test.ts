import assert from 'node:assert/strict';
import type { Split } from '../../src/engine/data/dataset';
import { GRADCHECK_H_FLOAT64, gradientCheck } from '../../src/engine/gradcheck';
import { buildNetwork, type Network, type StepCursor } from '../../src/engine/network';
import { relativeError } from '../../src/engine/numerical';
import { findPreset } from '../../src/engine/presets';
import { Rng } from '../../src/engine/rng';
import {
  SpecError,
  checkSpec,
  formatPath,
  inferShapes,
  validateSpec,
  type NetworkSpec,
  type SpecPath,
} from '../../src/engine/spec';
import { Tensor } from '../../src/engine/tensor';
import { DivergenceError, Trainer } from '../../src/engine/trainer';

const BOUND = 1e-7;

/** The two-layer preset's form (affine → relu → affine, init std 0.01) at a size that checks quickly. */
function smallTwoLayer(input = 30, hidden = 8, classes = 10, activation: 'relu' | 'sigmoid' = 'relu'): NetworkSpec {
  return {
    name: 'small-two-layer',
    input: [input],
    init: { std: 0.01 },
    layers: [{ type: 'affine', units: hidden }, { type: activation }, { type: 'affine', units: classes }],
    training: { optimizer: { type: 'sgd', lr: 0.1 }, batchSize: 100 },
  };
}

/** A batch like the CLI's gradcheck: inputs uniform in [0, 1), labels uniform over the classes. */
function batch(
  n: number,
  per: number[],
  classes: number,
  seed: number,
  dtype: 'float32' | 'float64' = 'float64',
): { x: Tensor; t: Int32Array } {
  const rng = new Rng(seed);
  const x = Tensor.zeros([n, ...per], dtype);
  for (let i = 0; i < x.size; i++) x.data[i] = rng.random();
  const t = new Int32Array(n);
  for (let i = 0; i < n; i++) t[i] = rng.int(classes);
  return { x, t };
}

function paths(raw: unknown): string[] {
  return checkSpec(raw).map((p) => JSON.stringify(p.path));
}

function hasPath(raw: unknown, path: SpecPath): void {
  const got = paths(raw);
  assert.ok(got.includes(JSON.stringify(path)), `expected a problem at ${JSON.stringify(path)}, got ${got.join(' ')}`);
}

/** Copies of every gradient, by parameter name. */
function grads(net: Network): Record<string, Float64Array> {
  return Object.fromEntries(net.params().map((p) => [p.name, Float64Array.from(p.grad.data)]));
}

/** A synthetic 3-class problem: class k has a bright band of features; a little noise. */
function syntheticSplit(count: number, per: number, seed: number): Split {
  const rng = new Rng(seed);
  const images = new Float32Array(count * per);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const k = i % 3;
    labels[i] = k;
    for (let j = 0; j < per; j++)
      images[i * per + j] = (Math.floor((j * 3) / per) === k ? 0.8 : 0.1) + 0.1 * rng.random();
  }
  return { images, labels, count };
}

describe('network', () => {
  describe('checkSpec', () => {
    it('accepts the presets and a minimal spec', () => {
      for (const name of [
        'two-layer',
        'two-layer-sigmoid',
        'multi-layer',
        'multi-layer-bn',
        'simple-convnet',
        'deep-convnet',
      ]) {
        assert.deepEqual(checkSpec(findPreset(name)!.spec), [], name);
      }
      assert.deepEqual(checkSpec({ input: [4], layers: [{ type: 'affine', units: 2 }] }), []);
    });

    it('reports a non-object and missing input / layers at their paths', () => {
      assert.deepEqual(paths(42), ['[]']);
      assert.deepEqual(paths([]), ['[]']);
      hasPath({ layers: [{ type: 'affine', units: 2 }] }, ['input']);
      hasPath({ input: [0], layers: [{ type: 'affine', units: 2 }] }, ['input']);
      hasPath({ input: [1, 2, 3, 4], layers: [{ type: 'affine', units: 2 }] }, ['input']);
      hasPath({ input: [4], layers: [] }, ['layers']);
      hasPath({ input: [4] }, ['layers']);
      hasPath({ input: [4], layers: [42] }, ['layers', 0]);
    });

    it('unknown layer type → layers[i].type', () => {
      const problems = checkSpec({
        input: [4],
        layers: [
          { type: 'affine', units: 3 },
          { type: 'dense', units: 2 },
        ],
      });
      assert.equal(problems.length, 1);
      assert.deepEqual(problems[0].path, ['layers', 1, 'type']);
      assert.match(problems[0].message, /must be one of affine, relu/);
      assert.match(problems[0].message, /"dense"/);
    });

    it('missing or bad units → layers[i].units', () => {
      const problems = checkSpec({ input: [4], layers: [{ type: 'relu' }, { type: 'affine' }] });
      assert.deepEqual(
        problems.map((p) => p.path),
        [['layers', 1, 'units']],
      );
      assert.match(problems[0].message, /"units" is required/);
      hasPath({ input: [4], layers: [{ type: 'affine', units: 0 }] }, ['layers', 0, 'units']);
      hasPath({ input: [4], layers: [{ type: 'affine', units: 2.5 }] }, ['layers', 0, 'units']);
      hasPath({ input: [4], layers: [{ type: 'affine', units: '10' }] }, ['layers', 0, 'units']);
    });

    it('bad kernel → layers[i].kernel', () => {
      for (const kernel of [0, -3, 2.5, [3], [3, 0], 'big']) {
        const problems = checkSpec({
          input: [1, 8, 8],
          layers: [{ type: 'conv', filters: 2, kernel }, { type: 'flatten' }, { type: 'affine', units: 2 }],
        });
        assert.deepEqual(
          problems.map((p) => p.path),
          [['layers', 0, 'kernel']],
          `kernel ${JSON.stringify(kernel)}`,
        );
      }
      hasPath({ input: [1, 8, 8], layers: [{ type: 'conv', filters: 2 }] }, ['layers', 0, 'kernel']);
    });

    it('unknown property → its own path, with the allowed ones listed', () => {
      const problems = checkSpec({
        input: [4],
        bogus: 1,
        layers: [
          { type: 'relu', units: 3 },
          { type: 'affine', units: 2, activaton: 'relu' },
        ],
      });
      assert.deepEqual(
        problems.map((p) => p.path),
        [['bogus'], ['layers', 0, 'units'], ['layers', 1, 'activaton']],
      );
      assert.match(
        problems[2].message,
        /unknown property "activaton"; allowed: type, id, units, inputs, init, bias, activation/,
      );
      hasPath({ input: [4], layers: [{ type: 'affine', units: 2 }], training: { epochz: 3 } }, ['training', 'epochz']);
      hasPath(
        { input: [4], layers: [{ type: 'affine', units: 2 }], training: { optimizer: { type: 'sgd', rate: 1 } } },
        ['training', 'optimizer', 'rate'],
      );
    });

    it('bad optimizer → training.optimizer.type and bad hyperparameters at their paths', () => {
      const base = { input: [4], layers: [{ type: 'affine', units: 2 }] };
      const problems = checkSpec({ ...base, training: { optimizer: { type: 'adamw' } } });
      assert.deepEqual(
        problems.map((p) => p.path),
        [['training', 'optimizer', 'type']],
      );
      assert.match(problems[0].message, /sgd, momentum, nesterov, adagrad, rmsprop, adam/);
      hasPath({ ...base, training: { optimizer: 'adam' } }, ['training', 'optimizer']);
      hasPath({ ...base, training: { optimizer: { type: 'sgd', lr: 0 } } }, ['training', 'optimizer', 'lr']);
      hasPath({ ...base, training: { optimizer: { type: 'sgd', lr: -1 } } }, ['training', 'optimizer', 'lr']);
      hasPath({ ...base, training: { optimizer: { type: 'adam', beta1: 1.5 } } }, ['training', 'optimizer', 'beta1']);
      hasPath({ ...base, training: { batchSize: 0 } }, ['training', 'batchSize']);
      hasPath({ ...base, training: { weightDecay: -0.1 } }, ['training', 'weightDecay']);
    });

    it('other layer checks: activation, init, ratio, duplicate ids, loss', () => {
      hasPath({ input: [4], layers: [{ type: 'affine', units: 2, activation: 'softplus' }] }, [
        'layers',
        0,
        'activation',
      ]);
      hasPath({ input: [4], layers: [{ type: 'affine', units: 2, init: 'lecun' }] }, ['layers', 0, 'init']);
      hasPath(
        {
          input: [4],
          layers: [
            { type: 'dropout', ratio: 1 },
            { type: 'affine', units: 2 },
          ],
        },
        ['layers', 0, 'ratio'],
      );
      hasPath({ input: [4], layers: [{ type: 'dropout' }, { type: 'affine', units: 2 }] }, ['layers', 0, 'ratio']);
      hasPath(
        {
          input: [4],
          layers: [
            { type: 'relu', id: 'a' },
            { type: 'affine', units: 2, id: 'a' },
          ],
        },
        ['layers', 1, 'id'],
      );
      hasPath({ input: [4], layers: [{ type: 'affine', units: 2 }], loss: 'hinge' }, ['loss']);
    });

    it('reports every problem at once and formats paths for messages', () => {
      const problems = checkSpec({
        input: 'x',
        layers: [{ type: 'affine' }, { type: 'nope' }],
        training: { optimizer: { type: 'x' } },
      });
      assert.equal(problems.length, 4);
      assert.equal(formatPath(['layers', 2, 'units']), 'layers[2].units');
      assert.equal(formatPath(['training', 'optimizer', 'lr']), 'training.optimizer.lr');
      assert.equal(formatPath([]), '(root)');
      assert.throws(
        () => validateSpec({ input: [4], layers: [{ type: 'affine' }] }),
        (e: unknown) =>
          e instanceof SpecError &&
          /layers\[0\]\.units: "units" is required/.test(e.message) &&
          e.problems.length === 1,
      );
    });
  });

  describe('inferShapes', () => {
    it('two-layer preset: ids affine1/relu1/affine2, shapes and parameter counts', () => {
      const { layers, problems } = inferShapes(findPreset('two-layer')!.spec);
      assert.deepEqual(problems, []);
      assert.deepEqual(
        layers.map((l) => [l.id, l.kind, l.inShape, l.outShape, l.paramCount, l.specIndex]),
        [
          ['affine1', 'affine', [784], [50], 784 * 50 + 50, 0],
          ['relu1', 'relu', [50], [50], 0, 1],
          ['affine2', 'affine', [50], [10], 50 * 10 + 10, 2],
        ],
      );
      assert.deepEqual(layers[0].params, [
        { name: 'W', shape: [784, 50] },
        { name: 'b', shape: [50] },
      ]);
    });

    it('activation shorthand, explicit ids, convolution and pool shapes', () => {
      const spec: NetworkSpec = {
        input: [1, 10, 10],
        layers: [
          { type: 'conv', filters: 4, kernel: 3, pad: 1, activation: 'relu' },
          { type: 'pool', size: 2 },
          { type: 'affine', units: 6, activation: 'tanh', id: 'hidden' },
          { type: 'affine', units: 3, bias: false },
        ],
      };
      const { layers, problems } = inferShapes(spec);
      assert.deepEqual(problems, []);
      assert.deepEqual(
        layers.map((l) => [l.id, l.outShape, l.paramCount, l.specIndex]),
        [
          ['conv1', [4, 10, 10], 4 * 9 + 4, 0],
          ['relu1', [4, 10, 10], 0, 0],
          ['pool1', [4, 5, 5], 0, 1],
          ['hidden', [6], 100 * 6 + 6, 2],
          ['tanh1', [6], 0, 2],
          ['affine1', [3], 18, 3],
        ],
      );
    });

    it('kernel larger than its input → layers[i].kernel', () => {
      const spec: NetworkSpec = {
        input: [1, 4, 4],
        layers: [
          { type: 'relu' },
          { type: 'conv', filters: 2, kernel: 5 },
          { type: 'flatten' },
          { type: 'affine', units: 2 },
        ],
      };
      const { problems } = inferShapes(spec);
      assert.equal(problems.length, 1);
      assert.deepEqual(problems[0].path, ['layers', 1, 'kernel']);
      assert.match(problems[0].message, /kernel 5×5 is larger than its input 4×4/);
      // with pad 1 the 5×5 kernel fits a padded 6×6
      const padded = structuredClone(spec);
      (padded.layers[1] as { pad?: number }).pad = 1;
      assert.deepEqual(inferShapes(padded).problems, []);
      assert.throws(
        () => buildNetwork(spec),
        (e: unknown) => e instanceof SpecError && JSON.stringify(e.problems[0].path) === '["layers",1,"kernel"]',
      );
    });

    it('affine `inputs` mismatch → layers[i].inputs', () => {
      const spec: NetworkSpec = {
        input: [784],
        layers: [
          { type: 'affine', units: 50, inputs: 784 },
          { type: 'relu' },
          { type: 'affine', units: 10, inputs: 100 },
        ],
      };
      const { problems } = inferShapes(spec);
      assert.equal(problems.length, 1);
      assert.deepEqual(problems[0].path, ['layers', 2, 'inputs']);
      assert.match(problems[0].message, /expects 100 inputs but the previous layer gives \(50\) = 50/);
      assert.throws(() => validateSpec(spec), SpecError);
    });

    it('a softmax loss after a non-flat output is a problem on the last layer', () => {
      const { problems } = inferShapes({ input: [1, 6, 6], layers: [{ type: 'conv', filters: 2, kernel: 3 }] });
      assert.deepEqual(
        problems.map((p) => p.path),
        [['layers', 0]],
      );
    });
  });

  describe('buildNetwork', () => {
    it('names parameters affine1.W, affine1.b, affine2.W, affine2.b with the right shapes', () => {
      const net = buildNetwork(findPreset('two-layer')!.spec);
      assert.deepEqual(
        net.params().map((p) => [p.name, p.value.shape, p.decay]),
        [
          ['affine1.W', [784, 50], true],
          ['affine1.b', [50], false],
          ['affine2.W', [50, 10], true],
          ['affine2.b', [10], false],
        ],
      );
      assert.equal(net.paramCount, 39760);
      assert.deepEqual(
        net.layers.map((l) => l.id),
        ['affine1', 'relu1', 'affine2'],
      );
      assert.equal(net.param('affine2.b')!.value.size, 10);
      assert.equal(net.layer('relu1')!.kind, 'relu');
      assert.equal(net.dtype, 'float32');
      assert.deepEqual(net.outShape, [10]);
      // init std 0.01: the weights' std is about 0.01, biases start at zero
      const w = net.param('affine1.W')!.value.data;
      const std = Math.sqrt(Array.from(w).reduce((s, v) => s + v * v, 0) / w.length);
      assert.ok(Math.abs(std - 0.01) < 0.0003, `std ${std}`);
      assert.ok(net.param('affine1.b')!.value.data.every((v) => v === 0));
      assert.match(net.summary(), /^affine1 +affine +\(50\) +39,250 params std=0\.01$/m);
    });

    it('the same seed builds the same weights; another seed others', () => {
      const spec = smallTwoLayer();
      const a = buildNetwork(spec, { seed: 4 }).weights();
      const b = buildNetwork(spec, { seed: 4 }).weights();
      const c = buildNetwork(spec, { seed: 5 }).weights();
      assert.deepEqual(a, b);
      assert.notDeepEqual(a['affine1.W'].data, c['affine1.W'].data);
    });

    it('refuses an input that does not hold samples of the input shape', () => {
      const net = buildNetwork(smallTwoLayer(), { dtype: 'float64' });
      assert.throws(() => net.forward(Tensor.zeros([2, 29], 'float64')), /does not hold samples of shape \(30\)/);
    });
  });

  describe('gradient check (float64)', () => {
    it('the two-layer form at 30-8-10 on several random batches: maxRelativeError ≤ 1e-7', () => {
      // Central differences are wrong by construction where a step of h moves a ReLU input across 0
      // (seed 3 here draws a pre-activation of 6e-7 and shows a relative error of 6e-2 for that reason
      // alone). With x < 1, a step of h = 1e-5 on one weight moves a pre-activation by < 1e-5, so every
      // batch is first checked to keep its pre-activations farther than that from the kink.
      for (const [activation, seeds] of [
        ['relu', [1, 2, 4, 5]],
        ['sigmoid', [6]],
      ] as const) {
        for (const seed of seeds) {
          const spec = smallTwoLayer(30, 8, 10, activation);
          const net = buildNetwork(spec, { dtype: 'float64', seed });
          const { x, t } = batch(3, spec.input, 10, 100 + seed);
          const pre = net.layers[0].forward(x, { train: true, rng: new Rng(0) }).data;
          const nearest = Math.min(...Array.from(pre, Math.abs));
          assert.ok(
            nearest > 2 * GRADCHECK_H_FLOAT64,
            `seed ${seed}: a pre-activation ${nearest} is within reach of the kink`,
          );
          const result = gradientCheck(net, x, t, {
            onParam: (name, r) => {
              console.log(
                `      gradcheck 30-8-10 ${activation} seed ${seed} ${name}: relative error ${r.relativeError.toExponential(2)}, mean |num − bp| ${r.meanAbsDiff.toExponential(2)}`,
              );
              assert.ok(r.relativeError <= BOUND, `${name}: ${r.relativeError}`);
            },
          });
          assert.deepEqual(Object.keys(result.params), ['affine1.W', 'affine1.b', 'affine2.W', 'affine2.b']);
          assert.ok(result.maxRelativeError <= BOUND, `max ${result.maxRelativeError}`);
          assert.ok(result.maxRelativeError > 0, 'numerical and backprop gradients are never bit-identical');
        }
      }
    });

    it('the real two-layer preset (784-50-10) on 3 images: every bias and affine2.W, 300 entries of affine1.W', () => {
      const spec = findPreset('two-layer')!.spec;
      const net = buildNetwork(spec, { dtype: 'float64', seed: 0 });
      const { x, t } = batch(3, [784], 10, 7);
      const pre = net.layers[0].forward(x, { train: true, rng: new Rng(0) }).data;
      assert.ok(
        pre.every((v) => Math.abs(v) > 2 * GRADCHECK_H_FLOAT64),
        'no pre-activation within reach of the kink',
      );
      net.gradient(x, t);
      const bp = grads(net);
      const h = GRADCHECK_H_FLOAT64;
      const rng = new Rng(11);
      for (const p of net.params()) {
        const all = p.name !== 'affine1.W';
        const idx = all ? Array.from({ length: p.value.size }, (_, i) => i) : Array.from(rng.choice(p.value.size, 300));
        const num: number[] = [];
        const back: number[] = [];
        const w = p.value.data;
        for (const i of idx) {
          const v = w[i];
          w[i] = v + h;
          const fp = net.loss(x, t, true);
          w[i] = v - h;
          const fm = net.loss(x, t, true);
          w[i] = v;
          num.push((fp - fm) / (2 * h));
          back.push(bp[p.name][i]);
        }
        const err = relativeError(num, back);
        console.log(
          `      gradcheck two-layer preset ${p.name} (${idx.length} of ${p.value.size}): relative error ${err.toExponential(2)}`,
        );
        assert.ok(err <= BOUND, `${p.name}: ${err}`);
        assert.ok(
          back.some((g) => g !== 0),
          `${p.name}: the checked gradient is not all zeros`,
        );
      }
    });

    it('a gradient check sees a wrong gradient (it can fail)', () => {
      const spec = smallTwoLayer(6, 4, 3);
      const net = buildNetwork(spec, { dtype: 'float64', seed: 1 });
      const { x, t } = batch(2, spec.input, 3, 9);
      // Break backprop: scale the loss layer's gradient by 2 after it is computed.
      const backward = net.lossLayer.backward.bind(net.lossLayer);
      net.lossLayer.backward = () => {
        const d = backward();
        for (let i = 0; i < d.size; i++) d.data[i] *= 2;
        return d;
      };
      const r = gradientCheck(net, x, t);
      assert.ok(r.maxRelativeError > 0.3, `${r.maxRelativeError}`);
    });
  });

  describe('weight decay', () => {
    it('loss adds ½λΣW² over weights only; gradients add λW to weights only', () => {
      const lambda = 0.1;
      const spec = smallTwoLayer(5, 4, 3);
      const net = buildNetwork(spec, { dtype: 'float64', seed: 3 });
      // non-zero biases so that decaying them would show
      for (const p of net.params()) if (!p.decay) new Rng(p.value.size).fillNormal(p.value.data, 0.5);
      const { x, t } = batch(4, spec.input, 3, 5);
      net.weightDecay = 0;
      const plain = net.gradient(x, t);
      const g0 = grads(net);
      net.weightDecay = lambda;
      const decayed = net.gradient(x, t);
      const g1 = grads(net);
      let sumW2 = 0;
      for (const name of ['affine1.W', 'affine2.W']) for (const v of net.param(name)!.value.data) sumW2 += v * v;
      assert.ok(
        Math.abs(decayed - plain - 0.5 * lambda * sumW2) < 1e-15,
        `${decayed - plain} vs ${0.5 * lambda * sumW2}`,
      );
      assert.ok(Math.abs(net.decayLoss() - 0.5 * lambda * sumW2) < 1e-15);
      for (const p of net.params()) {
        const w = p.value.data;
        for (let i = 0; i < w.length; i++) {
          const extra = g1[p.name][i] - g0[p.name][i];
          const want = p.decay ? lambda * w[i] : 0;
          assert.ok(Math.abs(extra - want) < 1e-15, `${p.name}[${i}]: ${extra} vs ${want}`);
        }
      }
      // and numerically: the decayed loss's gradient is what backprop gives
      const r = gradientCheck(net, x, t, {
        onParam: (name, c) =>
          console.log(`      gradcheck weight decay λ=${lambda} ${name}: relative error ${c.relativeError.toExponential(2)}`),
      });
      assert.ok(r.maxRelativeError <= BOUND, `${r.maxRelativeError}`);
    });

    it('is read from spec.training.weightDecay', () => {
      const net = buildNetwork({ ...smallTwoLayer(), training: { weightDecay: 0.25 } });
      assert.equal(net.weightDecay, 0.25);
    });
  });

  describe('steps()', () => {
    it('yields forward per layer, then loss, then backward in reverse, and leaves the same gradients as gradient()', () => {
      const spec = smallTwoLayer(7, 5, 4);
      spec.training = { weightDecay: 0.05 };
      const net = buildNetwork(spec, { dtype: 'float64', seed: 8 });
      const { x, t } = batch(3, spec.input, 4, 12);
      const gen = net.steps(x, t);
      const cursors: StepCursor[] = [];
      let r = gen.next();
      while (!r.done) {
        const c = r.value;
        // shapes at the moment of the yield
        if (c.phase === 'forward') {
          assert.deepEqual(c.input!.shape, [3, ...net.layers[c.index].inShape], `${c.layer} input`);
          assert.deepEqual(c.output!.shape, [3, ...net.layers[c.index].outShape], `${c.layer} output`);
        } else if (c.phase === 'loss') {
          assert.deepEqual(c.input!.shape, [3, 4]);
          assert.deepEqual(c.output!.shape, [3, 4]);
        } else {
          assert.deepEqual(c.input!.shape, [3, ...net.layers[c.index].outShape], `${c.layer} dy`);
          if (c.index === 0) assert.equal(c.output, undefined, 'no dx for the first layer');
          else assert.deepEqual(c.output!.shape, [3, ...net.layers[c.index].inShape], `${c.layer} dx`);
        }
        cursors.push({ ...c });
        r = gen.next();
      }
      const stepLoss = r.value;
      assert.deepEqual(
        cursors.map((c) => `${c.phase}:${c.layer}:${c.index}`),
        [
          'forward:affine1:0',
          'forward:relu1:1',
          'forward:affine2:2',
          'loss:loss:-1',
          'backward:affine2:2',
          'backward:relu1:1',
          'backward:affine1:0',
        ],
      );
      assert.equal(cursors[3].loss, stepLoss);
      const stepGrads = grads(net);
      // scramble the gradients so gradient() has to rewrite them
      for (const p of net.params()) p.grad.data.fill(123);
      const loss = net.gradient(x, t);
      assert.equal(loss, stepLoss);
      assert.deepEqual(grads(net), stepGrads);
    });
  });

  describe('training', () => {
    const per = 12;
    const train = syntheticSplit(48, per, 1);
    const test = syntheticSplit(30, per, 2);

    function run(netSeed: number, trainSeed: number, iterations = 6): { net: Network; trainer: Trainer } {
      const net = buildNetwork(smallTwoLayer(per, 6, 3), { seed: netSeed });
      const trainer = new Trainer(net, train, test, {
        batchSize: 8,
        iterations,
        seed: trainSeed,
        optimizer: { type: 'momentum', lr: 0.1 },
      });
      while (!trainer.done) trainer.step();
      return { net, trainer };
    }

    it('the same seeds give bit-identical weights and losses; another seed differs', () => {
      const a = run(1, 2);
      const b = run(1, 2);
      assert.equal(a.trainer.iteration, 6);
      assert.deepEqual(a.net.weights(), b.net.weights());
      assert.deepEqual(a.trainer.losses, b.trainer.losses);
      const initial = buildNetwork(smallTwoLayer(per, 6, 3), { seed: 1 }).weights();
      assert.notDeepEqual(a.net.weights()['affine1.W'].data, initial['affine1.W'].data, 'training changed the weights');
      const otherNet = run(3, 2);
      assert.notDeepEqual(otherNet.net.weights()['affine1.W'].data, a.net.weights()['affine1.W'].data);
      const otherShuffle = run(1, 4);
      assert.notDeepEqual(otherShuffle.trainer.losses, a.trainer.losses, 'the trainer seed changes the batch order');
    });

    it('evaluates in pieces (one yield per chunk) with the result evaluate() gives', () => {
      const { net, trainer } = run(1, 2);
      const whole = trainer.evaluate();
      const it = trainer.evaluation(7);
      let yields = 0;
      let r = it.next();
      for (; !r.done; r = it.next()) yields++;
      // 48 training samples in chunks of 7 → 7 chunks, 30 test samples → 5 chunks.
      assert.equal(yields, 7 + 5);
      assert.deepEqual(r.value, whole);
      assert.equal(trainer.epochs.length, 2, 'each evaluation is recorded');
      assert.equal(whole.trainAccuracy, net.accuracy(train.images, train.labels));
      assert.equal(net.countCorrect(train.images, train.labels, 0, 48), Math.round(whole.trainAccuracy * 48));
    });

    it('learns the synthetic problem and counts epochs', () => {
      const net = buildNetwork({ ...smallTwoLayer(per, 6, 3), init: 'he' }, { seed: 1 });
      const trainer = new Trainer(net, train, test, {
        batchSize: 8,
        epochs: 15,
        seed: 1,
        optimizer: { type: 'sgd', lr: 0.5 },
      });
      assert.equal(trainer.itersPerEpoch, 6);
      assert.equal(trainer.totalIterations, 90);
      let ends = 0;
      while (!trainer.done) if (trainer.step().epochEnded) ends++;
      assert.equal(ends, 15);
      assert.equal(trainer.epoch, 15);
      const e = trainer.evaluate();
      assert.equal(e.testAccuracy, 1, `test accuracy ${e.testAccuracy}`);
      assert.ok(trainer.losses[89] < trainer.losses[0] / 4, `loss ${trainer.losses[0]} → ${trainer.losses[89]}`);
    });

    it('DivergenceError on a NaN loss leaves the weights untouched', () => {
      const bad: Split = { images: new Float32Array(train.images), labels: train.labels, count: train.count };
      bad.images.fill(NaN);
      const net = buildNetwork(smallTwoLayer(per, 6, 3), { seed: 1 });
      const before = net.weights();
      const trainer = new Trainer(net, bad, test, {
        batchSize: 8,
        iterations: 5,
        seed: 1,
        optimizer: { type: 'sgd', lr: 0.1 },
      });
      assert.throws(
        () => trainer.step(),
        (e: unknown) =>
          e instanceof DivergenceError &&
          e.iteration === 1 &&
          Number.isNaN(e.loss) &&
          /diverged at iteration 1: the loss became NaN/.test(e.message),
      );
      assert.deepEqual(net.weights(), before);
      assert.equal(trainer.iteration, 0);
      assert.deepEqual(trainer.losses, []);
    });

    it('DivergenceError from a huge learning rate keeps the weights of before that step', () => {
      const net = buildNetwork(smallTwoLayer(per, 6, 3), { seed: 1 });
      const trainer = new Trainer(net, train, test, {
        batchSize: 8,
        iterations: 200,
        seed: 1,
        optimizer: { type: 'sgd', lr: 1e25 },
      });
      let caught: DivergenceError | undefined;
      let snapshot = net.weights();
      while (!trainer.done) {
        snapshot = net.weights();
        try {
          trainer.step();
        } catch (e) {
          if (!(e instanceof DivergenceError)) throw e;
          caught = e;
          break;
        }
      }
      assert.ok(caught, 'training with lr 1e25 diverges');
      assert.ok(!Number.isFinite(caught.loss));
      assert.equal(caught.iteration, trainer.iteration + 1);
      assert.deepEqual(net.weights(), snapshot);
    });
  });
});
