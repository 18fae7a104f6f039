/** `scratchnet experiment NAME`: runs one of the book's chapter-6 experiments and prints its outcome. */
import { EXPERIMENTS, experimentNames, type ExperimentOptions } from '../engine/experiments';
import type { BatchnormResult } from '../engine/experiments/batchnorm';
import type { HyperparameterSearchResult } from '../engine/experiments/hyperparameterSearch';
import type { OptimizerCompareResult } from '../engine/experiments/optimizerCompare';
import type { OverfitDropoutResult } from '../engine/experiments/overfitDropout';
import type { OverfitWeightDecayResult } from '../engine/experiments/overfitWeightDecay';
import type { WeightInitCompareResult } from '../engine/experiments/weightInitCompare';
import type { WeightInitHistogramResult } from '../engine/experiments/weightInitHistogram';
import { parseFlags, positiveInt, UsageError, type FlagSpec } from './args';
import { emitJson, fmt, Progress } from './output';

/** Flags of `experiment`; --iterations, --epochs, --trials, --test-limit and --inverted only where they apply. */
export const EXPERIMENT_FLAGS: FlagSpec = {
  iterations: 'int',
  epochs: 'int',
  trials: 'int',
  seed: 'int',
  'test-limit': 'int',
  inverted: 'boolean',
  'data-dir': 'string',
  json: 'boolean',
};

/** Experiment-specific flags beyond the registry's knobs, and the experiments that take them. */
const EXTRA_FLAGS: Record<string, readonly string[]> = {
  'test-limit': ['overfit-weight-decay', 'overfit-dropout'],
  inverted: ['overfit-dropout'],
};

function usageLine(): string {
  return `usage: scratchnet experiment NAME [--iterations N] [--epochs N] [--trials N] [--seed S] [--test-limit N] [--inverted] [--data-dir DIR] [--json]; NAME is one of ${experimentNames().join(', ')}`;
}

/** Runs the command. */
export function experimentCommand(argv: string[]): void {
  const [name, ...rest] = argv;
  if (!name || name.startsWith('--'))
    throw new UsageError(`experiment: an experiment name is required. ${usageLine()}`);
  const entry = Object.prototype.hasOwnProperty.call(EXPERIMENTS, name) ? EXPERIMENTS[name] : undefined;
  if (!entry)
    throw new UsageError(
      `experiment: unknown experiment "${name}"; valid experiments: ${experimentNames().join(', ')}`,
    );
  const flags = parseFlags('experiment', rest, EXPERIMENT_FLAGS);
  for (const knob of ['iterations', 'epochs', 'trials'] as const) {
    if (flags[knob] !== undefined && !entry.knobs.includes(knob)) {
      const takes = entry.knobs.length
        ? `it takes ${entry.knobs.map((k) => `--${k}`).join(', ')}`
        : 'it has no length to shorten';
      throw new UsageError(`experiment: ${name} has no --${knob}; ${takes}`);
    }
  }
  for (const [flag, names] of Object.entries(EXTRA_FLAGS)) {
    if (flags[flag] !== undefined && !names.includes(name))
      throw new UsageError(`experiment: --${flag} applies to ${names.join(', ')} only`);
  }
  const seed = flags.seed as number | undefined;
  if (seed !== undefined && (seed < 0 || seed > 0xffffffff)) {
    throw new UsageError(`experiment: --seed must be an integer in 0..4294967295, got ${seed}`);
  }
  const opts: ExperimentOptions & { testLimit?: number; inverted?: boolean } = {
    seed,
    iterations: positiveInt(flags, 'iterations', 'experiment'),
    epochs: positiveInt(flags, 'epochs', 'experiment'),
    trials: positiveInt(flags, 'trials', 'experiment'),
    testLimit: positiveInt(flags, 'test-limit', 'experiment'),
    inverted: flags.inverted === true ? true : undefined,
    dataDir: typeof flags['data-dir'] === 'string' ? flags['data-dir'] : undefined,
  };
  const json = flags.json === true;
  const progress = new Progress();
  const start = performance.now();
  const result = entry.run(opts, (p) =>
    progress.update(`${name}: ${p.message}  (${Math.floor((100 * p.done) / p.total)}%)`),
  );
  progress.done();
  const seconds = (performance.now() - start) / 1000;
  if (json) {
    emitJson(result);
    return;
  }
  for (const line of summarize(result)) console.log(line);
  console.log(`done in ${fmt(seconds, 3)} s`);
}

/** Lays out rows as columns: the first left-aligned, the others right-aligned. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const last = (a: readonly number[]): number => a[a.length - 1];
const acc = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(3));
const diverged = (d: number | null): string => (d === null ? '' : `diverged at ${d}`);

/** A readable summary of a result: one table. */
export function summarize(result: { experiment: string }): string[] {
  switch (result.experiment) {
    case 'optimizer-compare': {
      const r = result as OptimizerCompareResult;
      return [
        `optimizer-compare: ${r.config.network} ReLU He, batch ${r.config.batchSize}, ${r.config.iterations} iterations, same batches`,
        ...table(
          ['optimizer', 'lr', 'first loss', 'last loss', 'mean of last 100', ''],
          r.results.map((x) => [
            x.optimizer,
            String(x.lr),
            fmt(x.loss[0]),
            fmt(last(x.loss)),
            fmt(x.meanLast100),
            diverged(x.divergedAt),
          ]),
        ),
      ];
    }
    case 'weight-init-compare': {
      const r = result as WeightInitCompareResult;
      return [
        `weight-init-compare: ${r.config.network} ReLU, SGD lr ${r.config.optimizer.lr}, batch ${r.config.batchSize}, ${r.config.iterations} iterations`,
        ...table(
          ['init', 'first loss', 'last loss', 'mean of last 100', ''],
          r.results.map((x) => [x.init, fmt(x.loss[0]), fmt(last(x.loss)), fmt(x.meanLast100), diverged(x.divergedAt)]),
        ),
      ];
    }
    case 'weight-init-histogram': {
      const r = result as WeightInitHistogramResult;
      const rows = r.results.map((x) => [
        `${x.activation} ${x.init}`,
        ...x.layers.map(
          (l) => `${fmt(l.std, 3)}${x.activation === 'relu' ? '' : ` (${Math.round(100 * l.saturated)}%)`}`,
        ),
      ]);
      return [
        `weight-init-histogram: ${r.config.samples}×${r.config.units} N(0,1) through ${r.config.layers} layers of ${r.config.units}, no bias`,
        "std of each layer's outputs (sigmoid/tanh: share saturated in brackets; relu: about half the outputs are 0)",
        ...table(['activation init', ...r.results[0].layers.map((l) => `layer ${l.layer}`)], rows),
      ];
    }
    case 'batchnorm': {
      const r = result as BatchnormResult;
      return [
        `batchnorm: ${r.config.network}, ${r.config.trainSize} images, SGD lr ${r.config.optimizer.lr}, batch ${r.config.batchSize}, ${r.config.epochs} epochs; training accuracy after the last epoch`,
        ...table(
          ['weight scale', 'with BN', 'without BN', ''],
          r.results.map((x) => [
            fmt(x.weightScale, 3),
            acc(last(x.withBn)),
            acc(last(x.withoutBn)),
            [
              x.divergedAt.withBn === null ? '' : `BN diverged at ${x.divergedAt.withBn}`,
              x.divergedAt.withoutBn === null ? '' : `plain diverged at ${x.divergedAt.withoutBn}`,
            ]
              .filter(Boolean)
              .join(', '),
          ]),
        ),
      ];
    }
    case 'overfit-weight-decay':
    case 'overfit-dropout': {
      const r = result as OverfitWeightDecayResult | OverfitDropoutResult;
      const inverted = 'inverted' in r.config && r.config.inverted ? ' (inverted)' : '';
      const runs = r.results as {
        variant: string;
        weightDecay?: number;
        ratio?: number;
        trainAccuracy: number[];
        testAccuracy: number[];
        divergedAt: number | null;
      }[];
      const label = (x: (typeof runs)[number]): string =>
        x.variant === 'weight-decay'
          ? `weight decay λ=${x.weightDecay}`
          : x.variant === 'dropout'
            ? `dropout ${x.ratio}${inverted}`
            : 'none';
      return [
        `${r.experiment}: ${r.config.network}, ${r.config.trainSize} images, SGD lr ${r.config.optimizer.lr}, batch ${r.config.batchSize}, ${r.config.epochs} epochs, test on ${r.config.testSize}`,
        ...table(
          ['variant', 'train acc', 'test acc', 'gap', ''],
          runs.map((x) => [
            label(x),
            acc(last(x.trainAccuracy)),
            acc(last(x.testAccuracy)),
            acc(last(x.trainAccuracy) - last(x.testAccuracy)),
            diverged(x.divergedAt),
          ]),
        ),
      ];
    }
    case 'hyperparameter-search': {
      const r = result as HyperparameterSearchResult;
      const ranges = r.config.rounds.map(
        (x) => `round ${x.round}: lr 10^[${x.lrRange.join(', ')}], λ 10^[${x.weightDecayRange.join(', ')}]`,
      );
      return [
        `hyperparameter-search: ${r.config.network}, ${r.config.trainSize} train / ${r.config.validationSize} validation, ${r.config.epochs} epochs, ${r.config.trials} trials per round`,
        ...ranges,
        'best 10:',
        ...table(
          ['round', 'trial', 'val acc', 'train acc', 'lr', 'weight decay'],
          r.results
            .slice(0, 10)
            .map((t) => [
              String(t.round),
              String(t.trial),
              acc(t.valAccuracy),
              acc(t.trainAccuracy),
              fmt(t.lr, 3),
              fmt(t.weightDecay, 3),
            ]),
        ),
      ];
    }
    default:
      return [JSON.stringify(result)];
  }
}
