/** The protocol's guards accept well-formed messages and reject malformed ones, in every direction. */
import assert from 'node:assert/strict';
import {
  isHostToWebview,
  isWebviewToHost,
  isWorkerCommand,
  isWorkerEvent,
  MAX_BATCH,
  MAX_WORKER_EVENTS,
  workerEventsOf,
  type RunStartedEvent,
  type WorkerEvent,
} from '../../src/shared/protocol';
import { RunStore, MAX_LOSS_POINTS } from '../../src/session/runStore';

const started: RunStartedEvent = {
  type: 'run/started',
  name: 'two-layer',
  spec: { input: [784], layers: [{ type: 'affine', units: 10 }] },
  layers: [{ id: 'affine1', kind: 'affine', inShape: [784], outShape: [10], paramCount: 7850, params: [{ name: 'affine1.W', shape: [784, 10] }] }],
  paramCount: 7850,
  totalIterations: 600,
  itersPerEpoch: 600,
  batchSize: 100,
  optimizer: 'sgd',
  lr: 0.1,
  seed: 1,
  dataset: { name: 'mnist', train: 60000, test: 10000 },
};

const good: WorkerEvent[] = [
  started,
  { type: 'train/metrics', firstIteration: 1, losses: [2.3, 2.2], iteration: 2, epoch: 0, samplesPerSecond: 1000, elapsedMs: 5 },
  { type: 'train/epoch', epoch: 1, iteration: 600, trainAccuracy: 0.9, testAccuracy: 0.91 },
  { type: 'train/state', state: 'paused', iteration: 3 },
  { type: 'probe/params', iteration: 5, stats: [{ name: 'affine1.W', layer: 'affine1', shape: [784, 10], mean: 0, std: 0.01, norm: 1, gradNorm: 0.1 }] },
  { type: 'run/done', iteration: 600, trainAccuracy: 0.9, testAccuracy: 0.91, seconds: 4 },
  { type: 'run/error', message: 'boom', where: 'iteration 3', recoverable: true },
  { type: 'run/weights', requestId: 1, iteration: 3, weights: [{ name: 'affine1.W', shape: [2], data: new Float32Array(2) }] },
];

describe('protocol guards', () => {
  it('accept every well-formed worker event', () => {
    for (const e of good) assert.ok(isWorkerEvent(e), e.type);
  });

  it('reject malformed worker events', () => {
    const bad: unknown[] = [
      null,
      42,
      'run/started',
      [],
      { type: 'nope' },
      { ...started, layers: [{ id: 'a' }] },
      { ...started, totalIterations: 'many' },
      { type: 'train/metrics', firstIteration: 1, losses: ['x'], iteration: 1, epoch: 0, samplesPerSecond: 1, elapsedMs: 1 },
      { type: 'train/state', state: 'exploded', iteration: 1 },
      { type: 'train/epoch', epoch: 1, iteration: 1, trainAccuracy: '0.9', testAccuracy: 0.9 },
      { type: 'run/error', message: 'x', where: 'y' },
      { type: 'run/weights', requestId: 1, iteration: 1, weights: [{ name: 'a', shape: [1], data: [0] }] },
    ];
    for (const b of bad) assert.equal(isWorkerEvent(b), false, JSON.stringify(b));
  });

  it('a worker message is one event or a non-empty, bounded list of them; one bad event spoils it', () => {
    assert.deepEqual(workerEventsOf(good[1]), [good[1]]);
    assert.deepEqual(workerEventsOf(good), good);
    assert.equal(workerEventsOf([]), undefined);
    assert.equal(workerEventsOf([good[1], { type: 'nope' }]), undefined);
    assert.equal(workerEventsOf([good[1], null]), undefined);
    assert.equal(workerEventsOf({ type: 'nope' }), undefined);
    assert.equal(workerEventsOf(new Array(MAX_WORKER_EVENTS + 1).fill(good[3])), undefined);
    assert.equal(workerEventsOf(new Array(MAX_WORKER_EVENTS).fill(good[3]))?.length, MAX_WORKER_EVENTS);
  });

  it('accept the webview commands and reject anything else', () => {
    assert.ok(isWebviewToHost({ type: 'ready' }));
    assert.ok(isWebviewToHost({ type: 'select/layer', id: 'affine1' }));
    assert.ok(isWebviewToHost({ type: 'select/layer', id: null }));
    assert.ok(isWebviewToHost({ type: 'command', name: 'pause' }));
    for (const b of [
      { type: 'ready', extra: 1 },
      { type: 'select/layer', id: '<img src=x onerror=alert(1)>' },
      { type: 'select/layer', id: 3 },
      { type: 'command', name: 'rm -rf' },
      { type: 'command' },
      { type: 'run/start' },
      { kind: 'ready' },
      undefined,
    ]) {
      assert.equal(isWebviewToHost(b), false, JSON.stringify(b));
    }
  });

  it('check what the webview receives, including snapshots', () => {
    const store = new RunStore();
    for (const e of good) store.apply(e);
    const snap = store.snapshot('affine1');
    assert.ok(isHostToWebview(snap));
    assert.ok(isHostToWebview({ type: 'select/layer', id: 'relu1' }));
    assert.equal(isHostToWebview(good[good.length - 1]), false, 'weights are never sent to the webview');
    assert.equal(isHostToWebview({ ...snap, losses: [1], lossIterations: [] }), false);
    assert.equal(isHostToWebview({ ...snap, state: 'weird' }), false);
    assert.equal(isHostToWebview({ ...snap, epochs: [{ type: 'train/metrics' }] }), false);
    assert.equal(isHostToWebview({ ...snap, started: good[1] }), false, 'a metrics event is no run/started');
    assert.equal(isHostToWebview({ ...snap, done: good[6] }), false, 'an error event is no run/done');
  });

  it('check batches of streamed events: only valid metrics and probes, bounded', () => {
    const metrics = good.find((e) => e.type === 'train/metrics')!;
    const params = good.find((e) => e.type === 'probe/params')!;
    assert.ok(isHostToWebview({ type: 'batch', messages: [metrics, params, metrics] }));
    assert.ok(isHostToWebview({ type: 'batch', messages: [] }));
    assert.equal(isHostToWebview({ type: 'batch' }), false);
    assert.equal(isHostToWebview({ type: 'batch', messages: [started] }), false, 'run/started is not streamed');
    assert.equal(isHostToWebview({ type: 'batch', messages: [{ type: 'batch', messages: [] }] }), false, 'no nesting');
    assert.equal(isHostToWebview({ type: 'batch', messages: [{ ...metrics, losses: 'x' }] }), false, 'each event is checked');
    assert.equal(isHostToWebview({ type: 'batch', messages: Array(MAX_BATCH + 1).fill(metrics) }), false, 'bounded');
  });

  it('check commands sent to the worker', () => {
    assert.ok(isWorkerCommand({ type: 'run/start', spec: {}, options: { seed: 1, probeEvery: 5 }, extensionPath: '/x' }));
    assert.ok(isWorkerCommand({ type: 'run/pause' }));
    assert.ok(isWorkerCommand({ type: 'run/getWeights', requestId: 2 }));
    assert.equal(isWorkerCommand({ type: 'run/start', spec: {} }), false);
    assert.equal(isWorkerCommand({ type: 'run/getWeights' }), false);
    assert.equal(isWorkerCommand({ type: 'shutdown' }), false);
    assert.ok(isWorkerCommand({ type: 'run/start', spec: {}, options: { seed: 1, probeEvery: 5, probeMinMs: 0 }, extensionPath: '/x' }));
    assert.equal(isWorkerCommand({ type: 'run/start', spec: {}, options: { seed: 1, probeEvery: 5, probeMinMs: -1 }, extensionPath: '/x' }), false);
    assert.equal(isWorkerCommand({ type: 'run/start', spec: {}, options: { seed: 1, probeEvery: 5, probeMinMs: '9' }, extensionPath: '/x' }), false);
    assert.ok(isWorkerCommand({ type: 'run/start', spec: {}, options: { seed: 1, probeEvery: 5, threads: 2 }, extensionPath: '/x' }));
    for (const threads of [0, 1.5, 9, '2'])
      assert.equal(isWorkerCommand({ type: 'run/start', spec: {}, options: { seed: 1, probeEvery: 5, threads }, extensionPath: '/x' }), false, `threads ${threads}`);
  });
});

describe('RunStore', () => {
  it('keeps the latest value of every stream and the whole loss history', () => {
    const s = new RunStore();
    for (const e of good) s.apply(e);
    s.apply({ type: 'train/metrics', firstIteration: 3, losses: [2.1], iteration: 3, epoch: 0, samplesPerSecond: 900, elapsedMs: 9 });
    assert.deepEqual(s.lossIterations, [1, 2, 3]);
    assert.deepEqual(s.losses, [2.3, 2.2, 2.1]);
    assert.equal(s.samplesPerSecond, 900);
    assert.equal(s.state, 'paused');
    assert.equal(s.epochs.length, 1);
    assert.ok(s.weights && s.error && s.done && s.params);
  });

  it('stays bounded on long runs by thinning the loss history', () => {
    const s = new RunStore();
    const n = MAX_LOSS_POINTS + 10;
    s.apply({ type: 'train/metrics', firstIteration: 1, losses: Array.from({ length: n }, (_, i) => i), iteration: n, epoch: 1, samplesPerSecond: 1, elapsedMs: 1 });
    assert.ok(s.losses.length <= MAX_LOSS_POINTS);
    assert.equal(s.losses.length, s.lossIterations.length);
    assert.equal(s.lossIterations[0], 1);
    assert.ok(s.lossIterations.every((it, i) => i === 0 || it > s.lossIterations[i - 1]));
  });
});
