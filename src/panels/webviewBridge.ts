/**
 * One webview showing a run: hydrates it with the session's snapshot when it says `ready`, forwards
 * every worker event unchanged (weights aside), and validates every message it sends back. Used by
 * the main panel and by the side-bar detail view.
 */
import * as vscode from 'vscode';
import type { TrainingSession } from '../session/trainingSession';
import { isWebviewToHost, type HostToWebview, type WebviewToHost, type WorkerEvent } from '../shared/protocol';
import { makeNonce, panelHtml } from './html';

export class WebviewBridge implements vscode.Disposable {
  private session: TrainingSession | undefined;
  private unsubscribe: (() => void) | undefined;
  private ready = false;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly webview: vscode.Webview,
    extensionUri: vscode.Uri,
    title: string,
    mode: 'panel' | 'detail',
    private readonly selected: () => string | null,
    private readonly onMessage: (m: WebviewToHost) => void,
  ) {
    webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css')).toString(),
      title,
      mode,
    });
    this.subs.push(webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
  }

  /** Shows another session (or hydrates again with the same one). */
  attach(session: TrainingSession | undefined): void {
    if (session !== this.session) {
      this.unsubscribe?.();
      this.session = session;
      this.unsubscribe = session?.onEvent((e) => this.forward(e));
    }
    this.hydrate();
  }

  private receive(m: unknown): void {
    if (!isWebviewToHost(m)) {
      console.warn('[scratchnet] dropped a malformed message from a webview', m);
      return;
    }
    if (m.type === 'ready') {
      this.ready = true;
      this.hydrate();
    }
    this.onMessage(m);
  }

  private hydrate(): void {
    if (this.ready && this.session) this.post(this.session.store.snapshot(this.selected()));
  }

  private forward(e: WorkerEvent): void {
    if (e.type !== 'run/weights') this.post(e);
  }

  /** Sends a message if the webview has said it is ready. */
  post(m: HostToWebview): void {
    if (this.ready) void this.webview.postMessage(m);
  }

  dispose(): void {
    this.unsubscribe?.();
    while (this.subs.length) this.subs.pop()?.dispose();
  }
}
