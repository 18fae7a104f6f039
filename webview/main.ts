/**
 * The webview entry (bundled into dist/webview.js). Builds the training panel, or the side-bar detail
 * view when the document says `data-mode="detail"`, tells the host it is `ready`, folds every valid
 * host message into the state with the pure reducer and redraws at most once per animation frame
 * (and after a resize or a theme change); what streams while training is drawn at most four times a
 * second. Only the selected layer is kept with `setState` (UI-only state), and the latest experiment progress beside the state; everything about the run comes from
 * the host's snapshot and events.
 */
import {
  isHostToWebview,
  STREAMED_EVENT_TYPES,
  type ExperimentProgressEvent,
  type WebviewToHost,
} from '../src/shared/protocol';
import { observeTheme, readChartTheme } from './charts/theme';
import { initialState, type PanelState, reduce, reduceProgress } from './state';
import { DetailView, PanelView, type View } from './views';
import { RenderScheduler } from './renderPacing';
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
const view: View = detailMode
  ? new DetailView(root, post)
  : new PanelView(root, theme, post, select, () => scheduleRender());

observeTheme(() => {
  const next = readChartTheme();
  if (JSON.stringify(next) === JSON.stringify(theme)) return;
  theme = next;
  view.setTheme({ state, progress, theme });
});

/**
 * Messages that stream while training runs. They are folded into the state at once but drawn at
 * most every 500 ms, less often where drawing is slow (RenderScheduler, RenderPacing): the panel
 * stays live while the renderer leaves the CPU to the training worker (on two cores, drawing every
 * message cost the worker a tenth of its speed). Everything else (a click, a step, a state change,
 * a snapshot) draws on the next frame.
 */
const STREAMED = new Set<string>(['batch', ...STREAMED_EVENT_TYPES]);
const scheduler = new RenderScheduler((streamedOnly) => view.render({ state, progress, theme }, streamedOnly));
const scheduleRender = (streamed = false): void => scheduler.request(streamed);

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
  scheduleRender(STREAMED.has(msg.type));
});

window.addEventListener('resize', () => scheduleRender());

scheduler.render();
post({ type: 'ready' });
