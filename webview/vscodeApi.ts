/**
 * The webview side of VS Code's webview API, typed with the protocol: messages to the host and the
 * UI-only state VS Code keeps while the panel is hidden or reloaded.
 */
import type { WebviewToHost } from '../src/shared/protocol';

/** State that belongs to the view only (the run's state always comes from the host). */
export interface UiState {
  selectedLayer: string | null;
}

/** What `acquireVsCodeApi()` returns, narrowed to this panel's messages and state. */
export interface VsCodeApi {
  postMessage(msg: WebviewToHost): void;
  getState(): UiState | undefined;
  setState(state: UiState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** Acquires the API (it may be acquired only once per page). */
export function getVsCodeApi(): VsCodeApi {
  return acquireVsCodeApi();
}

/** Reads the saved UI state, tolerating anything unexpected that was stored. */
export function readUiState(api: VsCodeApi): UiState {
  const s: unknown = api.getState();
  if (typeof s === 'object' && s !== null && 'selectedLayer' in s) {
    const id = (s as { selectedLayer: unknown }).selectedLayer;
    if (typeof id === 'string') return { selectedLayer: id };
  }
  return { selectedLayer: null };
}
