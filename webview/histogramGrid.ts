/**
 * Small multiples of histograms (the book's figures 6-10 to 6-14): one titled figure per layer or
 * parameter with its bars, the x range (lo, hi) and a note (dead or saturated share). The grid keeps
 * one figure per key and redraws only those whose data, theme or width changed.
 */
import type { ChartTheme } from './charts/theme';
import { drawHistogram, peakBin } from './canvas/histogram';
import { el, setText, setHidden, setAttr } from './dom';
import { formatNumber } from './format';

/** One histogram to show. */
export interface HistogramItem {
  /** Stable key (layer id or parameter name), written to the figure as `attr`. */
  key: string;
  title: string;
  /** `dead 48.1%`, `saturated 3.2%`, or ''. */
  note: string;
  lo: number;
  hi: number;
  counts: ArrayLike<number>;
  offset: number;
  bins: number;
  /** Clip a towering first bin (ReLU zeros). */
  clipFirst: boolean;
  /** What the values are, for the text alternative: `conv1 outputs`. */
  what: string;
}

/** One figure of the grid. */
class HistogramFigure {
  readonly element: HTMLElement;
  private readonly title = el('figcaption', { className: 'hist-title' });
  private readonly canvas = el('canvas', { className: 'hist-canvas', attrs: { role: 'img' } });
  private readonly lo = el('span', { className: 'hist-lo' });
  private readonly hi = el('span', { className: 'hist-hi' });
  private readonly note = el('p', { className: 'hist-note' });
  private drawn: { counts: ArrayLike<number>; offset: number; theme: ChartTheme; width: number } | null = null;

  constructor(key: string, attr: string) {
    this.element = el('figure', { className: 'hist-multiple', attrs: { [attr]: key } }, [
      this.title,
      this.canvas,
      el('div', { className: 'hist-range' }, [this.lo, this.hi]),
      this.note,
    ]);
  }

  /** Updates the texts; draws the canvas only with `draw` (off screen it waits until it is seen). */
  update(item: HistogramItem, theme: ChartTheme, draw = true): void {
    setText(this.title, item.title);
    setText(this.lo, formatNumber(item.lo));
    setText(this.hi, formatNumber(item.hi));
    setText(this.note, item.note);
    setHidden(this.note, item.note === '');
    if (!draw) return;
    const width = this.canvas.clientWidth;
    const d = this.drawn;
    if (d && d.counts === item.counts && d.offset === item.offset && d.theme === theme && d.width === width) return;
    this.drawn = { counts: item.counts, offset: item.offset, theme, width };
    const clipped = drawHistogram(
      this.canvas,
      {
        counts: item.counts,
        offset: item.offset,
        bins: item.bins,
        lo: item.lo,
        hi: item.hi,
        clipFirst: item.clipFirst,
      },
      theme,
    );
    setAttr(this.canvas, 'aria-label', describe(item, clipped));
  }
}

/** The text alternative of one histogram: range, where most values are, clipping. */
export function describe(item: HistogramItem, clipped = false): string {
  const peak = peakBin(item.counts, item.offset, item.bins);
  const w = (item.hi - item.lo) / item.bins;
  const at = item.lo + (peak + 0.5) * w;
  const tail = clipped ? '; the first bar is cut off to show the rest' : '';
  return (
    `Histogram of ${item.what}: ${item.bins} bins from ${formatNumber(item.lo)} to ${formatNumber(item.hi)}, ` +
    `most values near ${formatNumber(at)}${tail}.`
  );
}

/** A grid of histogram figures keyed by layer id or parameter name. */
export class HistogramGrid {
  readonly element: HTMLElement;
  private readonly figures = new Map<string, HistogramFigure>();

  /** `attr` is the attribute naming each figure's key (`data-layer-id`, `data-param`). */
  constructor(
    private readonly attr: string,
    id?: string,
  ) {
    this.element = el('div', { className: 'hist-grid', ...(id ? { id } : {}) });
  }

  /** Shows exactly `items`, in order (their canvases drawn only with `draw`). */
  update(items: readonly HistogramItem[], theme: ChartTheme, draw = true): void {
    const keep = new Set(items.map((i) => i.key));
    for (const [key, f] of this.figures) {
      if (!keep.has(key)) {
        f.element.remove();
        this.figures.delete(key);
      }
    }
    let prev: Element | null = null;
    for (const item of items) {
      let f = this.figures.get(item.key);
      if (!f) {
        f = new HistogramFigure(item.key, this.attr);
        this.figures.set(item.key, f);
      }
      const next: Element | null = prev ? prev.nextElementSibling : this.element.firstElementChild;
      if (next !== f.element) this.element.insertBefore(f.element, next);
      f.update(item, theme, draw);
      prev = f.element;
    }
  }
}
