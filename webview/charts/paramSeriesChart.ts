/**
 * A line per parameter tensor over iterations on a logarithmic y axis: the gradient norms ‖dW‖ or the
 * update ratios ‖ΔW‖/‖W‖ of the probes. Colour follows the layer, the line style the parameter (W
 * solid, b dashed, others dotted). The update-ratio chart also draws a reference line at 1e-3, the
 * usual healthy ratio. Created once; `update` replaces the points when the history changed (each
 * stretch's first, lowest and highest value when the history is long).
 */
import { Chart, type ChartDataset } from 'chart.js';
import type { PanelState } from '../state';
import { type LineChartSpec, lineChartOptions } from './chartOptions';
import { decimate } from './decimate';
import { registerCharts } from './registerCharts';
import type { ChartTheme } from './theme';

/** The ratio of update to weight norm people aim for (CS231n: "somewhere around 1e-3"). */
export const HEALTHY_UPDATE_RATIO = 1e-3;

type Field = 'gradNorm' | 'updateRatio';

/** Stretches each line is cut into for drawing (decimate.ts), as for the loss. */
const PARAM_CHART_BUCKETS = 200;

interface XY {
  x: number;
  y: number | null;
}

const SPECS: Record<Field, LineChartSpec> = {
  gradNorm: {
    x: { title: 'iteration', precision: 0 },
    y: { title: '‖gradient‖ (log)', type: 'logarithmic' },
    tooltipLabel: (label, y) => `${label}: ${y.toExponential(3)}`,
  },
  updateRatio: {
    x: { title: 'iteration', precision: 0 },
    // Down to 1e-4 at least, so the 1e-3 reference line sits inside the plot.
    y: { title: '‖update‖ / ‖weights‖ (log)', type: 'logarithmic', suggestedMin: 1e-4 },
    tooltipLabel: (label, y) => `${label}: ${y.toExponential(3)}`,
  },
};

/** Colour and dash of each parameter: a colour per layer, a dash per kind of tensor. */
export function seriesStyles(
  series: readonly { name: string; layer: string }[],
  theme: ChartTheme,
): { color: string; dash: number[] }[] {
  const palette = [theme.blue, theme.orange, theme.green, theme.purple, theme.red, theme.yellow];
  const layers: string[] = [];
  return series.map((p) => {
    if (!layers.includes(p.layer)) layers.push(p.layer);
    const short = p.name.slice(p.name.lastIndexOf('.') + 1);
    const dash = short === 'W' ? [] : short === 'b' ? [6, 3] : [2, 3];
    return { color: palette[layers.indexOf(p.layer) % palette.length], dash };
  });
}

/** A chart.js line chart of one field of the gradient history. */
export class ParamSeriesChart {
  private readonly chart: Chart<'line', XY[]>;
  private shown: { iterations: readonly number[]; names: string } | null = null;
  private theme: ChartTheme;

  constructor(
    canvas: HTMLCanvasElement,
    theme: ChartTheme,
    private readonly field: Field,
  ) {
    registerCharts();
    this.theme = theme;
    this.chart = new Chart<'line', XY[]>(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: lineChartOptions(theme, SPECS[field]),
    });
  }

  /** Shows the state's gradient history (does nothing when it did not change). */
  update(s: PanelState): void {
    const names = s.gradients.map((g) => g.name).join();
    if (this.shown && this.shown.iterations === s.gradientIterations && this.shown.names === names) return;
    this.shown = { iterations: s.gradientIterations, names };
    const it = s.gradientIterations;
    const datasets: ChartDataset<'line', XY[]>[] = s.gradients.map((g, k) => ({
      label: g.name,
      // A log axis cannot show 0 (an update that changed nothing): leave a gap.
      data: decimate(it, g[this.field], PARAM_CHART_BUCKETS).map(({ x, y }) => ({ x, y: y > 0 ? y : null })),
      ...this.style(k, s),
    }));
    if (this.field === 'updateRatio' && it.length) {
      datasets.push({
        label: '1e-3, a healthy ratio',
        data: [
          { x: it[0], y: HEALTHY_UPDATE_RATIO },
          { x: it[it.length - 1], y: HEALTHY_UPDATE_RATIO },
        ],
        ...this.referenceStyle(),
      });
    }
    this.chart.data.datasets = datasets;
    this.chart.update('none');
  }

  private style(k: number, s: PanelState): Partial<ChartDataset<'line', XY[]>> {
    const { color, dash } = seriesStyles(s.gradients, this.theme)[k];
    return {
      borderColor: color,
      backgroundColor: color,
      borderDash: dash,
      borderWidth: 1.75,
      pointRadius: 0,
      pointHoverRadius: 3,
    };
  }

  private referenceStyle(): Partial<ChartDataset<'line', XY[]>> {
    const c = this.theme.description;
    return {
      borderColor: c,
      backgroundColor: c,
      borderDash: [2, 4],
      borderWidth: 1.5,
      pointRadius: 0,
      pointHoverRadius: 0,
    };
  }

  /** Recolours the chart for a new theme. */
  setTheme(theme: ChartTheme, s: PanelState): void {
    this.theme = theme;
    this.chart.options = lineChartOptions(theme, SPECS[this.field]);
    this.shown = null;
    this.update(s);
    this.chart.update();
  }

  /** Releases the canvas. */
  destroy(): void {
    this.chart.destroy();
  }
}
