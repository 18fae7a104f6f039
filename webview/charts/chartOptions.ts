/** Options shared by the panel's charts, derived from the theme. */
import type { ChartOptions, TooltipItem } from 'chart.js';
import type { ChartTheme } from './theme';

/** How one linear axis is labelled and bounded. */
export interface AxisSpec {
  title: string;
  /** Linear (default) or logarithmic (labels at powers of ten). */
  type?: 'linear' | 'logarithmic';
  /** Hard bounds (an empty chart's axis, the book's fixed ranges). */
  min?: number;
  max?: number;
  beginAtZero?: boolean;
  suggestedMin?: number;
  suggestedMax?: number;
  /** Decimal places allowed in tick values (0: whole numbers only). */
  precision?: number;
  /** Formats a tick value. */
  format?: (value: number) => string;
}

/** What differs between the panel's line charts. */
export interface LineChartSpec {
  x: AxisSpec;
  y: AxisSpec;
  /** Legend entries drawn with each dataset's point style instead of a line. */
  legendPointStyle?: boolean;
  /** Hide the legend (small multiples, a single series). */
  noLegend?: boolean;
  /** Which datasets get a legend entry (by label); default all. */
  legendFilter?: (label: string) => boolean;
  /** Formats a tooltip line from the dataset label and the y value. */
  tooltipLabel?: (label: string, y: number) => string;
}

/** Line-chart options for linear axes, coloured and sized by `theme`, without animation. */
export function lineChartOptions(theme: ChartTheme, spec: LineChartSpec): ChartOptions<'line'> {
  const font = { family: theme.fontFamily, size: theme.fontSize };
  const axis = (a: AxisSpec) => ({
    type: a.type ?? ('linear' as const),
    min: a.min,
    max: a.max,
    beginAtZero: a.beginAtZero,
    suggestedMin: a.suggestedMin,
    suggestedMax: a.suggestedMax,
    title: { display: true, text: a.title, color: theme.foreground, font },
    ticks: {
      color: theme.foreground,
      font,
      maxRotation: 0,
      precision: a.precision,
      ...(a.format
        ? { callback: (v: number | string) => a.format!(Number(v)) }
        : a.type === 'logarithmic'
          ? { callback: (v: number | string, _i: number, ticks: readonly { value: number }[]) => logTickLabel(Number(v), ticks) }
          : {}),
    },
    grid: { color: theme.grid },
    border: { color: theme.grid },
  });
  const label = spec.tooltipLabel;
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    normalized: true,
    parsing: false,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    plugins: {
      legend: {
        display: !spec.noLegend,
        position: 'top',
        align: 'end',
        labels: {
          color: theme.foreground,
          font,
          boxWidth: 16,
          boxHeight: 3,
          usePointStyle: spec.legendPointStyle ?? false,
          ...(spec.legendFilter ? { filter: (item: { text: string }) => spec.legendFilter!(item.text) } : {}),
        },
      },
      tooltip: {
        titleFont: font,
        bodyFont: font,
        ...(label
          ? { callbacks: { label: (c: TooltipItem<'line'>) => label(c.dataset.label ?? '', c.parsed.y ?? NaN) } }
          : {}),
      },
    },
    scales: { x: axis(spec.x), y: axis(spec.y) },
  };
}

/**
 * A log axis's tick label: every power of ten (`powerOfTen`); and where the axis spans under two
 * decades (it would show one or two labels), 2 and 5 times a power of ten too (`2e-2`, `5e-2`).
 */
export function logTickLabel(v: number, ticks: readonly { value: number }[]): string {
  const decade = powerOfTen(v);
  if (decade || ticks.length === 0) return decade;
  const lo = ticks[0].value;
  const hi = ticks[ticks.length - 1].value;
  if (!(lo > 0 && hi > 0 && Math.max(hi / lo, lo / hi) < 100) || !(v > 0)) return '';
  const e = Math.floor(Math.log10(v) + 1e-9);
  const m = v / Math.pow(10, e);
  for (const k of [2, 5]) {
    if (Math.abs(m - k) < 1e-6) return e === 0 ? String(k) : e === 1 ? String(10 * k) : `${k}e${e}`;
  }
  return '';
}

/** `1e-3` for a power of ten, '' for the ticks between (a log axis labelled by decades). */
export function powerOfTen(v: number): string {
  if (!(v > 0)) return '';
  const e = Math.round(Math.log10(v));
  if (Math.abs(v / Math.pow(10, e) - 1) > 1e-6) return '';
  return e === 0 ? '1' : e === 1 ? '10' : `1e${e}`;
}
