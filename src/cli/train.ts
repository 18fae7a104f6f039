/** `scratchnet train`: trains a preset or a network file on MNIST (or another IDX data set). */
import { writeFileSync } from 'node:fs';
import { loadDataset } from '../engine/data/dataset';
import { encodeRun } from '../shared/runFile';
import { buildNetwork } from '../engine/network';
import { useFastKernels } from '../engine/kernels/select';
import { Trainer } from '../engine/trainer';
import { parseFlags, positiveInt, UsageError } from './args';
import { emitJson, fmt, Progress } from './output';
import { NETWORK_FLAGS, resolveSpec } from './resolve';

/** Flags of `train`. */
export const TRAIN_FLAGS = {
  ...NETWORK_FLAGS,
  iterations: 'int',
  epochs: 'int',
  batch: 'int',
  seed: 'int',
  threads: 'int',
  'train-limit': 'int',
  'test-limit': 'int',
  'data-dir': 'string',
  save: 'string',
  json: 'boolean',
} as const;

/** Runs the command; resolves when training is done. */
export function trainCommand(argv: string[]): void {
  const flags = parseFlags('train', argv, TRAIN_FLAGS);
  const spec = resolveSpec(flags, 'train');
  const iterations = positiveInt(flags, 'iterations', 'train');
  const epochs = positiveInt(flags, 'epochs', 'train');
  if (iterations !== undefined && epochs !== undefined) throw new UsageError('train: give --iterations or --epochs, not both');
  const seed = flags.seed === undefined ? (spec.training?.seed ?? 0) : (flags.seed as number);
  if (seed < 0) throw new UsageError(`train: --seed must be ≥ 0, got ${seed}`);
  const threads = positiveInt(flags, 'threads', 'train') ?? 1;
  if (threads > 16) throw new UsageError(`train: --threads must be at most 16, got ${threads}`);
  if (threads > 1 && process.env.SCRATCHNET_KERNELS !== 'typescript') {
    // the CLI installed the single-threaded kernels at start; split the big kernels over threads
    // (the same results bit for bit: docs/PERFORMANCE.md)
    const choice = useFastKernels('auto', threads);
    if (choice.warning) process.stderr.write(`scratchnet: ${choice.warning}\n`);
  }
  const data = loadDataset({
    dir: typeof flags['data-dir'] === 'string' ? flags['data-dir'] : undefined,
    trainLimit: positiveInt(flags, 'train-limit', 'train'),
    testLimit: positiveInt(flags, 'test-limit', 'train'),
  });
  const json = flags.json === true;
  const net = buildNetwork(spec, { seed });
  const trainer = new Trainer(net, data.train, data.test, {
    batchSize: positiveInt(flags, 'batch', 'train'),
    iterations,
    epochs,
    seed: seed + 1,
  });
  const log = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
  log(`${spec.name ?? 'network'}: ${net.paramCount.toLocaleString('en')} parameters, ${trainer.totalIterations} iterations of batch ${trainer.batchSize} on ${data.name} (${data.train.count} train / ${data.test.count} test)`);
  const progress = new Progress();
  const start = performance.now();
  let trainMs = 0;
  let loss = NaN;
  while (!trainer.done) {
    const t0 = performance.now();
    const r = trainer.step();
    trainMs += performance.now() - t0;
    loss = r.loss;
    progress.update(`iteration ${trainer.iteration}/${trainer.totalIterations}  epoch ${trainer.epoch + (r.epochEnded ? 0 : 1)}  loss ${fmt(loss)}  ${fmt((trainer.iteration * trainer.batchSize) / (trainMs / 1000), 3)} samples/s`);
    if (r.epochEnded || trainer.done) {
      const e = trainer.evaluate();
      progress.done();
      log(`epoch ${e.epoch}  iteration ${e.iteration}  loss ${fmt(loss)}  train acc ${e.trainAccuracy.toFixed(4)}  test acc ${e.testAccuracy.toFixed(4)}`);
    }
  }
  progress.done();
  const last = trainer.epochs[trainer.epochs.length - 1];
  const result = {
    preset: spec.name ?? 'network',
    iterations: trainer.iteration,
    loss,
    trainAccuracy: last.trainAccuracy,
    testAccuracy: last.testAccuracy,
    samplesPerSecond: Math.round((trainer.iteration * trainer.batchSize) / (trainMs / 1000)),
    seconds: Number(((performance.now() - start) / 1000).toFixed(3)),
  };
  if (typeof flags.save === 'string') {
    const text = encodeRun({
      name: spec.name ?? 'network',
      savedAt: new Date().toISOString(),
      spec,
      seed,
      iteration: trainer.iteration,
      totalIterations: trainer.totalIterations,
      batchSize: trainer.batchSize,
      optimizer: trainer.optimizer.kind,
      lr: trainer.optimizer.lr,
      dataset: { name: data.name, train: data.train.count, test: data.test.count },
      lossIterations: trainer.losses.map((_, i) => i + 1),
      losses: trainer.losses.slice(),
      epochs: trainer.epochs.map((e) => ({ ...e })),
      weights: net.params().map((p) => ({ name: p.name, shape: p.value.shape.slice(), data: Float32Array.from(p.value.data) })),
    });
    try {
      writeFileSync(flags.save, text);
    } catch (e) {
      throw new UsageError(`train: cannot write ${flags.save} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    log(`run saved to ${flags.save}`);
  }
  if (json) emitJson(result);
  else log(`done in ${result.seconds} s: test accuracy ${result.testAccuracy.toFixed(4)}, ${result.samplesPerSecond} samples/s`);
}
