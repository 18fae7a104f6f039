/**
 * The accuracies the book reports, reproduced by the CLI on the full MNIST with the book's
 * hyperparameters and the kernels the CLI installs (the WebAssembly arena where it runs):
 * two-layer after one epoch (book 0.907) and after the book's 10,000 iterations (≥ 0.97),
 * simple-convnet after one epoch (book 0.965). Issues 2, 3 and 6 ask that these hold.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'scratchnet.js');

interface TrainResult {
  preset: string;
  iterations: number;
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
}

function train(args: string[]): TrainResult {
  const r = spawnSync(process.execPath, [BIN, 'train', ...args, '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 900_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  const out = JSON.parse(lines[lines.length - 1]) as TrainResult;
  console.log(`      ${args.join(' ')}: loss ${out.loss.toFixed(4)}, train ${out.trainAccuracy}, test ${out.testAccuracy}`);
  return out;
}

describe("the book's accuracies, from the CLI on the full MNIST", function () {
  this.timeout(900_000);

  it('two-layer, 1 epoch, seed 1: test accuracy ≥ 0.90 (book 0.907)', () => {
    const r = train(['--preset', 'two-layer', '--epochs', '1', '--seed', '1']);
    assert.equal(r.iterations, 600);
    assert.ok(r.testAccuracy >= 0.9, `test accuracy ${r.testAccuracy}`);
  });

  it("two-layer, the book's 10,000 iterations: test accuracy ≥ 0.97", () => {
    const r = train(['--preset', 'two-layer', '--iterations', '10000', '--seed', '1']);
    assert.equal(r.iterations, 10000);
    assert.ok(r.testAccuracy >= 0.97, `test accuracy ${r.testAccuracy}`);
    assert.ok(r.trainAccuracy >= 0.97, `train accuracy ${r.trainAccuracy}`);
  });

  it('simple-convnet, 1 epoch: test accuracy ≥ 0.95 (book 0.965)', () => {
    const r = train(['--preset', 'simple-convnet', '--epochs', '1']);
    assert.equal(r.iterations, 600);
    assert.ok(r.testAccuracy >= 0.95, `test accuracy ${r.testAccuracy}`);
  });
});
