/**
 * Spawns the built training worker (dist/worker.js) on a small slice of MNIST and checks the sequence
 * of messages it sends, pause/resume/stop, malformed commands and bad specs.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { findPreset } from '../../src/engine/presets';
import { isWorkerEvent, type RunOptions, type WorkerCommand, type WorkerEvent } from '../../src/shared/protocol';

const root = join(__dirname, '..', '..');
const workerPath = join(root, 'dist', 'worker.js');

/** A worker with a log of every event it sent. */
class Probe {
  readonly worker = new Worker(workerPath);
  readonly events: WorkerEvent[] = [];
  readonly malformed: unknown[] = [];
  private waiters: { pred: (e: WorkerEvent) => boolean; resolve: (e: WorkerEvent) => void }[] = [];

  constructor() {
    this.worker.on('message', (m: unknown) => {
      if (!isWorkerEvent(m)) {
        this.malformed.push(m);
        return;
      }
      this.events.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (w.pred(m)) w.resolve(m);
        return !w.pred(m);
      });
    });
  }
  send(c: WorkerCommand | Record<string, unknown>): void {
    this.worker.postMessage(c);
  }
  waitFor(pred: (e: WorkerEvent) => boolean, ms = 60000): Promise<WorkerEvent> {
    const hit = this.events.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out; events: ${this.events.map((e) => e.type).join(', ')}`)), ms);
      this.waiters.push({ pred, resolve: (e) => (clearTimeout(t), resolve(e)) });
    });
  }
  types(): string[] {
    return this.events.map((e) => (e.type === 'train/state' ? `state:${e.state}` : e.type));
  }
}

const small: Partial<RunOptions> = { trainLimit: 1000, testLimit: 200, probeEvery: 5 };

function start(p: Probe, preset: string, opts: Partial<RunOptions> = {}): void {
  p.send({ type: 'run/start', spec: findPreset(preset)!.spec, options: { seed: 1, probeEvery: 5, ...small, ...opts }, extensionPath: root });
}

describe('training worker', function () {
  this.timeout(120000);
  const probes: Probe[] = [];
  const probe = () => {
    const p = new Probe();
    probes.push(p);
    return p;
  };
  after(async () => {
    for (const p of probes) await p.worker.terminate();
  });

  it('sends started, metrics, epochs, weights checkpoints and done, in order', async () => {
    const p = probe();
    start(p, 'two-layer', { epochs: 2 });
    await p.waitFor((e) => e.type === 'train/state' && e.state === 'done');
    const types = p.types();
    assert.deepEqual(types.slice(0, 4), ['state:starting', 'run/started', 'probe/params', 'state:running']);
    assert.equal(types[types.length - 1], 'state:done');
    assert.equal(p.malformed.length, 0);
    const started = p.events.find((e) => e.type === 'run/started');
    assert.ok(started && started.type === 'run/started');
    assert.deepEqual(started.layers.map((l) => l.id), ['affine1', 'relu1', 'affine2']);
    assert.equal(started.itersPerEpoch, 10);
    assert.equal(started.totalIterations, 20);
    // Every iteration's loss arrives exactly once, in order.
    const its: number[] = [];
    for (const e of p.events) if (e.type === 'train/metrics') e.losses.forEach((_, i) => its.push(e.firstIteration + i));
    assert.deepEqual(its, Array.from({ length: 20 }, (_, i) => i + 1));
    const epochs = p.events.filter((e) => e.type === 'train/epoch');
    assert.deepEqual(epochs.map((e) => (e.type === 'train/epoch' ? e.epoch : -1)), [1, 2]);
    const checkpoints = p.events.filter((e) => e.type === 'run/weights');
    assert.equal(checkpoints.length, 2);
    const done = p.events.find((e) => e.type === 'run/done');
    assert.ok(done && done.type === 'run/done' && done.iteration === 20);
    const losses = p.events.flatMap((e) => (e.type === 'train/metrics' ? e.losses : []));
    assert.ok(losses[losses.length - 1] < losses[0], `loss should fall: ${losses[0]} → ${losses[losses.length - 1]}`);
  });

  it('pauses, resumes and stops on command', async () => {
    const p = probe();
    start(p, 'two-layer', { startPaused: true, iterations: 100000, trainLimit: 5000 });
    await p.waitFor((e) => e.type === 'train/state' && e.state === 'paused');
    assert.equal(p.events.filter((e) => e.type === 'train/metrics').length, 0, 'no training while paused');
    p.send({ type: 'run/resume' });
    await p.waitFor((e) => e.type === 'train/metrics');
    p.send({ type: 'run/pause' });
    const paused = await p.waitFor((e) => e.type === 'train/state' && e.state === 'paused' && e.iteration > 0);
    p.send({ type: 'run/stop' });
    const stopped = await p.waitFor((e) => e.type === 'train/state' && e.state === 'stopped');
    assert.ok(stopped.type === 'train/state' && paused.type === 'train/state' && stopped.iteration === paused.iteration);
    const w = p.events.filter((e) => e.type === 'run/weights');
    assert.ok(w.length >= 1, 'stopping sends a weights checkpoint');
  });

  it('replies to getWeights with every parameter', async () => {
    const p = probe();
    start(p, 'two-layer', { startPaused: true });
    await p.waitFor((e) => e.type === 'train/state' && e.state === 'paused');
    p.send({ type: 'run/getWeights', requestId: 7 });
    const w = await p.waitFor((e) => e.type === 'run/weights' && e.requestId === 7);
    assert.ok(w.type === 'run/weights');
    assert.deepEqual(w.weights.map((x) => x.name), ['affine1.W', 'affine1.b', 'affine2.W', 'affine2.b']);
    assert.equal(w.weights[0].data.length, 784 * 50);
  });

  it('reports a malformed command and a bad spec as errors, naming where', async () => {
    const p = probe();
    p.send({ type: 'run/start', spec: 'nope' });
    const e1 = await p.waitFor((e) => e.type === 'run/error');
    assert.ok(e1.type === 'run/error' && e1.where === 'protocol');
    const q = probe();
    q.send({ type: 'run/start', spec: { input: [1, 4, 4], layers: [{ type: 'conv', filters: 2, kernel: 5 }, { type: 'affine', units: 10 }] }, options: { seed: 1, probeEvery: 5 }, extensionPath: root });
    const e2 = await q.waitFor((e) => e.type === 'run/error');
    assert.ok(e2.type === 'run/error');
    assert.equal(e2.where, 'network spec');
    assert.match(e2.message, /kernel 5×5 is larger than its input 4×4/);
    await q.waitFor((e) => e.type === 'train/state' && e.state === 'error');
  });

  it('reports unreadable data with the directory named', async () => {
    const p = probe();
    start(p, 'two-layer', { dataDir: '/nonexistent/idx' });
    const e = await p.waitFor((x) => x.type === 'run/error');
    assert.ok(e.type === 'run/error' && e.where === 'loading data');
    assert.match(e.message, /\/nonexistent\/idx/);
  });
});
