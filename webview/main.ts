/**
 * The webview entry (bundled into dist/webview.js). Builds the training panel, or the side-bar detail
 * view when the document says `data-mode="detail"`, tells the host it is `ready`, folds every valid
 * host message into the state with the pure reducer and redraws at most once per animation frame
 * (and after a resize or a theme change). Only the selected layer is kept with `setState` (UI-only
 * state), and the latest experiment progress beside the state; everything about the run comes from
 * the host's snapshot and events.
 */
import { isHostToWebview, type ExperimentProgressEvent, type WebviewToHost } from '../src/shared/protocol';
import { observeTheme, readChartTheme } from './charts/theme';
import { initialState, type PanelState, reduce, reduceProgress } from './state';
import { DetailView, PanelView, type View } from './views';
import { getVsCodeApi, readUiState } from './vscodeApi';

const vscode = getVsCodeApi();
const post = (msg: WebviewToHost) => vscode.postMessage(msg);
const detailMode = document.body.dataset.mode === 'detail';
/** The selection saved before a reload, applied once the host's snapshot names the layers (panel only). */
let savedSelection = detailMode ? null : readUiState(vscode).selectedLayer;
let state: PanelState = initialState();
let progress: ExperimentProgressEvent | null = null;
let theme = readChartTheme();

const root = document.getElementById('app') ?? document.body;
const view: View = detailMode ? new DetailView(root, post) : new PanelView(root, theme, post, select);

observeTheme(() => {
  const next = readChartTheme();
  if (JSON.stringify(next) === JSON.stringify(theme)) return;
  theme = next;
  view.setTheme({ state, progress, theme });
});

let frame = 0;
function scheduleRender(): void {
  if (!frame) frame = requestAnimationFrame(render);
}

function render(): void {
  frame = 0;
  view.render({ state, progress, theme });
}

/** Selects a layer in the view (or clears the selection), tells the host and remembers it. */
function select(id: string | null): void {
  if (id === state.selectedLayer) return;
  state = reduce(state, { type: 'select/layer', id });
  post({ type: 'select/layer', id });
  remember();
  scheduleRender();
}

function remember(): void {
  if (detailMode) return;
  savedSelection = state.selectedLayer;
  vscode.setState({ selectedLayer: state.selectedLayer });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const msg = event.data;
  if (!isHostToWebview(msg)) {
    console.warn('Scratchnet: dropped a message that is not a valid HostToWebview message', msg);
    return;
  }
  state = reduce(state, msg);
  progress = reduceProgress(progress, msg);
  if (msg.type === 'snapshot' && msg.selectedLayer === null && savedSelection !== null) {
    const id = savedSelection;
    if (state.started?.layers.some((l) => l.id === id)) {
      select(id);
      return;
    }
  }
  if (msg.type === 'select/layer' || msg.type === 'snapshot' || msg.type === 'run/started') remember();
  scheduleRender();
});

window.addEventListener('resize', scheduleRender);

render();
post({ type: 'ready' });
