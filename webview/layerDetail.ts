/**
 * The layer-detail strip: the selected layer's shapes and, for each of its parameters, its shape
 * and the latest statistics from `probe/params` (mean, std, ‖W‖, ‖dW‖).
 */
import type { LayerInfo, ParamStats } from '../src/shared/protocol';
import { el } from './dom';
import { formatNumber, formatParams, formatShape } from './format';
import type { PanelState } from './state';

/** A parameter's short name: `W` for `affine1.W`. */
export function shortParamName(layer: string, name: string): string {
  return name.startsWith(`${layer}.`) ? name.slice(layer.length + 1) : name;
}

/** Renders the strip into a container. */
export class LayerDetail {
  private shown: { run: PanelState['started']; layer: LayerInfo | null; params: PanelState['params'] } | null = null;

  constructor(private readonly root: HTMLElement) {}

  /** Redraws when the selected layer or its statistics changed. */
  update(s: PanelState): void {
    const layer = s.started?.layers.find((l) => l.id === s.selectedLayer) ?? null;
    const params = layer ? s.params : null;
    const sh = this.shown;
    if (sh && sh.run === s.started && sh.layer === layer && sh.params === params) return;
    this.shown = { run: s.started, layer, params };
    this.root.replaceChildren(...(layer ? this.describe(layer, s) : [hint(s)]));
  }

  private describe(layer: LayerInfo, s: PanelState): Node[] {
    const heading = el('h2', { id: 'layer-detail-title' }, [
      el('span', { className: 'detail-id', text: layer.id }),
      el('span', { className: 'detail-kind', text: layer.kind }),
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
    const cols = ['parameter', 'shape', 'mean', 'std', '‖W‖', '‖dW‖'];
    const rows = layer.params.map((p) => {
      const name = shortParamName(layer.id, p.name);
      const st = stats.get(name);
      const num = (x: number | undefined) =>
        el('td', { className: 'num', text: x === undefined ? '—' : formatNumber(x) });
      return el('tr', { attrs: { 'data-param': p.name } }, [
        el('th', { text: name, attrs: { scope: 'row' } }),
        el('td', { className: 'num', text: formatShape(p.shape) }),
        num(st?.mean),
        num(st?.std),
        num(st?.norm),
        num(st?.gradNorm),
      ]);
    });
    const table = el('table', { id: 'param-table', className: 'param-table' }, [
      el('caption', { text: when }),
      el('thead', {}, [
        el(
          'tr',
          {},
          cols.map((c, i) => el('th', { text: c, className: i > 0 ? 'num' : '', attrs: { scope: 'col' } })),
        ),
      ]),
      el('tbody', {}, rows),
    ]);
    return [heading, facts, table];
  }
}

function hint(s: PanelState): HTMLElement {
  const text = s.started ? 'Select a layer in the graph to see its parameters.' : 'No run yet.';
  return el('p', { className: 'placeholder', text });
}
