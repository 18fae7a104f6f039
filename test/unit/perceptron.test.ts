import assert from 'node:assert/strict';
import {
  AND,
  GATE_INPUTS,
  NAND,
  OR,
  XOR_TARGETS,
  fire,
  gateTables,
  perceptronAccuracy,
  trainSinglePerceptron,
  xor,
} from '../../src/engine/perceptron';

const AND_T = [0, 0, 0, 1];
const NAND_T = [1, 1, 1, 0];
const OR_T = [0, 1, 1, 1];
const XOR_T = [0, 1, 1, 0];

describe('perceptron', () => {
  it('inputs come in the order (0,0), (1,0), (0,1), (1,1)', () => {
    assert.deepEqual(GATE_INPUTS, [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    assert.deepEqual(Array.from(XOR_TARGETS), XOR_T);
  });

  it("the book's weights (§2.3)", () => {
    assert.deepEqual(AND, { w: [0.5, 0.5], b: -0.7 });
    assert.deepEqual(NAND, { w: [-0.5, -0.5], b: 0.7 });
    assert.deepEqual(OR, { w: [0.5, 0.5], b: -0.2 });
  });

  it('AND, NAND, OR and XOR truth tables', () => {
    assert.deepEqual(gateTables(), { AND: AND_T, NAND: NAND_T, OR: OR_T, XOR: XOR_T });
    assert.deepEqual(
      GATE_INPUTS.map(([a, b]) => fire(AND, a, b)),
      AND_T,
    );
    assert.deepEqual(
      GATE_INPUTS.map(([a, b]) => xor(a, b)),
      XOR_T,
    );
  });

  it('fires only when w·x + b > 0 strictly', () => {
    // 0.5 + 0.5 − 1 = 0 is not > 0
    assert.equal(fire({ w: [0.5, 0.5], b: -1 }, 1, 1), 0);
    assert.equal(fire({ w: [0.5, 0.5], b: -0.999 }, 1, 1), 1);
  });

  it('perceptronAccuracy counts the fraction of the four cases right', () => {
    assert.equal(perceptronAccuracy(AND, AND_T), 1);
    assert.equal(perceptronAccuracy(OR, XOR_T), 0.75); // OR is wrong only at (1,1)
    assert.equal(perceptronAccuracy(NAND, AND_T), 0);
    assert.equal(perceptronAccuracy(AND, XOR_T), 0.25);
  });

  it('a single perceptron trained on XOR reaches 0.75 and never more', () => {
    for (const seed of [0, 1, 2, 3, 4]) {
      const r = trainSinglePerceptron(XOR_T, { seed, restarts: 20, epochs: 100 });
      assert.equal(r.bestAccuracy, 0.75, `seed ${seed}`);
      assert.equal(perceptronAccuracy(r.best, XOR_T), 0.75, 'the returned perceptron has the accuracy reported');
    }
    // many starts, many epochs: still never 4 of 4
    const long = trainSinglePerceptron(XOR_T, { seed: 9, restarts: 100, epochs: 300, lr: 0.05 });
    assert.equal(long.bestAccuracy, 0.75);
  });

  it('trained on AND, OR and NAND a single perceptron reaches 1.0', () => {
    for (const [name, targets] of [
      ['AND', AND_T],
      ['OR', OR_T],
      ['NAND', NAND_T],
    ] as const) {
      for (const seed of [0, 1, 2]) {
        const r = trainSinglePerceptron(targets, { seed });
        assert.equal(r.bestAccuracy, 1, `${name} seed ${seed}`);
        assert.deepEqual(
          GATE_INPUTS.map(([a, b]) => fire(r.best, a, b)),
          [...targets],
          `${name}: the best perceptron computes the gate`,
        );
      }
    }
  });

  it('training is deterministic for a seed', () => {
    assert.deepEqual(
      trainSinglePerceptron(AND_T, { seed: 5, restarts: 3 }),
      trainSinglePerceptron(AND_T, { seed: 5, restarts: 3 }),
    );
  });
});
