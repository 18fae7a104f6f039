import assert from 'node:assert/strict';
import {
  CROSS_ENTROPY_DELTA,
  activate,
  crossEntropyError,
  identity,
  meanSquaredError,
  relu,
  sigmoid,
  sigmoid1,
  softmax,
  step,
  sumSquaresError,
  tanh,
} from '../../src/engine/functions';

const f64 = (...v: number[]) => Float64Array.from(v);

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

// The book's examples (§4.2.1): the network is most confident in class 2.
const Y = f64(0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0);
// …and one most confident in class 7, with the target still 2.
const Y_WRONG = f64(0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0);
const T = f64(0, 0, 1, 0, 0, 0, 0, 0, 0, 0);

describe('functions', () => {
  describe('activations', () => {
    it('step: 1 where x > 0, else 0 (0 maps to 0)', () => {
      assert.deepEqual(Array.from(step(f64(-1, 1, 2, 0, -0.0001, 0.0001))), [0, 1, 1, 0, 0, 1]);
      assert.ok(step(new Float32Array(2)) instanceof Float32Array);
    });

    it('sigmoid: book values, symmetric, stable for ±1000', () => {
      // the book's sigmoid(np.array([-1.0, 1.0, 2.0])) = [0.26894142, 0.73105858, 0.88079708]
      close(sigmoid(f64(-1, 1, 2)), [0.26894142, 0.73105858, 0.88079708], 1e-8, 'sigmoid');
      assert.equal(sigmoid1(0), 0.5);
      for (const v of [0.3, 2, 7.5]) assert.ok(Math.abs(sigmoid1(v) + sigmoid1(-v) - 1) < 1e-15);
      const big = sigmoid(f64(-1000, 1000, -745, 745));
      assert.deepEqual(Array.from(big), [0, 1, big[2], 1]);
      assert.ok(big[2] >= 0 && big[2] < 1e-300 && !Number.isNaN(big[2]));
      assert.ok(sigmoid(new Float32Array([1])) instanceof Float32Array);
    });

    it('tanh: values and odd symmetry', () => {
      close(
        tanh(f64(0, 0.5, -0.5, 1, 20)),
        [0, 0.46211715726000974, -0.46211715726000974, 0.7615941559557649, 1],
        1e-15,
        'tanh',
      );
    });

    it('relu: max(0, x)', () => {
      assert.deepEqual(Array.from(relu(f64(-2, -0.5, 0, 0.5, 3))), [0, 0, 0, 0.5, 3]);
      assert.ok(Number.isNaN(relu(f64(NaN))[0]), 'NaN stays NaN, as with np.maximum(0, x)');
    });

    it('identity returns a copy', () => {
      const x = f64(1, -2, 3);
      const y = identity(x);
      assert.deepEqual(Array.from(y), [1, -2, 3]);
      y[0] = 9;
      assert.equal(x[0], 1);
    });

    it('activate dispatches by name', () => {
      const x = f64(-1, 0, 2);
      assert.deepEqual(Array.from(activate('step', x)), Array.from(step(x)));
      assert.deepEqual(Array.from(activate('sigmoid', x)), Array.from(sigmoid(x)));
      assert.deepEqual(Array.from(activate('tanh', x)), Array.from(tanh(x)));
      assert.deepEqual(Array.from(activate('relu', x)), Array.from(relu(x)));
      assert.deepEqual(Array.from(activate('identity', x)), [-1, 0, 2]);
      assert.deepEqual(Array.from(activate('softmax', x)), Array.from(softmax(x, 3)));
    });
  });

  describe('softmax', () => {
    it("the book's example [0.3, 2.9, 4.0]", () => {
      close(softmax(f64(0.3, 2.9, 4.0), 3), [0.01821127, 0.24519181, 0.73659691], 1e-8, 'softmax');
    });

    it('rows sum to 1 and each row is normalised separately', () => {
      const x = f64(1, 2, 3, 4, -5, 0, 5, 10, 0.1, 0.1, 0.1, 0.1);
      const y = softmax(x, 4);
      for (let r = 0; r < 3; r++) {
        let s = 0;
        for (let j = 0; j < 4; j++) s += y[r * 4 + j];
        assert.ok(Math.abs(s - 1) < 1e-15, `row ${r} sums to ${s}`);
      }
      close(y.subarray(8), [0.25, 0.25, 0.25, 0.25], 1e-15, 'uniform row');
      close(y.subarray(0, 4), softmax(f64(1, 2, 3, 4), 4), 0, 'first row alone');
    });

    it('is invariant to adding a constant to a row', () => {
      const x = f64(0.3, 2.9, 4.0, -1, 0, 1);
      const shifted = x.map((v, i) => v + (i < 3 ? 100 : -37.5));
      close(softmax(shifted, 3), softmax(x, 3), 1e-14, 'shifted');
    });

    it('does not overflow on large inputs like 1010, 1000, 990', () => {
      const y = softmax(f64(1010, 1000, 990), 3);
      // the book: [9.99954600e-01, 4.53978686e-05, 2.06106005e-09]
      close(y, [9.999546e-1, 4.53978686e-5, 2.06106005e-9], 1e-9, 'softmax large');
      assert.ok(y.every((v) => Number.isFinite(v)));
      const big = softmax(f64(1000, 1000), 2);
      close(big, [0.5, 0.5], 0, 'equal large');
      const f32 = softmax(Float32Array.of(1e4, 0, -1e4), 3);
      assert.ok(f32 instanceof Float32Array);
      assert.deepEqual(Array.from(f32), [1, 0, 0]);
    });

    it('writes into out when given', () => {
      const out = new Float64Array(3);
      const y = softmax(f64(1, 1, 1), 3, out);
      assert.equal(y, out);
      close(out, [1 / 3, 1 / 3, 1 / 3], 1e-15);
    });
  });

  describe('losses', () => {
    it("sum of squares: the book's 0.0975 and 0.5975", () => {
      // ½ (0.1² + 0.05² + 0.4² + 0.05² + 0.1² + 0.1²) = ½ · 0.195 = 0.0975
      assert.ok(Math.abs(sumSquaresError(Y, T) - 0.0975) < 1e-15);
      // ½ (0.1² + 0.05² + 0.9² + 0.05² + 0.1² + 0.6²) = ½ · 1.195 = 0.5975
      assert.ok(Math.abs(sumSquaresError(Y_WRONG, T) - 0.5975) < 1e-15);
      // over two rows: divided by the number of rows
      const y2 = new Float64Array([...Y, ...Y_WRONG]);
      const t2 = new Float64Array([...T, ...T]);
      assert.ok(Math.abs(sumSquaresError(y2, t2, 2) - (0.0975 + 0.5975) / 2) < 1e-15);
      assert.throws(() => sumSquaresError(Y, f64(1, 2)), RangeError);
    });

    it('mean squared error: mean over all elements', () => {
      // 0.195 / 10
      assert.ok(Math.abs(meanSquaredError(Y, T) - 0.0195) < 1e-15);
      // ((1−0)² + (2−4)²) / 2 = 2.5
      assert.equal(meanSquaredError(f64(1, 2), f64(0, 4)), 2.5);
      assert.throws(() => meanSquaredError(Y, f64(1)), RangeError);
    });

    it("cross-entropy: the book's 0.5108 and 2.3026, one-hot and labels agree", () => {
      assert.equal(CROSS_ENTROPY_DELTA, 1e-7);
      // −log(0.6 + 1e-7) = 0.510825457099338 (book: 0.51082545709933802)
      const ce = crossEntropyError(Y, T, 10);
      assert.ok(Math.abs(ce - 0.510825457099338) < 1e-12, `${ce}`);
      assert.ok(Math.abs(ce - 0.5108) < 5e-5);
      // −log(0.1 + 1e-7) = 2.302584092994546 (book: 2.3025840929945458)
      const ceWrong = crossEntropyError(Y_WRONG, T, 10);
      assert.ok(Math.abs(ceWrong - 2.302584092994546) < 1e-12, `${ceWrong}`);
      // labels form equals the one-hot form
      assert.equal(crossEntropyError(Y, Int32Array.of(2), 10), ce);
      assert.equal(crossEntropyError(Y_WRONG, [2], 10), ceWrong);
    });

    it('cross-entropy over a batch averages rows; labels equal one-hot', () => {
      const y = new Float64Array([...Y, ...Y_WRONG, ...Y]); // 3 rows of 10
      const labels = Int32Array.of(2, 2, 5);
      const onehot = new Float64Array(30);
      labels.forEach((l, r) => (onehot[r * 10 + l] = 1));
      const byLabels = crossEntropyError(y, labels, 10);
      const byOneHot = crossEntropyError(y, onehot, 10);
      const want = (-Math.log(0.6 + 1e-7) - Math.log(0.1 + 1e-7) - Math.log(0.1 + 1e-7)) / 3;
      assert.ok(Math.abs(byLabels - want) < 1e-15, `${byLabels} vs ${want}`);
      assert.ok(Math.abs(byOneHot - want) < 1e-15, `${byOneHot} vs ${want}`);
    });

    it('cross-entropy of a zero probability is finite thanks to δ', () => {
      const ce = crossEntropyError(Y, Int32Array.of(3), 10); // y[3] = 0
      assert.ok(Math.abs(ce - -Math.log(1e-7)) < 1e-12);
    });

    it('cross-entropy refuses bad labels and target counts', () => {
      assert.throws(() => crossEntropyError(Y, [10], 10), /label 10 at row 0 is outside 0..9/);
      assert.throws(() => crossEntropyError(Y, [-1], 10), /outside/);
      assert.throws(() => crossEntropyError(Y, [1.5], 10), /outside/);
      assert.throws(() => crossEntropyError(Y, [1, 2, 3], 10), /3 targets for 1 rows of 10/);
    });
  });
});
