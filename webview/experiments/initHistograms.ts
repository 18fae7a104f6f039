/**
 * weight-init-histogram (book figures 6-10 to 6-14): a grid of small histograms, one row per
 * activation and initial weight scale, one column per layer (1–5), each over the experiment's fixed
 * range, with the layer's std and its saturated (sigmoid, tanh) or dead (ReLU) share beneath.
 */
import type { ChartTheme } from '../charts/theme';
import { drawHistogram } from '../canvas/histogram';
import { el } from '../dom';
import { formatNumber, formatPercent } from '../format';
import { describe } from '../histogramGrid';
import type { ExperimentRenderer } from './renderer';
import type { InitHistogramRun } from './results';

type Layer = InitHistogramRun['layers'][number];

/** The note under a cell: `σ 0.458 · sat. 64.5%` (sigmoid, tanh) or `σ 0.21 · dead 50.1%` (ReLU). */
export function cellNote(activation: string, l: Layer): string {
  const share =
    activation === 'relu'
      ? ` · dead ${formatPercent(l.dead)}`
      : activation === 'sigmoid' || activation === 'tanh'
        ? ` · sat. ${formatPercent(l.saturated)}`
        : '';
  return `σ ${formatNumber(l.std)}${share}`;
}

/** `std=1` → `std 1`, `xavier` → `Xavier`, `he` → `He`. */
export function initLabel(init: string): string {
  if (init === 'xavier') return 'Xavier';
  if (init === 'he') return 'He';
  return init.replace('=', ' ');
}

export function initHistograms(runs: InitHistogramRun[], theme: ChartTheme): ExperimentRenderer {
  const depth = Math.max(0, ...runs.map((r) => r.layers.length));
  const cells: { canvas: HTMLCanvasElement; run: InitHistogramRun; layer: Layer }[] = [];
  const grid = el('div', {
    id: 'init-histogram-grid',
    className: 'init-grid',
    attrs: { role: 'table', 'aria-label': 'Activation histograms by activation, initial weights and layer' },
  });
  grid.append(
    el('div', { className: 'init-row init-head', attrs: { role: 'row' } }, [
      el('span', { className: 'init-corner', text: 'activation · weights', attrs: { role: 'columnheader' } }),
      ...Array.from({ length: depth }, (_, i) =>
        el('span', { className: 'init-col', text: `layer ${i + 1}`, attrs: { role: 'columnheader' } }),
      ),
    ]),
  );
  for (const run of runs) {
    const row = el('div', {
      className: 'init-row',
      attrs: { role: 'row', 'data-activation': run.activation, 'data-init': run.init },
    });
    row.append(
      el('div', { className: 'init-label', attrs: { role: 'rowheader' } }, [
        el('span', { className: 'init-activation', text: run.activation }),
        el('span', { className: 'init-scale', text: `${initLabel(run.init)} (σ ${formatNumber(run.weightStd)})` }),
      ]),
    );
    for (const layer of run.layers) {
      const canvas = el('canvas', { className: 'hist-canvas' });
      cells.push({ canvas, run, layer });
      row.append(
        el('div', { className: 'init-cell', attrs: { role: 'cell', 'data-layer': String(layer.layer) } }, [
          canvas,
          el('span', { className: 'init-note', text: cellNote(run.activation, layer) }),
        ]),
      );
    }
    grid.append(row);
  }
  const draw = (t: ChartTheme) => {
    for (const { canvas, run, layer } of cells) {
      const { edges, counts } = layer.histogram;
      const item = {
        counts,
        offset: 0,
        bins: counts.length,
        lo: edges[0],
        hi: edges[edges.length - 1],
        clipFirst: run.activation === 'relu',
      };
      const clipped = drawHistogram(canvas, item, t);
      canvas.setAttribute('role', 'img');
      canvas.setAttribute(
        'aria-label',
        describe(
          { ...item, key: '', title: '', note: '', what: `${run.activation}, ${run.init}, layer ${layer.layer}` },
          clipped,
        ),
      );
    }
  };
  const element = el('div', { className: 'experiment-body' }, [
    el('div', { className: 'init-scroll' }, [grid]),
    el('p', {
      className: 'chart-summary',
      text:
        'Each histogram counts the 100,000 outputs of one layer in 30 bins over a fixed range: [0, 1] for sigmoid, ' +
        '[−1, 1] for tanh, [0, the largest output of the five layers] for ReLU, whose first bar (the zeros) is cut ' +
        'off when it dwarfs the rest.',
    }),
  ]);
  let theme0 = theme;
  let width = -1;
  const redraw = (t: ChartTheme) => {
    theme0 = t;
    width = grid.clientWidth;
    draw(t);
  };
  // Drawn once the grid is in the document and has a width.
  requestAnimationFrame(() => redraw(theme0));
  return {
    element,
    setTheme: redraw,
    resize: () => {
      if (grid.clientWidth !== width) redraw(theme0);
    },
    destroy: () => undefined,
  };
}
