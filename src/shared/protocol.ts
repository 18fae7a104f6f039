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
  /** Start paused, before the first iteration. */
  startPaused?: boolean;
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

/** Every message a worker sends. */
export type WorkerEvent =
  | RunStartedEvent
  | MetricsEvent
  | EpochEvent
  | StateEvent
  | ParamStatsEvent
  | DoneEvent
  | ErrorEvent
  | WeightsEvent;

// ───────────────────────── host → worker ─────────────────────────

/** Every command the host sends a worker. */
export type WorkerCommand =
  | { type: 'run/start'; spec: NetworkSpec; options: RunOptions; extensionPath: string }
  | { type: 'run/pause' }
  | { type: 'run/resume' }
  | { type: 'run/stop' }
  | { type: 'run/getWeights'; requestId: number };

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
}

/** Messages the host sends the webview: a snapshot, worker events, and layer selection. */
export type HostToWebview =
  | Snapshot
  | RunStartedEvent
  | MetricsEvent
  | EpochEvent
  | StateEvent
  | ParamStatsEvent
  | DoneEvent
  | ErrorEvent
  | { type: 'select/layer'; id: string | null };

/** UI commands from the webview. */
export type WebviewCommandName = 'pause' | 'resume' | 'stop';

/** Messages the webview sends the host. */
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'select/layer'; id: string | null }
  | { type: 'command'; name: WebviewCommandName };

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
        isFiniteNum(v.dataset.test)
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
      return v.name === 'pause' || v.name === 'resume' || v.name === 'stop';
    default:
      return false;
  }
}

/** Checks a message the webview receives from the host. */
export function isHostToWebview(v: unknown): v is HostToWebview {
  if (!isObj(v) || !isStr(v.type)) return false;
  if (v.type === 'snapshot') {
    return (
      (v.started === null || isWorkerEvent(v.started)) &&
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
      (v.params === null || isWorkerEvent(v.params)) &&
      (v.error === null || isWorkerEvent(v.error)) &&
      (v.done === null || isWorkerEvent(v.done)) &&
      (v.selectedLayer === null || isStr(v.selectedLayer))
    );
  }
  if (v.type === 'select/layer') return v.id === null || (isStr(v.id) && LAYER_ID.test(v.id));
  return isWorkerEvent(v) && v.type !== 'run/weights';
}

/** Checks a command sent to the worker. */
export function isWorkerCommand(v: unknown): v is WorkerCommand {
  if (!isObj(v) || !isStr(v.type)) return false;
  switch (v.type) {
    case 'run/start':
      return isObj(v.spec) && isObj(v.options) && isFiniteNum(v.options.seed) && isFiniteNum(v.options.probeEvery) && isStr(v.extensionPath);
    case 'run/pause':
    case 'run/resume':
    case 'run/stop':
      return true;
    case 'run/getWeights':
      return isFiniteNum(v.requestId);
    default:
      return false;
  }
}
