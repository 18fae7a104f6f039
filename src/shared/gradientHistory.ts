/**
 * The gradient-norm history the panel keeps from `probe/gradients`: one row of iterations and, per
 * parameter, the gradient norm and update ratio at each. Thinned exactly as the host's RunStore
 * thins it (every other point, the first kept, once it passes `MAX_GRADIENT_POINTS`), so a snapshot
 * and a replay of the events agree.
 */
import type { GradientsEvent, Snapshot } from './protocol';

/** One parameter's history. */
export type GradientSeries = Snapshot['gradients'][number];

/** Iterations and the per-parameter series, all the same length. */
export interface GradientHistory {
  readonly iterations: readonly number[];
  readonly series: readonly GradientSeries[];
}

/** Most points kept per parameter before the history is thinned (as the host keeps). */
export const MAX_GRADIENT_POINTS = 2000;

const everyOther = <T>(a: readonly T[]): T[] => a.filter((_, i) => i % 2 === 0);

/**
 * Appends one probe and returns a new history (the input is not modified). A probe for an iteration
 * already recorded, or whose parameters differ from the recorded ones, is ignored.
 */
export function appendGradients(
  h: GradientHistory,
  e: GradientsEvent,
  maxPoints = MAX_GRADIENT_POINTS,
): GradientHistory {
  const last = h.iterations.length ? h.iterations[h.iterations.length - 1] : -Infinity;
  if (e.iteration <= last) return h;
  const base: readonly GradientSeries[] =
    h.series.length === 0
      ? e.params.map((p) => ({ name: p.name, layer: p.layer, gradNorm: [], updateRatio: [] }))
      : h.series;
  if (e.params.length !== base.length || e.params.some((p, i) => p.name !== base[i].name)) return h;
  let iterations = [...h.iterations, e.iteration];
  let series = base.map((s, i) => ({
    ...s,
    gradNorm: [...s.gradNorm, e.params[i].gradNorm],
    updateRatio: [...s.updateRatio, e.params[i].updateRatio],
  }));
  if (iterations.length > maxPoints) {
    iterations = everyOther(iterations);
    series = series.map((s) => ({ ...s, gradNorm: everyOther(s.gradNorm), updateRatio: everyOther(s.updateRatio) }));
  }
  return { iterations, series };
}
