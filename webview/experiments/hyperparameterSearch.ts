/**
 * hyperparameter-search (book §6.5): a scatter of learning rate (log axis) against validation
 * accuracy, one colour and marker per round, and the trials as a table, best first.
 */
import type { ChartTheme } from '../charts/theme';
import type { LineChartSpec } from '../charts/chartOptions';
import { SeriesChart, pointStyle, type DatasetBuilder } from '../charts/seriesChart';
import { el } from '../dom';
import { formatExp, formatPercent } from '../format';
import { experimentFigure, table, type ExperimentRenderer } from './renderer';
import type { Trial } from './results';

const percent = (v: number) => `${Math.round(v * 100)}%`;

/** `Best of 20 trials: validation accuracy 78.0% with lr 5.52e-3 and weight decay 1.86e-6 (round 2, trial 4).` */
export function searchSummary(ts: readonly Trial[]): string {
  const best = ts[0];
  if (!best) return 'No trials.';
  return (
    `Best of ${ts.length} trials: validation accuracy ${formatPercent(best.valAccuracy)} with lr ${formatExp(best.lr)} ` +
    `and weight decay ${formatExp(best.weightDecay)} (round ${best.round}, trial ${best.trial}).`
  );
}

export function hyperparameterSearch(ts: Trial[], theme: ChartTheme): ExperimentRenderer {
  const rounds = [...new Set(ts.map((t) => t.round))].sort((a, b) => a - b);
  // Whole decades, so no point sits on the edge.
  const lrs = ts.map((t) => t.lr).filter((v) => v > 0);
  const spec: LineChartSpec = {
    x: {
      title: 'learning rate (log)',
      type: 'logarithmic',
      min: Math.pow(10, Math.floor(Math.log10(Math.min(...lrs)))),
      max: Math.pow(10, Math.ceil(Math.log10(Math.max(...lrs)))),
    },
    y: { title: 'validation accuracy', min: 0, max: 1, format: percent },
    legendPointStyle: true,
    tooltipLabel: (label, y) => `${label}: ${(y * 100).toFixed(1)}%`,
  };
  const build: DatasetBuilder = (t) =>
    rounds.map((round, k) => ({
      label: `round ${round}`,
      data: ts.filter((x) => x.round === round).map((x) => ({ x: x.lr, y: x.valAccuracy })),
      ...pointStyle(k === 0 ? t.blue : t.orange, k === 0 ? 'circle' : 'rectRot'),
    }));
  const { figure, canvas } = experimentFigure(
    'experiment-scatter',
    'Validation accuracy by learning rate',
    searchSummary(ts),
  );
  const chart = new SeriesChart(canvas, theme, spec, build);
  const rows = ts.map((x, i) => ({
    attrs: { 'data-round': String(x.round), 'data-trial': String(x.trial) },
    cells: [
      String(i + 1),
      String(x.round),
      String(x.trial),
      formatExp(x.lr),
      formatExp(x.weightDecay),
      formatPercent(x.valAccuracy),
      formatPercent(x.trainAccuracy),
    ],
  }));
  const trialsTable = table(
    'experiment-table',
    'Trials, best validation accuracy first.',
    ['rank', 'round', 'trial', 'lr', 'weight decay', 'val accuracy', 'train accuracy'],
    rows,
    (i) => i > 2,
  );
  trialsTable.classList.add('tall');
  trialsTable.tabIndex = 0;
  trialsTable.setAttribute('aria-label', 'Trials table (scrolls)');
  const element = el('div', { className: 'experiment-body' }, [
    el('div', { className: 'charts' }, [figure, trialsTable]),
  ]);
  return { element, setTheme: (t) => chart.setTheme(t), destroy: () => chart.destroy() };
}
