import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';

const N = 100_000;

function draws(seed: number, f: (r: Rng) => number, n = 1000): number[] {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => f(r));
}

function meanVar(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, variance: v / xs.length };
}

describe('rng', () => {
  it('the same seed gives identical sequences (uniform, normal, permutation, uint32)', () => {
    for (const seed of [0, 1, 42, 123456789]) {
      assert.deepEqual(
        draws(seed, (r) => r.random()),
        draws(seed, (r) => r.random()),
      );
      assert.deepEqual(
        draws(seed, (r) => r.uniform(-3, 5)),
        draws(seed, (r) => r.uniform(-3, 5)),
      );
      assert.deepEqual(
        draws(seed, (r) => r.normal()),
        draws(seed, (r) => r.normal()),
      );
      assert.deepEqual(
        draws(seed, (r) => r.nextUint32()),
        draws(seed, (r) => r.nextUint32()),
      );
      assert.deepEqual(Array.from(new Rng(seed).permutation(500)), Array.from(new Rng(seed).permutation(500)));
      const a = new Float64Array(100);
      const b = new Float64Array(100);
      new Rng(seed).fillNormal(a, 0.5);
      new Rng(seed).fillNormal(b, 0.5);
      assert.deepEqual(a, b);
    }
  });

  it('different seeds give different sequences', () => {
    const seeds = [0, 1, 2, 3, 42, 1000];
    const seqs = seeds.map((s) => draws(s, (r) => r.random(), 20).join());
    assert.equal(new Set(seqs).size, seeds.length);
    const normals = seeds.map((s) => draws(s, (r) => r.normal(), 20).join());
    assert.equal(new Set(normals).size, seeds.length);
    const perms = seeds.map((s) => Array.from(new Rng(s).permutation(100)).join());
    assert.equal(new Set(perms).size, seeds.length);
  });

  it('rejects a seed that is not an integer in 0..2^32−1', () => {
    assert.throws(() => new Rng(NaN), RangeError);
    assert.throws(() => new Rng(Infinity), RangeError);
    assert.throws(() => new Rng(1.5), RangeError);
    assert.throws(() => new Rng(-1), RangeError);
    assert.throws(() => new Rng(2 ** 32), RangeError);
  });

  it('seed 0 is a seed like any other', () => {
    assert.notEqual(new Rng(0).nextUint32(), new Rng(0x9e3779b9).nextUint32());
  });

  it('permutation is a permutation of 0..n-1 and actually shuffles', () => {
    for (const n of [1, 2, 7, 1000]) {
      const p = new Rng(n).permutation(n);
      assert.equal(p.length, n);
      assert.deepEqual(
        Array.from(p).sort((a, b) => a - b),
        Array.from({ length: n }, (_, i) => i),
      );
    }
    const p = new Rng(5).permutation(1000);
    let fixed = 0;
    for (let i = 0; i < p.length; i++) if (p[i] === i) fixed++;
    assert.ok(fixed < 10, `a shuffle of 1000 leaves about 1 element in place, got ${fixed}`);
    assert.deepEqual(Array.from(new Rng(0).permutation(0)), []);
  });

  it('choice draws k distinct indices below n', () => {
    const c = new Rng(9).choice(50, 20);
    assert.equal(c.length, 20);
    assert.equal(new Set(c).size, 20);
    assert.ok(Array.from(c).every((v) => v >= 0 && v < 50));
  });

  it('uniform draws over 1e5 samples: in range, mean 1/2, variance 1/12', () => {
    const r = new Rng(2024);
    const xs = new Float64Array(N);
    for (let i = 0; i < N; i++) xs[i] = r.random();
    assert.ok(xs.every((v) => v >= 0 && v < 1));
    const { mean, variance } = meanVar(xs);
    // standard error of the mean √(1/12/N) ≈ 9.1e-4; of the variance ≈ 2.4e-4: bounds are ≈ 5σ
    assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1 / 12) < 0.0015, `variance ${variance}`);
    // ten equal bins each hold about N/10 (σ ≈ 95)
    const bins = new Array(10).fill(0);
    for (const v of xs) bins[Math.floor(v * 10)]++;
    for (const b of bins) assert.ok(Math.abs(b - N / 10) < 600, `bin count ${b}`);
  });

  it('uniform(lo, hi) and int(n) stay in range', () => {
    const r = new Rng(8);
    let lo = Infinity;
    let hi = -Infinity;
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const u = r.uniform(-2, 3);
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      const k = r.int(6);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 6);
      counts[k]++;
    }
    assert.ok(lo >= -2 && lo < -1.99, `min ${lo}`);
    assert.ok(hi < 3 && hi > 2.99, `max ${hi}`);
    assert.ok(
      counts.every((c) => c > 1500),
      `every value of int(6) occurs: ${counts}`,
    );
  });

  it('normal draws over 1e5 samples: mean 0, std 1; fillNormal scales by std', () => {
    const r = new Rng(77);
    const xs = new Float64Array(N);
    for (let i = 0; i < N; i++) xs[i] = r.normal();
    const { mean, variance } = meanVar(xs);
    // standard error of the mean 1/√N ≈ 3.2e-3; of the std ≈ 1/√(2N) ≈ 2.2e-3: bounds are ≈ 5σ
    assert.ok(Math.abs(mean) < 0.016, `mean ${mean}`);
    assert.ok(Math.abs(Math.sqrt(variance) - 1) < 0.012, `std ${Math.sqrt(variance)}`);
    // about 68.27% within one std, 95.45% within two
    let in1 = 0;
    let in2 = 0;
    for (const v of xs) {
      if (Math.abs(v) < 1) in1++;
      if (Math.abs(v) < 2) in2++;
    }
    assert.ok(Math.abs(in1 / N - 0.6827) < 0.01, `within 1σ: ${in1 / N}`);
    assert.ok(Math.abs(in2 / N - 0.9545) < 0.005, `within 2σ: ${in2 / N}`);

    const f = new Float32Array(N);
    new Rng(78).fillNormal(f, 0.01);
    const s = meanVar(f);
    assert.ok(Math.abs(s.mean) < 0.00016, `mean ${s.mean}`);
    assert.ok(Math.abs(Math.sqrt(s.variance) - 0.01) < 0.00012, `std ${Math.sqrt(s.variance)}`);
  });
});
