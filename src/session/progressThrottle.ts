/**
 * When the training notification's progress updates, and what it says: pure, so the rule is tested
 * without an editor (test/unit/progressThrottle.test.ts).
 *
 * Once a second is enough for a notification (the panel shows the live figures), and the bar moves
 * in steps of 5%: each move animates its width for a tenth of a second, six frames of the
 * workbench's style, layout and paint (a move a second was ≈ 6% of a core in a software-rendered
 * browser, taken from the training worker on two cores). The first update comes with the first
 * metrics (iteration 1) and the second sooner than a second after it: a run passes a few hundred
 * iterations in its first second, and "iteration 1" would stand beside them in the panel.
 */

/** Least time between two updates. */
export const PROGRESS_MS = 1000;
/** Least time between the first update and the second. */
export const PROGRESS_FIRST_MS = 200;
/** The bar moves in steps of this many percent. */
export const PROGRESS_STEP = 5;

/** An update for `vscode.Progress.report`: how far the bar moves (percent), and the message. */
export interface ProgressUpdate {
  increment?: number;
  message: string;
}

export class ProgressThrottle {
  private last = -Infinity;
  private reports = 0;
  private reported = 0;

  /** The update for metrics at `iteration` of `total` (time `now`, ms), or undefined: not yet. */
  metrics(now: number, iteration: number, total: number, loss: number): ProgressUpdate | undefined {
    if (total <= 0) return undefined;
    if (now - this.last < (this.reports === 1 ? PROGRESS_FIRST_MS : PROGRESS_MS)) return undefined;
    this.last = now;
    this.reports++;
    const pct = PROGRESS_STEP * Math.floor((100 * iteration) / total / PROGRESS_STEP);
    const update: ProgressUpdate = { message: `iteration ${iteration}/${total} · loss ${loss.toFixed(4)}` };
    if (pct > this.reported) update.increment = pct - this.reported;
    this.reported = Math.max(this.reported, pct);
    return update;
  }
}
