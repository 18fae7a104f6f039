/**
 * The webview entry (bundled into dist/webview.js). Builds the panel, tells the host it is `ready`,
 * folds every valid host message into the state with the pure reducer and redraws at most once per
 * animation frame. Only the selected layer is kept with `setState` (UI-only state); everything about
 * the run comes from the host's snapshot and events.
 */
import { isHostToWebview, type WebviewToHost } from '../src/shared/protocol';
import { AccuracyChart } from './charts/accuracyChart';
import { LossChart } from './charts/lossChart';
import { observeTheme, readChartTheme } from './charts/theme';
import { setText } from './dom';
import { LayerGraph } from './graph';
import { Header } from './header';
import { LayerDetail } from './layerDetail';
import { buildLayout } from './layout';
import { initialState, type PanelState, reduce } from './state';
import { accuracySummary, lossSummary } from './summaries';
import { getVsCodeApi, readUiState } from './vscodeApi';

const vscode = getVsCodeApi();
const post = (msg: WebviewToHost) => vscode.postMessage(msg);
/** The selection saved before a reload, applied once the host's snapshot names the layers. */
let savedSelection = readUiState(vscode).selectedLayer;
let state: PanelState = initialState();

const root = document.getElementById('app') ?? document.body;
const layout = buildLayout(root);
const header = new Header(layout.header, (name) => post({ type: 'command', name }));
const graph = new LayerGraph(layout.graph, select);
const detail = new LayerDetail(layout.detail);
let theme = readChartTheme();
const lossChart = new LossChart(layout.lossCanvas, theme);
const accuracyChart = new AccuracyChart(layout.accuracyCanvas, theme);

observeTheme(() => {
  const next = readChartTheme();
  if (JSON.stringify(next) === JSON.stringify(theme)) return;
  theme = next;
  lossChart.setTheme(theme);
  accuracyChart.setTheme(theme);
});

let frame = 0;
function scheduleRender(): void {
  if (!frame) frame = requestAnimationFrame(render);
}

function render(): void {
  frame = 0;
  header.update(state);
  graph.update(state);
  detail.update(state);
  lossChart.update(state);
  accuracyChart.update(state);
  setText(layout.lossSummary, lossSummary(state));
  setText(layout.accuracySummary, accuracySummary(state));
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

render();
post({ type: 'ready' });
