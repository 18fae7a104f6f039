/**
 * The panel's state and the pure reducer that folds every host message into it. The webview keeps
 * nothing else about the run: rendering reads only this. A `snapshot` replaces everything, so a
 * panel that is closed and reopened (ready → snapshot) draws the same as one that saw every event.
 * The run's state changes only with `train/state` (the worker follows `run/done` and `run/error`
 * with one), and `run/started` clears the previous run's history.
 */
import type {
  DoneEvent,
  EpochEvent,
  ErrorEvent,
  HostToWebview,
  ParamStatsEvent,
  RunStartedEvent,
  RunState,
} from '../src/shared/protocol';
import { appendLosses, MAX_LOSS_POINTS } from './lossHistory';

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
  };
}

/**
 * Returns the state after `msg`; `state` is never modified. `maxLossPoints` bounds the loss history
 * (see `appendLosses`).
 */
export function reduce(state: PanelState, msg: HostToWebview, maxLossPoints = MAX_LOSS_POINTS): PanelState {
  switch (msg.type) {
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
      };
    case 'run/started': {
      const keep = state.selectedLayer !== null && msg.layers.some((l) => l.id === state.selectedLayer);
      return { ...initialState(), started: msg, state: state.state, selectedLayer: keep ? state.selectedLayer : null };
    }
    case 'train/metrics': {
      const history = appendLosses(
        { iterations: state.lossIterations, losses: state.losses },
        msg.firstIteration,
        msg.losses,
        maxLossPoints,
      );
      return {
        ...state,
        lossIterations: history.iterations,
        losses: history.losses,
        iteration: Math.max(state.iteration, msg.iteration),
        epoch: msg.epoch,
        samplesPerSecond: msg.samplesPerSecond,
      };
    }
    case 'train/epoch': {
      const epochs = state.epochs.filter((e) => e.iteration !== msg.iteration);
      epochs.push(msg);
      epochs.sort((a, b) => a.iteration - b.iteration);
      return { ...state, epochs, epoch: Math.max(state.epoch, msg.epoch), iteration: Math.max(state.iteration, msg.iteration) };
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
  }
}
