/**
 * Float64 gradient checks of whole presets (issue: relative error ≤ 1e-6 for every parameter of
 * two-layer, multi-layer-bn with batch ≥ 2 and no dropout, and simple-convnet on the book's small input).
 */
import assert from 'node:assert/strict';
import { gradientCheck } from '../../src/engine/gradcheck';
import { buildNetwork } from '../../src/engine/network';
import { findPreset } from '../../src/engine/presets';
import { Rng } from '../../src/engine/rng';
import { Tensor, sizeOf } from '../../src/engine/tensor';

const BOUND = 1e-6;

function check(name: string, batch: number, maxEntries?: number): void {
  const preset = findPreset(name)!;
  const spec = preset.gradcheckSpec ?? preset.spec;
  assert.ok(!spec.layers.some((l) => l.type === 'dropout'), 'no dropout in a gradient check');
  const net = buildNetwork(spec, { dtype: 'float64', seed: 0 });
  const rng = new Rng(7);
  const x = Tensor.zeros([batch, ...spec.input], 'float64'); // (batch, ...input)
  for (let i = 0; i < x.size; i++) x.data[i] = rng.random();
  const classes = sizeOf(net.outShape);
  const t = Int32Array.from({ length: batch }, () => rng.int(classes));
  const r = gradientCheck(net, x, t, {
    maxEntries,
    seed: 3,
    onParam: (p, c) => console.log(`      ${name} ${p}: relative error ${c.relativeError.toExponential(2)} over ${c.size} entries`),
  });
  for (const [p, c] of Object.entries(r.params)) assert.ok(c.relativeError <= BOUND, `${name} ${p}: ${c.relativeError}`);
  assert.equal(Object.keys(r.params).length, net.params().length);
}

describe('preset gradient checks (float64)', function () {
  this.timeout(300000);
  it('two-layer, every parameter (entries sampled from affine1.W)', () => check('two-layer', 3, 2000));
  it('multi-layer-bn (784-[20×5]-10, batch 3, every entry)', () => check('multi-layer-bn', 3));
  it('simple-convnet on the book’s 1×10×10 input, every entry', () => check('simple-convnet', 3));

  it('measures again with a smaller step where the central difference straddles a ReLU kink', () => {
    // One hidden unit whose pre-activation sits 3e-6 above zero: h = 1e-5 crosses the kink.
    const net = buildNetwork(
      { input: [1], init: { std: 1 }, layers: [{ type: 'affine', units: 1 }, { type: 'relu' }, { type: 'affine', units: 2 }] },
      { dtype: 'float64', seed: 1 },
    );
    net.param('affine1.W')!.value.data[0] = 1;
    net.param('affine1.b')!.value.data[0] = 3e-6;
    net.param('affine2.W')!.value.data.set([1, -1]);
    const x = Tensor.from([0], [1, 1], 'float64');
    const r = gradientCheck(net, x, Int32Array.from([0]), { h: 1e-5 });
    console.log(`      kink: affine1.b relative error ${r.params['affine1.b'].relativeError.toExponential(2)}`);
    assert.ok(r.params['affine1.b'].relativeError <= BOUND, `${r.params['affine1.b'].relativeError}`);
  });
});
