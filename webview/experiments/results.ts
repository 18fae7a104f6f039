/**
 * The result shapes of the chapter-6 experiments (src/engine/experiments/*.ts) as the webview reads
 * them. A result arrives as `unknown[]`: each guard checks the fields its view draws, so a result of
 * another shape falls back to a plain listing instead of breaking the panel.
 */

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number';
const isNums = (v: unknown): v is number[] => Array.isArray(v) && v.every(isNum);
const isStr = (v: unknown): v is string => typeof v === 'string';

/** optimizer-compare and weight-init-compare: one loss curve per variant. */
export interface LossCurveRun {
  /** The optimizer (`sgd`) or init (`he`). */
  name: string;
  loss: number[];
  meanLast100: number;
  divergedAt: number | null;
}

export function lossCurveRuns(results: unknown[]): LossCurveRun[] | null {
  const out: LossCurveRun[] = [];
  for (const r of results) {
    if (!isObj(r) || !isNums(r.loss)) return null;
    const name = isStr(r.optimizer) ? r.optimizer : isStr(r.init) ? r.init : null;
    if (name === null) return null;
    out.push({
      name,
      loss: r.loss,
      meanLast100: isNum(r.meanLast100) ? r.meanLast100 : NaN,
      divergedAt: isNum(r.divergedAt) ? r.divergedAt : null,
    });
  }
  return out;
}

/** weight-init-histogram: per activation and init, the histograms of layers 1–5. */
export interface InitHistogramRun {
  activation: string;
  init: string;
  weightStd: number;
  layers: {
    layer: number;
    mean: number;
    std: number;
    saturated: number;
    dead: number;
    histogram: { edges: number[]; counts: number[] };
  }[];
}

export function initHistogramRuns(results: unknown[]): InitHistogramRun[] | null {
  const ok = results.every(
    (r) =>
      isObj(r) &&
      isStr(r.activation) &&
      isStr(r.init) &&
      Array.isArray(r.layers) &&
      r.layers.every(
        (l) =>
          isObj(l) &&
          isNum(l.layer) &&
          isNum(l.mean) &&
          isNum(l.std) &&
          isObj(l.histogram) &&
          isNums(l.histogram.edges) &&
          isNums(l.histogram.counts) &&
          l.histogram.edges.length === l.histogram.counts.length + 1,
      ),
  );
  return ok ? (results as InitHistogramRun[]) : null;
}

/** batchnorm: per weight scale, train accuracy per epoch with and without batch norm. */
export interface BatchnormRun {
  weightScale: number;
  withBn: number[];
  withoutBn: number[];
}

export function batchnormRuns(results: unknown[]): BatchnormRun[] | null {
  const ok = results.every((r) => isObj(r) && isNum(r.weightScale) && isNums(r.withBn) && isNums(r.withoutBn));
  return ok ? (results as BatchnormRun[]) : null;
}

/** overfit-weight-decay and overfit-dropout: train and test accuracy per epoch of each variant. */
export interface OverfitRun {
  /** `weight-decay (λ 0.1)`, `dropout (0.2)`, `none`. */
  name: string;
  trainAccuracy: number[];
  testAccuracy: number[];
  divergedAt: number | null;
}

export function overfitRuns(results: unknown[]): OverfitRun[] | null {
  const out: OverfitRun[] = [];
  for (const r of results) {
    if (!isObj(r) || !isStr(r.variant) || !isNums(r.trainAccuracy) || !isNums(r.testAccuracy)) return null;
    const detail =
      r.variant === 'weight-decay' && isNum(r.weightDecay)
        ? ` (λ ${r.weightDecay})`
        : r.variant === 'dropout' && isNum(r.ratio)
          ? ` (ratio ${r.ratio})`
          : '';
    out.push({
      name: `${r.variant}${detail}`,
      trainAccuracy: r.trainAccuracy,
      testAccuracy: r.testAccuracy,
      divergedAt: isNum(r.divergedAt) ? r.divergedAt : null,
    });
  }
  return out;
}

/** hyperparameter-search: the trials, best first. */
export interface Trial {
  round: number;
  trial: number;
  lr: number;
  weightDecay: number;
  valAccuracy: number;
  trainAccuracy: number;
}

export function trials(results: unknown[]): Trial[] | null {
  const ok = results.every(
    (r) =>
      isObj(r) &&
      isNum(r.round) &&
      isNum(r.trial) &&
      isNum(r.lr) &&
      isNum(r.weightDecay) &&
      isNum(r.valAccuracy) &&
      isNum(r.trainAccuracy),
  );
  return ok ? (results as Trial[]) : null;
}

/** Label keys of a config, in the order the summary line gives them. */
const CONFIG_KEYS: [string, string][] = [
  ['network', ''],
  ['activation', ''],
  ['init', 'init'],
  ['batchSize', 'batch'],
  ['iterations', 'iterations'],
  ['epochs', 'epochs'],
  ['trials', 'trials per round'],
  ['trainSize', 'training images'],
  ['testSize', 'test images'],
  ['validationSize', 'validation images'],
  ['samples', 'samples'],
  ['units', 'units'],
  ['layers', 'layers'],
  ['weightDecay', 'λ'],
  ['ratio', 'dropout ratio'],
  ['seed', 'seed'],
];

/** One line of the set-up: `784-[100,100,100,100]-10 · relu · batch 128 · 500 iterations · seed 0`. */
export function configSummary(config: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [key, label] of CONFIG_KEYS) {
    const raw = config[key];
    if (!isNum(raw) && !isStr(raw)) continue;
    const v = isNum(raw) && Number.isInteger(raw) && raw >= 10000 ? raw.toLocaleString('en-US') : raw;
    if (label === '') parts.push(String(v));
    else if (key === 'init' || key === 'seed' || key === 'weightDecay' || key === 'batchSize' || key === 'ratio')
      parts.push(`${label} ${v}`);
    else parts.push(`${v} ${label}`);
  }
  const opt = config.optimizer;
  if (isObj(opt) && isStr(opt.type)) parts.splice(1, 0, `${opt.type}${isNum(opt.lr) ? ` lr ${opt.lr}` : ''}`);
  else if (isStr(opt)) parts.splice(1, 0, opt);
  return parts.join(' · ');
}
