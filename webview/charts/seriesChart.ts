/**
 * A chart.js line chart whose datasets are built from the theme by a function the owner supplies
 * (the experiment views: loss curves, accuracy curves, a scatter of trials). Created once; `show`
 * swaps in new data, `setTheme` rebuilds the datasets in the new colours.
 */
import { Chart, type ChartDataset } from 'chart.js';
import { type LineChartSpec, lineChartOptions } from './chartOptions';
import { registerCharts } from './registerCharts';
import type { ChartTheme } from './theme';

/** A point; y null leaves a gap. */
export interface XY {
  x: number;
  y: number | null;
}

/** Builds the datasets in a theme's colours. */
export type DatasetBuilder = (theme: ChartTheme) => ChartDataset<'line', XY[]>[];

/** A line style: colour, dash, width, no points (long curves). */
export function lineStyle(color: string, dash: number[] = [], width = 2): Partial<ChartDataset<'line', XY[]>> {
  return {
    borderColor: color,
    backgroundColor: color,
    borderDash: dash,
    borderWidth: width,
    pointRadius: 0,
    pointHoverRadius: 3,
  };
}

/** A point style for scatter plots: points only, no line. */
export function pointStyle(
  color: string,
  shape: 'circle' | 'rectRot' | 'triangle' = 'circle',
): Partial<ChartDataset<'line', XY[]>> {
  return {
    borderColor: color,
    backgroundColor: color,
    showLine: false,
    pointRadius: 4,
    pointHoverRadius: 6,
    pointStyle: shape,
  };
}

export class SeriesChart {
  private readonly chart: Chart<'line', XY[]>;
  private theme: ChartTheme;

  constructor(
    canvas: HTMLCanvasElement,
    theme: ChartTheme,
    private spec: LineChartSpec,
    private build: DatasetBuilder,
  ) {
    registerCharts();
    this.theme = theme;
    this.chart = new Chart<'line', XY[]>(canvas, {
      type: 'line',
      data: { datasets: build(theme) },
      options: lineChartOptions(theme, spec),
    });
  }

  /** Shows other data (and axes). */
  show(spec: LineChartSpec, build: DatasetBuilder): void {
    this.spec = spec;
    this.build = build;
    this.chart.options = lineChartOptions(this.theme, spec);
    this.chart.data.datasets = build(this.theme);
    this.chart.update('none');
  }

  /** Redraws in a new theme's colours. */
  setTheme(theme: ChartTheme): void {
    this.theme = theme;
    this.show(this.spec, this.build);
  }

  /** Releases the canvas. */
  destroy(): void {
    this.chart.destroy();
  }
}
