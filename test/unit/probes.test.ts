/** The worker's probes measure what they say: histograms, filters, feature maps and tensor summaries. */
import assert from 'node:assert/strict';
import { buildNetwork } from '../../src/engine/network';
import { findPreset, simpleConvNetSpec } from '../../src/engine/presets';
import { Rng } from '../../src/engine/rng';
import { Tensor } from '../../src/engine/tensor';
import { HISTOGRAM_BINS } from '../../src/shared/protocol';
import { activationHistograms, convFilters, featureMaps, histogramInto, moments, summarize, weightHistograms } from '../../src/worker/probes';

describe('probes', () => {
  it('histogramInto counts every in-range value once, the maximum in the last bin', () => {
    const counts = new Array(HISTOGRAM_BINS).fill(0);
    histogramInto([0, 0.5, 1, 1, 2, -1, NaN], 0, 1, counts);
    assert.equal(counts.reduce((a, b) => a + b, 0), 4);
    assert.equal(counts[0], 1);
    assert.equal(counts[15], 1);
    assert.equal(counts[HISTOGRAM_BINS - 1], 2);
  });

  it('moments gives min, max, mean and std', () => {
    const m = moments([1, 2, 3, 4]);
    assert.deepEqual([m.min, m.max, m.mean], [1, 4, 2.5]);
    assert.ok(Math.abs(m.std - Math.sqrt(1.25)) < 1e-12);
  });

  it('activation histograms: one per layer, fixed range for sigmoid, dead ReLU fraction, no randomness used', () => {
    const spec = { input: [20], init: { std: 1 }, layers: [{ type: 'affine' as const, units: 30 }, { type: 'sigmoid' as const }, { type: 'affine' as const, units: 30 }, { type: 'relu' as const }, { type: 'affine' as const, units: 10 }] };
    const net = buildNetwork(spec, { seed: 3 });
    const rng = new Rng(1);
    const x = Tensor.zeros([50, 20]);
    rng.fillNormal(x.data);
    const before = net.rng.nextUint32();
    const net2 = buildNetwork(spec, { seed: 3 });
    const { items, counts } = activationHistograms(net2, x);
    assert.equal(net2.rng.nextUint32(), before, 'probing draws nothing from the run’s generator');
    assert.deepEqual(items.map((i) => i.id), ['affine1', 'sigmoid1', 'affine2', 'relu1', 'affine3']);
    assert.equal(counts.length, 5 * HISTOGRAM_BINS);
    assert.deepEqual([items[1].lo, items[1].hi], [0, 1]);
    const total = (k: number) => counts.subarray(k * HISTOGRAM_BINS, (k + 1) * HISTOGRAM_BINS).reduce((a, b) => a + b, 0);
    for (let k = 0; k < 5; k++) assert.equal(total(k), 50 * (k < 2 ? 30 : k < 4 ? 30 : 10));
    assert.ok(items[1].saturated > 0.2, `std-1 sigmoid saturates: ${items[1].saturated}`);
    assert.ok(items[3].dead > 0.3 && items[3].dead < 0.7, `about half of ReLU outputs are 0: ${items[3].dead}`);
    const w = weightHistograms(net2);
    assert.deepEqual(w.items.map((i) => i.id), ['affine1.W', 'affine1.b', 'affine2.W', 'affine2.b', 'affine3.W', 'affine3.b']);
  });

  it('conv filters come out per filter in [0, 1]; nets without conv have none', () => {
    const net = buildNetwork(simpleConvNetSpec([1, 10, 10], 4, 3, 5), { seed: 1 });
    const f = convFilters(net)!;
    assert.deepEqual([f.layer, f.count, f.h, f.w], ['conv1', 4, 3, 3]);
    for (let k = 0; k < 4; k++) {
      const block = Array.from(f.data.subarray(k * 9, (k + 1) * 9));
      assert.equal(Math.min(...block), 0);
      assert.equal(Math.max(...block), 1);
    }
    assert.equal(convFilters(buildNetwork(findPreset('two-layer')!.spec)), undefined);
  });

  it('feature maps of one image through every image-shaped layer', () => {
    const net = buildNetwork(simpleConvNetSpec([1, 10, 10], 4, 3, 5), { seed: 1 });
    const img = new Float32Array(100).map((_, i) => (i % 7) / 7);
    const fm = featureMaps(net, img);
    assert.deepEqual(fm.layers.map((l) => [l.id, l.channels, l.h, l.w]), [['conv1', 4, 8, 8], ['relu1', 4, 8, 8], ['pool1', 4, 4, 4]]);
    assert.ok(fm.predicted >= 0 && fm.predicted < 10);
  });

  it('summaries: statistics of the real tensor, a histogram of all its values, a heat map of sample 0', () => {
    const t = Tensor.from(Array.from({ length: 100 * 784 }, (_, i) => (i % 784) / 784), [100, 784]);
    const s = summarize(t, 'input', 'x');
    assert.deepEqual(s.shape, [100, 784]);
    assert.equal(s.min, 0);
    assert.ok(Math.abs(s.mean - 783 / 2 / 784) < 1e-6);
    assert.equal(s.counts.reduce((a, b) => a + b, 0), 78400);
    assert.deepEqual([s.heat!.rows, s.heat!.cols], [28, 28]);
    assert.equal(s.heat!.data[29], Math.fround(29 / 784));
    const small = summarize(Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]), 'grad', 'g');
    assert.deepEqual([small.heat!.rows, small.heat!.cols], [2, 3]);
    const w = summarize(Tensor.zeros([100, 10]), 'grad', 'affine2.W gradient');
    assert.deepEqual([w.heat!.rows, w.heat!.cols], [64, 10], 'a parameter shows its top-left block, not one row');
    const img = summarize(Tensor.zeros([2, 3, 5, 6]), 'output', 'y');
    assert.deepEqual([img.heat!.rows, img.heat!.cols], [5, 6]);
  });
});
