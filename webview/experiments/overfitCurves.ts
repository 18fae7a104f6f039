/**
 * overfit-weight-decay and overfit-dropout (book figures 6-20 to 6-23): one chart per variant, as
 * the book draws them, with the training accuracy (solid) and the test accuracy (dashed) per epoch
 * on a shared 0–100% axis; the gap between them is the overfitting.
 */
import type { ChartTheme } from '../charts/theme';
import type { LineChartSpec } from '../charts/chartOptions';
import { SeriesChart, lineStyle, type DatasetBuilder } from '../charts/seriesChart';
import { el } from '../dom';
import { formatPercent } from '../format';
import { experimentFigure, type ExperimentRenderer } from './renderer';
import type { OverfitRun } from './results';

const percent = (v: number) => `${Math.round(v * 100)}%`;

/** `weight-decay (λ 0.1): train 95.3%, test 71.2% after 100 epochs (gap 24.1 points).` */
export function overfitSummary(r: OverfitRun): string {
  const train = r.trainAccuracy.at(-1) ?? NaN;
  const test = r.testAccuracy.at(-1) ?? NaN;
  const gap = ((train - test) * 100).toFixed(1);
  return (
    `${r.name}: train ${formatPercent(train)}, test ${formatPercent(test)} after ${r.trainAccuracy.length} epochs ` +
    `(gap ${gap} points)${r.divergedAt !== null ? `; diverged at iteration ${r.divergedAt}` : ''}.`
  );
}

export function overfitCurves(runs: OverfitRun[], theme: ChartTheme): ExperimentRenderer {
  const spec: LineChartSpec = {
    x: { title: 'epoch', precision: 0, min: 1 },
    y: { title: 'accuracy', min: 0, max: 1, format: percent },
    tooltipLabel: (label, y) => `${label}: ${(y * 100).toFixed(1)}%`,
  };
  const charts: SeriesChart[] = [];
  const figures = runs.map((r, k) => {
    const { figure, canvas } = experimentFigure(`experiment-${k}`, r.name, overfitSummary(r));
    figure.dataset.variant = r.name;
    const build: DatasetBuilder = (t) => [
      {
        label: 'train',
        data: r.trainAccuracy.map((y, i) => ({ x: i + 1, y })),
        ...lineStyle(t.blue, [], 2),
      },
      {
        label: 'test',
        data: r.testAccuracy.map((y, i) => ({ x: i + 1, y })),
        ...lineStyle(t.orange, [6, 3], 2),
      },
    ];
    charts.push(new SeriesChart(canvas, theme, spec, build));
    return figure;
  });
  const element = el('div', { className: 'experiment-body' }, [el('div', { className: 'charts' }, figures)]);
  return {
    element,
    setTheme: (t) => charts.forEach((c) => c.setTheme(t)),
    destroy: () => charts.forEach((c) => c.destroy()),
  };
}
