/**
 * batchnorm (book figure 6-18): a grid of 16 small plots, one per initial weight scale, each with
 * the training accuracy per epoch with Batch Norm (solid) and without (dashed), y from 0 to 100%.
 * A shared legend says which line is which; a table behind a disclosure gives the final accuracies.
 */
import type { ChartTheme } from '../charts/theme';
import { drawLinePlot } from '../canvas/linePlot';
import { el } from '../dom';
import { formatPercent } from '../format';
import { table, type ExperimentRenderer } from './renderer';
import type { BatchnormRun } from './results';

/** A weight scale in three significant digits: `1`, `0.541`, `1.00e-4`. */
export function formatScale(s: number): string {
  return s >= 0.01 ? String(Number(s.toPrecision(3))) : s.toExponential(2);
}

/** A run "learns" when its final training accuracy is above this. */
const LEARNED = 0.5;

/** `With Batch Norm the network learned (final train accuracy above 50%) at 14 of 16 scales, without at 6.` */
export function batchnormSummary(runs: readonly BatchnormRun[]): string {
  const last = (a: number[]) => a[a.length - 1] ?? NaN;
  const bn = runs.filter((r) => last(r.withBn) > LEARNED).length;
  const plain = runs.filter((r) => last(r.withoutBn) > LEARNED).length;
  return (
    `With Batch Norm the network learned (final training accuracy above 50%) at ${bn} of ${runs.length} ` +
    `initial weight scales, without it at ${plain}.`
  );
}

export function batchnormGrid(runs: BatchnormRun[], epochs: number, theme: ChartTheme): ExperimentRenderer {
  const plots = runs.map((r, i) => {
    const canvas = el('canvas', {
      className: 'mini-plot',
      attrs: {
        role: 'img',
        'aria-label':
          `Weight scale ${formatScale(r.weightScale)}: final training accuracy ${formatPercent(r.withBn.at(-1) ?? NaN)} ` +
          `with Batch Norm, ${formatPercent(r.withoutBn.at(-1) ?? NaN)} without.`,
      },
    });
    const figure = el('figure', { className: 'mini-figure', attrs: { 'data-scale': String(r.weightScale) } }, [
      el('figcaption', { text: `${i + 1}: w = ${formatScale(r.weightScale)}` }),
      canvas,
    ]);
    return { canvas, figure, run: r };
  });
  const swatch = (cls: string) => el('span', { className: `swatch ${cls}`, attrs: { 'aria-hidden': 'true' } });
  const legend = el('p', { className: 'mini-legend' }, [
    swatch('solid'),
    el('span', { text: 'with Batch Norm' }),
    swatch('dashed'),
    el('span', { text: 'without' }),
    el('span', { className: 'section-note', text: `training accuracy 0–100% over ${epochs} epochs` }),
  ]);
  const rows = runs.map((r) => ({
    attrs: { 'data-scale': String(r.weightScale) },
    cells: [
      formatScale(r.weightScale),
      formatPercent(r.withBn.at(-1) ?? NaN),
      formatPercent(r.withoutBn.at(-1) ?? NaN),
    ],
  }));
  const grid = el(
    'div',
    { id: 'batchnorm-grid', className: 'mini-grid' },
    plots.map((p) => p.figure),
  );
  const element = el('div', { className: 'experiment-body' }, [
    legend,
    grid,
    el('p', { id: 'experiment-summary', className: 'chart-summary', text: batchnormSummary(runs) }),
    el('details', { className: 'values' }, [
      el('summary', { text: 'Final accuracies as a table' }),
      table(
        'experiment-table',
        `After ${epochs} epochs.`,
        ['weight scale', 'with Batch Norm', 'without'],
        rows,
        (i) => i > 0,
      ),
    ]),
  ]);
  let current = theme;
  let width = -1;
  const draw = (t: ChartTheme) => {
    current = t;
    width = grid.clientWidth;
    for (const p of plots) {
      drawLinePlot(
        p.canvas,
        [
          { values: p.run.withoutBn, color: t.orange, dash: [5, 3] },
          { values: p.run.withBn, color: t.blue, width: 2 },
        ],
        { yMin: 0, yMax: 1, gridY: [0.5] },
        t,
      );
    }
  };
  requestAnimationFrame(() => draw(current));
  return {
    element,
    setTheme: draw,
    resize: () => {
      if (grid.clientWidth !== width) draw(current);
    },
    destroy: () => undefined,
  };
}
