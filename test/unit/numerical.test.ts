import assert from 'node:assert/strict';
import { NUMERICAL_H, meanAbsDiff, numericalDiff, numericalGradient, relativeError } from '../../src/engine/numerical';

/** The book's function_1 (§4.3.2): y = 0.01x² + 0.1x, derivative 0.02x + 0.1. */
const function1 = (x: number): number => 0.01 * x * x + 0.1 * x;

describe('numerical', () => {
  it('uses the book step h = 1e-4', () => {
    assert.equal(NUMERICAL_H, 1e-4);
  });

  it('numericalDiff of x² is 2x (central differences are exact for a quadratic up to rounding)', () => {
    for (const x of [-3, 0, 0.5, 2, 10]) {
      const d = numericalDiff((v) => v * v, x);
      // (x+h)² − (x−h)² = 4xh exactly; only rounding (≈ ε·x²/h ≈ 1e-10 at x = 10) remains
      assert.ok(Math.abs(d - 2 * x) < 1e-9, `d/dx x² at ${x}: ${d}`);
    }
  });

  it("numericalDiff of the book's function_1: 0.2 at 5 and 0.3 at 10", () => {
    const d5 = numericalDiff(function1, 5);
    const d10 = numericalDiff(function1, 10);
    // The book prints 0.1999999999990898 and 0.2999999999986347: the error is rounding in
    // f(x+h) − f(x−h) (≈ ε·f/h ≈ 1e-12), so 1e-9 is a safe bound and 1e-10 also holds.
    assert.ok(Math.abs(d5 - 0.2) < 1e-10, `${d5}`);
    assert.ok(Math.abs(d10 - 0.3) < 1e-10, `${d10}`);
    assert.notEqual(d5, 0.2, 'a central difference with h = 1e-4 is not bit-exact (rounding)');
  });

  it('numericalDiff with a custom h: truncation error of a cubic is h² f‴/6', () => {
    // f = x³ at 1: (f(1+h) − f(1−h)) / 2h = 3 + h²
    const d = numericalDiff((x) => x ** 3, 1, 1e-2);
    assert.ok(Math.abs(d - 3.0001) < 1e-12, `${d}`);
  });

  it('numericalGradient of x0² + x1² at (3, 4) is (6, 8), and at (0, 2), (3, 0)', () => {
    const x = Float64Array.of(3, 4);
    const f = (): number => x[0] * x[0] + x[1] * x[1];
    const g = numericalGradient(f, x);
    assert.ok(g instanceof Float64Array);
    assert.ok(Math.abs(g[0] - 6) < 1e-9 && Math.abs(g[1] - 8) < 1e-9, `${Array.from(g)}`);
    assert.deepEqual(Array.from(x), [3, 4], 'x is restored after perturbation');
    x.set([0, 2]);
    const g2 = numericalGradient(f, x);
    assert.ok(Math.abs(g2[0]) < 1e-9 && Math.abs(g2[1] - 4) < 1e-9);
    x.set([3, 0]);
    const g3 = numericalGradient(f, x);
    assert.ok(Math.abs(g3[0] - 6) < 1e-9 && Math.abs(g3[1]) < 1e-9);
  });

  it('numericalGradient keeps the dtype of x and restores it in float32', () => {
    const x = Float32Array.of(1.5, -2);
    const g = numericalGradient(() => 3 * x[0] - x[1] * x[1], x, 1e-2);
    assert.ok(g instanceof Float32Array);
    assert.ok(Math.abs(g[0] - 3) < 1e-3 && Math.abs(g[1] - 4) < 1e-3, `${Array.from(g)}`);
    assert.deepEqual(Array.from(x), [1.5, -2]);
  });

  it('numericalGradient of a function of many variables (Σ sin xᵢ)', () => {
    const x = Float64Array.from({ length: 20 }, (_, i) => i * 0.3 - 3);
    const g = numericalGradient(() => x.reduce((s, v) => s + Math.sin(v), 0), x);
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(g[i] - Math.cos(x[i])) < 1e-8);
  });

  it('relativeError: ‖a − b‖ / (‖a‖ + ‖b‖), 0 for two zero vectors', () => {
    // a = (3, 4), b = (3, 0): ‖a − b‖ = 4, ‖a‖ + ‖b‖ = 5 + 3 = 8
    assert.equal(relativeError([3, 4], [3, 0]), 0.5);
    assert.equal(relativeError([1, 2, 3], [1, 2, 3]), 0);
    assert.equal(relativeError([0, 0], [0, 0]), 0);
    assert.equal(relativeError([1, 0], [-1, 0]), 1);
    assert.equal(relativeError([2, 0], [0, 0]), 1);
    assert.equal(relativeError([1, 2], [2, 1]), relativeError([2, 1], [1, 2]));
    // scale invariant
    assert.ok(Math.abs(relativeError([3e-6, 4e-6], [3e-6, 0]) - 0.5) < 1e-15);
  });

  it('meanAbsDiff: mean of |a − b|, 0 for empty arrays', () => {
    assert.equal(meanAbsDiff([1, 2, 3], [1, 4, 0]), 5 / 3);
    assert.equal(meanAbsDiff([-1], [1]), 2);
    assert.equal(meanAbsDiff([], []), 0);
  });
});
