/**
 * The panel's state and the pure reducer that folds every host message into it. The webview keeps
 * nothing else about the run: rendering reads only this. A `snapshot` replaces everything, so a
 * panel that is closed and reopened (ready → snapshot) draws the same as one that saw every event.
 * The run's state changes only with `train/state` (the worker follows `run/done` and `run/error`
 * with one), and `run/started` clears the previous run's history. Every stream is folded as the
 * host's RunStore folds it; `experiment/progress`, which the snapshot does not carry, changes nothing
 * here: `reduceProgress` keeps it apart, as UI-only state.
 */
import type {
  DoneEvent,
  EpochEvent,
  ErrorEvent,
  ExperimentProgressEvent,
  ExperimentResultEvent,
  FeatureMapsEvent,
  FiltersEvent,
  GradcheckEvent,
  HistogramsEvent,
  HostToWebview,
  MetricsEvent,
  ParamStatsEvent,
  RunStartedEvent,
  RunState,
  StepCursorEvent,
} from '../src/shared/protocol';
import { appendGradients, type GradientSeries } from '../src/shared/gradientHistory';
import { appendLosses, type LossHistory, MAX_LOSS_POINTS } from '../src/shared/lossHistory';

/** Everything the panel draws; field for field the content of a `snapshot`. */
export interface PanelState {
  started: RunStartedEvent | null;
  state: RunState;
  iteration: number;
  epoch: number;
  /** Iteration number of each entry of `losses` (older ones thinned on long runs). */
  lossIterations: readonly number[];
  losses: readonly number[];
  /** Accuracies per epoch, in iteration order. */
  epochs: readonly EpochEvent[];
  samplesPerSecond: number;
  params: ParamStatsEvent | null;
  error: ErrorEvent | null;
  done: DoneEvent | null;
  selectedLayer: string | null;
  /** Latest activation and weight histograms. */
  activations: HistogramsEvent | null;
  weightHistograms: HistogramsEvent | null;
  /** Gradient-norm history: iterations and, per parameter, values at each (thinned on long runs). */
  gradientIterations: readonly number[];
  gradients: readonly GradientSeries[];
  filters: FiltersEvent | null;
  featureMaps: FeatureMapsEvent | null;
  /** Where stepping through backprop stands. */
  cursor: StepCursorEvent | null;
  gradcheck: GradcheckEvent | null;
  experiment: ExperimentResultEvent | null;
}

/** The state before the host has said anything: no run, nothing selected. */
export function initialState(): PanelState {
  return {
    started: null,
    state: 'starting',
    iteration: 0,
    epoch: 0,
    lossIterations: [],
    losses: [],
    epochs: [],
    samplesPerSecond: 0,
    params: null,
    error: null,
    done: null,
    selectedLayer: null,
    activations: null,
    weightHistograms: null,
    gradientIterations: [],
    gradients: [],
    filters: null,
    featureMaps: null,
    cursor: null,
    gradcheck: null,
    experiment: null,
  };
}

/** The state after a metrics event whose losses are already in `history`. */
function withMetrics(state: PanelState, msg: MetricsEvent, history: LossHistory): PanelState {
  return {
    ...state,
    lossIterations: history.iterations,
    losses: history.losses,
    iteration: Math.max(state.iteration, msg.iteration),
    epoch: msg.epoch,
    samplesPerSecond: msg.samplesPerSecond,
  };
}

/**
 * Returns the state after `msg`; `state` is never modified. `maxLossPoints` bounds the loss history
 * (see `appendLosses`).
 */
export function reduce(state: PanelState, msg: HostToWebview, maxLossPoints = MAX_LOSS_POINTS): PanelState {
  switch (msg.type) {
    case 'batch': {
      // One copy of the loss history per batch, not one per metrics event: the batch's losses are
      // appended in place to a fresh copy, event by event (so thinning happens as one by one).
      let s = state;
      let owned: LossHistory | null = null;
      for (const m of msg.messages) {
        if (m.type !== 'train/metrics') {
          s = reduce(s, m, maxLossPoints);
          continue;
        }
        owned ??= { iterations: s.lossIterations.slice(), losses: s.losses.slice() };
        owned = appendLosses(owned, m.firstIteration, m.losses, maxLossPoints, true);
        s = withMetrics(s, m, owned);
      }
      return s;
    }
    case 'snapshot':
      return {
        started: msg.started,
        state: msg.state,
        iteration: msg.iteration,
        epoch: msg.epoch,
        lossIterations: msg.lossIterations.slice(),
        losses: msg.losses.slice(),
        epochs: msg.epochs.slice(),
        samplesPerSecond: msg.samplesPerSecond,
        params: msg.params,
        error: msg.error,
        done: msg.done,
        selectedLayer: msg.selectedLayer,
        activations: msg.activations,
        weightHistograms: msg.weightHistograms,
        gradientIterations: msg.gradientIterations.slice(),
        gradients: msg.gradients.map((g) => ({
          ...g,
          gradNorm: g.gradNorm.slice(),
          updateRatio: g.updateRatio.slice(),
        })),
        filters: msg.filters,
        featureMaps: msg.featureMaps,
        cursor: msg.cursor,
        gradcheck: msg.gradcheck,
        experiment: msg.experiment,
      };
    case 'run/started': {
      const keep = state.selectedLayer !== null && msg.layers.some((l) => l.id === state.selectedLayer);
      return { ...initialState(), started: msg, state: state.state, selectedLayer: keep ? state.selectedLayer : null };
    }
    case 'train/metrics':
      return withMetrics(
        state,
        msg,
        appendLosses({ iterations: state.lossIterations, losses: state.losses }, msg.firstIteration, msg.losses, maxLossPoints),
      );
    case 'train/epoch': {
      const epochs = state.epochs.filter((e) => e.iteration !== msg.iteration);
      epochs.push(msg);
      epochs.sort((a, b) => a.iteration - b.iteration);
      return {
        ...state,
        epochs,
        epoch: Math.max(state.epoch, msg.epoch),
        iteration: Math.max(state.iteration, msg.iteration),
      };
    }
    case 'train/state':
      return { ...state, state: msg.state, iteration: Math.max(state.iteration, msg.iteration) };
    case 'probe/params':
      return { ...state, params: msg };
    case 'run/done':
      return { ...state, done: msg };
    case 'run/error':
      return { ...state, error: msg };
    case 'select/layer':
      return { ...state, selectedLayer: msg.id };
    case 'probe/histograms':
      return msg.kind === 'activations' ? { ...state, activations: msg } : { ...state, weightHistograms: msg };
    case 'probe/gradients': {
      const h = appendGradients({ iterations: state.gradientIterations, series: state.gradients }, msg);
      return { ...state, gradientIterations: h.iterations, gradients: h.series };
    }
    case 'probe/filters':
      return { ...state, filters: msg };
    case 'probe/featureMaps':
      return { ...state, featureMaps: msg };
    case 'step/cursor':
      return { ...state, cursor: msg };
    case 'gradcheck/result':
      return { ...state, gradcheck: msg };
    case 'experiment/result':
      return { ...state, experiment: msg };
    case 'experiment/progress':
      return state;
  }
}

/**
 * The latest progress of a running experiment, kept beside the state (the snapshot does not carry
 * it): set by `experiment/progress`, cleared by the experiment's result, a new run or a snapshot
 * (a panel hydrated mid-experiment shows progress again at the next message).
 */
export function reduceProgress(
  progress: ExperimentProgressEvent | null,
  msg: HostToWebview,
): ExperimentProgressEvent | null {
  switch (msg.type) {
    case 'experiment/progress':
      return msg;
    case 'experiment/result':
    case 'run/started':
    case 'snapshot':
      return null;
    case 'train/state':
      return msg.state === 'error' || msg.state === 'stopped' ? null : progress;
    default:
      return progress;
  }
}
