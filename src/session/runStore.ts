/**
 * The host's memory of a run: the latest value of every stream the worker sends, so a webview that is
 * (re)opened can be hydrated with one snapshot. Bounded: the loss history is halved (every other
 * point kept) whenever it grows past `MAX_LOSS_POINTS`, so a long run never grows without limit.
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

/** Most loss points kept before the history is thinned. */
export const MAX_LOSS_POINTS = 20000;
/** Most gradient-norm points kept per parameter before that history is thinned. */
export const MAX_GRADIENT_POINTS = 2000;

/** Keeps every other element (the first included). */
function thin<T>(a: T[]): T[] {
  return a.filter((_, i) => i % 2 === 0);
}

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
  activations: HistogramsEvent | null = null;
  weightHistograms: HistogramsEvent | null = null;
  gradientIterations: number[] = [];
  gradients: { name: string; layer: string; gradNorm: number[]; updateRatio: number[] }[] = [];
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
        for (let i = 0; i < e.losses.length; i++) {
          this.lossIterations.push(e.firstIteration + i);
          this.losses.push(e.losses[i]);
        }
        if (this.losses.length > MAX_LOSS_POINTS) {
          this.lossIterations = thin(this.lossIterations);
          this.losses = thin(this.losses);
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
      case 'probe/histograms':
        if (e.kind === 'activations') this.activations = e;
        else this.weightHistograms = e;
        break;
      case 'probe/gradients':
        this.addGradients(e.iteration, e.params);
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

  private addGradients(iteration: number, params: { name: string; layer: string; gradNorm: number; updateRatio: number }[]): void {
    if (this.gradients.length === 0) this.gradients = params.map((p) => ({ name: p.name, layer: p.layer, gradNorm: [], updateRatio: [] }));
    if (params.length !== this.gradients.length || params.some((p, i) => p.name !== this.gradients[i].name)) return;
    this.gradientIterations.push(iteration);
    params.forEach((p, i) => {
      this.gradients[i].gradNorm.push(p.gradNorm);
      this.gradients[i].updateRatio.push(p.updateRatio);
    });
    if (this.gradientIterations.length > MAX_GRADIENT_POINTS) {
      this.gradientIterations = thin(this.gradientIterations);
      for (const g of this.gradients) {
        g.gradNorm = thin(g.gradNorm);
        g.updateRatio = thin(g.updateRatio);
      }
    }
  }

  /** Replaces the loss history (a saved run, whose history may already be thinned). */
  setLossHistory(iterations: number[], losses: number[], iteration: number, epoch: number): void {
    this.lossIterations = iterations.slice();
    this.losses = losses.slice();
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
      gradientIterations: this.gradientIterations.slice(),
      gradients: this.gradients.map((g) => ({ ...g, gradNorm: g.gradNorm.slice(), updateRatio: g.updateRatio.slice() })),
      filters: this.filters,
      featureMaps: this.featureMaps,
      cursor: this.cursor,
      gradcheck: this.gradcheck,
      experiment: this.experiment,
    };
  }
}
