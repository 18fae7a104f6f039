/**
 * The extension's state: the current run's session, the panel and the Layers view, and the glue
 * between them (selection both ways, progress, errors). Commands call into it.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { NetworkSpec } from './engine/spec';
import { replaySaved, serializeSession } from './runs';
import { runOptionsFromSettings } from './settings';
import { decodeRun } from './shared/runFile';
import { TrainingPanel } from './panels/trainingPanel';
import { ProgressThrottle } from './session/progressThrottle';
import { TrainingSession } from './session/trainingSession';
import type { ParamStats, RunOptions, WebviewCommandName, WorkerEvent } from './shared/protocol';
import { LayerDetailView } from './views/layerDetailView';
import { LayersProvider, type LayerNode } from './views/layersView';

/** Least time between two refreshes of the Layers view's statistics while a run streams. */
const STATS_MS = 1000;

export class Controller implements vscode.Disposable {
  session: TrainingSession | undefined;
  readonly layers = new LayersProvider();
  readonly panel: TrainingPanel;
  readonly tree: vscode.TreeView<LayerNode>;
  readonly detail: LayerDetailView;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext) {
    const host = {
      onCommand: (name: WebviewCommandName) => this.uiCommand(name),
      onSelectLayer: (id: string | null) => this.revealLayer(id),
      onFeatureMaps: (index: number) => this.session?.featureMaps(index),
    };
    this.panel = new TrainingPanel(context.extensionUri, host);
    this.detail = new LayerDetailView(context.extensionUri, host, (id) => {
      if (this.session) this.panel.show(this.session, false);
      this.panel.selectLayer(id);
    });
    this.disposables.push(this.detail, vscode.window.registerWebviewViewProvider(LayerDetailView.viewType, this.detail));
    this.tree = vscode.window.createTreeView('scratchnet.layers', { treeDataProvider: this.layers, showCollapseAll: true });
    this.tree.onDidChangeSelection(
      (e) => {
        const n = e.selection[0];
        if (n) {
          this.panel.selectLayer(n.layer.id);
          this.detail.selectLayer(n.layer.id);
        }
      },
      undefined,
      this.disposables,
    );
    this.disposables.push(this.tree);
  }

  private uiCommand(name: WebviewCommandName): void {
    switch (name) {
      case 'pause':
        return this.pause();
      case 'resume':
        return this.resume();
      case 'stop':
        return void this.stop();
      case 'step':
        return this.step();
      case 'stepBatch':
        return this.stepBatch();
      case 'gradcheck':
        return this.gradcheck();
    }
  }

  private newSession(): TrainingSession {
    const session = new TrainingSession(path.join(this.context.extensionPath, 'dist', 'worker.js'), this.context.extensionPath);
    this.session = session;
    this.layers.setLayers([]);
    this.pendingStats = undefined;
    this.lastStats = -Infinity;
    session.onEvent((e) => this.onEvent(session, e));
    this.detail.attach(session);
    return session;
  }

  private revealLayer(id: string | null): void {
    this.detail.selectLayer(id);
    if (!id) return;
    const node = this.layers.layerNode(id);
    if (node) {
      // reveal rejects when the tree is refreshing or hidden; the selection then simply is not shown.
      this.tree.reveal(node, { select: true, focus: false, expand: true }).then(undefined, () => undefined);
    }
  }

  /** Starts a run of `spec`, stopping any run in progress. */
  async train(spec: NetworkSpec, options: RunOptions): Promise<TrainingSession> {
    await this.stop();
    const session = this.newSession();
    this.panel.show(session);
    this.showProgress(session, spec.name ?? 'network');
    session.start(spec, options);
    void vscode.commands.executeCommand('setContext', 'scratchnet.running', true);
    return session;
  }

  /** The newest parameter statistics not yet shown in the Layers view, and when it was last refreshed. */
  private pendingStats: ParamStats[] | undefined;
  private lastStats = -Infinity;

  private flushStats(): void {
    if (!this.pendingStats) return;
    this.layers.setStats(this.pendingStats);
    this.pendingStats = undefined;
    this.lastStats = Date.now();
  }

  private onEvent(session: TrainingSession, e: WorkerEvent): void {
    if (session !== this.session) return;
    switch (e.type) {
      case 'run/started':
        this.layers.setLayers(e.layers);
        if (e.kernelWarning) void vscode.window.showWarningMessage(`Scratchnet: ${e.kernelWarning}.`);
        break;
      case 'probe/params':
        // Each refresh of the tree's rows is a round trip to the workbench and a re-render there;
        // while a run streams (several probes a second) once a second is enough, and the latest
        // statistics are shown as soon as the run pauses or ends.
        this.pendingStats = e.stats;
        if (Date.now() - this.lastStats >= STATS_MS) this.flushStats();
        break;
      case 'train/state':
        if (e.state !== 'running') this.flushStats();
        void vscode.commands.executeCommand('setContext', 'scratchnet.running', e.state === 'running' || e.state === 'paused' || e.state === 'starting');
        void vscode.commands.executeCommand('setContext', 'scratchnet.paused', e.state === 'paused');
        break;
      case 'run/error':
        void vscode.window.showErrorMessage(
          `Scratchnet: ${e.message} (${e.where}).${e.recoverable ? ' The weights trained so far are kept.' : ''}`,
        );
        break;
      default:
        break;
    }
  }

  private showProgress(session: TrainingSession, name: string): void {
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Scratchnet: training ${name}`, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          token.onCancellationRequested(() => void session.stop());
          const throttle = new ProgressThrottle();
          const off = session.onEvent((e) => {
            const total = session.store.started?.totalIterations ?? 0;
            if (e.type === 'train/metrics') {
              const update = throttle.metrics(Date.now(), e.iteration, total, e.losses[e.losses.length - 1]);
              if (update) progress.report(update);
            } else if (e.type === 'train/state' && e.state === 'paused' && total > 0) {
              // The last throttled update may be older than the pause: say where it stands.
              progress.report({ message: `paused at iteration ${e.iteration}/${total}` });
            } else if (e.type === 'train/state' && (e.state === 'done' || e.state === 'stopped' || e.state === 'error')) {
              off();
              resolve();
            }
          });
        }),
    );
  }

  /** Runs one of the book's experiments in a worker and shows it in the panel. */
  async experiment(name: string, options: Record<string, number | boolean>, dataDir?: string): Promise<TrainingSession> {
    await this.stop();
    const session = this.newSession();
    this.panel.show(session);
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Scratchnet: experiment ${name}`, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          token.onCancellationRequested(() => void session.stop());
          let reported = 0;
          const off = session.onEvent((e) => {
            if (e.type === 'experiment/progress' && e.total > 0) {
              const pct = (100 * e.done) / e.total;
              progress.report({ increment: pct - reported, message: e.message });
              reported = pct;
            } else if (e.type === 'train/state' && (e.state === 'done' || e.state === 'stopped' || e.state === 'error')) {
              off();
              resolve();
            }
          });
        }),
    );
    session.startExperiment(name, options, dataDir);
    return session;
  }

  /** Shows a saved run (the text of a run file) without retraining. */
  async openRun(text: string, file: string): Promise<TrainingSession> {
    decodeRun(text, file); // a bad file is refused before the current run is touched
    await this.stop();
    const session = this.newSession();
    replaySaved(session, text, file, {
      extensionPath: this.context.extensionPath,
      dataDir: runOptionsFromSettings().dataDir,
      warn: (m) => void vscode.window.showWarningMessage(`Scratchnet: ${m}`),
    });
    this.panel.show(session, false);
    return session;
  }

  /** The JSON text of the current run, for "Save Run". */
  async saveRunText(): Promise<string> {
    if (!this.session) throw new Error('there is no run to save; train a network first');
    return serializeSession(this.session);
  }

  private requirePaused(what: string): boolean {
    const s = this.session;
    if (s && s.active && s.store.state === 'paused') return true;
    void vscode.window.showInformationMessage(`Scratchnet: ${what} works while training is paused. Run "Scratchnet: Pause Training" first.`);
    return false;
  }

  step(): void {
    if (this.requirePaused('Step')) this.session!.step();
  }

  stepBatch(): void {
    if (this.requirePaused('Step Batch')) this.session!.stepBatch();
  }

  gradcheck(): void {
    const s = this.session;
    if (!s || !s.active || s.kind !== 'training') {
      void vscode.window.showInformationMessage('Scratchnet: start a training run first; the gradient check runs on its current network.');
      return;
    }
    this.panel.show(s, true);
    s.gradcheck();
  }

  pause(): void {
    this.session?.pause();
  }

  resume(): void {
    this.session?.resume();
  }

  async stop(): Promise<void> {
    await this.session?.stop();
  }

  dispose(): void {
    this.session?.dispose();
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
