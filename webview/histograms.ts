/**
 * The activation histograms (every layer's output on the current mini-batch, in layer order) and the
 * weight histograms (every parameter tensor), each as small multiples under a heading with the
 * iteration. Hidden until the first probe. The item builders are pure, for tests.
 */
import { HISTOGRAM_BINS, type HistogramsEvent, type LayerInfo } from '../src/shared/protocol';
import type { ChartTheme } from './charts/theme';
import { el, setText, setHidden } from './dom';
import { formatNumber, formatPercent } from './format';
import { HistogramGrid, type HistogramItem } from './histogramGrid';
import type { PanelState } from './state';

/** `dead 48.1%` for ReLU, `saturated 3.2%` for sigmoid and tanh, else ''. */
export function activationNote(kind: string | undefined, info: { dead: number; saturated: number }): string {
  if (kind === 'relu') return `dead ${formatPercent(info.dead)}`;
  if (kind === 'sigmoid' || kind === 'tanh') return `saturated ${formatPercent(info.saturated)}`;
  return '';
}

/** The figures of an activation probe: title `affine1 (mean …, std …)`, note by layer kind. */
export function activationItems(h: HistogramsEvent | null, layers: readonly LayerInfo[] = []): HistogramItem[] {
  if (!h) return [];
  const kind = new Map(layers.map((l) => [l.id, l.kind]));
  return h.items.map((it, i) => ({
    key: it.id,
    title: `${it.id} (mean ${formatNumber(it.mean)}, std ${formatNumber(it.std)})`,
    note: activationNote(kind.get(it.id), it),
    lo: it.lo,
    hi: it.hi,
    counts: h.counts,
    offset: i * HISTOGRAM_BINS,
    bins: HISTOGRAM_BINS,
    clipFirst: kind.get(it.id) === 'relu',
    what: `${it.id} outputs`,
  }));
}

/** The figures of a weight probe, one per parameter tensor; `only` keeps one layer's. */
export function weightItems(h: HistogramsEvent | null, only?: string): HistogramItem[] {
  if (!h) return [];
  const out: HistogramItem[] = [];
  h.items.forEach((it, i) => {
    if (only !== undefined && !it.id.startsWith(`${only}.`)) return;
    out.push({
      key: it.id,
      title: `${it.id} (mean ${formatNumber(it.mean)}, std ${formatNumber(it.std)})`,
      note: '',
      lo: it.lo,
      hi: it.hi,
      counts: h.counts,
      offset: i * HISTOGRAM_BINS,
      bins: HISTOGRAM_BINS,
      clipFirst: false,
      what: `the values of ${it.id}`,
    });
  });
  return out;
}

/** One histogram section: heading, a line saying when and what, the grid. */
class HistogramSection {
  readonly grid: HistogramGrid;
  private readonly when = el('p', { className: 'section-note' });

  constructor(
    readonly section: HTMLElement,
    title: string,
    attr: string,
    private readonly what: string,
  ) {
    const titleId = `${section.id}-title`;
    this.grid = new HistogramGrid(attr);
    section.setAttribute('aria-labelledby', titleId);
    section.append(el('h2', { id: titleId, className: 'section-title', text: title }), this.when, this.grid.element);
  }

  update(h: HistogramsEvent | null, items: HistogramItem[], theme: ChartTheme, draw: boolean): void {
    setHidden(this.section, !h || items.length === 0);
    if (!h) return;
    setText(this.when, `Iteration ${h.iteration}: ${this.what}`);
    this.grid.update(items, theme, draw);
  }
}

/** Both histogram sections. */
export class Histograms {
  private readonly activations: HistogramSection;
  private readonly weights: HistogramSection;

  constructor(activations: HTMLElement, weights: HTMLElement) {
    this.activations = new HistogramSection(
      activations,
      'Activations per layer',
      'data-layer-id',
      'the outputs of every layer on the current mini-batch, in layer order.',
    );
    this.weights = new HistogramSection(
      weights,
      'Weights per parameter',
      'data-param',
      'the values of every parameter tensor.',
    );
  }

  /** Updates both sections; `draw(section)` says whether its canvases are drawn now. */
  update(s: PanelState, theme: ChartTheme, draw: (section: HTMLElement) => boolean = () => true): void {
    const a = this.activations;
    const w = this.weights;
    a.update(s.activations, activationItems(s.activations, s.started?.layers), theme, draw(a.section));
    w.update(s.weightHistograms, weightItems(s.weightHistograms), theme, draw(w.section));
  }
}
