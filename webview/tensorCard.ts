/**
 * One tensor at a step of backprop, as a card: what it is (role, name), its full shape, mean, std,
 * min and max in four significant digits (the exact mean in `data-mean`), its 30-bin histogram over
 * [lo, hi] and, when the worker sent one, a heat map with its label and a colour bar: diverging
 * around 0 for gradients and weights, sequential for activations; NaN cells stay empty.
 */
import { HISTOGRAM_BINS, type TensorSummary } from '../src/shared/protocol';
import type { ChartTheme } from './charts/theme';
import { drawHistogram } from './canvas/histogram';
import { type MapKind, divergingMap, extent, robustMaxAbs, sequentialMap } from './canvas/colors';
import { drawColorBar, drawPlane } from './canvas/image';
import { el } from './dom';
import { formatCount, formatNumber, formatSides, formatSig4 } from './format';

/** What each role means, in words. */
export const ROLE_WORDS: Record<TensorSummary['role'], string> = {
  input: 'input',
  output: 'output',
  dy: 'upstream gradient',
  dx: 'gradient to pass back',
  grad: 'parameter gradient',
  value: 'parameter after the update',
};

/** Gradients and weights are signed around 0: diverging; activations: sequential. */
export function mapKindOf(role: TensorSummary['role']): MapKind {
  return role === 'input' || role === 'output' ? 'sequential' : 'diverging';
}

/** Largest scale of a heat-map cell, and the size the longer side aims at, in pixels. */
const MAX_CELL = 24;
const HEAT_SIDE = 160;

/** A card and a function that redraws its canvases (after a theme change). */
export interface TensorCard {
  element: HTMLElement;
  draw(theme: ChartTheme): void;
}

export function tensorCard(t: TensorSummary): TensorCard {
  const count = t.shape.reduce((a, b) => a * b, 1);
  const stat = (name: string, v: number) =>
    el('div', { className: 'stat' }, [
      el('dt', { text: name }),
      el('dd', { className: 'num', text: formatSig4(v), attrs: { title: String(v) } }),
    ]);
  const hist = el('canvas', {
    className: 'hist-canvas',
    attrs: {
      role: 'img',
      'aria-label': `Histogram of ${t.name}: ${HISTOGRAM_BINS} bins from ${formatNumber(t.lo)} to ${formatNumber(t.hi)}.`,
    },
  });
  const histFigure = el('figure', { className: 'tensor-hist' }, [
    hist,
    el('div', { className: 'hist-range' }, [
      el('span', { className: 'hist-lo', text: formatNumber(t.lo) }),
      el('span', { className: 'hist-hi', text: formatNumber(t.hi) }),
    ]),
    el('figcaption', { text: `histogram, ${HISTOGRAM_BINS} bins` }),
  ]);
  const element = el(
    'article',
    {
      className: `tensor-card role-${t.role}`,
      attrs: { 'data-role': t.role, 'data-name': t.name, 'data-mean': String(t.mean) },
    },
    [
      el('header', { className: 'tensor-head' }, [
        el('span', { className: 'role-chip', text: ROLE_WORDS[t.role] }),
        el('h3', { className: 'tensor-name', text: t.name }),
      ]),
      el('p', { className: 'tensor-shape', text: `shape (${t.shape.join(', ')}) · ${formatCount(count)} values` }),
      el('dl', { className: 'tensor-stats' }, [
        stat('mean', t.mean),
        stat('std', t.std),
        stat('min', t.min),
        stat('max', t.max),
      ]),
      el('div', { className: 'tensor-plots' }, [histFigure, ...(t.heat ? [heatFigure(t)] : [])]),
    ],
  );
  const heatCanvas = element.querySelector<HTMLCanvasElement>('canvas.heat-canvas');
  const bar = element.querySelector<HTMLCanvasElement>('canvas.color-bar');
  return {
    element,
    draw(theme) {
      drawHistogram(hist, { counts: t.counts, bins: HISTOGRAM_BINS, lo: t.lo, hi: t.hi }, theme);
      const heat = t.heat;
      if (!heat || !heatCanvas || !bar) return;
      const { lo, hi } = heatRange(t);
      const map = mapKindOf(t.role) === 'diverging' ? divergingMap(theme, hi) : sequentialMap(theme, lo, hi);
      const scale = Math.min(MAX_CELL, Math.max(1, Math.floor(HEAT_SIDE / Math.max(heat.rows, heat.cols))));
      drawPlane(heatCanvas, heat.data, 0, heat.rows, heat.cols, scale, map);
      drawColorBar(bar, map, lo, hi);
    },
  };
}

/**
 * The range a heat map's colours span: diverging maps ±m with m the 99th percentile of |v|
 * (`clipped` when some values lie beyond), sequential maps [min, max].
 */
export function heatRange(t: TensorSummary): { lo: number; hi: number; clipped: boolean } {
  const data = t.heat?.data ?? [];
  const e = extent(data);
  if (mapKindOf(t.role) === 'sequential') return { lo: e.min, hi: e.max, clipped: false };
  const m = robustMaxAbs(data);
  return { lo: -m, hi: m, clipped: m < e.maxAbs };
}

function heatFigure(t: TensorSummary): HTMLElement {
  const heat = t.heat!;
  const { lo, hi, clipped } = heatRange(t);
  const diverging = mapKindOf(t.role) === 'diverging';
  const [a, b] = [formatNumber(lo), formatNumber(hi)];
  const scaleLabels = diverging ? [clipped ? `≤ ${a}` : a, '0', clipped ? `≥ ${b}` : b] : [a, b];
  const words = diverging
    ? `blue below 0, red above, full colour at ${scaleLabels[0]} and ${scaleLabels[2]}`
    : `from ${a} (background) to ${b} (blue)`;
  const dims = formatSides(heat.rows, heat.cols);
  return el('figure', { className: 'tensor-heat' }, [
    el('canvas', {
      className: 'heat-canvas',
      attrs: {
        role: 'img',
        'aria-label': `Heat map of ${heat.label}, ${dims} cells, ${words}.`,
      },
    }),
    el('div', { className: 'color-scale' }, [
      el('canvas', { className: 'color-bar', attrs: { 'aria-hidden': 'true' } }),
      el(
        'div',
        { className: 'color-labels' },
        scaleLabels.map((text) => el('span', { text })),
      ),
    ]),
    el('figcaption', { text: heat.label.includes(' × ') ? heat.label : `${heat.label} (${dims})` }),
  ]);
}
