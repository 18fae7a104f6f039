import assert from 'node:assert/strict';
import {
  isHostToWebview,
  HISTOGRAM_BINS,
  type EpochEvent,
  type ExperimentProgressEvent,
  type ExperimentResultEvent,
  type FeatureMapsEvent,
  type FiltersEvent,
  type GradcheckEvent,
  type GradientsEvent,
  type HistogramsEvent,
  type HostToWebview,
  type LayerInfo,
  type MetricsEvent,
  type ParamStatsEvent,
  type RunStartedEvent,
  type Snapshot,
  type StepCursorEvent,
  type WorkerEvent,
} from '../../src/shared/protocol';
import { RunStore, MAX_GRADIENT_POINTS as HOST_MAX_GRADIENT_POINTS } from '../../src/session/runStore';
import { currentEpoch } from '../../webview/header';
import { shortParamName } from '../../webview/layerDetail';
import { appendGradients, MAX_GRADIENT_POINTS } from '../../src/shared/gradientHistory';
import { appendLosses, MAX_LOSS_POINTS, thinOlderHalf } from '../../src/shared/lossHistory';
import { initialState, type PanelState, reduce } from '../../webview/state';
import { accuracySummary, lossSummary } from '../../webview/summaries';

const LAYERS: LayerInfo[] = [
  {
    id: 'affine1',
    kind: 'affine',
    inShape: [784],
    outShape: [50],
    paramCount: 39250,
    params: [
      { name: 'affine1.W', shape: [784, 50] },
      { name: 'affine1.b', shape: [50] },
    ],
  },
  { id: 'relu1', kind: 'relu', inShape: [50], outShape: [50], paramCount: 0, params: [] },
  {
    id: 'affine2',
    kind: 'affine',
    inShape: [50],
    outShape: [10],
    paramCount: 510,
    params: [
      { name: 'affine2.W', shape: [50, 10] },
      { name: 'affine2.b', shape: [10] },
    ],
  },
];

function started(name = 'two-layer', layers = LAYERS): RunStartedEvent {
  return {
    type: 'run/started',
    name,
    spec: {
      name,
      input: [784],
      layers: [
        { type: 'affine', units: 50, activation: 'relu' },
        { type: 'affine', units: 10 },
      ],
    },
    layers,
    paramCount: layers.reduce((s, l) => s + l.paramCount, 0),
    totalIterations: 600,
    itersPerEpoch: 200,
    batchSize: 100,
    optimizer: 'sgd',
    lr: 0.1,
    seed: 42,
    dataset: { name: 'mnist', train: 20000, test: 10000 },
  };
}

function metrics(firstIteration: number, losses: number[]): MetricsEvent {
  const iteration = firstIteration + losses.length - 1;
  return {
    type: 'train/metrics',
    firstIteration,
    losses,
    iteration,
    epoch: Math.floor(iteration / 200),
    samplesPerSecond: 9000,
    elapsedMs: iteration * 10,
  };
}

function epoch(e: number, trainAccuracy: number, testAccuracy: number): EpochEvent {
  return { type: 'train/epoch', epoch: e, iteration: e * 200, trainAccuracy, testAccuracy };
}

function probe(iteration: number): ParamStatsEvent {
  return {
    type: 'probe/params',
    iteration,
    stats: LAYERS.flatMap((l) =>
      l.params.map((p) => ({
        name: p.name,
        layer: l.id,
        shape: p.shape,
        mean: 0.001,
        std: 0.05,
        norm: 10 + iteration / 100,
        gradNorm: 0.3,
      })),
    ),
  };
}

function histograms(iteration: number, kind: 'activations' | 'weights'): HistogramsEvent {
  const ids = kind === 'activations' ? LAYERS.map((l) => l.id) : ['affine1.W', 'affine2.W'];
  return {
    type: 'probe/histograms',
    iteration,
    kind,
    items: ids.map((id) => ({
      id,
      lo: -1,
      hi: 1,
      mean: 0,
      std: 0.3,
      saturated: 0,
      dead: kind === 'activations' ? 0.1 : 0,
    })),
    counts: new Float32Array(ids.length * HISTOGRAM_BINS).fill(iteration),
  };
}

const PARAM_NAMES = LAYERS.flatMap((l) => l.params.map((p) => ({ name: p.name, layer: l.id })));

function gradients(iteration: number, names = PARAM_NAMES): GradientsEvent {
  return {
    type: 'probe/gradients',
    iteration,
    params: names.map((p, i) => ({ ...p, gradNorm: 1 / iteration + i, updateRatio: 1e-3 * (i + 1) })),
  };
}

/** A whole two-layer run as the worker sends it (state before run/started, as the runner does). */
function runEvents(): WorkerEvent[] {
  const events: WorkerEvent[] = [
    { type: 'train/state', state: 'starting', iteration: 0 },
    started(),
    probe(0),
    { type: 'train/state', state: 'running', iteration: 0 },
  ];
  for (let first = 1; first <= 600; first += 20) {
    events.push(
      metrics(
        first,
        Array.from({ length: 20 }, (_, i) => 2.3 / Math.sqrt(first + i)),
      ),
    );
    const last = first + 19;
    if (last % 100 === 0) events.push(probe(last), histograms(last, 'activations'), histograms(last, 'weights'));
    events.push(gradients(last));
    if (last % 200 === 0) events.push(epoch(last / 200, 0.85 + last / 10000, 0.84 + last / 10000));
    if (last === 300)
      events.push(
        { type: 'train/state', state: 'paused', iteration: 300 },
        { type: 'train/state', state: 'running', iteration: 300 },
      );
  }
  events.push({ type: 'run/done', iteration: 600, trainAccuracy: 0.91, testAccuracy: 0.9, seconds: 6.2 });
  events.push({ type: 'train/state', state: 'done', iteration: 600 });
  return events;
}

function replay(messages: HostToWebview[], from: PanelState = initialState()): PanelState {
  return messages.reduce((s, m) => reduce(s, m), from);
}

/** Freezes a value deeply so that any mutation by the reducer throws (typed arrays cannot be frozen). */
function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

function snapshotOf(s: PanelState): Snapshot {
  return {
    type: 'snapshot',
    ...s,
    lossIterations: [...s.lossIterations],
    losses: [...s.losses],
    epochs: [...s.epochs],
    gradientIterations: [...s.gradientIterations],
    gradients: s.gradients.map((g) => ({ ...g, gradNorm: [...g.gradNorm], updateRatio: [...g.updateRatio] })),
  };
}

describe('webview state', () => {
  it('starts with no run, nothing selected and empty histories', () => {
    const s = initialState();
    assert.equal(s.started, null);
    assert.equal(s.state, 'starting');
    assert.deepEqual([s.lossIterations, s.losses, s.epochs], [[], [], []]);
    assert.equal(s.selectedLayer, null);
  });

  it("has exactly the snapshot's fields", () => {
    const fields = Object.keys(new RunStore().snapshot(null)).filter((k) => k !== 'type');
    assert.deepEqual(Object.keys(initialState()).sort(), fields.sort());
  });

  it('the fixtures are valid host → webview messages', () => {
    for (const m of runEvents()) assert.ok(isHostToWebview(m), m.type);
    assert.ok(isHostToWebview(snapshotOf(replay(runEvents() as HostToWebview[]))));
  });

  it('never modifies the state it is given', () => {
    let s = deepFreeze(initialState());
    for (const m of [...(runEvents() as HostToWebview[]), { type: 'select/layer', id: 'relu1' } as const]) {
      s = deepFreeze(reduce(s, m));
    }
    assert.equal(s.losses.length, 600);
  });

  describe('snapshot', () => {
    it('replaces everything, including an earlier error and selection', () => {
      const before = replay([
        started(),
        metrics(1, [2, 1.9]),
        { type: 'run/error', message: 'boom', where: 'iteration 3', recoverable: false },
        { type: 'select/layer', id: 'affine1' },
      ]);
      const snap: Snapshot = { ...snapshotOf(initialState()), state: 'paused', iteration: 7 };
      const after = reduce(before, snap);
      assert.deepEqual(after, { ...initialState(), state: 'paused', iteration: 7 });
    });

    it('restores exactly the state that replaying the events built', () => {
      const events = [...(runEvents() as HostToWebview[]), { type: 'select/layer', id: 'affine2' } as const];
      const replayed = replay(events);
      const restored = reduce(replay([started('other'), metrics(1, [9, 9, 9])]), snapshotOf(replayed));
      assert.deepEqual(restored, replayed);
    });

    it("equals replaying the events when the snapshot comes from the host's RunStore", () => {
      const store = new RunStore();
      const events = runEvents();
      for (const e of events) store.apply(e);
      const snap = store.snapshot('relu1');
      assert.ok(isHostToWebview(snap));
      const replayed = replay([...(events as HostToWebview[]), { type: 'select/layer', id: 'relu1' }]);
      assert.deepEqual(reduce(initialState(), snap), replayed);
    });

    it('a snapshot taken mid-run, then the rest of the events, equals the whole replay', () => {
      const events = runEvents() as HostToWebview[];
      const cut = 20;
      const resumed = replay(events.slice(cut), reduce(initialState(), snapshotOf(replay(events.slice(0, cut)))));
      assert.deepEqual(resumed, replay(events));
    });
  });

  describe('run/started', () => {
    it('shows the new run and clears the previous one, keeping the run state', () => {
      const old = replay([
        started('old'),
        metrics(1, [1, 2]),
        epoch(1, 0.5, 0.4),
        probe(1),
        { type: 'train/state', state: 'starting', iteration: 0 },
      ]);
      const s = reduce(old, started('new'));
      assert.equal(s.started?.name, 'new');
      assert.equal(s.state, 'starting');
      assert.deepEqual(
        [s.losses, s.lossIterations, s.epochs, s.params, s.done, s.error],
        [[], [], [], null, null, null],
      );
      assert.equal(s.iteration, 0);
    });

    it('keeps the selected layer only when the new run has it', () => {
      const sel = replay([started(), { type: 'select/layer', id: 'affine2' }]);
      assert.equal(reduce(sel, started('again')).selectedLayer, 'affine2');
      assert.equal(reduce(sel, started('small', LAYERS.slice(0, 1))).selectedLayer, null);
    });
  });

  describe('train/metrics', () => {
    it('appends each loss at its iteration and updates progress', () => {
      const s = replay([started(), metrics(1, [2.3, 2.2, 2.1]), metrics(4, [2.0, 1.9])]);
      assert.deepEqual(s.lossIterations, [1, 2, 3, 4, 5]);
      assert.deepEqual(s.losses, [2.3, 2.2, 2.1, 2.0, 1.9]);
      assert.equal(s.iteration, 5);
      assert.equal(s.samplesPerSecond, 9000);
    });

    it('skips iterations it already has (an event repeated after a snapshot)', () => {
      const s = replay([metrics(1, [3, 2, 1]), metrics(2, [2, 1, 0.5]), metrics(1, [3])]);
      assert.deepEqual(s.lossIterations, [1, 2, 3, 4]);
      assert.deepEqual(s.losses, [3, 2, 1, 0.5]);
    });

    it('keeps NaN and infinite losses so a divergence shows', () => {
      const s = reduce(initialState(), metrics(1, [1, NaN, Infinity]));
      assert.deepEqual(s.losses, [1, NaN, Infinity]);
    });
  });

  describe('train/epoch', () => {
    it('appends epochs in iteration order and updates the epoch', () => {
      const s = replay([epoch(1, 0.9, 0.89), epoch(2, 0.93, 0.92)]);
      assert.deepEqual(
        s.epochs.map((e) => e.epoch),
        [1, 2],
      );
      assert.equal(s.epoch, 2);
      assert.equal(s.iteration, 400);
    });

    it('replaces an epoch sent twice for the same iteration', () => {
      const s = replay([epoch(1, 0.9, 0.89), epoch(1, 0.95, 0.94)]);
      assert.equal(s.epochs.length, 1);
      assert.equal(s.epochs[0].trainAccuracy, 0.95);
    });
  });

  it('train/state sets the state and never moves the iteration back', () => {
    const s = replay([metrics(1, [1, 1, 1]), { type: 'train/state', state: 'paused', iteration: 2 }]);
    assert.equal(s.state, 'paused');
    assert.equal(s.iteration, 3);
    assert.equal(reduce(s, { type: 'train/state', state: 'running', iteration: 9 }).iteration, 9);
  });

  it('probe/params keeps the latest statistics', () => {
    const s = replay([probe(0), probe(100)]);
    assert.equal(s.params?.iteration, 100);
    assert.equal(s.params?.stats.length, 4);
  });

  it('run/done records the result; the state follows train/state', () => {
    const done = { type: 'run/done', iteration: 600, trainAccuracy: 0.91, testAccuracy: 0.9, seconds: 6 } as const;
    const s = replay([{ type: 'train/state', state: 'running', iteration: 0 }, done]);
    assert.deepEqual(s.done, done);
    assert.equal(s.state, 'running');
    assert.equal(reduce(s, { type: 'train/state', state: 'done', iteration: 600 }).state, 'done');
  });

  it('run/error records the error with where it happened', () => {
    const s = reduce(initialState(), {
      type: 'run/error',
      message: 'loss is NaN',
      where: 'iteration 12',
      recoverable: true,
    });
    assert.equal(s.error?.message, 'loss is NaN');
    assert.equal(s.error?.where, 'iteration 12');
  });

  it('select/layer selects and clears', () => {
    const s = reduce(initialState(), { type: 'select/layer', id: 'relu1' });
    assert.equal(s.selectedLayer, 'relu1');
    assert.equal(reduce(s, { type: 'select/layer', id: null }).selectedLayer, null);
  });
});

describe('webview probes', () => {
  it('probe/histograms keeps the latest of each kind', () => {
    const s = replay([histograms(100, 'activations'), histograms(100, 'weights'), histograms(200, 'activations')]);
    assert.equal(s.activations?.iteration, 200);
    assert.equal(s.weightHistograms?.iteration, 100);
  });

  it('probe/gradients builds one series per parameter', () => {
    const s = replay([gradients(1), gradients(2), gradients(2)]);
    assert.deepEqual(s.gradientIterations, [1, 2]);
    assert.deepEqual(
      s.gradients.map((g) => g.name),
      PARAM_NAMES.map((p) => p.name),
    );
    assert.deepEqual(s.gradients[1].gradNorm, [2, 1.5]);
  });

  it('probe/gradients ignores a probe over different parameters', () => {
    const s = replay([gradients(1), gradients(2, PARAM_NAMES.slice(1))]);
    assert.deepEqual(s.gradientIterations, [1]);
  });

  it('the gradient history is thinned as the host thins it', () => {
    assert.equal(MAX_GRADIENT_POINTS, HOST_MAX_GRADIENT_POINTS);
    const store = new RunStore();
    let s = initialState();
    for (let i = 1; i <= 2 * MAX_GRADIENT_POINTS + 3; i++) {
      store.apply(gradients(i));
      s = reduce(s, gradients(i));
    }
    const snap = store.snapshot(null);
    assert.deepEqual(s.gradientIterations, snap.gradientIterations);
    assert.deepEqual(s.gradients, snap.gradients);
    assert.ok(s.gradientIterations.length <= MAX_GRADIENT_POINTS);
    assert.equal(appendGradients({ iterations: [], series: [] }, gradients(5), 1).iterations.length, 1);
  });

  it('filters, feature maps, the step cursor, gradcheck and experiment results keep the latest', () => {
    const filters: FiltersEvent = {
      type: 'probe/filters',
      iteration: 3,
      layer: 'conv1',
      count: 1,
      h: 1,
      w: 2,
      data: new Float32Array(2),
    };
    const maps: FeatureMapsEvent = {
      type: 'probe/featureMaps',
      index: 0,
      label: 7,
      predicted: 7,
      image: { h: 1, w: 1, data: new Float32Array(1) },
      layers: [],
    };
    const cursor: StepCursorEvent = {
      type: 'step/cursor',
      iteration: 3,
      step: 1,
      steps: 8,
      phase: 'forward',
      layer: 'affine1',
      label: 'forward · affine1',
      loss: null,
      tensors: [],
    };
    const check: GradcheckEvent = {
      type: 'gradcheck/result',
      iteration: 3,
      bound: 1e-6,
      maxRelativeError: 1e-9,
      params: [],
    };
    const result: ExperimentResultEvent = {
      type: 'experiment/result',
      name: 'x',
      seconds: 1,
      result: { experiment: 'x', config: {}, results: [] },
    };
    const progress: ExperimentProgressEvent = {
      type: 'experiment/progress',
      name: 'x',
      done: 1,
      total: 2,
      message: 'half',
    };
    for (const m of [filters, maps, cursor, check, result, progress]) assert.ok(isHostToWebview(m), m.type);
    const s = replay([filters, maps, cursor, check, result]);
    assert.deepEqual(
      [s.filters, s.featureMaps, s.cursor, s.gradcheck, s.experiment],
      [filters, maps, cursor, check, result],
    );
    assert.equal(reduce(s, progress), s, 'experiment/progress is not part of the state');
  });
});

describe('webview loss history', () => {
  it('thins the older half by 2 when over the limit, keeping recent points at full resolution', () => {
    const h = appendLosses({ iterations: [], losses: [] }, 1, [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0], 10);
    assert.deepEqual(h.iterations, [1, 3, 5, 6, 7, 8, 9, 10, 11]);
    assert.deepEqual(h.losses, [10, 8, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('thinOlderHalf keeps every other point of the first half only', () => {
    const h = thinOlderHalf({ iterations: [1, 2, 3, 4, 5, 6, 7, 8], losses: [8, 7, 6, 5, 4, 3, 2, 1] });
    assert.deepEqual(h.iterations, [1, 3, 5, 6, 7, 8]);
  });

  it(`stays within ${MAX_LOSS_POINTS} points on a long run, oldest thinned most`, () => {
    let s = initialState();
    const total = 100_000;
    for (let first = 1; first <= total; first += 250) {
      s = reduce(
        s,
        metrics(
          first,
          Array.from({ length: 250 }, (_, i) => 1 / (first + i)),
        ),
      );
    }
    const it = s.lossIterations;
    assert.ok(it.length <= MAX_LOSS_POINTS && it.length >= MAX_LOSS_POINTS / 2, `${it.length} points`);
    assert.equal(it[0], 1, 'the first iteration stays');
    assert.equal(it[it.length - 1], total, 'the latest iteration is there');
    for (let i = 1; i < it.length; i++) assert.ok(it[i] > it[i - 1], 'iterations increase');
    const tail = it.slice(-MAX_LOSS_POINTS / 4);
    assert.ok(
      tail.every((x, i) => i === 0 || x === tail[i - 1] + 1),
      'recent iterations are all there',
    );
    const gap = (a: number, b: number) => (it[b] - it[a]) / (b - a);
    assert.ok(gap(0, 100) > gap(it.length - 101, it.length - 1), 'older points are sparser');
    for (let i = 0; i < it.length; i++) assert.equal(s.losses[i], 1 / it[i]);
  });
});

describe('webview text alternatives', () => {
  it('summarise the loss and the accuracies in words', () => {
    const s = replay(runEvents() as HostToWebview[]);
    assert.match(
      lossSummary(s),
      /^Loss 0\.094 at iteration 600 of 600; first 2\.300 at iteration 1, lowest 0\.094 at iteration 600\.$/,
    );
    assert.equal(accuracySummary(s), 'Test accuracy 90.0%, train accuracy 91.0% after epoch 3 (iteration 600).');
    assert.equal(lossSummary(initialState()), 'No loss recorded yet.');
    assert.equal(accuracySummary(initialState()), 'No epoch finished yet.');
  });

  it('the header counts epochs from 1 and stops at the last', () => {
    const run = { totalIterations: 600, itersPerEpoch: 200 };
    assert.deepEqual(
      [0, 199, 200, 599, 600].map((i) => currentEpoch(i, run)),
      [1, 1, 2, 3, 3],
    );
  });

  it('parameters show by their short name', () => {
    assert.equal(shortParamName('affine1', 'affine1.W'), 'W');
    assert.equal(shortParamName('bn1', 'gamma'), 'gamma');
  });
});
