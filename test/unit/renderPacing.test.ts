import assert from 'node:assert/strict';
import { RenderPacing, RenderScheduler, type SchedulerClock } from '../../webview/renderPacing';

describe('RenderPacing (how often the panel redraws streamed data)', () => {
  it('redraws twice a second while drawing is cheap', () => {
    const p = new RenderPacing();
    assert.equal(p.gap(), 500);
    for (let i = 0; i < 10; i++) p.record(3);
    assert.equal(p.gap(), 500);
  });

  it('stretches the gap to 20× the cost of a redraw when drawing is slow, up to a second', () => {
    const p = new RenderPacing();
    for (let i = 0; i < 50; i++) p.record(40);
    assert.ok(Math.abs(p.gap() - 800) < 1e-6, `gap ${p.gap()}`);
    for (let i = 0; i < 50; i++) p.record(200);
    assert.equal(p.gap(), 1000);
  });

  it('follows the cost back down (running average, not the worst redraw)', () => {
    const p = new RenderPacing();
    p.record(45);
    assert.equal(p.gap(), 900);
    for (let i = 0; i < 30; i++) p.record(5);
    assert.ok(p.gap() < 510, `gap ${p.gap()}`);
  });
});

/** A fake clock: frames and timers run when the test says so. */
class FakeClock implements SchedulerClock {
  t = 0;
  frames: (() => void)[] = [];
  timers = new Map<number, { at: number; fn: () => void }>();
  private ids = 0;
  now = () => this.t;
  requestFrame = (fn: () => void) => (this.frames.push(fn), this.frames.length);
  setTimer = (fn: () => void, ms: number) => (this.timers.set(++this.ids, { at: this.t + ms, fn }), this.ids);
  clearTimer = (h: unknown) => void this.timers.delete(h as number);
  /** Advances time, firing due timers, then runs the pending frames. */
  advance(ms: number): void {
    this.t += ms;
    for (const [id, tm] of [...this.timers]) {
      if (tm.at > this.t) continue;
      this.timers.delete(id);
      tm.fn();
    }
    const f = this.frames;
    this.frames = [];
    for (const fn of f) fn();
  }
}

describe('RenderScheduler (when the panel draws)', () => {
  function setup(cost = 2) {
    const clock = new FakeClock();
    const draws: boolean[] = [];
    const s = new RenderScheduler(
      (streamedOnly) => {
        draws.push(streamedOnly);
        clock.t += cost;
      },
      new RenderPacing(),
      clock,
    );
    s.render(); // the first render is a full one
    return { clock, draws, s };
  }

  it('streamed data arriving right after a render is drawn once, 500 ms later, as a streamed render', () => {
    const { clock, draws, s } = setup();
    for (let i = 0; i < 20; i++) {
      s.request(true);
      clock.advance(20);
    }
    // 20 messages within 400 ms: nothing drawn yet
    assert.deepEqual(draws, [false]);
    clock.advance(110);
    assert.deepEqual(draws, [false, true], 'one deferred render, and it is a streamed one');
  });

  it('a full request meanwhile makes the next render full, on the next frame', () => {
    const { clock, draws, s } = setup();
    s.request(true);
    s.request(false);
    clock.advance(1);
    assert.deepEqual(draws, [false, false]);
  });

  it('a full request while a streamed render waits for its timer is drawn at the next frame, once', () => {
    const { clock, draws, s } = setup();
    s.request(true); // deferred by the timer
    clock.advance(10);
    s.request(false);
    clock.advance(1);
    assert.deepEqual(draws, [false, false]);
    clock.advance(600); // the cancelled timer does not draw again
    assert.deepEqual(draws, [false, false]);
  });

  it('slow streamed renders stretch the gap (pacing learns from streamed renders only)', () => {
    const { clock, draws, s } = setup(40);
    const times: number[] = [];
    for (let i = 0; i < 40; i++) {
      s.request(true);
      const n = draws.length;
      clock.advance(50);
      if (draws.length > n) times.push(clock.t);
    }
    assert.ok(s.pacing.gap() >= 700, `gap ${s.pacing.gap()}`);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    assert.ok(gaps.slice(-2).every((g) => g >= 700), `gaps ${gaps}`);
  });
});
