/**
 * The training loop of the editor, as pure logic over a `post` function: the worker entry wires it to
 * `worker_threads`, tests drive it directly. It builds the network, loads the data, trains in slices
 * of ~50 ms so pause/stop commands get through between them, throttles metrics to ~10 messages a
 * second, and probes parameter statistics every `probeEvery` iterations.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultMnistDir, loadDataset } from '../engine/data/dataset';
import { buildNetwork, type Network } from '../engine/network';
import { DivergenceError, Trainer } from '../engine/trainer';
import type { NetworkSpec } from '../engine/spec';
import type { LayerInfo, ParamStats, RunOptions, RunState, WorkerCommand, WorkerEvent } from '../shared/protocol';

/** Sends an event to the host, transferring the listed buffers. */
export type Post = (event: WorkerEvent, transfer?: ArrayBuffer[]) => void;

/** Longest slice of training between looks at the message queue. */
const SLICE_MS = 50;
/** Minimum time between two metrics messages. */
const METRICS_MS = 100;

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

export class Runner {
  private state: RunState = 'starting';
  private net: Network | undefined;
  private trainer: Trainer | undefined;
  private options: RunOptions | undefined;
  private pending: number[] = [];
  private pendingFirst = 1;
  private lastMetrics = 0;
  private trainMs = 0;
  private started = 0;
  private scheduled = false;

  constructor(
    private readonly post: Post,
    private readonly schedule: (fn: () => void) => void = (fn) => setImmediate(fn),
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
    let data;
    try {
      const bundled = join(extensionPath, 'data', 'mnist');
      const dir = options.dataDir || (existsSync(bundled) ? bundled : defaultMnistDir([extensionPath]));
      data = loadDataset({ dir, trainLimit: options.trainLimit ?? spec.training?.trainLimit, testLimit: options.testLimit ?? spec.training?.testLimit });
    } catch (e) {
      this.fail('loading data', e, false);
      return;
    }
    let trainer: Trainer;
    try {
      trainer = new Trainer(net, data.train, data.test, { seed: options.seed + 1 });
    } catch (e) {
      this.fail('training set-up', e, false);
      return;
    }
    this.net = net;
    this.trainer = trainer;
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
    });
    this.post({ type: 'probe/params', iteration: 0, stats: paramStats(net) });
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
    const end = performance.now() + SLICE_MS;
    while (this.state === 'running' && !trainer.done && performance.now() < end) {
      const t0 = performance.now();
      let r;
      try {
        r = trainer.step();
      } catch (e) {
        this.fail(`iteration ${trainer.iteration + 1}`, e, e instanceof DivergenceError);
        return;
      }
      this.trainMs += performance.now() - t0;
      if (this.pending.length === 0) this.pendingFirst = trainer.iteration;
      this.pending.push(r.loss);
      if (trainer.iteration % opts.probeEvery === 0) this.post({ type: 'probe/params', iteration: trainer.iteration, stats: paramStats(net) });
      if (r.epochEnded || trainer.done) {
        this.flushMetrics();
        const e = trainer.evaluate();
        this.post({ type: 'train/epoch', ...e });
        this.checkpoint();
      }
    }
    if (performance.now() - this.lastMetrics >= METRICS_MS) this.flushMetrics();
    if (trainer.done) {
      this.flushMetrics();
      const last = trainer.epochs[trainer.epochs.length - 1];
      this.post({ type: 'probe/params', iteration: trainer.iteration, stats: paramStats(net) });
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
