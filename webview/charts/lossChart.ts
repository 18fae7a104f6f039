/**
 * The loss-per-iteration chart: the raw loss of every iteration (faint) and its exponential moving
 * average (bold). Created once; `update` appends new points when the history only grew and rebuilds
 * them when it was thinned or replaced, then redraws without animation.
 */
import { Chart, type ChartDataset } from 'chart.js';
import type { PanelState } from '../state';
import { type LineChartSpec, lineChartOptions } from './chartOptions';
import { registerCharts } from './registerCharts';
import { type ChartTheme, withAlpha } from './theme';

/** Weight of the past in the smoothed line (as in TensorBoard's smoothing, with debiasing). */
export const LOSS_SMOOTHING = 0.9;

const SPEC: LineChartSpec = {
  x: { title: 'iteration', precision: 0 },
  y: { title: 'loss', beginAtZero: true },
  tooltipLabel: (label, y) => `${label}: ${y.toFixed(4)}`,
};

/** Before the first loss: a clean empty frame from 0. */
const EMPTY_SPEC: LineChartSpec = { ...SPEC, x: { ...SPEC.x, min: 0, max: 1 }, y: { ...SPEC.y, min: 0, max: 1 } };

interface XY {
  x: number;
  y: number;
}

/** A chart.js line chart of the loss history. */
export class LossChart {
  private readonly chart: Chart<'line', XY[]>;
  private readonly raw: XY[] = [];
  private readonly smooth: XY[] = [];
  private ema = 0;
  private weight = 0;
  private theme: ChartTheme;
  private empty = true;

  constructor(canvas: HTMLCanvasElement, theme: ChartTheme) {
    registerCharts();
    this.theme = theme;
    const [raw, smooth] = datasetStyles(theme);
    this.chart = new Chart<'line', XY[]>(canvas, {
      type: 'line',
      data: {
        datasets: [
          { label: 'loss per iteration', data: this.raw, ...raw },
          { label: `smoothed (EMA ${LOSS_SMOOTHING})`, data: this.smooth, ...smooth },
        ],
      },
      options: lineChartOptions(theme, EMPTY_SPEC),
    });
  }

  /** Brings the chart's points in line with the state's loss history and redraws. */
  update(s: PanelState): void {
    const n = s.lossIterations.length;
    const have = this.raw.length;
    const extends_ =
      have <= n &&
      (have === 0 || (s.lossIterations[have - 1] === this.raw[have - 1].x && s.lossIterations[0] === this.raw[0].x));
    if (!extends_) {
      this.raw.length = 0;
      this.smooth.length = 0;
      this.ema = 0;
      this.weight = 0;
    }
    for (let i = this.raw.length; i < n; i++) {
      const y = s.losses[i];
      this.raw.push({ x: s.lossIterations[i], y });
      this.ema = LOSS_SMOOTHING * this.ema + (1 - LOSS_SMOOTHING) * y;
      this.weight = LOSS_SMOOTHING * this.weight + (1 - LOSS_SMOOTHING);
      this.smooth.push({ x: s.lossIterations[i], y: this.ema / this.weight });
    }
    if (this.empty !== (n === 0)) {
      this.empty = n === 0;
      this.chart.options = lineChartOptions(this.theme, this.empty ? EMPTY_SPEC : SPEC);
    }
    this.chart.update('none');
  }

  /** Recolours the chart for a new theme (a full update, so shared element options are refreshed). */
  setTheme(theme: ChartTheme): void {
    this.theme = theme;
    const styles = datasetStyles(theme);
    this.chart.data.datasets.forEach((d, i) => Object.assign(d, styles[i]));
    this.chart.options = lineChartOptions(theme, this.empty ? EMPTY_SPEC : SPEC);
    this.chart.update();
  }

  /** Releases the canvas. */
  destroy(): void {
    this.chart.destroy();
  }
}

/** Line styles of the raw and the smoothed loss. */
function datasetStyles(theme: ChartTheme): Partial<ChartDataset<'line', XY[]>>[] {
  const faint = withAlpha(theme.blue, 0.5);
  return [
    { borderColor: faint, backgroundColor: faint, borderWidth: 1, pointRadius: 0, pointHoverRadius: 3 },
    { borderColor: theme.orange, backgroundColor: theme.orange, borderWidth: 2.5, pointRadius: 0, pointHoverRadius: 4 },
  ];
}
