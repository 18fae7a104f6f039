/**
 * The host's memory of a run: the latest value of every stream the worker sends, so a webview that is
 * (re)opened can be hydrated with one snapshot. Bounded: the loss history is halved (every other
 * point kept) whenever it grows past `MAX_LOSS_POINTS`, so a long run never grows without limit.
 */
import type {
  DoneEvent,
  EpochEvent,
  ErrorEvent,
  ParamStatsEvent,
  RunStartedEvent,
  RunState,
  Snapshot,
  WeightsEvent,
  WorkerEvent,
} from '../shared/protocol';

/** Most loss points kept before the history is thinned. */
export const MAX_LOSS_POINTS = 20000;

export class RunStore {
  started: RunStartedEvent | null = null;
  state: RunState = 'starting';
  iteration = 0;
  epoch = 0;
  lossIterations: number[] = [];
  losses: number[] = [];
  epochs: EpochEvent[] = [];
  samplesPerSecond = 0;
  params: ParamStatsEvent | null = null;
  error: ErrorEvent | null = null;
  done: DoneEvent | null = null;
  /** The latest weights the worker sent (checkpoints at epoch ends, pause, stop, errors). */
  weights: WeightsEvent | null = null;

  /** Records one worker event. */
  apply(e: WorkerEvent): void {
    switch (e.type) {
      case 'run/started':
        this.started = e;
        break;
      case 'train/metrics':
        for (let i = 0; i < e.losses.length; i++) {
          this.lossIterations.push(e.firstIteration + i);
          this.losses.push(e.losses[i]);
        }
        if (this.losses.length > MAX_LOSS_POINTS) {
          this.lossIterations = this.lossIterations.filter((_, i) => i % 2 === 0);
          this.losses = this.losses.filter((_, i) => i % 2 === 0);
        }
        this.iteration = e.iteration;
        this.epoch = e.epoch;
        this.samplesPerSecond = e.samplesPerSecond;
        break;
      case 'train/epoch':
        this.epochs.push(e);
        this.epoch = e.epoch;
        break;
      case 'train/state':
        this.state = e.state;
        this.iteration = Math.max(this.iteration, e.iteration);
        break;
      case 'probe/params':
        this.params = e;
        break;
      case 'run/done':
        this.done = e;
        break;
      case 'run/error':
        this.error = e;
        break;
      case 'run/weights':
        this.weights = e;
        break;
    }
  }

  /** Everything a panel needs, in one message. */
  snapshot(selectedLayer: string | null): Snapshot {
    return {
      type: 'snapshot',
      started: this.started,
      state: this.state,
      iteration: this.iteration,
      epoch: this.epoch,
      lossIterations: this.lossIterations.slice(),
      losses: this.losses.slice(),
      epochs: this.epochs.slice(),
      samplesPerSecond: this.samplesPerSecond,
      params: this.params,
      error: this.error,
      done: this.done,
      selectedLayer,
    };
  }
}
