/**
 * The training notification's progress (src/session/progressThrottle.ts): when it updates, how far
 * its bar moves, what it says.
 */
import assert from 'node:assert/strict';
import { PROGRESS_FIRST_MS, PROGRESS_MS, PROGRESS_STEP, ProgressThrottle } from '../../src/session/progressThrottle';

describe('training notification progress', function () {
  it('updates at the first metrics, again after PROGRESS_FIRST_MS, then at most once per PROGRESS_MS', function () {
    const t = new ProgressThrottle();
    const at = (now: number, it: number) => t.metrics(now, it, 6000, 1.5);
    assert.deepEqual(at(0, 1), { message: 'iteration 1/6000 · loss 1.5000' });
    assert.equal(at(PROGRESS_FIRST_MS - 1, 100), undefined);
    assert.ok(at(PROGRESS_FIRST_MS, 120), 'the second update comes PROGRESS_FIRST_MS after the first');
    const second = PROGRESS_FIRST_MS;
    assert.equal(at(second + PROGRESS_FIRST_MS, 200), undefined, 'after the second, updates wait PROGRESS_MS');
    assert.equal(at(second + PROGRESS_MS - 1, 600), undefined);
    assert.ok(at(second + PROGRESS_MS, 601));
    assert.equal(at(second + PROGRESS_MS + PROGRESS_FIRST_MS, 700), undefined);
    assert.ok(at(second + 2 * PROGRESS_MS, 1200));
  });

  it('moves the bar in steps of PROGRESS_STEP percent, never back, and sums to 100 at the end', function () {
    const t = new ProgressThrottle();
    const total = 1000;
    let sum = 0;
    let now = 0;
    const steps: number[] = [];
    for (const it of [1, 30, 49, 50, 51, 99, 140, 130, 555, 1000]) {
      const u = t.metrics(now, it, total, 0.25);
      now += PROGRESS_MS;
      assert.ok(u);
      assert.match(u.message, new RegExp(`^iteration ${it}/${total} · loss 0\\.2500$`));
      if (u.increment !== undefined) {
        assert.ok(u.increment > 0 && u.increment % PROGRESS_STEP === 0, `increment ${u.increment}`);
        sum += u.increment;
        steps.push(sum);
      }
    }
    assert.deepEqual(steps, [5, 10, 55, 100]);
    assert.equal(sum, 100);
  });

  it('says nothing while the run has no total yet', function () {
    const t = new ProgressThrottle();
    assert.equal(t.metrics(0, 1, 0, 1), undefined);
    assert.ok(t.metrics(1, 2, 10, 1), 'a refused update does not start the clock');
  });
});
