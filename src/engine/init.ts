/**
 * Initial weights (book §6.2): a normal distribution with a fixed standard deviation (1, 0.01, …),
 * Xavier's √(1/n) and He's √(2/n), where n is the number of inputs each unit sees (fan-in).
 */
import type { Rng } from './rng';
import type { Arr } from './tensor';

/** An init choice: a named scheme or a fixed standard deviation. */
export type InitSpec = 'xavier' | 'he' | { std: number } | number;

/** The standard deviation an init choice gives for a layer with `fanIn` inputs per unit. */
export function initStd(init: InitSpec, fanIn: number): number {
  if (typeof init === 'number') return init;
  if (init === 'xavier') return Math.sqrt(1 / fanIn);
  if (init === 'he') return Math.sqrt(2 / fanIn);
  return init.std;
}

/** Human-readable name of an init choice: `std=0.01`, `xavier`, `he`. */
export function initName(init: InitSpec): string {
  if (typeof init === 'number') return `std=${init}`;
  if (typeof init === 'string') return init;
  return `std=${init.std}`;
}

/** Fills `w` with N(0, std²) for the given init and fan-in. */
export function initWeights(w: Arr, init: InitSpec, fanIn: number, rng: Rng): void {
  rng.fillNormal(w, initStd(init, fanIn));
}
