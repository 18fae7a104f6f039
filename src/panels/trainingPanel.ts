/**
 * The main webview panel, "Scratchnet: NAME". It shows one run through a WebviewBridge: on `ready`
 * it hydrates the webview with the run's snapshot, then forwards every worker event. Closing and
 * reopening it loses nothing: the session keeps the state.
 */
import * as vscode from 'vscode';
import type { TrainingSession } from '../session/trainingSession';
import type { WebviewCommandName, WebviewToHost } from '../shared/protocol';
import { WebviewBridge } from './webviewBridge';

/** What the webviews ask of the rest of the extension. */
export interface PanelHost {
  onCommand(name: WebviewCommandName): void;
  onSelectLayer(id: string | null): void;
  onFeatureMaps(index: number): void;
}

/** Routes a webview's messages to the host (shared by the panel and the detail view). */
export function routeMessage(host: PanelHost, m: WebviewToHost, reveal: (id: string) => void): void {
  switch (m.type) {
    case 'ready':
      break;
    case 'select/layer':
      host.onSelectLayer(m.id);
      break;
    case 'command':
      host.onCommand(m.name);
      break;
    case 'probe/featureMaps':
      host.onFeatureMaps(m.index);
      break;
    case 'reveal/layer':
      reveal(m.id);
      break;
  }
}

function titleOf(session: TrainingSession): string {
  return `Scratchnet: ${session.store.started?.name ?? session.store.experiment?.name ?? (session.kind === 'experiment' ? 'experiment' : 'training')}`;
}

export class TrainingPanel {
  static readonly viewType = 'scratchnet.training';
  private panel: vscode.WebviewPanel | undefined;
  private bridge: WebviewBridge | undefined;
  private session: TrainingSession | undefined;
  private offTitle: (() => void) | undefined;
  /** The layer selected in the graph or the Layers view. */
  selected: string | null = null;

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
      this.offTitle?.();
      this.session = session;
      this.offTitle = session.onEvent((e) => {
        if ((e.type === 'run/started' || e.type === 'experiment/result') && this.panel) this.panel.title = titleOf(session);
      });
    }
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel(
        TrainingPanel.viewType,
        titleOf(session),
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus },
        { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')] },
      );
      panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'scratchnet.svg');
      this.panel = panel;
      this.bridge = new WebviewBridge(panel.webview, this.extensionUri, titleOf(session), 'panel', () => this.selected, (m) => {
        if (m.type === 'select/layer') this.selected = m.id;
        routeMessage(this.host, m, (id) => this.selectLayer(id));
      });
      panel.onDidDispose(() => {
        this.bridge?.dispose();
        this.bridge = undefined;
        this.panel = undefined;
      });
    } else {
      this.panel.title = titleOf(session);
      this.panel.reveal(undefined, preserveFocus);
    }
    this.bridge?.attach(session);
  }

  /** Highlights a layer in the graph (selection made in the Layers view or the detail view). */
  selectLayer(id: string | null): void {
    this.selected = id;
    this.bridge?.post({ type: 'select/layer', id });
  }

  dispose(): void {
    this.offTitle?.();
    this.panel?.dispose();
  }
}
