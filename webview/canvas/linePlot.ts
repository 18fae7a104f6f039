/**
 * A small line plot on canvas for small multiples (the batch-norm grid): a frame, light grid lines
 * at fixed y values, and a few series drawn over x = 1…n, each with its colour and dash. Too small
 * for axes with labels: the grid's shared legend and captions say what the axes are.
 */
import type { ChartTheme } from '../charts/theme';
import { fitCanvas } from './histogram';

/** One line. */
export interface PlotSeries {
  values: readonly number[];
  color: string;
  dash?: number[];
  width?: number;
}

/** Draws `series` over y in [yMin, yMax] with grid lines at `gridY`. */
export function drawLinePlot(
  canvas: HTMLCanvasElement,
  series: readonly PlotSeries[],
  opts: { yMin: number; yMax: number; gridY: number[] },
  theme: ChartTheme,
): void {
  const fit = fitCanvas(canvas, 160, 90);
  if (!fit) return;
  const { ctx, width, height } = fit;
  const pad = 3;
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const x = (i: number) => pad + (i / (n - 1)) * (width - 2 * pad);
  const y = (v: number) => height - pad - ((v - opts.yMin) / (opts.yMax - opts.yMin)) * (height - 2 * pad);
  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = 1;
  for (const g of opts.gridY) {
    const gy = Math.round(y(g)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(pad, gy);
    ctx.lineTo(width - pad, gy);
    ctx.stroke();
  }
  ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
  ctx.lineJoin = 'round';
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width ?? 1.75;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    let pen = false;
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        pen = false;
        return;
      }
      const py = y(Math.max(opts.yMin, Math.min(opts.yMax, v)));
      if (pen) ctx.lineTo(x(i), py);
      else ctx.moveTo(x(i), py);
      pen = true;
    });
    ctx.stroke();
  }
  ctx.setLineDash([]);
}
