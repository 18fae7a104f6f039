/**
 * optimizer-compare and weight-init-compare (book figures 6-9 and 6-15): the training loss per
 * iteration, one line per optimizer or initial weight scale, smoothed as the book smooths it (its
 * `smooth_curve`), the raw losses faint behind; the y range is the book's (0–1 and 0–2.5) unless the
 * curves lie above it. A table gives each variant's mean loss over the last 100 iterations.
 */
import type { ChartTheme } from '../charts/theme';
import type { LineChartSpec } from '../charts/chartOptions';
import { SeriesChart, lineStyle, type DatasetBuilder } from '../charts/seriesChart';
import { withAlpha } from '../charts/theme';
import { el } from '../dom';
import { formatLoss } from '../format';
import { DASHES, experimentFigure, palette, table, type ExperimentRenderer } from './renderer';
import type { LossCurveRun } from './results';
import { smoothCurve } from './smooth';

/** The y range of the book's figure for each experiment. */
const BOOK_Y_MAX: Record<string, number> = { 'optimizer-compare': 1, 'weight-init-compare': 2.5 };

/** Variants by mean loss of the last 100 iterations, lowest first: `adam 0.0812, sgd 0.3327`. */
export function lossCurveSummary(runs: readonly LossCurveRun[], what: string): string {
  const sorted = runs.slice().sort((a, b) => a.meanLast100 - b.meanLast100);
  const parts = sorted.map(
    (r) => `${r.name} ${formatLoss(r.meanLast100)}${r.divergedAt !== null ? ' (diverged)' : ''}`,
  );
  return `Mean loss of the last 100 iterations by ${what}, lowest first: ${parts.join(', ')}.`;
}

/** The book's y maximum when at least half of every smoothed curve fits under it, else none. */
export function yMaxFor(experiment: string, smoothed: readonly number[][]): number | undefined {
  const max = BOOK_Y_MAX[experiment];
  if (max === undefined) return undefined;
  const fits = smoothed.every((c) => c.filter((v) => v <= max).length >= c.length / 2);
  return fits ? max : undefined;
}

export function lossCurves(experiment: string, runs: LossCurveRun[], theme: ChartTheme): ExperimentRenderer {
  const what = experiment === 'optimizer-compare' ? 'optimizer' : 'initial weight scale';
  const smoothed = runs.map((r) => smoothCurve(r.loss));
  const summary = lossCurveSummary(runs, what);
  const { figure, canvas } = experimentFigure('experiment-loss', `Training loss per iteration, by ${what}`, summary);
  const spec: LineChartSpec = {
    x: { title: 'iteration', precision: 0, min: 1 },
    y: { title: 'loss', min: 0, max: yMaxFor(experiment, smoothed) },
    legendFilter: (label) => !label.endsWith('(raw)'),
    tooltipLabel: (label, y) => `${label}: ${y.toFixed(4)}`,
  };
  const build: DatasetBuilder = (t) => {
    const colors = palette(t);
    const raw = runs.map((r, k) => ({
      label: `${r.name} (raw)`,
      data: r.loss.map((y, i) => ({ x: i + 1, y: Number.isFinite(y) ? y : null })),
      ...lineStyle(withAlpha(colors[k % colors.length], 0.22), [], 1),
    }));
    const smooth = runs.map((r, k) => ({
      label: r.name,
      data: smoothed[k].map((y, i) => ({ x: i + 1, y: Number.isFinite(y) ? y : null })),
      ...lineStyle(colors[k % colors.length], DASHES[k % DASHES.length], 2.25),
    }));
    return [...raw, ...smooth];
  };
  const chart = new SeriesChart(canvas, theme, spec, build);
  const rows = runs.map((r, k) => ({
    attrs: { 'data-variant': r.name },
    cells: [
      r.name,
      formatLoss(r.meanLast100),
      formatLoss(smoothed[k][smoothed[k].length - 1] ?? NaN),
      r.divergedAt === null ? '—' : String(r.divergedAt),
    ],
  }));
  const element = el('div', { className: 'experiment-body' }, [
    figure,
    table(
      'experiment-table',
      `Loss at the end of ${runs[0]?.loss.length ?? 0} iterations.`,
      [what, 'mean of last 100', 'last (smoothed)', 'diverged at'],
      rows,
      (i) => i > 0,
    ),
  ]);
  return { element, setTheme: (t) => chart.setTheme(t), destroy: () => chart.destroy() };
}
