/**
 * One webview showing a run: hydrates it with the session's snapshot when it says `ready`, forwards
 * every worker event unchanged (weights aside), and validates every message it sends back. Used by
 * the main panel and by the side-bar detail view.
 *
 * Events that stream while training runs (metrics, probes) are gathered and sent as one `batch`
 * every BATCH_MS, in order; any other event first sends what was gathered, so the webview sees
 * every event in the order the worker sent it. Each message through a webview costs the editor's
 * renderer a hop (in code-server, a WebSocket frame and two iframe posts): ~50 small messages a
 * second became 2 (the panel draws streamed data at most twice a second anyway).
 */
import * as vscode from 'vscode';
import type { TrainingSession } from '../session/trainingSession';
import {
  isWebviewToHost,
  MAX_BATCH,
  STREAMED_EVENT_TYPES,
  type HostToWebview,
  type StreamedEvent,
  type WebviewToHost,
  type WorkerEvent,
} from '../shared/protocol';
import { makeNonce, panelHtml } from './html';

/** How long streamed events are gathered before they are sent. */
export const BATCH_MS = 500;

const isStreamed = (e: WorkerEvent): e is StreamedEvent => (STREAMED_EVENT_TYPES as readonly string[]).includes(e.type);

export class WebviewBridge implements vscode.Disposable {
  private session: TrainingSession | undefined;
  private batch: StreamedEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
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
    // The snapshot already holds whatever was gathered.
    this.dropBatch();
    if (this.ready && this.session) this.post(this.session.store.snapshot(this.selected()));
  }

  private forward(e: WorkerEvent): void {
    if (e.type === 'run/weights' || !this.ready) return;
    if (!isStreamed(e)) {
      this.post(e);
      return;
    }
    this.batch.push(e);
    if (this.batch.length >= MAX_BATCH) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  /** Sends the gathered events now. */
  flush(): void {
    const messages = this.batch;
    this.dropBatch();
    if (messages.length && this.ready) void this.webview.postMessage({ type: 'batch', messages } satisfies HostToWebview);
  }

  private dropBatch(): void {
    this.batch = [];
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Sends a message if the webview has said it is ready (after any gathered events). */
  post(m: HostToWebview): void {
    this.flush();
    if (this.ready) void this.webview.postMessage(m);
  }

  dispose(): void {
    this.dropBatch();
    this.unsubscribe?.();
    while (this.subs.length) this.subs.pop()?.dispose();
  }
}
