/** Saved runs round-trip exactly, and a bad run file is refused with a message that says what is wrong. */
import assert from 'node:assert/strict';
import { buildNetwork } from '../../src/engine/network';
import { findPreset } from '../../src/engine/presets';
import { decodeRun, encodeRun, RunFileError, type SavedRun } from '../../src/shared/runFile';

function sample(): SavedRun {
  const spec = findPreset('two-layer')!.spec;
  const net = buildNetwork(spec, { seed: 4 });
  return {
    name: 'two-layer',
    savedAt: '2026-11-26T00:00:00.000Z',
    spec,
    seed: 4,
    iteration: 2,
    totalIterations: 10,
    batchSize: 100,
    optimizer: 'sgd',
    lr: 0.1,
    seconds: 12.5,
    samplesPerSecond: 98_000,
    dataset: { name: 'mnist', train: 1000, test: 100 },
    lossIterations: [1, 2],
    losses: [2.3, 2.25],
    epochs: [{ epoch: 1, iteration: 2, trainAccuracy: 0.2, testAccuracy: 0.19 }],
    weights: net.params().map((p) => ({ name: p.name, shape: p.value.shape.slice(), data: Float32Array.from(p.value.data) })),
  };
}

describe('run files', () => {
  it('round-trip every field and every weight bit for bit', () => {
    const run = sample();
    const back = decodeRun(encodeRun(run), 'x.json');
    assert.deepEqual({ ...back, weights: [] }, { ...run, weights: [] });
    assert.equal(back.weights.length, 4);
    back.weights.forEach((w, i) => {
      assert.equal(w.name, run.weights[i].name);
      assert.deepEqual(w.shape, run.weights[i].shape);
      assert.deepEqual(Array.from(w.data), Array.from(run.weights[i].data));
    });
  });

  it('read files saved before the duration was kept (no seconds, no samplesPerSecond)', () => {
    const old = JSON.parse(encodeRun(sample()));
    delete old.seconds;
    delete old.samplesPerSecond;
    const back = decodeRun(JSON.stringify(old), 'old.json');
    assert.equal(back.seconds, undefined);
    assert.equal(back.samplesPerSecond, undefined);
    assert.equal(back.iteration, sample().iteration);
  });

  it('refuse files that are not runs, with the file named and the problem said', () => {
    const good = JSON.parse(encodeRun(sample()));
    const cases: [unknown, RegExp][] = [
      ['not json', /x\.json: not valid JSON/],
      [{ ...good, format: 'other' }, /not a Scratchnet run/],
      [{ ...good, version: 9 }, /version 9 is not supported/],
      [{ ...good, spec: { input: [784], layers: [] } }, /spec: layers/],
      [{ ...good, losses: [1] }, /differ in length/],
      [{ ...good, weights: good.weights.slice(1) }, /weights\[0\] is affine1\.b/],
      [{ ...good, weights: good.weights.slice(0, 3) }, /has 3 weight tensors, the spec needs 4/],
      [{ ...good, weights: [{ ...good.weights[0], data: good.weights[0].data.slice(0, 100) }, ...good.weights.slice(1)] }, /x\.json: weights affine1\.W: holds 75 bytes; its shape needs 39200 float32 values/],
      [{ ...good, epochs: [{ epoch: 1 }] }, /epochs\[0\] must have/],
      [{ ...good, seconds: -1 }, /"seconds" must be a non-negative number/],
      [{ ...good, samplesPerSecond: 'fast' }, /"samplesPerSecond" must be a non-negative number/],
    ];
    for (const [value, re] of cases) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      assert.throws(() => decodeRun(text, 'x.json'), (e: unknown) => e instanceof RunFileError && re.test(e.message), String(re));
    }
  });
});
