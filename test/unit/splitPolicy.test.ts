/**
 * SplitPolicy (src/engine/kernels/arenaThreads.ts): when the arena's calling thread runs split
 * kernel calls alone instead of handing parts to its helper threads. Pure, so driven here with a
 * made-up clock: whole steps (the time between two calls of the first call site) compared split
 * against alone in blocks, the switch when one way is faster, and the back-off from a helper that
 * looks descheduled.
 */
import assert from 'node:assert/strict';
import { SplitPolicy, type SplitPlan } from '../../src/engine/kernels/arenaThreads';

/**
 * Runs `steps` training steps of two split calls each (sites "a", the pilot, and "b"); a step takes
 * `split` ms when its calls are split and `alone` ms when they run alone. Returns each step's plan
 * for site "a", and the clock.
 */
function train(p: SplitPolicy, steps: number, ms: { split: number; alone: number }, clock = { now: 0 }) {
  const plans: SplitPlan[] = [];
  for (let i = 0; i < steps; i++) {
    const plan = p.plan('a', clock.now);
    p.plan('b', clock.now + 0.01);
    if (plan === 'split') p.afterSplit(2, 2, 0.1, 0.01, false);
    plans.push(plan);
    clock.now += plan === 'split' ? ms.split : ms.alone;
  }
  return { plans, clock };
}

const count = (plans: SplitPlan[], what: SplitPlan) => plans.filter((p) => p === what).length;

describe('SplitPolicy: when split kernel calls run on the calling thread alone', () => {
  it('two threads faster (1.45×): splits, trying 16 steps alone after 256, then 512, 1024 … as the preference holds', () => {
    const p = new SplitPolicy();
    // the first call has no step before it: the first block is 255 calls
    const { plans } = train(p, 255 + 16 + 512 + 1, { split: 1, alone: 1.45 });
    assert.deepEqual(plans.slice(0, 255), Array(255).fill('split'));
    assert.deepEqual(plans.slice(255, 271), Array(16).fill('alone'), 'the explore block');
    assert.deepEqual(plans.slice(271, 271 + 512), Array(512).fill('split'), 'a longer preferred block');
    assert.equal(plans[783], 'alone', 'the second explore block');
    assert.equal(p.switches, 0);
    assert.equal(p.trials, 2);
  });

  it('threads sharing a core (split steps 1.3× slower than alone): switches to alone after two comparisons in a row, and back when that changes', () => {
    const p = new SplitPolicy();
    const clock = { now: 0 };
    train(p, 255 + 16, { split: 1.3, alone: 1 }, clock);
    assert.equal(p.switches, 0, 'one comparison (its block still running alone): not yet');
    // a comparison is decided at the call after its block
    let r = train(p, 1 + 64 + 16 + 1, { split: 1.3, alone: 1 }, clock);
    assert.deepEqual(r.plans.slice(0, 64), Array(64).fill('split'), 'the next comparison comes 64 steps later');
    assert.equal(p.switches, 1, 'alone measured faster twice');
    assert.equal(p.runningAlone, true);
    r = train(p, 200, { split: 1.3, alone: 1 }, clock);
    assert.equal(count(r.plans, 'alone'), 200);
    // the cores part: split explore blocks win twice
    r = train(p, 400, { split: 0.7, alone: 1 }, clock);
    assert.equal(p.switches, 2);
    assert.equal(p.runningAlone, false);
    assert.equal(count(r.plans.slice(-100), 'split'), 100);
  });

  it('long steps (8 ms): blocks of about 1 s and explore blocks of about 40 ms (6 steps); switches within 1.5 s when alone is faster', () => {
    const p = new SplitPolicy();
    const { plans } = train(p, 140, { split: 8, alone: 12 });
    const first = plans.indexOf('alone');
    assert.ok(first >= 120 && first <= 126, `first explore block at step ${first}: about 1000 ms / 8 ms`);
    assert.deepEqual(plans.slice(first, first + 7), [...Array(6).fill('alone'), 'split']);
    const q = new SplitPolicy();
    const clock = { now: 0 };
    train(q, 150, { split: 10, alone: 8 }, clock);
    assert.equal(q.switches, 1);
    assert.equal(q.runningAlone, true);
    assert.ok(clock.now < 1500, `switched after ${clock.now} ms`);
  });

  it('one comparison won, the next lost: no switch', () => {
    const p = new SplitPolicy();
    const clock = { now: 0 };
    train(p, 255 + 16, { split: 1.3, alone: 1 }, clock);
    train(p, 64 + 16 + 5, { split: 1, alone: 1.3 }, clock);
    assert.equal(p.switches, 0);
    assert.equal(p.runningAlone, false);
  });

  it('a gain under 3% does not switch', () => {
    const p = new SplitPolicy();
    train(p, 256 + 16 + 5, { split: 1, alone: 0.98 });
    assert.equal(p.switches, 0);
    assert.equal(p.runningAlone, false);
  });

  it('only the pilot site (the first seen) counts steps; disabled, every call is split', () => {
    const p = new SplitPolicy();
    p.plan('pilot', 0);
    for (let i = 0; i < 1000; i++) assert.equal(p.plan('other', i), 'split');
    assert.equal(p.trials, 0);
    const off = new SplitPolicy();
    off.enabled = false;
    const { plans } = train(off, 600, { split: 2, alone: 1 });
    assert.equal(count(plans, 'split'), 600);
    assert.equal(off.trials, 0);
    assert.equal(off.afterSplit(2, 0, 0.1, 5, false), false, 'no back-off either');
  });

  it('a helper that looks descheduled (long wait, or no part taken though awake): backs off at once, longer each time', () => {
    const p = new SplitPolicy();
    p.plan('a', 0);
    assert.equal(p.afterSplit(2, 2, 1, 2.5, false), true, 'waited over two own parts');
    assert.equal(p.backingOff, 2);
    assert.deepEqual([p.plan('a', 1), p.plan('a', 2), p.plan('a', 3)], ['backoff', 'backoff', 'split']);
    assert.equal(p.afterSplit(2, 0, 1, 0.01, false), true, 'took no part, awake');
    assert.equal(p.backingOff, 4);
    assert.equal(p.afterSplit(2, 0, 1, 0.01, true), false, 'asleep: not slow');
    // short waits take steps back: after two, the next long wait backs off for 2 again
    p.afterSplit(2, 2, 1, 0.01, false);
    p.afterSplit(2, 2, 1, 0.01, false);
    assert.equal(p.afterSplit(2, 2, 1, 2.5, false), true);
    assert.equal(p.backingOff, 2);
  });
});
