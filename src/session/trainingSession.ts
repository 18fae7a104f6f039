/**
 * Owns the training worker of one run: starts it, forwards commands, checks and records every event
 * in a RunStore, and turns a worker that dies into an error event, so the editor keeps working and the
 * last checkpointed weights stay available.
 */
import { Worker } from 'node:worker_threads';
import type { NetworkSpec } from '../engine/spec';
import { workerEventsOf, type RunOptions, type WeightsEvent, type WorkerCommand, type WorkerEvent } from '../shared/protocol';
import { RunStore } from './runStore';

/** Called for every event of the run, after the store has recorded it. */
export type EventListener = (e: WorkerEvent) => void;

export class TrainingSession {
  readonly store = new RunStore();
  private worker: Worker | undefined;
  private readonly listeners = new Set<EventListener>();
  private ended = false;
  private nextRequest = 1;
  /** What this session runs: a training run, an experiment, or a saved run shown without a worker. */
  kind: 'training' | 'experiment' | 'saved' = 'training';

  constructor(
    readonly workerPath: string,
    readonly extensionPath: string,
  ) {}

  /** Subscribes to events; returns an unsubscribe function. */
  onEvent(l: EventListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** True while the worker is alive and the run has not ended. */
  get active(): boolean {
    return this.worker !== undefined && !this.ended;
  }

  /** The worker's thread id (tests use it to find and kill the worker). */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** Records an event as if the worker had sent it (saved runs are replayed this way). */
  replay(e: WorkerEvent): void {
    this.emit(e);
  }

  private emit(e: WorkerEvent): void {
    this.store.apply(e);
    if (e.type === 'train/state' && (e.state === 'done' || e.state === 'stopped' || e.state === 'error')) this.ended = true;
    for (const l of this.listeners) {
      try {
        l(e);
      } catch (err) {
        console.error('[scratchnet] listener failed', err);
      }
    }
  }

  /** Starts the worker and the run. */
  start(spec: NetworkSpec, options: RunOptions): void {
    this.spawn(options.threads);
    this.send({ type: 'run/start', spec, options, extensionPath: this.extensionPath });
  }

  /** Starts the worker on one of the book's experiments. */
  startExperiment(name: string, options: Record<string, number | boolean>, dataDir?: string): void {
    this.kind = 'experiment';
    this.spawn();
    this.send({ type: 'experiment/start', name, options, extensionPath: this.extensionPath, dataDir });
  }

  /** Starts the worker; `threads` > 1 lets its matrix products use that many threads. */
  private spawn(threads = 1): void {
    if (this.worker) throw new Error('this session has already started');
    const worker = new Worker(this.workerPath, { resourceLimits: { maxOldGenerationSizeMb: 4096 }, workerData: { threads } });
    this.worker = worker;
    worker.on('message', (msg: unknown) => {
      const events = workerEventsOf(msg);
      if (!events) {
        console.error('[scratchnet] dropped a malformed worker message', msg);
        return;
      }
      for (const e of events) this.emit(e);
    });
    worker.on('error', (err) => this.crash(`the training worker failed: ${err.message}`));
    worker.on('exit', (code) => {
      if (!this.ended) this.crash(`the training worker exited unexpectedly (exit code ${code})`);
      this.worker = undefined;
    });
  }

  private crash(message: string): void {
    if (this.ended) return;
    const iteration = this.store.iteration;
    this.emit({ type: 'run/error', message, where: `worker, after iteration ${iteration}`, recoverable: this.store.weights !== null });
    this.emit({ type: 'train/state', state: 'error', iteration });
  }

  /** Sends a command to the worker, if it is alive. */
  send(cmd: WorkerCommand): void {
    this.worker?.postMessage(cmd);
  }

  pause(): void {
    this.send({ type: 'run/pause' });
  }

  resume(): void {
    this.send({ type: 'run/resume' });
  }

  /** One operation of backprop (while paused). */
  step(): void {
    this.send({ type: 'run/step' });
  }

  /** Finishes the current batch and applies the update (while paused). */
  stepBatch(): void {
    this.send({ type: 'run/stepBatch' });
  }

  /** Asks for a float64 gradient check of the current network. */
  gradcheck(): void {
    this.send({ type: 'run/gradcheck' });
  }

  /** Computes feature maps without a worker (a saved run sets it: runs.ts). */
  localFeatureMaps: ((index: number) => void) | undefined;

  /** Asks for the feature maps of a test image. */
  featureMaps(index: number): void {
    if (this.localFeatureMaps) this.localFeatureMaps(index);
    else this.send({ type: 'probe/featureMaps', index });
  }

  /**
   * The current weights: asked of the worker when it is alive, else the last checkpoint it sent
   * (at each epoch end, on stop and on errors), so a crashed run can still be saved.
   */
  async weights(timeoutMs = 5000): Promise<WeightsEvent | null> {
    if (!this.worker) return this.store.weights;
    const requestId = this.nextRequest++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(this.store.weights);
      }, timeoutMs);
      const off = this.onEvent((e) => {
        if (e.type === 'run/weights' && e.requestId === requestId) {
          clearTimeout(timer);
          off();
          resolve(e);
        }
      });
      this.send({ type: 'run/getWeights', requestId });
    });
  }

  /** Asks the worker to stop, then ends it. */
  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    if (!this.ended) {
      const stopped = new Promise<void>((resolve) => {
        const off = this.onEvent((e) => {
          if (e.type === 'train/state' && e.state !== 'running' && e.state !== 'paused' && e.state !== 'starting') {
            off();
            resolve();
          }
        });
        setTimeout(() => {
          off();
          resolve();
        }, 2000);
      });
      this.send({ type: 'run/stop' });
      await stopped;
    }
    this.ended = true;
    await w.terminate();
  }

  /** Ends the worker at once (no stop handshake). */
  dispose(): void {
    this.ended = true;
    void this.worker?.terminate();
    this.listeners.clear();
  }
}
