/**
 * The text alternatives of the charts: one line each saying what the chart shows right now. They
 * are pure functions of the panel state so that tests and screen readers see the same words.
 */
import { formatCount, formatEpoch, formatLoss, formatNumber, formatPercent } from './format';
import type { PanelState } from './state';

/** `Loss 0.312 at iteration 600 of 600 (2.304 at iteration 1).` */
export function lossSummary(s: PanelState): string {
  const n = s.losses.length;
  if (n === 0) return 'No loss recorded yet.';
  const total = s.started ? ` of ${formatCount(s.started.totalIterations)}` : '';
  const last = `Loss ${formatLoss(s.losses[n - 1])} at iteration ${s.lossIterations[n - 1]}${total}`;
  if (n === 1) return `${last}.`;
  let min = 0;
  for (let i = 1; i < n; i++) if (s.losses[i] < s.losses[min]) min = i;
  return (
    `${last}; first ${formatLoss(s.losses[0])} at iteration ${s.lossIterations[0]}, ` +
    `lowest ${formatLoss(s.losses[min])} at iteration ${s.lossIterations[min]}.`
  );
}

/** `Test accuracy 91.2%, train accuracy 90.5% after epoch 3.` */
export function accuracySummary(s: PanelState): string {
  const e = s.epochs[s.epochs.length - 1];
  if (!e) return 'No epoch finished yet.';
  return (
    `Test accuracy ${formatPercent(e.testAccuracy)}, train accuracy ${formatPercent(e.trainAccuracy)} ` +
    `after epoch ${formatEpoch(e.epoch)} (iteration ${e.iteration}).`
  );
}

/** The latest value of every parameter's series of `field`, with the parameter's name. */
function latest(s: PanelState, field: 'gradNorm' | 'updateRatio'): { name: string; v: number }[] {
  const n = s.gradientIterations.length;
  return s.gradients.map((g) => ({ name: g.name, v: g[field][n - 1] })).filter((p) => Number.isFinite(p.v));
}

/** `Gradient norms at iteration 60 (20 probes since iteration 3): largest affine2.W 3.494, smallest affine1.b 0.01692.` */
export function gradientSummary(s: PanelState): string {
  const n = s.gradientIterations.length;
  const last = latest(s, 'gradNorm');
  if (n === 0 || last.length === 0) return 'No gradient norms recorded yet.';
  const hi = last.reduce((a, b) => (b.v > a.v ? b : a));
  const lo = last.reduce((a, b) => (b.v < a.v ? b : a));
  const probes = n === 1 ? '1 probe' : `${n} probes since iteration ${s.gradientIterations[0]}`;
  return (
    `Gradient norms at iteration ${s.gradientIterations[n - 1]} (${probes}): ` +
    `largest ${hi.name} ${formatNumber(hi.v)}, smallest ${lo.name} ${formatNumber(lo.v)}.`
  );
}

/**
 * `Update/weight ratios at iteration 60: from 8.11e-3 (conv1.W) to 2.22e-2 (affine1.b); 6 of 6
 * within a factor of 10 of 1e-3, the usual healthy ratio.`
 */
export function updateRatioSummary(s: PanelState): string {
  const n = s.gradientIterations.length;
  const last = latest(s, 'updateRatio');
  if (n === 0 || last.length === 0) return 'No update ratios recorded yet.';
  const hi = last.reduce((a, b) => (b.v > a.v ? b : a));
  const lo = last.reduce((a, b) => (b.v < a.v ? b : a));
  const near = last.filter((p) => p.v >= 1e-4 && p.v <= 1e-2).length;
  return (
    `Update/weight ratios at iteration ${s.gradientIterations[n - 1]}: from ${formatNumber(lo.v)} (${lo.name}) ` +
    `to ${formatNumber(hi.v)} (${hi.name}); ${near} of ${last.length} within a factor of 10 of 1e-3, ` +
    `the usual healthy ratio.`
  );
}
