/** Options shared by the panel's charts, derived from the theme. */
import type { ChartOptions, TooltipItem } from 'chart.js';
import type { ChartTheme } from './theme';

/** How one linear axis is labelled and bounded. */
export interface AxisSpec {
  title: string;
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
  /** Formats a tooltip line from the dataset label and the y value. */
  tooltipLabel?: (label: string, y: number) => string;
}

/** Line-chart options for linear axes, coloured and sized by `theme`, without animation. */
export function lineChartOptions(theme: ChartTheme, spec: LineChartSpec): ChartOptions<'line'> {
  const font = { family: theme.fontFamily, size: theme.fontSize };
  const axis = (a: AxisSpec) => ({
    type: 'linear' as const,
    beginAtZero: a.beginAtZero,
    suggestedMin: a.suggestedMin,
    suggestedMax: a.suggestedMax,
    title: { display: true, text: a.title, color: theme.foreground, font },
    ticks: {
      color: theme.foreground,
      font,
      precision: a.precision,
      ...(a.format ? { callback: (v: number | string) => a.format!(Number(v)) } : {}),
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
        position: 'top',
        align: 'end',
        labels: {
          color: theme.foreground,
          font,
          boxWidth: 16,
          boxHeight: 3,
          usePointStyle: spec.legendPointStyle ?? false,
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
