/**
 * The loss-per-iteration history the panel keeps: two parallel arrays, bounded in length. When the
 * history grows past its limit the older half is thinned by 2 (every other point kept), so recent
 * iterations stay at full resolution and the oldest ones end up the most thinned.
 */

/** Iteration numbers and the loss at each, in increasing iteration order. */
export interface LossHistory {
  readonly iterations: readonly number[];
  readonly losses: readonly number[];
}

/** Default bound on the number of loss points kept (about 20k). */
export const MAX_LOSS_POINTS = 20_000;

/**
 * Appends losses of consecutive iterations starting at `firstIteration` and returns a new history
 * (the input is not modified). Losses of iterations already in the history (a message repeated
 * after a snapshot) are skipped. When the result is longer than `maxPoints` the older half is
 * thinned by 2.
 *
 * With `inPlace` the history's own arrays are appended to (they must be ones the caller owns) and
 * the same history is returned until thinning makes new arrays: the same points as a copy, without
 * copying 20,000 numbers per message (arrays that size live in V8's large-object space, so each copy
 * was old-generation garbage).
 */
export function appendLosses(
  history: LossHistory,
  firstIteration: number,
  losses: readonly number[],
  maxPoints = MAX_LOSS_POINTS,
  inPlace = false,
): LossHistory {
  const last = history.iterations.length ? history.iterations[history.iterations.length - 1] : -Infinity;
  const skip = Math.max(0, Math.min(losses.length, Math.floor(last - firstIteration) + 1));
  if (skip === losses.length) return history;
  const iterations = inPlace ? (history.iterations as number[]) : history.iterations.slice();
  const values = inPlace ? (history.losses as number[]) : history.losses.slice();
  for (let i = skip; i < losses.length; i++) {
    iterations.push(firstIteration + i);
    values.push(losses[i]);
  }
  if (iterations.length > maxPoints) return thinOlderHalf({ iterations, losses: values });
  return inPlace ? history : { iterations, losses: values };
}

/** Keeps every other point of the older half of a history and all of the newer half. */
export function thinOlderHalf(history: LossHistory): LossHistory {
  const half = Math.floor(history.iterations.length / 2);
  const iterations: number[] = [];
  const losses: number[] = [];
  for (let i = 0; i < half; i += 2) {
    iterations.push(history.iterations[i]);
    losses.push(history.losses[i]);
  }
  for (let i = half; i < history.iterations.length; i++) {
    iterations.push(history.iterations[i]);
    losses.push(history.losses[i]);
  }
  return { iterations, losses };
}
