/**
 * Registers the chart.js parts the panel uses, and only those, to keep the bundle small: line
 * charts (scatter plots are line charts without lines) on linear and logarithmic axes, with a legend
 * and tooltips.
 */
import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
} from 'chart.js';

let registered = false;

/** Registers the parts once; later calls do nothing. */
export function registerCharts(): void {
  if (registered) return;
  Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip);
  registered = true;
}
