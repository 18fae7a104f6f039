/**
 * The text alternatives of the charts: one line each saying what the chart shows right now. They
 * are pure functions of the panel state so that tests and screen readers see the same words.
 */
import { formatCount, formatEpoch, formatLoss, formatPercent } from './format';
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
