/**
 * The loss-per-iteration chart: the raw loss of every iteration (faint) and its exponential moving
 * average (bold). Created once; `update` does nothing when the history did not change, extends the
 * moving average when the history only grew and recomputes it when it was thinned or replaced, then
 * draws at most a few hundred points per line (decimate.ts: each stretch's first, lowest and
 * highest loss), without animation.
 */
import { Chart, type ChartDataset } from 'chart.js';
import type { PanelState } from '../state';
import { type LineChartSpec, lineChartOptions } from './chartOptions';
import { decimate, type XY } from './decimate';
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

/** Stretches each line is cut into for drawing (≈ 3 points each): more than a panel's width shows. */
export const LOSS_CHART_BUCKETS = 400;

/** A chart.js line chart of the loss history. */
export class LossChart {
  private readonly chart: Chart<'line', XY[]>;
  /** Iterations and losses last drawn (the state's arrays: a new array means new data). */
  private shownIterations: readonly number[] | null = null;
  private shownLosses: readonly number[] | null = null;
  /** The moving average at each point of the history, as far as computed. */
  private readonly smooth: number[] = [];
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
          { label: 'loss per iteration', data: [], ...raw },
          { label: `smoothed (EMA ${LOSS_SMOOTHING})`, data: [], ...smooth },
        ],
      },
      options: lineChartOptions(theme, EMPTY_SPEC),
    });
  }

  /** Brings the chart in line with the state's loss history and redraws (nothing when unchanged). */
  update(s: PanelState): void {
    if (s.lossIterations === this.shownIterations && s.losses === this.shownLosses) return;
    const its = s.lossIterations;
    const n = its.length;
    const prev = this.shownIterations;
    const have = this.smooth.length;
    // The history only grew when its first and our last known point are where they were.
    const extends_ = prev !== null && have <= n && (have === 0 || (its[0] === prev[0] && its[have - 1] === prev[have - 1]));
    if (!extends_) {
      this.smooth.length = 0;
      this.ema = 0;
      this.weight = 0;
    }
    for (let i = this.smooth.length; i < n; i++) {
      this.ema = LOSS_SMOOTHING * this.ema + (1 - LOSS_SMOOTHING) * s.losses[i];
      this.weight = LOSS_SMOOTHING * this.weight + (1 - LOSS_SMOOTHING);
      this.smooth.push(this.ema / this.weight);
    }
    this.shownIterations = its;
    this.shownLosses = s.losses;
    const [raw, smooth] = this.chart.data.datasets;
    raw.data = decimate(its, s.losses, LOSS_CHART_BUCKETS);
    smooth.data = decimate(its, this.smooth, LOSS_CHART_BUCKETS);
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
