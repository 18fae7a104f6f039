/**
 * The accuracy-per-epoch chart: train and test accuracy after each epoch, as percentages. Created
 * once; `update` replaces its few points and redraws without animation.
 */
import { Chart, type ChartDataset } from 'chart.js';
import type { PanelState } from '../state';
import { type LineChartSpec, lineChartOptions } from './chartOptions';
import { registerCharts } from './registerCharts';
import type { ChartTheme } from './theme';

const percent = (v: number) => `${Math.round(v * 1000) / 10}%`;

const SPEC: LineChartSpec = {
  x: { title: 'epoch', suggestedMin: 0, precision: 0 },
  y: { title: 'accuracy', suggestedMax: 1, format: percent },
  legendPointStyle: true,
  tooltipLabel: (label, y) => `${label}: ${(y * 100).toFixed(1)}%`,
};

/** Before the first epoch: a clean empty frame, epochs 0–1 and 0–100%. */
const EMPTY_SPEC: LineChartSpec = {
  ...SPEC,
  x: { ...SPEC.x, min: 0, max: 1 },
  y: { ...SPEC.y, min: 0, max: 1 },
};

interface XY {
  x: number;
  y: number;
}

/** A chart.js line chart of train and test accuracy per epoch. */
export class AccuracyChart {
  private readonly chart: Chart<'line', XY[]>;
  private shown: PanelState['epochs'] | null = null;
  private theme: ChartTheme;

  constructor(canvas: HTMLCanvasElement, theme: ChartTheme) {
    registerCharts();
    this.theme = theme;
    const [train, test] = datasetStyles(theme);
    this.chart = new Chart<'line', XY[]>(canvas, {
      type: 'line',
      data: {
        datasets: [
          { label: 'train accuracy', data: [], ...train },
          { label: 'test accuracy', data: [], ...test },
        ],
      },
      options: lineChartOptions(theme, EMPTY_SPEC),
    });
  }

  /** Shows the state's epochs (does nothing when they did not change). */
  update(s: PanelState): void {
    if (this.shown === s.epochs) return;
    this.shown = s.epochs;
    const [train, test] = this.chart.data.datasets;
    train.data = s.epochs.map((e) => ({ x: e.epoch, y: e.trainAccuracy }));
    test.data = s.epochs.map((e) => ({ x: e.epoch, y: e.testAccuracy }));
    this.chart.options = lineChartOptions(this.theme, s.epochs.length ? SPEC : EMPTY_SPEC);
    this.chart.update('none');
  }

  /** Recolours the chart for a new theme (a full update, so shared element options are refreshed). */
  setTheme(theme: ChartTheme): void {
    this.theme = theme;
    const styles = datasetStyles(theme);
    this.chart.data.datasets.forEach((d, i) => Object.assign(d, styles[i]));
    this.chart.options = lineChartOptions(theme, this.shown?.length ? SPEC : EMPTY_SPEC);
    this.chart.update();
  }

  /** Releases the canvas. */
  destroy(): void {
    this.chart.destroy();
  }
}

/** Train: solid line, round points; test: dashed line, diamond points (told apart without colour). */
function datasetStyles(theme: ChartTheme): Partial<ChartDataset<'line', XY[]>>[] {
  const style = (color: string, pointStyle: 'circle' | 'rectRot', borderDash: number[]) => ({
    borderColor: color,
    backgroundColor: color,
    borderWidth: 2,
    borderDash,
    pointRadius: 4,
    pointHoverRadius: 6,
    pointStyle,
  });
  return [style(theme.blue, 'circle', []), style(theme.green, 'rectRot', [6, 3])];
}
