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
import { appendLosses, type LossHistory, MAX_LOSS_POINTS, thinOlderHalf } from '../../src/shared/lossHistory';
import { initialState, type PanelState, reduce, reduceProgress } from '../../webview/state';
import { accuracySummary, gradientSummary, lossSummary, updateRatioSummary } from '../../webview/summaries';
import { activationItems, activationNote, weightItems } from '../../webview/histograms';
import { operations, stepLabel, stepLayer, stepperVisible } from '../../webview/stepper';
import { gradcheckSummary, layerVerdicts } from '../../webview/gradcheck';
import { heatRange, mapKindOf } from '../../webview/tensorCard';
import { robustMaxAbs } from '../../webview/canvas/colors';
import { featureResult, hasImageLayers } from '../../webview/featureMaps';
import { filterSummary } from '../../webview/filters';
import { formatExp, formatSig4 } from '../../webview/format';
import { logTickLabel, powerOfTen } from '../../webview/charts/chartOptions';
import { kaiser, smoothCurve } from '../../webview/experiments/smooth';
import {
  batchnormRuns,
  configSummary,
  initHistogramRuns,
  lossCurveRuns,
  overfitRuns,
  trials,
} from '../../webview/experiments/results';
import { lossCurveSummary, yMaxFor } from '../../webview/experiments/lossCurves';
import { batchnormSummary, formatScale } from '../../webview/experiments/batchnormGrid';
import { overfitSummary } from '../../webview/experiments/overfitCurves';
import { searchSummary } from '../../webview/experiments/hyperparameterSearch';
import { progressText } from '../../webview/experiments/experimentView';

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

  it('a batch of streamed events gives the state those events give one by one', () => {
    const events = [metrics(1, [2.3, 2.2]), probe(2), gradients(2), metrics(3, [2.1]), gradients(3), probe(3)] as const;
    const start = replay([]);
    const oneByOne = events.reduce((s, e) => reduce(s, e), start);
    const batched = reduce(start, { type: 'batch', messages: [...events] });
    assert.deepEqual(batched, oneByOne);
    assert.deepEqual(batched.losses, [2.3, 2.2, 2.1]);
    assert.deepEqual(batched.gradientIterations, [2, 3]);
  });

  it('a batch that crosses the loss-history limit thins as one-by-one does, and leaves its input alone', () => {
    const start = replay([metrics(1, [5, 4, 3])]);
    const frozen = structuredClone(start);
    const events = Array.from({ length: 12 }, (_, k) => metrics(4 + 3 * k, [k, k + 0.5, k + 0.25]));
    const oneByOne = events.reduce((s, e) => reduce(s, e, 10), start);
    const batched = reduce(start, { type: 'batch', messages: events }, 10);
    assert.deepEqual(batched.lossIterations, oneByOne.lossIterations);
    assert.deepEqual(batched.losses, oneByOne.losses);
    assert.ok(batched.losses.length <= 10);
    assert.deepEqual(start, frozen, 'the input state is unchanged');
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
  it('appending in place gives the points a copy gives, through thinning', () => {
    let copy: LossHistory = { iterations: [], losses: [] };
    let owned: LossHistory = { iterations: [], losses: [] };
    for (let k = 0; k < 400; k++) {
      const losses = [Math.sin(k), Math.cos(k)];
      copy = appendLosses(copy, 1 + 2 * k, losses, 50);
      owned = appendLosses(owned, 1 + 2 * k, losses, 50, true);
      assert.deepEqual(owned, copy);
    }
    const before = owned;
    assert.equal(appendLosses(owned, 801, [1], 50, true), before, 'in place returns the same history until it thins');
  });

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

describe('webview experiment progress (UI-only state)', () => {
  const progress: ExperimentProgressEvent = {
    type: 'experiment/progress',
    name: 'batchnorm',
    done: 30,
    total: 120,
    message: 'scale 1/16 · iteration 30/200',
  };
  const result: ExperimentResultEvent = {
    type: 'experiment/result',
    name: 'batchnorm',
    seconds: 3,
    result: { experiment: 'batchnorm', config: {}, results: [] },
  };

  it('keeps the latest progress until the result, a new run or a snapshot', () => {
    let p = reduceProgress(null, progress);
    assert.equal(p, progress);
    p = reduceProgress(p, { type: 'train/state', state: 'running', iteration: 0 });
    assert.equal(p, progress, 'other messages keep it');
    assert.equal(reduceProgress(p, result), null);
    assert.equal(reduceProgress(p, started()), null);
    assert.equal(reduceProgress(p, snapshotOf(initialState())), null);
    assert.equal(reduceProgress(p, { type: 'train/state', state: 'error', iteration: 0 }), null);
  });

  it('reads as a percentage and the worker message', () => {
    assert.equal(progressText(progress), '25% · scale 1/16 · iteration 30/200');
    assert.equal(progressText({ ...progress, total: 0 }), '0% · scale 1/16 · iteration 30/200');
  });
});

describe('webview views: what the histograms and gradients say', () => {
  const kinds: LayerInfo[] = [
    { ...LAYERS[0] },
    { ...LAYERS[1] },
    { id: 'sig', kind: 'sigmoid', inShape: [10], outShape: [10], paramCount: 0, params: [] },
  ];

  it('activation histograms: one per layer in order, titled with mean and std, dead or saturated share', () => {
    const h: HistogramsEvent = {
      type: 'probe/histograms',
      iteration: 7,
      kind: 'activations',
      items: kinds.map((l, i) => ({ id: l.id, lo: -1, hi: 2, mean: 0.5 + i, std: 0.25, saturated: 0.125, dead: 0.5 })),
      counts: new Float32Array(3 * HISTOGRAM_BINS),
    };
    const items = activationItems(h, kinds);
    assert.deepEqual(
      items.map((i) => [i.key, i.title, i.note, i.offset, i.clipFirst]),
      [
        ['affine1', 'affine1 (mean 0.5, std 0.25)', '', 0, false],
        ['relu1', 'relu1 (mean 1.5, std 0.25)', 'dead 50.0%', HISTOGRAM_BINS, true],
        ['sig', 'sig (mean 2.5, std 0.25)', 'saturated 12.5%', 2 * HISTOGRAM_BINS, false],
      ],
    );
    assert.equal(activationNote('tanh', { dead: 0, saturated: 0.031 }), 'saturated 3.1%');
    assert.deepEqual(activationItems(null), []);
  });

  it('weight histograms: one per parameter tensor, or one layer’s', () => {
    const h = histograms(100, 'weights');
    assert.deepEqual(
      weightItems(h).map((i) => [i.key, i.offset]),
      [
        ['affine1.W', 0],
        ['affine2.W', HISTOGRAM_BINS],
      ],
    );
    assert.deepEqual(
      weightItems(h, 'affine2').map((i) => i.key),
      ['affine2.W'],
    );
    assert.deepEqual(weightItems(h, 'affine'), [], 'a layer id is not a prefix match');
  });

  it('gradient summaries name the largest and smallest and compare ratios with 1e-3', () => {
    assert.equal(gradientSummary(initialState()), 'No gradient norms recorded yet.');
    assert.equal(updateRatioSummary(initialState()), 'No update ratios recorded yet.');
    const s = replay([gradients(10), gradients(20)]);
    assert.equal(
      gradientSummary(s),
      'Gradient norms at iteration 20 (2 probes since iteration 10): largest affine2.b 3.05, smallest affine1.W 0.05.',
    );
    assert.equal(
      updateRatioSummary(s),
      'Update/weight ratios at iteration 20: from 0.001 (affine1.W) to 0.004 (affine2.b); ' +
        '4 of 4 within a factor of 10 of 1e-3, the usual healthy ratio.',
    );
  });
});

describe('webview views: stepping', () => {
  const cursor = (phase: StepCursorEvent['phase'], layer: string, step: number): StepCursorEvent => ({
    type: 'step/cursor',
    iteration: 5,
    step,
    steps: 8,
    phase,
    layer,
    label: phase === 'update' ? 'update · sgd (lr 0.1)' : `${phase} · ${layer}`,
    loss: phase === 'forward' ? null : 0.5,
    tensors: [],
  });

  it('says where the cursor stands in words and numbers', () => {
    assert.equal(stepLabel(cursor('backward', 'affine2', 5)), 'Step 5 of 8 · backward · affine2');
    assert.deepEqual(operations(LAYERS), [
      'forward · affine1',
      'forward · relu1',
      'forward · affine2',
      'loss',
      'backward · affine2',
      'backward · relu1',
      'backward · affine1',
      'update',
    ]);
  });

  it('shows while paused, and highlights the layer, the loss node, or nothing for the update', () => {
    const paused = (c: StepCursorEvent): PanelState => ({ ...replay([started()]), state: 'paused', cursor: c });
    assert.equal(stepLayer(paused(cursor('forward', 'affine1', 1))), 'affine1');
    assert.equal(stepLayer(paused(cursor('loss', 'loss', 4))), 'loss');
    assert.equal(stepLayer(paused(cursor('update', 'optimizer', 8))), null);
    const running = { ...paused(cursor('forward', 'affine1', 1)), state: 'running' as const };
    assert.equal(stepperVisible(running), false, 'the cursor is stale once training runs on');
    assert.equal(stepLayer(running), null);
    assert.equal(stepperVisible(initialState()), false);
  });

  it('colours gradients and weights around 0, activations over their range', () => {
    assert.deepEqual((['input', 'output', 'dy', 'dx', 'grad', 'value'] as const).map(mapKindOf), [
      'sequential',
      'sequential',
      'diverging',
      'diverging',
      'diverging',
      'diverging',
    ]);
    const data = Float32Array.from({ length: 200 }, (_, i) => (i === 7 ? -50 : (i % 10) - 4.5));
    data[3] = NaN;
    const base = { name: 't', shape: [200], mean: 0, std: 1, min: -50, max: 4.5, lo: -50, hi: 4.5, counts: [] };
    const heat = { rows: 10, cols: 20, label: 't', data };
    assert.deepEqual(heatRange({ ...base, role: 'output', heat }), { lo: -50, hi: 4.5, clipped: false });
    assert.deepEqual(heatRange({ ...base, role: 'grad', heat }), { lo: -4.5, hi: 4.5, clipped: true });
    assert.equal(robustMaxAbs([0, 0, 0]), 0);
    assert.equal(robustMaxAbs([NaN, 2, -3]), 3);
  });

  it('formats tensor figures in four significant digits', () => {
    assert.deepEqual([0.123456, -12.3456, 1, 0, 1.23456e-7, 123456, NaN].map(formatSig4), [
      '0.1235',
      '-12.35',
      '1.000',
      '0',
      '1.235e-7',
      '1.235e+5',
      'NaN',
    ]);
    assert.equal(formatExp(1.4235595880567322e-8), '1.42e-8');
    assert.deepEqual([1e-3, 1, 10, 100, 2e-3, 0].map(powerOfTen), ['1e-3', '1', '10', '1e2', '', '']);
    // under two decades (the gradient norms' 0.02–0.6): 2 and 5 × 10^e labelled too; wider: decades only
    const ticks = (vs: number[]) => vs.map((value) => ({ value }));
    const narrow = ticks([0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 0.6]);
    assert.deepEqual(
      narrow.map((t) => logTickLabel(t.value, narrow)),
      ['2e-2', '', '5e-2', '1e-1', '2e-1', '', '5e-1', ''],
    );
    const units = ticks([1, 2, 5, 10, 20, 50]);
    assert.deepEqual(units.map((t) => logTickLabel(t.value, units)), ['1', '2', '5', '10', '20', '50']);
    const wide = ticks([1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 1e-2, 5e-2, 1e-1]);
    assert.deepEqual(
      wide.map((t) => logTickLabel(t.value, wide)),
      ['1e-4', '', '', '1e-3', '', '1e-2', '', '1e-1'],
    );
    assert.equal(logTickLabel(0.02, []), '');
  });
});

describe('webview views: gradient check, filters, feature maps', () => {
  const check: GradcheckEvent = {
    type: 'gradcheck/result',
    iteration: 61,
    bound: 1e-6,
    maxRelativeError: 0.0996,
    params: [
      { name: 'conv1.W', layer: 'conv1', relativeError: 2.58e-4, meanAbsDiff: 5e-7, pass: false },
      { name: 'conv1.b', layer: 'conv1', relativeError: 0.0996, meanAbsDiff: 5e-4, pass: false },
      { name: 'affine1.W', layer: 'affine1', relativeError: 1.4e-8, meanAbsDiff: 5e-12, pass: true },
      { name: 'affine1.b', layer: 'affine1', relativeError: 3e-9, meanAbsDiff: 7e-12, pass: true },
    ],
  };

  it('a layer passes when all its parameters do', () => {
    assert.deepEqual(layerVerdicts(check), [
      { layer: 'conv1', pass: false, worst: 0.0996 },
      { layer: 'affine1', pass: true, worst: 1.4e-8 },
    ]);
    assert.equal(
      gradcheckSummary(check),
      '2 of 4 parameters fail: largest relative error 9.96e-2 (bound 1.00e-6), at iteration 61.',
    );
    const ok = { ...check, maxRelativeError: 1.4e-8, params: check.params.slice(2) };
    assert.match(gradcheckSummary(ok), /^All 2 parameters pass: largest relative error 1\.40e-8/);
  });

  it('filters and feature maps say what they show', () => {
    const f: FiltersEvent = {
      type: 'probe/filters',
      iteration: 60,
      layer: 'conv1',
      count: 30,
      h: 5,
      w: 5,
      data: new Float32Array(750),
    };
    assert.equal(
      filterSummary(f),
      'conv1: 30 filters of 5 × 5 at iteration 60 (channels averaged; black = smallest weight of each filter, white = largest).',
    );
    const fm = {
      type: 'probe/featureMaps' as const,
      index: 3,
      label: 5,
      predicted: 3,
      image: { h: 1, w: 1, data: new Float32Array(1) },
      layers: [],
    };
    assert.equal(featureResult(fm), 'Test image 3: label 5, predicted 3 (wrong).');
    assert.equal(hasImageLayers(started()), false);
    const conv = { ...LAYERS[0], id: 'conv1', kind: 'conv', outShape: [30, 24, 24] };
    assert.equal(hasImageLayers(started('convnet', [conv])), true);
    assert.equal(hasImageLayers(null), false);
  });
});

describe('webview views: experiments', () => {
  it("smooths loss curves exactly as the book's smooth_curve (numpy reference values)", () => {
    assert.deepEqual(
      kaiser(11, 2).map((v) => v.toFixed(6)),
      [
        '0.438676',
        '0.611394',
        '0.767675',
        '0.892161',
        '0.972330',
        '1.000000',
        '0.972330',
        '0.892161',
        '0.767675',
        '0.611394',
        '0.438676',
      ],
    );
    const x = Array.from({ length: 20 }, (_, i) => (i * i) % 7);
    const numpy = [
      2.164827, 2.051085, 1.969522, 1.89698, 1.89698, 1.969522, 2.051085, 2.164827, 2.051085, 1.969522, 1.89698,
      1.89698, 1.969522, 2.051085, 2.164827, 2.208421, 2.293694, 2.370947, 2.473612, 2.570912,
    ];
    const y = smoothCurve(x);
    assert.equal(y.length, x.length);
    y.forEach((v, i) => assert.ok(Math.abs(v - numpy[i]) < 1e-6, `point ${i}: ${v} vs ${numpy[i]}`));
    assert.deepEqual(smoothCurve([3, 1, 2]), [3, 1, 2], 'shorter than the window: unchanged');
  });

  it('reads each result shape and rejects others', () => {
    const loss = [{ optimizer: 'sgd', lr: 0.01, loss: [2.3, 2.2], meanLast100: 2.25, divergedAt: null }];
    assert.deepEqual(lossCurveRuns(loss), [{ name: 'sgd', loss: [2.3, 2.2], meanLast100: 2.25, divergedAt: null }]);
    assert.equal(lossCurveRuns([{ init: 'he', loss: [1] }])?.[0].name, 'he');
    assert.equal(lossCurveRuns([{ loss: [1] }]), null);
    assert.equal(lossCurveRuns([{ optimizer: 'sgd', loss: 'x' }]), null);
    const layer = {
      layer: 1,
      mean: 0.5,
      std: 0.2,
      saturated: 0,
      dead: 0,
      histogram: { edges: [0, 0.5, 1], counts: [3, 4] },
    };
    assert.ok(initHistogramRuns([{ activation: 'sigmoid', init: 'xavier', weightStd: 0.1, layers: [layer] }]));
    assert.equal(
      initHistogramRuns([
        { activation: 'sigmoid', init: 'xavier', layers: [{ ...layer, histogram: { edges: [0], counts: [3] } }] },
      ]),
      null,
    );
    assert.ok(batchnormRuns([{ weightScale: 1, withBn: [0.1], withoutBn: [0.1] }]));
    assert.equal(batchnormRuns([{ weightScale: 1, withBn: [0.1] }]), null);
    assert.deepEqual(
      overfitRuns([
        { variant: 'weight-decay', weightDecay: 0.1, trainAccuracy: [0.9], testAccuracy: [0.7], divergedAt: null },
        { variant: 'dropout', ratio: 0.2, trainAccuracy: [0.9], testAccuracy: [0.7], divergedAt: 12 },
      ])?.map((r) => [r.name, r.divergedAt]),
      [
        ['weight-decay (λ 0.1)', null],
        ['dropout (ratio 0.2)', 12],
      ],
    );
    assert.equal(trials([{ round: 1, trial: 1, lr: 1e-3 }]), null);
  });

  it('summarises the set-up and the results in words', () => {
    assert.equal(
      configSummary({
        network: '784-[100,100]-10',
        activation: 'relu',
        optimizer: { type: 'sgd', lr: 0.01 },
        batchSize: 128,
        iterations: 500,
        trainSize: 60000,
        seed: 0,
        hidden: [100, 100],
      }),
      '784-[100,100]-10 · sgd lr 0.01 · relu · batch 128 · 500 iterations · 60,000 training images · seed 0',
    );
    const runs = [
      { name: 'sgd', loss: [2, 1.5], meanLast100: 0.44, divergedAt: null },
      { name: 'adam', loss: [2, 0.5], meanLast100: 0.15, divergedAt: null },
    ];
    assert.equal(
      lossCurveSummary(runs, 'optimizer'),
      'Mean loss of the last 100 iterations by optimizer, lowest first: adam 0.150, sgd 0.440.',
    );
    assert.equal(yMaxFor('optimizer-compare', [[0.5, 0.4, 2]]), 1);
    assert.equal(yMaxFor('optimizer-compare', [[2.3, 2.2, 0.5]]), undefined, 'curves above the book’s range');
    assert.equal(yMaxFor('other', [[0.5]]), undefined);
    assert.equal(
      batchnormSummary([
        { weightScale: 1, withBn: [0.2, 0.9], withoutBn: [0.1, 0.1] },
        { weightScale: 0.1, withBn: [0.5, 0.8], withoutBn: [0.3, 0.7] },
      ]),
      'With Batch Norm the network learned (final training accuracy above 50%) at 2 of 2 initial weight scales, without it at 1.',
    );
    assert.deepEqual([1, 0.5412, 0.00736, 1e-4].map(formatScale), ['1', '0.541', '7.36e-3', '1.00e-4']);
    assert.equal(
      overfitSummary({ name: 'none', trainAccuracy: [0.5, 1], testAccuracy: [0.4, 0.76], divergedAt: null }),
      'none: train 100.0%, test 76.0% after 2 epochs (gap 24.0 points).',
    );
    assert.equal(
      searchSummary([{ round: 2, trial: 4, lr: 5.52e-3, weightDecay: 1.86e-6, valAccuracy: 0.78, trainAccuracy: 0.8 }]),
      'Best of 1 trials: validation accuracy 78.0% with lr 5.52e-3 and weight decay 1.86e-6 (round 2, trial 4).',
    );
  });
});
