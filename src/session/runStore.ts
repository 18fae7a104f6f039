/**
 * The host's memory of a run: the latest value of every stream the worker sends, so a webview that is
 * (re)opened can be hydrated with one snapshot. Bounded: the loss and gradient histories are thinned
 * by the same functions the webview's reducer uses (`src/shared/*History.ts`), so a snapshot equals a
 * replay of the events and a long run never grows without limit.
 */
import type {
  DoneEvent,
  EpochEvent,
  ErrorEvent,
  ExperimentResultEvent,
  FeatureMapsEvent,
  FiltersEvent,
  GradcheckEvent,
  HistogramsEvent,
  ParamStatsEvent,
  StepCursorEvent,
  RunStartedEvent,
  RunState,
  Snapshot,
  WeightsEvent,
  WorkerEvent,
} from '../shared/protocol';
import { appendGradients, type GradientHistory } from '../shared/gradientHistory';
import { appendLosses, type LossHistory } from '../shared/lossHistory';

export { MAX_LOSS_POINTS } from '../shared/lossHistory';
export { MAX_GRADIENT_POINTS } from '../shared/gradientHistory';

export class RunStore {
  started: RunStartedEvent | null = null;
  state: RunState = 'starting';
  iteration = 0;
  epoch = 0;
  private lossHistory: LossHistory = { iterations: [], losses: [] };
  epochs: EpochEvent[] = [];
  samplesPerSecond = 0;
  /** Wall time since training started, as of the latest metrics (ms). */
  elapsedMs = 0;
  params: ParamStatsEvent | null = null;
  error: ErrorEvent | null = null;
  done: DoneEvent | null = null;
  /** The latest weights the worker sent (checkpoints at epoch ends, pause, stop, errors). */
  weights: WeightsEvent | null = null;
  activations: HistogramsEvent | null = null;
  weightHistograms: HistogramsEvent | null = null;
  private gradientHistory: GradientHistory = { iterations: [], series: [] };
  filters: FiltersEvent | null = null;
  featureMaps: FeatureMapsEvent | null = null;
  cursor: StepCursorEvent | null = null;
  gradcheck: GradcheckEvent | null = null;
  experiment: ExperimentResultEvent | null = null;

  /** Records one worker event. */
  apply(e: WorkerEvent): void {
    switch (e.type) {
      case 'run/started':
        this.started = e;
        break;
      case 'train/metrics':
        // The store owns its arrays: append in place (a snapshot copies them).
        this.lossHistory = appendLosses(this.lossHistory, e.firstIteration, e.losses, undefined, true);
        this.iteration = e.iteration;
        this.epoch = e.epoch;
        this.samplesPerSecond = e.samplesPerSecond;
        this.elapsedMs = e.elapsedMs;
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
      case 'probe/histograms':
        if (e.kind === 'activations') this.activations = e;
        else this.weightHistograms = e;
        break;
      case 'probe/gradients':
        this.gradientHistory = appendGradients(this.gradientHistory, e);
        break;
      case 'probe/filters':
        this.filters = e;
        break;
      case 'probe/featureMaps':
        this.featureMaps = e;
        break;
      case 'step/cursor':
        this.cursor = e;
        break;
      case 'gradcheck/result':
        this.gradcheck = e;
        break;
      case 'experiment/result':
        this.experiment = e;
        break;
      case 'experiment/progress':
        break;
    }
  }

  /** Iteration of each recorded loss. */
  get lossIterations(): readonly number[] {
    return this.lossHistory.iterations;
  }

  /** The recorded losses. */
  get losses(): readonly number[] {
    return this.lossHistory.losses;
  }

  /** Replaces the loss history (a saved run, whose history may already be thinned). */
  setLossHistory(iterations: number[], losses: number[], iteration: number, epoch: number): void {
    this.lossHistory = { iterations: iterations.slice(), losses: losses.slice() };
    this.iteration = iteration;
    this.epoch = epoch;
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
      activations: this.activations,
      weightHistograms: this.weightHistograms,
      gradientIterations: this.gradientHistory.iterations.slice(),
      gradients: this.gradientHistory.series.map((g) => ({ ...g, gradNorm: g.gradNorm.slice(), updateRatio: g.updateRatio.slice() })),
      filters: this.filters,
      featureMaps: this.featureMaps,
      cursor: this.cursor,
      gradcheck: this.gradcheck,
      experiment: this.experiment,
    };
  }
}
