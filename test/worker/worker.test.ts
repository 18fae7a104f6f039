/**
 * Spawns the built training worker (dist/worker.js) on a small slice of MNIST and checks the sequence
 * of messages it sends, pause/resume/stop, malformed commands and bad specs.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadDataset } from '../../src/engine/data/dataset';
import { buildNetwork, type StepCursor } from '../../src/engine/network';
import { findPreset } from '../../src/engine/presets';
import { Trainer } from '../../src/engine/trainer';
import { workerEventsOf, type RunOptions, type WorkerCommand, type WorkerEvent } from '../../src/shared/protocol';

const root = join(__dirname, '..', '..');
const workerPath = join(root, 'dist', 'worker.js');

/** A worker with a log of every event it sent. */
class Probe {
  readonly worker: Worker;
  readonly events: WorkerEvent[] = [];
  readonly malformed: unknown[] = [];
  /** The events of each message received, in order (one message carries a whole slice's events). */
  readonly messages: WorkerEvent[][] = [];
  private waiters: { pred: (e: WorkerEvent) => boolean; resolve: (e: WorkerEvent) => void }[] = [];

  constructor(workerData?: unknown) {
    this.worker = new Worker(workerPath, workerData === undefined ? {} : { workerData });
    this.worker.on('message', (msg: unknown) => {
      const events = workerEventsOf(msg);
      if (!events) {
        this.malformed.push(msg);
        return;
      }
      this.messages.push(events);
      for (const m of events) {
        this.events.push(m);
        this.waiters = this.waiters.filter((w) => {
          if (w.pred(m)) w.resolve(m);
          return !w.pred(m);
        });
      }
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
  const probe = (workerData?: unknown) => {
    const p = new Probe(workerData);
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
    const types = p.types().filter((t) => !t.startsWith('probe/'));
    assert.deepEqual(types.slice(0, 3), ['state:starting', 'run/started', 'state:running']);
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

  it('a pause during an epoch’s evaluation lands before it ends; resume finishes it', async () => {
    const p = probe();
    // One iteration per epoch, then an evaluation of 10,100 images through the convnet (seconds,
    // in chunks of 1,000): the pause must not wait for it.
    start(p, 'simple-convnet', { startPaused: true, iterations: 1, trainLimit: 100, testLimit: 10000 });
    await p.waitFor((e) => e.type === 'train/state' && e.state === 'paused');
    p.send({ type: 'run/resume' });
    await p.waitFor((e) => e.type === 'train/metrics');
    p.send({ type: 'run/pause' });
    await p.waitFor((e) => (e.type === 'train/state' && e.state === 'paused' && e.iteration === 1) || e.type === 'train/epoch');
    const order = p.events.filter((e) => e.type === 'train/epoch' || e.type === 'train/state').map((e) => (e.type === 'train/state' ? `${e.state}@${e.iteration}` : e.type));
    assert.deepEqual(order.slice(-1), ['paused@1'], `paused before the epoch's result: ${order.join(', ')}`);
    assert.ok(!order.includes('train/epoch'), `no epoch result before the pause: ${order.join(', ')}`);
    p.send({ type: 'run/resume' });
    const epoch = await p.waitFor((e) => e.type === 'train/epoch');
    assert.ok(epoch.type === 'train/epoch' && epoch.testAccuracy > 0 && epoch.iteration === 1);
    await p.waitFor((e) => e.type === 'run/done');
  });

  it('uses the threads it is started with (scratchnet.threads), and trains the same run', async () => {
    const one = probe();
    const two = probe({ threads: 2 });
    for (const p of [one, two]) start(p, 'two-layer', { iterations: 20 });
    const [s1, s2] = await Promise.all([one, two].map((p) => p.waitFor((e) => e.type === 'run/started')));
    assert.ok(s1.type === 'run/started' && s2.type === 'run/started');
    assert.ok(!/threads/.test(s1.kernels ?? ''), `one thread: ${s1.kernels}`);
    assert.match(s2.kernels ?? '', /2threads/);
    const losses = await Promise.all(
      [one, two].map(async (p) => {
        await p.waitFor((e) => e.type === 'run/done');
        return p.events.flatMap((e) => (e.type === 'train/metrics' ? e.losses : []));
      }),
    );
    assert.equal(losses[1].length, 20);
    // The split products add in another order: equal to float32 rounding, not bit for bit.
    losses[0].forEach((l, i) => assert.ok(Math.abs(l - losses[1][i]) < 1e-4, `iteration ${i + 1}: ${l} vs ${losses[1][i]}`));
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
    p.send({ type: 'run/start', spec: 'nope' } as Record<string, unknown>);
    const e1 = await p.waitFor((e) => e.type === 'run/error');
    assert.ok(e1.type === 'run/error' && e1.where === 'protocol');
    const q = probe();
    q.send({
      type: 'run/start',
      spec: { input: [1, 4, 4], layers: [{ type: 'conv', filters: 2, kernel: 5 }, { type: 'affine', units: 10 }] },
      options: { seed: 1, probeEvery: 5 },
      extensionPath: root,
    });
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

  it('probes histograms, gradient norms and conv filters every probeEvery iterations', async () => {
    const p = probe();
    start(p, 'simple-convnet', { iterations: 10, probeEvery: 5, probeMinMs: 0, trainLimit: 300, testLimit: 100 });
    await p.waitFor((e) => e.type === 'train/state' && e.state === 'done');
    const hist = p.events.filter((e) => e.type === 'probe/histograms' && e.kind === 'activations');
    assert.ok(hist.length >= 3, 'at start, iteration 5 and 10');
    const h = hist[hist.length - 1];
    assert.ok(h.type === 'probe/histograms');
    assert.deepEqual(h.items.map((i) => i.id), ['conv1', 'relu1', 'pool1', 'affine1', 'relu2', 'affine2']);
    assert.equal(h.counts.length, 6 * 30);
    const relu = h.items[1];
    assert.ok(relu.dead > 0 && relu.dead < 1, `dead fraction ${relu.dead}`);
    const grads = p.events.filter((e) => e.type === 'probe/gradients');
    assert.deepEqual(grads.map((g) => (g.type === 'probe/gradients' ? g.iteration : 0)), [5, 10]);
    for (const g of grads) if (g.type === 'probe/gradients') for (const q of g.params) assert.ok(q.gradNorm > 0 && q.updateRatio > 0 && q.updateRatio < 1, `${q.name} ${q.gradNorm} ${q.updateRatio}`);
    const filters = p.events.filter((e) => e.type === 'probe/filters');
    assert.ok(filters.length >= 2);
    const f0 = filters[0];
    const f1 = filters[filters.length - 1];
    assert.ok(f0.type === 'probe/filters' && f1.type === 'probe/filters');
    assert.equal(f0.count, 30);
    assert.equal(f0.h * f0.w, 25);
    assert.ok(f0.data.every((v) => v >= 0 && v <= 1));
    assert.ok(f0.data.some((v, i) => v !== f1.data[i]), 'filters change as the net trains');
    // One message per slice: the five events of a probe arrive together, with that slice's others.
    assert.ok(p.messages.length < p.events.length, `${p.messages.length} messages for ${p.events.length} events`);
    for (const it of [5, 10]) {
      const carrying = p.messages.filter((m) => m.some((e) => e.type.startsWith('probe/') && 'iteration' in e && e.iteration === it));
      assert.equal(carrying.length, 1, `probe ${it} in ${carrying.length} messages`);
      assert.deepEqual(
        carrying[0].filter((e) => e.type.startsWith('probe/') && 'iteration' in e && e.iteration === it).map((e) => e.type).sort(),
        ['probe/filters', 'probe/gradients', 'probe/histograms', 'probe/histograms', 'probe/params'],
      );
    }
  });

  it('probes at most once per probeMinMs while training runs, and always at the last iteration', async () => {
    const p = probe();
    // Every iteration is due (probeEvery 1), but the least gap is far longer than the run: only the
    // probe at start (iteration 0) and the one at the last iteration are taken.
    start(p, 'two-layer', { iterations: 30, probeEvery: 1, probeMinMs: 1e9 });
    await p.waitFor((e) => e.type === 'train/state' && e.state === 'done');
    const iterationsOf = (type: string) => p.events.flatMap((e) => (e.type === type && 'iteration' in e ? [e.iteration] : []));
    assert.deepEqual(iterationsOf('probe/gradients'), [30]);
    assert.deepEqual(iterationsOf('probe/params'), [0, 30]);
    // With no least gap, the same run is probed at every iteration.
    const q = probe();
    start(q, 'two-layer', { iterations: 30, probeEvery: 1, probeMinMs: 0 });
    await q.waitFor((e) => e.type === 'train/state' && e.state === 'done');
    const grads = q.events.flatMap((e) => (e.type === 'probe/gradients' ? [e.iteration] : []));
    assert.deepEqual(grads, Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('steps through forward, loss, backward and update with the engine’s own numbers', async () => {
    const p = probe();
    start(p, 'two-layer', { startPaused: true, trainLimit: 500 });
    await p.waitFor((e) => e.type === 'train/state' && e.state === 'paused');
    const labels: string[] = [];
    for (let i = 0; i < 8; i++) {
      const before = p.events.length;
      p.send({ type: 'run/step' });
      const c = await p.waitFor((e) => e.type === 'step/cursor' && p.events.indexOf(e) >= before);
      assert.ok(c.type === 'step/cursor');
      labels.push(c.label.replace(/ \(.*$/, ''));
    }
    assert.deepEqual(labels, [
      'forward · affine1',
      'forward · relu1',
      'forward · affine2',
      'loss · loss',
      'backward · affine2',
      'backward · relu1',
      'backward · affine1',
      'update · sgd',
    ]);
    // The same computation in this process, from the same seeds, gives the same numbers.
    const data = loadDataset({ trainLimit: 500, testLimit: 200 });
    const net = buildNetwork(findPreset('two-layer')!.spec, { seed: 1 });
    const trainer = new Trainer(net, data.train, data.test, { seed: 2 });
    const { x, t } = trainer.nextBatch();
    const cursors = p.events.filter((e) => e.type === 'step/cursor');
    const gen = net.steps(x, t);
    for (let i = 0; i < 7; i++) {
      const s = gen.next().value as StepCursor;
      const c = cursors[i];
      assert.ok(c.type === 'step/cursor');
      const mine = s.phase === 'forward' ? s.output! : s.phase === 'loss' ? s.output! : (s.output ?? s.input!);
      const theirs = c.tensors.find((q) => q.role === (s.phase === 'forward' ? 'output' : 'dx')) ?? c.tensors.find((q) => q.role === 'dy')!;
      let m = 0;
      for (let k = 0; k < mine.size; k++) m += mine.data[k] / mine.size;
      assert.ok(Math.abs(m - theirs.mean) <= 1e-6 * Math.max(1, Math.abs(m)), `${c.label}: ${m} vs ${theirs.mean}`);
      assert.deepEqual(theirs.shape, [...mine.shape]);
    }
    const done = await p.waitFor((e) => e.type === 'train/metrics');
    assert.ok(done.type === 'train/metrics' && done.iteration === 1, 'the update counts as iteration 1');
  });

  it('runs a float64 gradient check of the current network that passes', async () => {
    const p = probe();
    start(p, 'two-layer', { startPaused: true });
    await p.waitFor((e) => e.type === 'train/state' && e.state === 'paused');
    p.send({ type: 'run/gradcheck' });
    const r = await p.waitFor((e) => e.type === 'gradcheck/result');
    assert.ok(r.type === 'gradcheck/result');
    assert.deepEqual(r.params.map((q) => q.name), ['affine1.W', 'affine1.b', 'affine2.W', 'affine2.b']);
    for (const q of r.params) assert.ok(q.pass && q.relativeError < 1e-6, `${q.name}: ${q.relativeError}`);
  });

  it('sends the feature maps of a test image on request', async () => {
    const p = probe();
    start(p, 'simple-convnet', { startPaused: true, trainLimit: 200, testLimit: 50 });
    await p.waitFor((e) => e.type === 'train/state' && e.state === 'paused');
    p.send({ type: 'probe/featureMaps', index: 3 });
    const f = await p.waitFor((e) => e.type === 'probe/featureMaps');
    assert.ok(f.type === 'probe/featureMaps');
    assert.equal(f.index, 3);
    assert.equal(f.label, 0, 'test image 3 is a 0');
    assert.deepEqual(f.layers.map((l) => [l.id, l.channels, l.h, l.w]), [['conv1', 30, 24, 24], ['relu1', 30, 24, 24], ['pool1', 30, 12, 12]]);
  });

  it('runs an experiment with progress and a result', async () => {
    const p = probe();
    p.send({ type: 'experiment/start', name: 'weight-init-histogram', options: { seed: 1 }, extensionPath: root });
    const r = await p.waitFor((e) => e.type === 'experiment/result');
    assert.ok(r.type === 'experiment/result');
    assert.equal(r.result.experiment, 'weight-init-histogram');
    assert.equal(r.result.results.length, 12);
    assert.ok(p.events.some((e) => e.type === 'experiment/progress'));
    // The experiment runs as one synchronous task; its progress still leaves while it runs, not all
    // at the end with the result.
    const withProgress = p.messages.filter((m) => m.some((e) => e.type === 'experiment/progress'));
    assert.ok(withProgress.length >= 2, `progress came in ${withProgress.length} message(s)`);
    assert.ok(!withProgress[0].some((e) => e.type === 'experiment/result'));
  });
});
