/**
 * Perceptrons of book chapter 2: output 1 iff w·x + b > 0. AND, NAND and OR are single perceptrons with
 * the book's weights; XOR needs two layers, XOR(x) = AND(NAND(x), OR(x)). `trainSingleXor` shows by
 * experiment that no single perceptron gets all four XOR cases right.
 */
import { Rng } from './rng';

/** Weights and bias of one perceptron with two inputs. */
export interface Perceptron {
  w: [number, number];
  b: number;
}

/** The book's weights (§2.3). */
export const AND: Perceptron = { w: [0.5, 0.5], b: -0.7 };
export const NAND: Perceptron = { w: [-0.5, -0.5], b: 0.7 };
export const OR: Perceptron = { w: [0.5, 0.5], b: -0.2 };

/** The four inputs in the order (0,0), (1,0), (0,1), (1,1). */
export const GATE_INPUTS: readonly [number, number][] = [
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
];
/** XOR's truth table in that order. */
export const XOR_TARGETS = [0, 1, 1, 0] as const;

/** Output of a perceptron: 1 iff w·x + b > 0. */
export function fire(p: Perceptron, x1: number, x2: number): number {
  return p.w[0] * x1 + p.w[1] * x2 + p.b > 0 ? 1 : 0;
}

/** XOR as a two-layer perceptron (§2.5). */
export function xor(x1: number, x2: number): number {
  return fire(AND, fire(NAND, x1, x2), fire(OR, x1, x2));
}

/** Truth tables of AND, NAND, OR and XOR over GATE_INPUTS. */
export function gateTables(): Record<'AND' | 'NAND' | 'OR' | 'XOR', number[]> {
  return {
    AND: GATE_INPUTS.map(([a, b]) => fire(AND, a, b)),
    NAND: GATE_INPUTS.map(([a, b]) => fire(NAND, a, b)),
    OR: GATE_INPUTS.map(([a, b]) => fire(OR, a, b)),
    XOR: GATE_INPUTS.map(([a, b]) => xor(a, b)),
  };
}

/** Fraction of the four cases a perceptron gets right for the given targets. */
export function perceptronAccuracy(p: Perceptron, targets: readonly number[]): number {
  let ok = 0;
  GATE_INPUTS.forEach(([a, b], i) => {
    if (fire(p, a, b) === targets[i]) ok++;
  });
  return ok / GATE_INPUTS.length;
}

/**
 * Trains single perceptrons with the perceptron learning rule (w ← w + η(t − y)x) from `restarts`
 * random starts for `epochs` passes each, and returns the best accuracy any of them ever reached on
 * the targets. For XOR this is 0.75: the four points are not linearly separable.
 */
export function trainSinglePerceptron(targets: readonly number[], opts: { restarts?: number; epochs?: number; lr?: number; seed?: number } = {}): { bestAccuracy: number; best: Perceptron } {
  const rng = new Rng(opts.seed ?? 0);
  const lr = opts.lr ?? 0.1;
  let bestAccuracy = -1;
  let best: Perceptron = { w: [0, 0], b: 0 };
  for (let r = 0; r < (opts.restarts ?? 20); r++) {
    const p: Perceptron = { w: [rng.normal(), rng.normal()], b: rng.normal() };
    for (let e = 0; e < (opts.epochs ?? 100); e++) {
      for (const i of rng.permutation(4)) {
        const [a, b] = GATE_INPUTS[i];
        const err = targets[i] - fire(p, a, b);
        p.w[0] += lr * err * a;
        p.w[1] += lr * err * b;
        p.b += lr * err;
      }
      const acc = perceptronAccuracy(p, targets);
      if (acc > bestAccuracy) {
        bestAccuracy = acc;
        best = { w: [p.w[0], p.w[1]], b: p.b };
      }
    }
  }
  return { bestAccuracy, best };
}
