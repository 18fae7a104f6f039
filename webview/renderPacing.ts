/**
 * How often the panel redraws streamed data (loss, probes) while a run streams: at most every
 * `minMs`, and less often where drawing is slow (software rendering, a slow machine): the gap is
 * `budget`× what a redraw of streamed data costs (a running average), so drawing keeps to about
 * 1/`budget` of a core, down to one redraw every `maxMs`.
 */
export class RenderPacing {
  private cost = 0;

  constructor(
    readonly minMs = 250,
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
