/**
 * The "Layer Detail" view in the Scratchnet side bar: the selected layer's shapes, parameters,
 * latest statistics and histograms, with "Reveal in Graph". The same webview bundle as the panel,
 * in detail mode, fed by a WebviewBridge.
 */
import * as vscode from 'vscode';
import { routeMessage, type PanelHost } from '../panels/trainingPanel';
import { WebviewBridge } from '../panels/webviewBridge';
import type { TrainingSession } from '../session/trainingSession';

export class LayerDetailView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'scratchnet.layerDetail';
  private bridge: WebviewBridge | undefined;
  private session: TrainingSession | undefined;
  private selected: string | null = null;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: PanelHost,
    private readonly reveal: (id: string) => void,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.bridge?.dispose();
    this.bridge = new WebviewBridge(view.webview, this.extensionUri, 'Scratchnet: layer detail', 'detail', () => this.selected, (m) => {
      if (m.type === 'select/layer') this.selected = m.id;
      routeMessage(this.host, m, this.reveal);
    });
    view.onDidDispose(() => {
      this.bridge?.dispose();
      this.bridge = undefined;
    });
    this.bridge.attach(this.session);
  }

  /** Shows another run. */
  attach(session: TrainingSession): void {
    this.session = session;
    this.bridge?.attach(session);
  }

  /** Shows a layer's detail. */
  selectLayer(id: string | null): void {
    this.selected = id;
    this.bridge?.post({ type: 'select/layer', id });
  }

  dispose(): void {
    this.bridge?.dispose();
  }
}
