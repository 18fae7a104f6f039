/**
 * The main webview panel, "Scratchnet: NAME". It shows one run: on `ready` it hydrates the webview
 * with the run's snapshot, then forwards every worker event unchanged. It validates every message the
 * webview sends. Closing and reopening it loses nothing: the session keeps the state.
 */
import * as vscode from 'vscode';
import { isWebviewToHost, type HostToWebview, type WebviewCommandName, type WorkerEvent } from '../shared/protocol';
import type { TrainingSession } from '../session/trainingSession';
import { makeNonce, panelHtml } from './html';

/** What the panel asks of the rest of the extension. */
export interface PanelHost {
  onCommand(name: WebviewCommandName): void;
  onSelectLayer(id: string | null): void;
  onFeatureMaps(index: number): void;
}

export class TrainingPanel {
  static readonly viewType = 'scratchnet.training';
  private panel: vscode.WebviewPanel | undefined;
  private session: TrainingSession | undefined;
  private unsubscribe: (() => void) | undefined;
  private ready = false;
  private selected: string | null = null;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: PanelHost,
  ) {}

  /** Whether the panel is open. */
  get visible(): boolean {
    return this.panel !== undefined;
  }

  /** Shows `session` in the panel, opening it if needed. */
  show(session: TrainingSession, preserveFocus = true): void {
    if (this.session !== session) {
      this.unsubscribe?.();
      this.session = session;
      this.unsubscribe = session.onEvent((e) => this.forward(e));
    }
    const title = `Scratchnet: ${session.store.started?.name ?? (session.kind === 'experiment' ? 'experiment' : 'training')}`;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        TrainingPanel.viewType,
        title,
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
        {
          enableScripts: true,
          localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
        },
      );
      this.panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'scratchnet.svg');
      this.ready = false;
      const webview = this.panel.webview;
      webview.html = panelHtml({
        cspSource: webview.cspSource,
        nonce: makeNonce(),
        scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
        styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css')).toString(),
        title,
      });
      webview.onDidReceiveMessage((m: unknown) => this.receive(m), undefined, this.disposables);
      this.panel.onDidDispose(() => this.disposed(), undefined, this.disposables);
    } else {
      this.panel.title = title;
      this.panel.reveal(undefined, preserveFocus);
      this.hydrate();
    }
  }

  private receive(m: unknown): void {
    if (!isWebviewToHost(m)) {
      console.warn('[scratchnet] dropped a malformed message from the webview', m);
      return;
    }
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.hydrate();
        break;
      case 'select/layer':
        this.selected = m.id;
        this.host.onSelectLayer(m.id);
        break;
      case 'command':
        this.host.onCommand(m.name);
        break;
      case 'probe/featureMaps':
        this.host.onFeatureMaps(m.index);
        break;
      case 'reveal/layer':
        this.selectLayer(m.id);
        break;
    }
  }

  private hydrate(): void {
    if (this.panel && this.ready && this.session) this.post(this.session.store.snapshot(this.selected));
  }

  private forward(e: WorkerEvent): void {
    if (e.type === 'run/weights') return;
    if (e.type === 'run/started' && this.panel) this.panel.title = `Scratchnet: ${e.name}`;
    if (e.type === 'experiment/result' && this.panel) this.panel.title = `Scratchnet: ${e.name}`;
    this.post(e);
  }

  private post(m: HostToWebview): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(m);
  }

  /** Highlights a layer in the graph (selection made in the Layers view). */
  selectLayer(id: string | null): void {
    this.selected = id;
    this.post({ type: 'select/layer', id });
  }

  private disposed(): void {
    this.panel = undefined;
    this.ready = false;
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }

  dispose(): void {
    this.unsubscribe?.();
    this.panel?.dispose();
  }
}
