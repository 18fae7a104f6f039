/**
 * The book's chapter-6 lessons on shortened runs of the experiments, plus their contracts: result
 * shapes, determinism for a seed, progress, cancellation and the CLI's strict arguments.
 */
import assert from 'node:assert/strict';
import { UsageError } from '../../src/cli/args';
import { experimentCommand, summarize } from '../../src/cli/experiment';
import { loadDataset, type Dataset } from '../../src/engine/data/dataset';
import {
  EXPERIMENTS,
  batchnorm,
  binValues,
  compareTrials,
  experimentNames,
  hyperparameterSearch,
  logspace,
  optimizerCompare,
  overfitDropout,
  overfitWeightDecay,
  spannedRange,
  weightInitCompare,
  weightInitHistogram,
  type ExperimentProgress,
  type WeightInitHistogramResult,
} from '../../src/engine/experiments';

const mean = (a: readonly number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
const tail = (a: readonly number[], n: number): number[] => a.slice(-n);

describe('chapter-6 experiments', function () {
  this.timeout(180_000);
  let data: Dataset;

  before(() => {
    data = loadDataset();
  });

  describe('registry and helpers', () => {
    it('lists the seven experiments in the book order', () => {
      assert.deepEqual(experimentNames(), [
        'optimizer-compare',
        'weight-init-histogram',
        'weight-init-compare',
        'batchnorm',
        'overfit-weight-decay',
        'overfit-dropout',
        'hyperparameter-search',
      ]);
      for (const e of Object.values(EXPERIMENTS)) assert.ok(e.description.length > 20);
    });

    it('logspace matches numpy.logspace(0, -4, 16)', () => {
      const s = logspace(0, -4, 16);
      assert.equal(s.length, 16);
      assert.equal(s[0], 1);
      assert.ok(Math.abs(s[15] - 1e-4) < 1e-18);
      assert.ok(Math.abs(s[3] - 0.15848931924611134) < 1e-12);
    });

    it('bins like numpy.histogram with a range: right edge in the last bin, outside values dropped', () => {
      const h = binValues([0, 0.05, 0.5, 1, 1.5, -0.1], 10, 0, 1);
      assert.equal(h.edges.length, 11);
      assert.deepEqual(h.counts, [2, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    });

    it('spannedRange covers the values, widens a degenerate range and stays inside the bounds', () => {
      assert.deepEqual(spannedRange([1e-3, 1e-4], [-6, -2]), [-4, -3]);
      assert.deepEqual(spannedRange([1e-3], [-6, -2]), [-3.25, -2.75]);
      assert.deepEqual(spannedRange([1e-2], [-6, -2]), [-2.5, -2]);
    });
  });

  describe('optimizer-compare', () => {
    it('SGD ends with the highest loss; all start from the same weights on the same batches', () => {
      const r = optimizerCompare({ data, iterations: 100 });
      assert.equal(r.experiment, 'optimizer-compare');
      assert.deepEqual(
        r.results.map((x) => x.optimizer),
        ['sgd', 'momentum', 'adagrad', 'adam'],
      );
      for (const x of r.results) {
        assert.equal(x.loss.length, 100);
        assert.equal(x.divergedAt, null);
        // Same initial weights and same first batch: the same first loss, ≈ ln 10 (ReLU He init gives a bit more).
        assert.equal(x.loss[0], r.results[0].loss[0]);
      }
      assert.ok(r.results[0].loss[0] > 2.1 && r.results[0].loss[0] < 2.6);
      const sgd = r.results[0].meanLast100;
      for (const x of r.results.slice(1))
        assert.ok(x.meanLast100 < sgd - 0.2, `${x.optimizer} ${x.meanLast100} vs sgd ${sgd}`);
      assert.match(summarize(r).join('\n'), /adagrad/);
    });
  });

  describe('weight-init-compare', () => {
    it('std 0.01 does not learn (loss stays ≈ 2.30) while He’s loss falls clearly', () => {
      const r = weightInitCompare({ data, iterations: 120 });
      const by = Object.fromEntries(r.results.map((x) => [x.init, x]));
      assert.deepEqual(Object.keys(by), ['std=0.01', 'xavier', 'he']);
      const small = mean(tail(by['std=0.01'].loss, 50));
      assert.ok(Math.abs(small - Math.log(10)) < 0.02, `std=0.01 loss ${small}`);
      const he = mean(tail(by.he.loss, 50));
      assert.ok(he < 1.8, `He loss ${he}`);
      assert.ok(by.he.meanLast100 < by.xavier.meanLast100, 'He learns faster than Xavier with ReLU');
    });
  });

  describe('weight-init-histogram', () => {
    let r: WeightInitHistogramResult;
    const run = (activation: string, init: string) => {
      const x = r.results.find((v) => v.activation === activation && v.init === init);
      assert.ok(x, `${activation} ${init}`);
      return x;
    };
    before(() => {
      r = weightInitHistogram();
    });

    it('has 12 runs of 5 layers with 30-bin histograms', () => {
      assert.equal(r.results.length, 12);
      for (const x of r.results) {
        assert.equal(x.layers.length, 5);
        for (const l of x.layers) {
          assert.equal(l.histogram.counts.length, 30);
          assert.equal(l.histogram.edges.length, 31);
          // Every output lies inside its range (relu: [0, max of the run]).
          assert.equal(
            l.histogram.counts.reduce((s, c) => s + c, 0),
            100_000,
          );
        }
      }
      assert.deepEqual(
        run('sigmoid', 'he').layers[0].histogram.edges.slice(0, 2),
        [0, 1 / 30].map((v) => Number(v.toPrecision(8))),
      );
      assert.equal(run('tanh', 'xavier').layers[0].histogram.edges[0], -1);
    });

    it('sigmoid with std 1 piles up at 0 and 1', () => {
      for (const l of run('sigmoid', 'std=1').layers) {
        const c = l.histogram.counts;
        assert.ok((c[0] + c[29]) / 100_000 > 0.5, `layer ${l.layer}: ${c[0]} + ${c[29]}`);
        assert.ok(l.saturated > 0.4);
      }
    });

    it('sigmoid with std 0.01 concentrates around 0.5', () => {
      for (const l of run('sigmoid', 'std=0.01').layers) {
        const c = l.histogram.counts;
        assert.ok((c[13] + c[14] + c[15] + c[16]) / 100_000 > 0.95, `layer ${l.layer}`);
        assert.ok(Math.abs(l.mean - 0.5) < 0.01);
        assert.equal(l.saturated, 0);
      }
    });

    it('Xavier spreads sigmoid outputs without saturating them', () => {
      for (const l of run('sigmoid', 'xavier').layers) {
        assert.ok(l.std > 0.08, `layer ${l.layer} std ${l.std}`);
        assert.ok(l.saturated < 0.01);
      }
    });

    it('ReLU with std 0.01 vanishes layer by layer; He keeps the spread', () => {
      const small = run('relu', 'std=0.01').layers;
      assert.ok(small[4].std < small[0].std / 1000, `${small[4].std} vs ${small[0].std}`);
      const he = run('relu', 'he').layers.map((l) => l.std);
      assert.ok(Math.max(...he) / Math.min(...he) < 1.5, he.join(' '));
      for (const l of run('relu', 'he').layers) assert.ok(l.dead > 0.4 && l.dead < 0.6);
      assert.match(summarize(r).join('\n'), /relu he/);
    });
  });

  describe('batchnorm', () => {
    it('learns at weight scales where the plain network does not', () => {
      const r = batchnorm({ data, epochs: 8, weightScales: [0.02, 0.01] });
      assert.equal(r.config.itersPerEpoch, 10);
      assert.equal(r.config.trainSize, 1000);
      for (const x of r.results) {
        assert.equal(x.withBn.length, 8);
        assert.equal(x.withoutBn.length, 8);
        const bn = x.withBn[7];
        const plain = x.withoutBn[7];
        assert.ok(bn > 0.6, `scale ${x.weightScale}: with BN ${bn}`);
        assert.ok(plain < 0.2, `scale ${x.weightScale}: without BN ${plain}`);
      }
    });

    it('keeps full-length curves when the plain network diverges at scale 1', () => {
      const r = batchnorm({ data, epochs: 2, weightScales: [1] });
      const x = r.results[0];
      assert.equal(x.withoutBn.length, 2);
      assert.equal(x.withBn.length, 2);
      assert.equal(typeof x.divergedAt.withoutBn, 'number');
      assert.equal(x.divergedAt.withBn, null);
      assert.ok(x.withoutBn.every((v) => v < 0.2));
    });
  });

  describe('overfitting', () => {
    const gap = (x: { trainAccuracy: number[]; testAccuracy: number[] }) =>
      mean(tail(x.trainAccuracy, 5)) - mean(tail(x.testAccuracy, 5));

    it('weight decay narrows the train/test gap', () => {
      const r = overfitWeightDecay({ data, epochs: 50, testLimit: 500 });
      const [wd, none] = r.results;
      assert.equal(wd.variant, 'weight-decay');
      assert.equal(wd.weightDecay, 0.1);
      assert.equal(none.variant, 'none');
      assert.equal(wd.trainAccuracy.length, 50);
      assert.equal(r.config.trainSize, 300);
      assert.equal(r.config.itersPerEpoch, 3);
      assert.ok(gap(none) > 0.2, `plain gap ${gap(none)}`);
      assert.ok(gap(wd) < gap(none) - 0.04, `gap ${gap(wd)} with weight decay vs ${gap(none)}`);
      assert.ok(mean(tail(none.trainAccuracy, 5)) > mean(tail(wd.trainAccuracy, 5)));
    });

    it("the book's dropout narrows the gap; inverted dropout is an option", () => {
      const r = overfitDropout({ data, epochs: 30, testLimit: 500 });
      const [drop, none] = r.results;
      assert.equal(drop.variant, 'dropout');
      assert.equal(drop.ratio, 0.2);
      assert.equal(r.config.inverted, false);
      assert.ok(gap(drop) < gap(none) - 0.05, `gap ${gap(drop)} with dropout vs ${gap(none)}`);
      assert.ok(mean(tail(none.trainAccuracy, 5)) > mean(tail(drop.trainAccuracy, 5)));
      const inv = overfitDropout({ data, epochs: 2, testLimit: 100, inverted: true });
      assert.equal(inv.config.inverted, true);
      assert.notDeepEqual(
        inv.results[0].trainAccuracy,
        overfitDropout({ data, epochs: 2, testLimit: 100 }).results[0].trainAccuracy,
      );
      assert.match(summarize(r).join('\n'), /dropout 0\.2/);
    });
  });

  describe('hyperparameter-search', () => {
    it('returns trials best first, in range, with a narrowed second round', () => {
      const r = hyperparameterSearch({ data, trials: 6, epochs: 4 });
      assert.equal(r.results.length, 12);
      assert.equal(r.config.trainSize, 400);
      assert.equal(r.config.validationSize, 100);
      for (let i = 1; i < r.results.length; i++) assert.ok(compareTrials(r.results[i - 1], r.results[i]) <= 0);
      for (let i = 1; i < r.results.length; i++) assert.ok(r.results[i - 1].valAccuracy >= r.results[i].valAccuracy);
      const [r1, r2] = r.config.rounds;
      assert.deepEqual(r1, { round: 1, lrRange: [-6, -2], weightDecayRange: [-8, -4] });
      for (const t of r.results) {
        const range = t.round === 1 ? r1 : r2;
        const lr = Math.log10(t.lr);
        const wd = Math.log10(t.weightDecay);
        assert.ok(lr >= range.lrRange[0] && lr <= range.lrRange[1], `lr ${t.lr} round ${t.round}`);
        assert.ok(
          wd >= range.weightDecayRange[0] && wd <= range.weightDecayRange[1],
          `λ ${t.weightDecay} round ${t.round}`,
        );
        assert.ok(t.valAccuracy >= 0 && t.valAccuracy <= 1 && t.trainAccuracy >= 0 && t.trainAccuracy <= 1);
      }
      // The second round samples the span of the first round's best five, inside the first range.
      const best = r.results.filter((t) => t.round === 1).slice(0, 5);
      assert.ok(r2.lrRange[0] >= -6 && r2.lrRange[1] <= -2 && r2.lrRange[1] - r2.lrRange[0] < 4);
      assert.ok(
        r2.weightDecayRange[0] >= -8 &&
          r2.weightDecayRange[1] <= -4 &&
          r2.weightDecayRange[1] - r2.weightDecayRange[0] < 4,
      );
      for (const t of best) {
        assert.ok(Math.log10(t.lr) >= r2.lrRange[0] - 1e-3 && Math.log10(t.lr) <= r2.lrRange[1] + 1e-3);
      }
      assert.equal(r.results.filter((t) => t.round === 2).length, 6);
      assert.match(summarize(r).join('\n'), /round 2: lr/);
    });
  });

  describe('determinism, progress and cancellation', () => {
    it('gives identical results for the same seed and different ones for another', () => {
      const a = optimizerCompare({ data, iterations: 4, optimizers: [{ type: 'sgd' }, { type: 'adam' }] });
      assert.deepEqual(optimizerCompare({ data, iterations: 4, optimizers: [{ type: 'sgd' }, { type: 'adam' }] }), a);
      assert.notDeepEqual(
        optimizerCompare({ data, iterations: 4, optimizers: [{ type: 'sgd' }, { type: 'adam' }], seed: 1 }).results,
        a.results,
      );
      const d = overfitDropout({ data, epochs: 2, testLimit: 200, seed: 3 });
      assert.deepEqual(overfitDropout({ data, epochs: 2, testLimit: 200, seed: 3 }), d);
      const h = hyperparameterSearch({ data, trials: 2, epochs: 1, seed: 5 });
      assert.deepEqual(hyperparameterSearch({ data, trials: 2, epochs: 1, seed: 5 }), h);
      assert.notDeepEqual(hyperparameterSearch({ data, trials: 2, epochs: 1, seed: 6 }).results, h.results);
      const w = weightInitHistogram({ samples: 50, seed: 2 });
      assert.deepEqual(weightInitHistogram({ samples: 50, seed: 2 }), w);
      const b = weightInitCompare({ data, iterations: 3, seed: 4 });
      assert.deepEqual(weightInitCompare({ data, iterations: 3, seed: 4 }), b);
      const n = batchnorm({ data, epochs: 1, weightScales: [0.1], seed: 7 });
      assert.deepEqual(batchnorm({ data, epochs: 1, weightScales: [0.1], seed: 7 }), n);
      const o = overfitWeightDecay({ data, epochs: 1, testLimit: 100, seed: 8 });
      assert.deepEqual(overfitWeightDecay({ data, epochs: 1, testLimit: 100, seed: 8 }), o);
      // Derived seeds wrap at 2^32 instead of failing.
      assert.equal(hyperparameterSearch({ data, trials: 1, epochs: 1, seed: 0xffffffff }).results.length, 2);
      // Every result is plain JSON.
      for (const r of [a, d, h, w, b, n, o]) assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
    });

    it('reports progress up to done = total and stops when aborted', () => {
      const seen: ExperimentProgress[] = [];
      hyperparameterSearch({ data, trials: 2, epochs: 2 }, (p) => seen.push(p));
      assert.ok(seen.length >= 2);
      const lastSeen = seen[seen.length - 1];
      assert.equal(lastSeen.done, lastSeen.total);
      assert.equal(lastSeen.total, 2 * 2 * 2 * 4);
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i].done >= seen[i - 1].done);
      assert.match(seen[0].message, /round 1\/2 · trial 1\/2/);
      const controller = new AbortController();
      assert.throws(
        () =>
          optimizerCompare({ data, iterations: 50, signal: controller.signal }, (p) => {
            if (p.done >= 1) controller.abort(new Error('stopped by the test'));
          }),
        /stopped by the test/,
      );
    });
  });

  describe('scratchnet experiment', () => {
    it('rejects unknown names and flags that do not apply, listing what is valid', () => {
      assert.throws(
        () => experimentCommand([]),
        (e: unknown) => e instanceof UsageError && /optimizer-compare/.test(e.message),
      );
      assert.throws(
        () => experimentCommand(['nope']),
        (e: unknown) =>
          e instanceof UsageError && /valid experiments: optimizer-compare, .*hyperparameter-search/.test(e.message),
      );
      assert.throws(
        () => experimentCommand(['optimizer-compare', '--trials', '3']),
        (e: unknown) => e instanceof UsageError && /--iterations/.test(e.message),
      );
      assert.throws(() => experimentCommand(['weight-init-histogram', '--epochs', '3']), UsageError);
      assert.throws(() => experimentCommand(['batchnorm', '--inverted']), UsageError);
      assert.throws(() => experimentCommand(['batchnorm', '--epochs', '0']), UsageError);
      assert.throws(() => experimentCommand(['batchnorm', '--seed', '4294967296']), UsageError);
      assert.throws(
        () => experimentCommand(['batchnorm', '--frobnicate']),
        (e: unknown) => e instanceof UsageError && /--epochs/.test(e.message),
      );
    });

    it('prints the result as one JSON line with --json', () => {
      const out: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((chunk: string) => {
        out.push(chunk);
        return true;
      }) as typeof process.stdout.write;
      try {
        experimentCommand(['hyperparameter-search', '--trials', '1', '--epochs', '1', '--seed', '2', '--json']);
      } finally {
        process.stdout.write = write;
      }
      const lines = out.join('').trim().split('\n');
      const r = JSON.parse(lines[lines.length - 1]);
      assert.equal(r.experiment, 'hyperparameter-search');
      assert.equal(r.config.seed, 2);
      assert.equal(r.results.length, 2);
    });
  });
});
