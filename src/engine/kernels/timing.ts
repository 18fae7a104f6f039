/**
 * The timing method every kernel benchmark here shares (benchGemm.ts, `scratchnet bench --gemm`,
 * bench/gemmThreads.mjs, bench/tfjs/compare.mjs): calibrate each variant to runs of ≥ runMs after a
 * warm-up, then time the variants in alternating rounds (the order rotating each round, so a change
 * of machine speed falls on all of them), and report the median and best rate of each.
 */

/** Deterministic values in [−1, 1) (xorshift32), the same for a seed on every run and machine. */
export function xorshiftArray(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    a[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return a;
}

export function median(xs: readonly number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const h = a.length >> 1;
  return a.length % 2 ? a[h] : (a[h - 1] + a[h]) / 2;
}

/**
 * Calls of fn that make one timed run last ≥ runMs, found by doubling from 1, after fn has run
 * untimed for 2·runMs: V8 runs WebAssembly on its baseline compiler first and swaps in optimized
 * code only after some calls (the first product measured in `bench --gemm` had medians far under
 * its best runs), and fresh memory faults in on first use.
 */
export function calibrateReps(fn: () => void, runMs: number): number {
  const w0 = performance.now();
  do fn();
  while (performance.now() - w0 < 2 * runMs);
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= runMs / 2 || reps >= 1 << 20) return Math.max(1, Math.ceil((reps * runMs) / Math.max(dt, 1e-3)));
    reps *= 2;
  }
}

export interface TimedVariant {
  key: string;
  fn: () => void;
  /** Run before each of this variant's timed runs, untimed (e.g. switching the thread count). */
  before?: () => void;
}

export interface Rate {
  median: number;
  best: number;
}

/**
 * Times the variants in `rounds` alternating rounds of one run each (≥ runMs); a run's rate is
 * work·calls / (ms · 10⁶), i.e. GFLOP/s when `work` is the flops of one call. Returns each
 * variant's median and best rate, by key.
 */
export function alternateRates(
  variants: readonly TimedVariant[],
  work: number,
  rounds: number,
  runMs: number,
): Record<string, Rate> {
  const reps = variants.map((v) => {
    v.before?.();
    return calibrateReps(v.fn, runMs);
  });
  const rates: number[][] = variants.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < variants.length; i++) {
      const j = (i + r) % variants.length;
      const v = variants[j];
      v.before?.();
      const t0 = performance.now();
      for (let c = 0; c < reps[j]; c++) v.fn();
      rates[j].push((work * reps[j]) / ((performance.now() - t0) * 1e6));
    }
  }
  const out: Record<string, Rate> = {};
  variants.forEach((v, j) => (out[v.key] = { median: median(rates[j]), best: Math.max(...rates[j]) }));
  return out;
}
