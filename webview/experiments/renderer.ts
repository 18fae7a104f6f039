/** What every experiment view offers the experiment section, and helpers they share. */
import type { ChartTheme } from '../charts/theme';
import { el } from '../dom';

/** The drawing of one experiment result. */
export interface ExperimentRenderer {
  readonly element: HTMLElement;
  /** Redraws in a new theme's colours. */
  setTheme(theme: ChartTheme): void;
  /** Redraws small multiples whose size may have changed (charts resize themselves). */
  resize?(): void;
  /** Releases charts. */
  destroy(): void;
}

/** Up to six series colours of the theme, in a fixed order. */
export function palette(theme: ChartTheme): string[] {
  return [theme.blue, theme.orange, theme.green, theme.red, theme.purple, theme.yellow];
}

/** Dash patterns that tell up to six series apart without colour. */
export const DASHES: number[][] = [[], [7, 3], [2, 2], [9, 3, 2, 3], [4, 4], [1, 3]];

/** A table with a caption, column headers and rows of cells (numbers right-aligned). */
export function table(
  id: string,
  caption: string,
  cols: string[],
  rows: { attrs?: Record<string, string>; cells: string[] }[],
  numeric: (col: number) => boolean,
): HTMLElement {
  return el('div', { className: 'table-scroll' }, [
    el('table', { id, className: 'param-table' }, [
      el('caption', { text: caption }),
      el('thead', {}, [
        el(
          'tr',
          {},
          cols.map((c, i) => el('th', { text: c, className: numeric(i) ? 'num' : '', attrs: { scope: 'col' } })),
        ),
      ]),
      el(
        'tbody',
        {},
        rows.map((r) =>
          el(
            'tr',
            { attrs: r.attrs ?? {} },
            r.cells.map((c, i) =>
              i === 0
                ? el('th', { text: c, attrs: { scope: 'row' } })
                : el('td', { text: c, className: numeric(i) ? 'num' : '' }),
            ),
          ),
        ),
      ),
    ]),
  ]);
}

/** A chart figure inside an experiment view: caption, canvas, text alternative. */
export function experimentFigure(id: string, title: string, summary: string) {
  const canvas = el('canvas', {
    id: `${id}-chart`,
    attrs: { role: 'img', 'aria-label': title, 'aria-describedby': `${id}-summary` },
  });
  const figure = el('figure', { id: `${id}-figure`, className: 'chart-figure' }, [
    el('figcaption', { className: 'subsection-title', text: title }),
    el('div', { className: 'chart-box' }, [canvas]),
    el('p', { id: `${id}-summary`, className: 'chart-summary', text: summary }),
  ]);
  return { figure, canvas };
}
