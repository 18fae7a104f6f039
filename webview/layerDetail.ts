/**
 * The layer-detail strip: the selected layer's shapes, for each of its parameters its shape and the
 * latest statistics from `probe/params` (mean, std, ‖W‖, ‖dW‖), and the layer's histograms: its
 * output (from the activation probe) and each of its weight tensors. In the side-bar detail view it
 * also offers "Reveal in Graph".
 */
import type { LayerInfo, ParamStats } from '../src/shared/protocol';
import type { ChartTheme } from './charts/theme';
import { el, setHidden } from './dom';
import { formatNumber, formatParams, formatShape } from './format';
import { HistogramGrid } from './histogramGrid';
import { activationItems, weightItems } from './histograms';
import type { PanelState } from './state';

/** A parameter's short name: `W` for `affine1.W`. */
export function shortParamName(layer: string, name: string): string {
  return name.startsWith(`${layer}.`) ? name.slice(layer.length + 1) : name;
}

/** Options of the strip. */
export interface LayerDetailOptions {
  /** Called by the "Reveal in Graph" button (detail view only; without it there is no button). */
  reveal?: (id: string) => void;
}

/** Renders the strip into a container. */
export class LayerDetail {
  private shown: { run: PanelState['started']; layer: LayerInfo | null; params: PanelState['params'] } | null = null;
  private readonly info = el('div', { className: 'detail-info' });
  private readonly activation = new HistogramGrid('data-layer-id', 'detail-activation');
  private readonly weights = new HistogramGrid('data-param', 'detail-weights');
  private readonly hists = el('div', { id: 'detail-histograms', className: 'detail-histograms' }, [
    el('h3', { className: 'subsection-title', text: 'Histograms' }),
    el('div', { className: 'hist-grid-row' }, [this.activation.element, this.weights.element]),
  ]);
  private readonly revealButton: HTMLButtonElement | null = null;

  constructor(
    root: HTMLElement,
    private readonly opts: LayerDetailOptions = {},
  ) {
    if (opts.reveal) {
      const reveal = opts.reveal;
      this.revealButton = el('button', {
        id: 'btn-reveal',
        className: 'reveal',
        text: 'Reveal in Graph',
        attrs: { type: 'button' },
      });
      this.revealButton.addEventListener('click', () => {
        const id = this.shown?.layer?.id;
        if (id) reveal(id);
      });
    }
    root.append(this.info, this.hists);
  }

  /** Redraws when the selected layer or its statistics changed (histogram canvases only with `draw`). */
  update(s: PanelState, theme: ChartTheme, draw = true): void {
    const layer = s.started?.layers.find((l) => l.id === s.selectedLayer) ?? null;
    const params = layer ? s.params : null;
    const sh = this.shown;
    if (!sh || sh.run !== s.started || sh.layer !== layer || sh.params !== params) {
      this.shown = { run: s.started, layer, params };
      this.info.replaceChildren(...(layer ? this.describe(layer, s) : [this.hint(s)]));
    }
    const act = layer ? activationItems(s.activations, s.started?.layers).filter((i) => i.key === layer.id) : [];
    const weights = layer && layer.params.length ? weightItems(s.weightHistograms, layer.id) : [];
    setHidden(this.hists, act.length + weights.length === 0);
    this.activation.update(act, theme, draw);
    this.weights.update(weights, theme, draw);
  }

  private describe(layer: LayerInfo, s: PanelState): Node[] {
    const heading = el('h2', { id: 'layer-detail-title' }, [
      el('span', { className: 'detail-id', text: layer.id }),
      el('span', { className: 'detail-kind', text: layer.kind }),
      ...(this.revealButton ? [this.revealButton] : []),
    ]);
    const facts = el('p', {
      className: 'detail-facts',
      text: `${formatShape(layer.inShape)} → ${formatShape(layer.outShape)} · ${formatParams(layer.paramCount)}`,
    });
    if (layer.params.length === 0) {
      return [heading, facts, el('p', { className: 'placeholder', text: `${layer.id} has no learnable parameters.` })];
    }
    const stats = new Map<string, ParamStats>();
    for (const p of s.params?.stats ?? []) if (p.layer === layer.id) stats.set(shortParamName(layer.id, p.name), p);
    const when = s.params
      ? `Statistics at iteration ${s.params.iteration}.`
      : 'Statistics appear after the first probe.';
    const table = this.opts.reveal ? narrowTable(layer, stats, when) : wideTable(layer, stats, when);
    return [heading, facts, el('div', { className: 'table-scroll' }, [table])];
  }

  private hint(s: PanelState): HTMLElement {
    const where = this.opts.reveal ? 'the Layers view or the training panel' : 'the graph';
    const text = s.started ? `Select a layer in ${where} to see its parameters.` : 'No run yet.';
    return el('p', { className: 'placeholder', text });
  }
}

/** The figures of a parameter's row or column: shape, mean, std, ‖W‖, ‖dW‖. */
const FIGURES: [string, (p: LayerInfo['params'][number], st: ParamStats | undefined) => string][] = [
  ['shape', (p) => formatShape(p.shape)],
  ['mean', (_, st) => (st ? formatNumber(st.mean) : '—')],
  ['std', (_, st) => (st ? formatNumber(st.std) : '—')],
  ['‖W‖', (_, st) => (st ? formatNumber(st.norm) : '—')],
  ['‖dW‖', (_, st) => (st ? formatNumber(st.gradNorm) : '—')],
];

/** The panel's table: a row per parameter (`data-param`), a column per figure. */
function wideTable(layer: LayerInfo, stats: Map<string, ParamStats>, when: string): HTMLTableElement {
  const rows = layer.params.map((p) => {
    const name = shortParamName(layer.id, p.name);
    const st = stats.get(name);
    return el('tr', { attrs: { 'data-param': p.name } }, [
      el('th', { text: name, attrs: { scope: 'row' } }),
      ...FIGURES.map(([, f]) => el('td', { className: 'num', text: f(p, st) })),
    ]);
  });
  return el('table', { id: 'param-table', className: 'param-table' }, [
    el('caption', { text: when }),
    el('thead', {}, [
      el('tr', {}, [
        el('th', { text: 'parameter', attrs: { scope: 'col' } }),
        ...FIGURES.map(([c]) => el('th', { text: c, className: 'num', attrs: { scope: 'col' } })),
      ]),
    ]),
    el('tbody', {}, rows),
  ]);
}

/** The side bar's table: a column per parameter (`data-param` on its header), a row per figure. */
function narrowTable(layer: LayerInfo, stats: Map<string, ParamStats>, when: string): HTMLTableElement {
  const short = layer.params.map((p) => shortParamName(layer.id, p.name));
  return el('table', { id: 'param-table', className: 'param-table narrow' }, [
    el('caption', { text: when }),
    el('thead', {}, [
      el('tr', {}, [
        el('td'),
        ...layer.params.map((p, i) =>
          el('th', { text: short[i], className: 'num', attrs: { scope: 'col', 'data-param': p.name } }),
        ),
      ]),
    ]),
    el(
      'tbody',
      {},
      FIGURES.map(([c, f]) =>
        el('tr', {}, [
          el('th', { text: c, attrs: { scope: 'row' } }),
          ...layer.params.map((p, i) => el('td', { className: 'num', text: f(p, stats.get(short[i])) })),
        ]),
      ),
    ),
  ]);
}
