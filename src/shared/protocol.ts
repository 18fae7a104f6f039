/**
 * The one protocol spoken by the training worker, the extension host and the webview. Every message
 * is a plain object with a string `type`, grouped by prefix (`run/…`, `train/…`, `probe/…`). Anything
 * that arrives from another runtime is `unknown` until a guard below has checked it.
 *
 *   worker ──WorkerEvent──▶ host ──HostToWebview (events forwarded unchanged + snapshot)──▶ webview
 *   worker ◀─WorkerCommand── host ◀──────────────WebviewToHost (UI commands)────────────── webview
 */
import type { NetworkSpec } from '../engine/spec';

/** Where a run stands. */
export type RunState = 'starting' | 'running' | 'paused' | 'stopped' | 'done' | 'error';

/** A layer as the graph and the Layers view show it. */
export interface LayerInfo {
  id: string;
  kind: string;
  inShape: number[];
  outShape: number[];
  paramCount: number;
  params: { name: string; shape: number[] }[];
}

/** Options of a run chosen in the editor (settings and the picked preset or file). */
export interface RunOptions {
  seed: number;
  batchSize?: number;
  lr?: number;
  epochs?: number;
  iterations?: number;
  dataDir?: string;
  trainLimit?: number;
  testLimit?: number;
  /** Heavy probes (parameter statistics) every this many iterations. */
  probeEvery: number;
  /**
   * Least time between two probes while training runs (ms; default PROBE_MIN_MS): a due probe is
   * skipped when the last one was more recent, so a fast run is probed at most ~10 times a second
   * whatever `probeEvery` says (the panel cannot show more). 0 probes exactly every `probeEvery`.
   */
  probeMinMs?: number;
  /** Start paused, before the first iteration. */
  startPaused?: boolean;
  /**
   * Threads the worker's big kernels (products, convolution, pooling) may use (the
   * `scratchnet.threads` setting; default 1: on two cores the second belongs to the editor). The
   * results are the same bits on any count. Read when the worker starts.
   */
  threads?: number;
}

/** Live statistics of one parameter tensor. */
export interface ParamStats {
  name: string;
  layer: string;
  shape: number[];
  mean: number;
  std: number;
  /** ‖W‖₂ */
  norm: number;
  /** ‖dW‖₂ of the latest step. */
  gradNorm: number;
}

// ───────────────────────── worker → host ─────────────────────────

/** Sent once when the network is built and the data loaded. */
export interface RunStartedEvent {
  type: 'run/started';
  name: string;
  spec: NetworkSpec;
  layers: LayerInfo[];
  paramCount: number;
  totalIterations: number;
  itersPerEpoch: number;
  batchSize: number;
  optimizer: string;
  lr: number;
  seed: number;
  dataset: { name: string; train: number; test: number };
  /** The float32 GEMM the worker trains with (`wasm-relaxed`, `typescript`, …); absent in saved runs. */
  kernels?: string;
  /** Why the fast kernels are not used, when they are not. */
  kernelWarning?: string;
}
/** Losses of the iterations since the previous message (at most ~10 messages a second). */
export interface MetricsEvent {
  type: 'train/metrics';
  /** Iteration number (1-based) of each loss in `losses`. */
  firstIteration: number;
  losses: number[];
  iteration: number;
  epoch: number;
  samplesPerSecond: number;
  elapsedMs: number;
}
/** Accuracies at the end of an epoch (and at the end of the run). */
export interface EpochEvent {
  type: 'train/epoch';
  epoch: number;
  iteration: number;
  trainAccuracy: number;
  testAccuracy: number;
}
/** The run changed state. */
export interface StateEvent {
  type: 'train/state';
  state: RunState;
  iteration: number;
}
/** Statistics of every parameter, every `probeEvery` iterations. */
export interface ParamStatsEvent {
  type: 'probe/params';
  iteration: number;
  stats: ParamStats[];
}
/** The run finished all its iterations. */
export interface DoneEvent {
  type: 'run/done';
  iteration: number;
  trainAccuracy: number;
  testAccuracy: number;
  seconds: number;
}
/** Something went wrong; `where` says in which phase (data, build, iteration N). */
export interface ErrorEvent {
  type: 'run/error';
  message: string;
  where: string;
  /** Whether the weights trained so far are intact and can be saved. */
  recoverable: boolean;
}
/** Reply to `run/getWeights`: every parameter's values. */
export interface WeightsEvent {
  type: 'run/weights';
  requestId: number;
  iteration: number;
  weights: { name: string; shape: number[]; data: Float32Array }[];
}

/** Number of bins of every histogram the probes send. */
export const HISTOGRAM_BINS = 30;

/** A histogram over [lo, hi] in HISTOGRAM_BINS equal bins, with summary statistics. */
export interface HistogramInfo {
  /** Layer id or parameter name. */
  id: string;
  lo: number;
  hi: number;
  mean: number;
  std: number;
  /** Fraction of values in the saturated tails (sigmoid < 0.01 or > 0.99, |tanh| > 0.99), else 0. */
  saturated: number;
  /** Fraction of values exactly 0 (dead ReLU units), else 0. */
  dead: number;
}

/**
 * Histograms of every layer's output (`activations`) or every weight tensor (`weights`) on the current
 * mini-batch. Counts are packed: `counts[i * HISTOGRAM_BINS + b]` is bin b of `items[i]` (transferred).
 */
export interface HistogramsEvent {
  type: 'probe/histograms';
  iteration: number;
  kind: 'activations' | 'weights';
  items: HistogramInfo[];
  counts: Float32Array;
}
/** Gradient norms and update ratios per parameter at one iteration. */
export interface GradientsEvent {
  type: 'probe/gradients';
  iteration: number;
  /** Per parameter: ‖grad‖₂ and ‖ΔW‖/‖W‖ of the update just made. */
  params: { name: string; layer: string; gradNorm: number; updateRatio: number }[];
}
/**
 * Filters of a convolution layer as images normalised to [0, 1] per filter (channels averaged),
 * packed as `data[f * h * w + y * w + x]` (transferred).
 */
export interface FiltersEvent {
  type: 'probe/filters';
  iteration: number;
  layer: string;
  count: number;
  h: number;
  w: number;
  data: Float32Array;
}
/** Feature maps of one test image through every conv and pool layer (reply to `probe/featureMaps`). */
export interface FeatureMapsEvent {
  type: 'probe/featureMaps';
  index: number;
  label: number;
  predicted: number;
  /** The input image, normalised to [0, 1], (h × w) of its first channel. */
  image: { h: number; w: number; data: Float32Array };
  /** Per layer: its maps normalised to [0, 1] per map, packed `data[c * h * w + y * w + x]`. */
  layers: { id: string; channels: number; h: number; w: number; data: Float32Array }[];
}

/** Summary of one tensor at a step of backprop: the engine's real numbers. */
export interface TensorSummary {
  /** What it is: input, output, upstream (dy), dx, or a parameter gradient (`affine1.W` grad). */
  role: 'input' | 'output' | 'dy' | 'dx' | 'grad' | 'value';
  name: string;
  /** Full shape, batch included. */
  shape: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
  lo: number;
  hi: number;
  /** HISTOGRAM_BINS counts over [lo, hi]. */
  counts: number[];
  /** A heat map: the whole tensor if small, else the first sample, at most 64 × 64 (row-major). */
  heat: { rows: number; cols: number; label: string; data: Float32Array } | null;
}
/** Where the stepping cursor stands, with that operation's tensors. */
export interface StepCursorEvent {
  type: 'step/cursor';
  iteration: number;
  /** Operation number within the batch, from 1. */
  step: number;
  /** Operations in a batch: forward per layer, loss, backward per layer, update. */
  steps: number;
  phase: 'forward' | 'loss' | 'backward' | 'update';
  /** Layer id, 'loss', or 'optimizer'. */
  layer: string;
  /** "forward · affine1" */
  label: string;
  loss: number | null;
  tensors: TensorSummary[];
}
/** Result of a float64 gradient check of the current network. */
export interface GradcheckEvent {
  type: 'gradcheck/result';
  iteration: number;
  /** Relative error bound a parameter must meet to pass. */
  bound: number;
  maxRelativeError: number;
  params: { name: string; layer: string; relativeError: number; meanAbsDiff: number; pass: boolean }[];
}
/** Progress of an experiment run in the worker. */
export interface ExperimentProgressEvent {
  type: 'experiment/progress';
  name: string;
  done: number;
  total: number;
  message: string;
}
/** The result of an experiment: `{experiment, config, results}` as the CLI prints it. */
export interface ExperimentResultEvent {
  type: 'experiment/result';
  name: string;
  seconds: number;
  result: { experiment: string; config: Record<string, unknown>; results: unknown[] };
}

/** Every message a worker sends. */
export type WorkerEvent =
  | RunStartedEvent
  | MetricsEvent
  | EpochEvent
  | StateEvent
  | ParamStatsEvent
  | DoneEvent
  | ErrorEvent
  | WeightsEvent
  | HistogramsEvent
  | GradientsEvent
  | FiltersEvent
  | FeatureMapsEvent
  | StepCursorEvent
  | GradcheckEvent
  | ExperimentProgressEvent
  | ExperimentResultEvent;

// ───────────────────────── host → worker ─────────────────────────

/** Every command the host sends a worker. */
export type WorkerCommand =
  | { type: 'run/start'; spec: NetworkSpec; options: RunOptions; extensionPath: string }
  | { type: 'run/pause' }
  | { type: 'run/resume' }
  | { type: 'run/stop' }
  | { type: 'run/getWeights'; requestId: number }
  /** While paused: one operation of backprop (forward of a layer, the loss, backward of a layer, the update). */
  | { type: 'run/step' }
  /** While paused: finish the current batch (or a whole new one) and apply the update. */
  | { type: 'run/stepBatch' }
  | { type: 'probe/featureMaps'; index: number }
  | { type: 'run/gradcheck' }
  | { type: 'experiment/start'; name: string; options: Record<string, number | boolean>; extensionPath: string; dataDir?: string };

// ───────────────────────── host ↔ webview ─────────────────────────

/** Everything the panel needs to draw a run from scratch (sent after `ready`). */
export interface Snapshot {
  type: 'snapshot';
  started: RunStartedEvent | null;
  state: RunState;
  iteration: number;
  epoch: number;
  /** Loss history: iteration numbers and losses (downsampled on very long runs). */
  lossIterations: number[];
  losses: number[];
  epochs: EpochEvent[];
  samplesPerSecond: number;
  params: ParamStatsEvent | null;
  error: ErrorEvent | null;
  done: DoneEvent | null;
  selectedLayer: string | null;
  /** Latest activation and weight histograms. */
  activations: HistogramsEvent | null;
  weightHistograms: HistogramsEvent | null;
  /** Gradient-norm history: iterations, and per parameter one value per iteration (thinned on long runs). */
  gradientIterations: number[];
  gradients: { name: string; layer: string; gradNorm: number[]; updateRatio: number[] }[];
  filters: FiltersEvent | null;
  featureMaps: FeatureMapsEvent | null;
  cursor: StepCursorEvent | null;
  gradcheck: GradcheckEvent | null;
  experiment: ExperimentResultEvent | null;
}

/** Messages the host sends the webview: a snapshot, worker events (weights aside), and layer selection. */
export type HostToWebview =
  | Snapshot
  | Exclude<WorkerEvent, WeightsEvent>
  | { type: 'select/layer'; id: string | null }
  | StreamBatch;

/**
 * Worker events that stream while training runs (the host sends them to webviews in batches, and the
 * panel draws them at its own pace). Epoch results are among them: a small net ends several epochs
 * a second.
 */
export type StreamedEvent = MetricsEvent | EpochEvent | ParamStatsEvent | GradientsEvent | HistogramsEvent | FiltersEvent;
export const STREAMED_EVENT_TYPES: readonly StreamedEvent['type'][] = [
  'train/metrics',
  'train/epoch',
  'probe/params',
  'probe/gradients',
  'probe/histograms',
  'probe/filters',
];

/**
 * Streamed events gathered over a fraction of a second, in the order they happened: one message
 * through the webview transport instead of dozens (each costs the editor's renderer a hop).
 */
export interface StreamBatch {
  type: 'batch';
  messages: StreamedEvent[];
}

/** Most threads a run may ask for. */
export const MAX_THREADS = 8;

/** Largest number of events one batch may carry. */
export const MAX_BATCH = 1000;

/** UI commands from the webview. */
export type WebviewCommandName = 'pause' | 'resume' | 'stop' | 'step' | 'stepBatch' | 'gradcheck';
const WEBVIEW_COMMANDS: readonly string[] = ['pause', 'resume', 'stop', 'step', 'stepBatch', 'gradcheck'];

/** Messages the webview sends the host. */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'select/layer'; id: string | null }
  | { type: 'command'; name: WebviewCommandName }
  | { type: 'probe/featureMaps'; index: number }
  /** From the side-bar detail view: show this layer in the main panel's graph. */
  | { type: 'reveal/layer'; id: string };

/** A handler per message type: forgetting one is a compile error. */
export type Handlers<M extends { type: string }> = { [K in M['type']]: (m: Extract<M, { type: K }>) => void };

/** Calls the handler of a message's type. */
export function dispatch<M extends { type: string }>(handlers: Handlers<M>, m: M): void {
  (handlers[m.type as M['type']] as (m: M) => void)(m);
}

// ───────────────────────── guards ─────────────────────────

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const isFiniteNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isIntArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => Number.isInteger(d) && d >= 0);
const isNumArray = (v: unknown): v is number[] => Array.isArray(v) && v.every((d) => typeof d === 'number');
const RUN_STATES: readonly string[] = ['starting', 'running', 'paused', 'stopped', 'done', 'error'];
const LAYER_ID = /^[A-Za-z_][\w-]{0,63}$/;

function isLayerInfo(v: unknown): v is LayerInfo {
  return (
    isObj(v) &&
    isStr(v.id) &&
    isStr(v.kind) &&
    isIntArray(v.inShape) &&
    isIntArray(v.outShape) &&
    isFiniteNum(v.paramCount) &&
    Array.isArray(v.params) &&
    v.params.every((p) => isObj(p) && isStr(p.name) && isIntArray(p.shape))
  );
}

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** A packed plane set: h, w and a Float32Array of `planes × h × w` values. */
function isPlane(v: Record<string, unknown>, planes: number): boolean {
  return isCount(v.h) && isCount(v.w) && v.data instanceof Float32Array && v.data.length === planes * (v.h as number) * (v.w as number);
}

function isHistogramInfo(v: unknown): v is HistogramInfo {
  return isObj(v) && isStr(v.id) && isNum(v.lo) && isNum(v.hi) && isNum(v.mean) && isNum(v.std) && isNum(v.saturated) && isNum(v.dead);
}

function isTensorSummary(v: unknown): v is TensorSummary {
  if (!isObj(v)) return false;
  const heat = v.heat;
  const heatOk =
    heat === null ||
    (isObj(heat) &&
      isCount(heat.rows) &&
      isCount(heat.cols) &&
      isStr(heat.label) &&
      heat.data instanceof Float32Array &&
      heat.data.length === (heat.rows as number) * (heat.cols as number));
  return (
    ['input', 'output', 'dy', 'dx', 'grad', 'value'].includes(v.role as string) &&
    isStr(v.name) &&
    isIntArray(v.shape) &&
    isNum(v.mean) &&
    isNum(v.std) &&
    isNum(v.min) &&
    isNum(v.max) &&
    isNum(v.lo) &&
    isNum(v.hi) &&
    isNumArray(v.counts) &&
    v.counts.length === HISTOGRAM_BINS &&
    heatOk
  );
}

function isParamStats(v: unknown): v is ParamStats {
  return (
    isObj(v) &&
    isStr(v.name) &&
    isStr(v.layer) &&
    isIntArray(v.shape) &&
    isNum(v.mean) &&
    isNum(v.std) &&
    isNum(v.norm) &&
    isNum(v.gradNorm)
  );
}

/**
 * What the worker thread posts: one event, or several in the order they happened. The worker sends
 * everything one training slice produced (loss metrics, probes, epoch results) as one message, so
 * the extension host's thread wakes once per slice, not once per event.
 */
export type WorkerMessage = WorkerEvent | WorkerEvent[];

/** Most events in one worker message (a slice produces a handful; a bound keeps the guard cheap). */
export const MAX_WORKER_EVENTS = 10_000;

/** The events of a worker message in order, or undefined when it (or any event in it) is malformed. */
export function workerEventsOf(v: unknown): WorkerEvent[] | undefined {
  if (Array.isArray(v)) return v.length > 0 && v.length <= MAX_WORKER_EVENTS && v.every(isWorkerEvent) ? v : undefined;
  return isWorkerEvent(v) ? [v] : undefined;
}

/** Checks an event from the worker, or forwarded by the host to the webview. */
export function isWorkerEvent(v: unknown): v is WorkerEvent {
  if (!isObj(v) || !isStr(v.type)) return false;
  switch (v.type) {
    case 'run/started':
      return (
        isStr(v.name) &&
        isObj(v.spec) &&
        Array.isArray(v.layers) &&
        v.layers.every(isLayerInfo) &&
        isFiniteNum(v.paramCount) &&
        isFiniteNum(v.totalIterations) &&
        isFiniteNum(v.itersPerEpoch) &&
        isFiniteNum(v.batchSize) &&
        isStr(v.optimizer) &&
        isFiniteNum(v.lr) &&
        isFiniteNum(v.seed) &&
        isObj(v.dataset) &&
        isStr(v.dataset.name) &&
        isFiniteNum(v.dataset.train) &&
        isFiniteNum(v.dataset.test) &&
        (v.kernels === undefined || isStr(v.kernels)) &&
        (v.kernelWarning === undefined || isStr(v.kernelWarning))
      );
    case 'train/metrics':
      return (
        isFiniteNum(v.firstIteration) &&
        isNumArray(v.losses) &&
        isFiniteNum(v.iteration) &&
        isFiniteNum(v.epoch) &&
        isNum(v.samplesPerSecond) &&
        isFiniteNum(v.elapsedMs)
      );
    case 'train/epoch':
      return isFiniteNum(v.epoch) && isFiniteNum(v.iteration) && isNum(v.trainAccuracy) && isNum(v.testAccuracy);
    case 'train/state':
      return isStr(v.state) && RUN_STATES.includes(v.state) && isFiniteNum(v.iteration);
    case 'probe/params':
      return isFiniteNum(v.iteration) && Array.isArray(v.stats) && v.stats.every(isParamStats);
    case 'run/done':
      return isFiniteNum(v.iteration) && isNum(v.trainAccuracy) && isNum(v.testAccuracy) && isFiniteNum(v.seconds);
    case 'run/error':
      return isStr(v.message) && isStr(v.where) && typeof v.recoverable === 'boolean';
    case 'probe/histograms':
      return (
        isFiniteNum(v.iteration) &&
        (v.kind === 'activations' || v.kind === 'weights') &&
        Array.isArray(v.items) &&
        v.items.every(isHistogramInfo) &&
        v.counts instanceof Float32Array &&
        v.counts.length === v.items.length * HISTOGRAM_BINS
      );
    case 'probe/gradients':
      return (
        isFiniteNum(v.iteration) &&
        Array.isArray(v.params) &&
        v.params.every((p) => isObj(p) && isStr(p.name) && isStr(p.layer) && isNum(p.gradNorm) && isNum(p.updateRatio))
      );
    case 'probe/filters':
      return (
        isFiniteNum(v.iteration) &&
        isStr(v.layer) &&
        isCount(v.count) &&
        isCount(v.h) &&
        isCount(v.w) &&
        v.data instanceof Float32Array &&
        v.data.length === (v.count as number) * (v.h as number) * (v.w as number)
      );
    case 'probe/featureMaps':
      return (
        isCount(v.index) &&
        isFiniteNum(v.label) &&
        isFiniteNum(v.predicted) &&
        isObj(v.image) &&
        isPlane(v.image, 1) &&
        Array.isArray(v.layers) &&
        v.layers.every((l) => isObj(l) && isStr(l.id) && isCount(l.channels) && isPlane(l, l.channels as number))
      );
    case 'step/cursor':
      return (
        isFiniteNum(v.iteration) &&
        isCount(v.step) &&
        isCount(v.steps) &&
        (v.phase === 'forward' || v.phase === 'loss' || v.phase === 'backward' || v.phase === 'update') &&
        isStr(v.layer) &&
        isStr(v.label) &&
        (v.loss === null || isNum(v.loss)) &&
        Array.isArray(v.tensors) &&
        v.tensors.every(isTensorSummary)
      );
    case 'gradcheck/result':
      return (
        isFiniteNum(v.iteration) &&
        isNum(v.bound) &&
        isNum(v.maxRelativeError) &&
        Array.isArray(v.params) &&
        v.params.every(
          (p) => isObj(p) && isStr(p.name) && isStr(p.layer) && isNum(p.relativeError) && isNum(p.meanAbsDiff) && typeof p.pass === 'boolean',
        )
      );
    case 'experiment/progress':
      return isStr(v.name) && isFiniteNum(v.done) && isFiniteNum(v.total) && isStr(v.message);
    case 'experiment/result':
      return isStr(v.name) && isFiniteNum(v.seconds) && isObj(v.result) && isStr(v.result.experiment) && Array.isArray(v.result.results);
    case 'run/weights':
      return (
        isFiniteNum(v.requestId) &&
        isFiniteNum(v.iteration) &&
        Array.isArray(v.weights) &&
        v.weights.every((w) => isObj(w) && isStr(w.name) && isIntArray(w.shape) && w.data instanceof Float32Array)
      );
    default:
      return false;
  }
}

/** Checks a message sent by the webview. */
export function isWebviewToHost(v: unknown): v is WebviewToHost {
  if (!isObj(v) || !isStr(v.type)) return false;
  switch (v.type) {
    case 'ready':
      return Object.keys(v).length === 1;
    case 'select/layer':
      return v.id === null || (isStr(v.id) && LAYER_ID.test(v.id));
    case 'command':
      return isStr(v.name) && WEBVIEW_COMMANDS.includes(v.name);
    case 'probe/featureMaps':
      return isCount(v.index) && (v.index as number) < 1_000_000;
    case 'reveal/layer':
      return isStr(v.id) && LAYER_ID.test(v.id);
    default:
      return false;
  }
}

/** null, or a valid worker event of the given type. */
function nullOr(v: unknown, type: WorkerEvent['type']): boolean {
  return v === null || (isWorkerEvent(v) && v.type === type);
}

/** Checks a message the webview receives from the host. */
export function isHostToWebview(v: unknown): v is HostToWebview {
  if (!isObj(v) || !isStr(v.type)) return false;
  if (v.type === 'snapshot') {
    return (
      nullOr(v.started, 'run/started') &&
      isStr(v.state) &&
      RUN_STATES.includes(v.state) &&
      isFiniteNum(v.iteration) &&
      isFiniteNum(v.epoch) &&
      isNumArray(v.lossIterations) &&
      isNumArray(v.losses) &&
      v.lossIterations.length === v.losses.length &&
      Array.isArray(v.epochs) &&
      v.epochs.every((e) => isWorkerEvent(e) && e.type === 'train/epoch') &&
      isNum(v.samplesPerSecond) &&
      nullOr(v.params, 'probe/params') &&
      nullOr(v.error, 'run/error') &&
      nullOr(v.done, 'run/done') &&
      (v.selectedLayer === null || isStr(v.selectedLayer)) &&
      nullOr(v.activations, 'probe/histograms') &&
      nullOr(v.weightHistograms, 'probe/histograms') &&
      isNumArray(v.gradientIterations) &&
      Array.isArray(v.gradients) &&
      v.gradients.every(
        (g) =>
          isObj(g) &&
          isStr(g.name) &&
          isStr(g.layer) &&
          isNumArray(g.gradNorm) &&
          isNumArray(g.updateRatio) &&
          g.gradNorm.length === (v.gradientIterations as number[]).length,
      ) &&
      nullOr(v.filters, 'probe/filters') &&
      nullOr(v.featureMaps, 'probe/featureMaps') &&
      nullOr(v.cursor, 'step/cursor') &&
      nullOr(v.gradcheck, 'gradcheck/result') &&
      nullOr(v.experiment, 'experiment/result')
    );
  }
  if (v.type === 'select/layer') return v.id === null || (isStr(v.id) && LAYER_ID.test(v.id));
  if (v.type === 'batch') {
    return (
      Array.isArray(v.messages) &&
      v.messages.length <= MAX_BATCH &&
      v.messages.every((m) => isWorkerEvent(m) && (STREAMED_EVENT_TYPES as readonly string[]).includes(m.type))
    );
  }
  return isWorkerEvent(v) && v.type !== 'run/weights';
}

/** Checks a command sent to the worker. */
export function isWorkerCommand(v: unknown): v is WorkerCommand {
  if (!isObj(v) || !isStr(v.type)) return false;
  switch (v.type) {
    case 'run/start':
      return isObj(v.spec) && isObj(v.options) && isFiniteNum(v.options.seed) && isFiniteNum(v.options.probeEvery) && (v.options.probeMinMs === undefined || (isFiniteNum(v.options.probeMinMs) && v.options.probeMinMs >= 0)) &&
        (v.options.threads === undefined || (Number.isInteger(v.options.threads) && (v.options.threads as number) >= 1 && (v.options.threads as number) <= MAX_THREADS)) && isStr(v.extensionPath);
    case 'run/pause':
    case 'run/resume':
    case 'run/stop':
      return true;
    case 'run/getWeights':
      return isFiniteNum(v.requestId);
    case 'run/step':
    case 'run/stepBatch':
    case 'run/gradcheck':
      return true;
    case 'probe/featureMaps':
      return isCount(v.index);
    case 'experiment/start':
      return isStr(v.name) && isObj(v.options) && isStr(v.extensionPath);
    default:
      return false;
  }
}
