/**
 * The filter grid: the first convolution layer's filters as small greyscale images (channels
 * averaged, each filter scaled to its own range: black its smallest weight, white its largest), as
 * in the book's figure 7-24, redrawn at every probe. Hidden for networks without a convolution.
 */
import type { FiltersEvent } from '../src/shared/protocol';
import { greyMap } from './canvas/colors';
import { drawPlane, scaleFor } from './canvas/image';
import { el, setText, setHidden } from './dom';
import { formatSides } from './format';
import type { PanelState } from './state';

/** Pixels the side of a filter image aims at. */
const FILTER_SIDE = 45;

/** `conv1: 30 filters of 5 × 5 at iteration 60 (channels averaged; black = smallest weight of each filter, white = largest).` */
export function filterSummary(f: FiltersEvent): string {
  return (
    `${f.layer}: ${f.count} filters of ${formatSides(f.h, f.w)} at iteration ${f.iteration} ` +
    `(channels averaged; black = smallest weight of each filter, white = largest).`
  );
}

export class FilterGrid {
  private readonly title = el('h2', { id: 'filter-grid-title', className: 'section-title' });
  private readonly summary = el('p', { id: 'filter-summary', className: 'section-note' });
  private readonly grid = el('div', { className: 'image-grid filter-images', attrs: { role: 'list' } });
  private canvases: HTMLCanvasElement[] = [];
  /** The probe whose images are drawn, and the one the texts describe (newer when off screen). */
  private shown: FiltersEvent | null = null;
  private described: FiltersEvent | null = null;

  constructor(private readonly section: HTMLElement) {
    section.setAttribute('aria-labelledby', 'filter-grid-title');
    section.append(this.title, this.summary, this.grid);
  }

  /** Shows the state's filters; their images are drawn only with `draw` (the texts always). */
  update(s: PanelState, draw = true): void {
    const f = s.filters;
    setHidden(this.section, !f);
    if (!f) return;
    if (f !== this.described) {
      this.described = f;
      this.section.dataset.layerId = f.layer;
      this.section.dataset.iteration = String(f.iteration);
      setText(this.title, `Filters of ${f.layer}`);
      setText(this.summary, filterSummary(f));
    }
    if (!draw || f === this.shown) return;
    this.shown = f;
    this.section.dataset.drawnIteration = String(f.iteration);
    if (this.canvases.length !== f.count) {
      this.canvases = Array.from({ length: f.count }, (_, k) =>
        el('canvas', {
          className: 'pixel-image',
          attrs: {
            role: 'listitem',
            'data-filter': String(k),
            'aria-label': `filter ${k + 1}`,
            title: `filter ${k + 1}`,
          },
        }),
      );
      this.grid.replaceChildren(...this.canvases);
    }
    const scale = scaleFor(Math.max(f.h, f.w), FILTER_SIDE);
    const size = f.h * f.w;
    this.canvases.forEach((c, k) => drawPlane(c, f.data, k * size, f.h, f.w, scale, greyMap));
  }
}
