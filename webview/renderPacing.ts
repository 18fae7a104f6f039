/**
 * How often the panel redraws streamed data (loss, probes) while a run streams: at most every
 * `minMs` (twice a second: four times cost the training worker a few percent more in the editor,
 * measured in docs/PERFORMANCE.md), and less often where drawing is slow (software rendering, a slow machine): the gap is
 * `budget`× what a redraw of streamed data costs (a running average), so drawing keeps to about
 * 1/`budget` of a core, down to one redraw every `maxMs`.
 */
export class RenderPacing {
  private cost = 0;

  constructor(
    readonly minMs = 500,
    readonly maxMs = 1000,
    readonly budget = 20,
  ) {}

  /** Books one redraw of streamed data that took `ms`. */
  record(ms: number): void {
    this.cost = this.cost === 0 ? ms : 0.8 * this.cost + 0.2 * ms;
  }

  /** The least time between two redraws of streamed data, in ms. */
  gap(): number {
    return Math.min(this.maxMs, Math.max(this.minMs, this.budget * this.cost));
  }
}

/** The browser functions a RenderScheduler uses (injected by tests). */
export interface SchedulerClock {
  now(): number;
  requestFrame(fn: () => void): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

const browserClock: SchedulerClock = {
  now: () => performance.now(),
  requestFrame: (fn) => requestAnimationFrame(fn),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Decides when the panel draws. A request for a full render (a click, a step, a state change, a
 * snapshot) is drawn on the next frame. Streamed data is drawn no sooner than `pacing.gap()` after
 * the last render, and that deferred render stays a streamed one (`draw(true)`: off-screen and
 * secondary canvases keep their own pace) unless a full render was asked for meanwhile.
 */
export class RenderScheduler {
  private frame = 0;
  private timer: unknown;
  private lastRender = -Infinity;
  private full = true;

  constructor(
    private readonly draw: (streamedOnly: boolean) => void,
    readonly pacing = new RenderPacing(),
    private readonly clock: SchedulerClock = browserClock,
  ) {}

  /** Asks for a render: a full one, or (`streamed`) one that only has new streamed data to show. */
  request(streamed = false): void {
    if (!streamed) this.full = true;
    if (this.frame) return;
    if (streamed) {
      const wait = this.lastRender + this.pacing.gap() - this.clock.now();
      if (wait > 0) {
        this.timer ??= this.clock.setTimer(() => {
          this.timer = undefined;
          this.frame ||= this.clock.requestFrame(() => this.render());
        }, wait);
        return;
      }
    }
    this.frame = this.clock.requestFrame(() => this.render());
  }

  /** Draws now (also the first render, before any request). */
  render(): void {
    this.frame = 0;
    if (this.timer !== undefined) {
      this.clock.clearTimer(this.timer);
      this.timer = undefined;
    }
    const t0 = this.clock.now();
    const streamedOnly = !this.full;
    this.full = false;
    this.draw(streamedOnly);
    this.lastRender = this.clock.now();
    if (streamedOnly) this.pacing.record(this.lastRender - t0);
  }
}
