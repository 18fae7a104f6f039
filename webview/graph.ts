/**
 * The layer graph: the input, one node per layer in order, and the loss, as an ordered list that
 * wraps onto more rows when the panel is narrow. Layer nodes are buttons (`data-layer-id`): a click,
 * Enter or Space selects one; arrow keys, Home and End move between them; Escape clears the
 * selection. Only one node is in the Tab order (the selected one, else the first), so Tab moves
 * past a 20-layer graph in one step. While stepping through backprop, the node of the current
 * operation (a layer, or the loss) carries `.step-current` and `aria-current="step"`.
 */
import type { LayerInfo, RunStartedEvent } from '../src/shared/protocol';
import { el, setHidden } from './dom';
import { formatParams, formatShape } from './format';
import type { PanelState } from './state';

/** Renders the graph into a container and reports selections made in it. */
export class LayerGraph {
  private readonly list: HTMLOListElement;
  private readonly empty: HTMLParagraphElement;
  private shownRun: RunStartedEvent | null | undefined = undefined;
  private shownSelection: string | null = null;
  private shownStep: string | null = null;
  private buttons: HTMLButtonElement[] = [];

  /** `onSelect` is called with the id of a layer the user selected, or null when cleared. */
  constructor(
    container: HTMLElement,
    private readonly onSelect: (id: string | null) => void,
  ) {
    this.empty = el('p', { className: 'placeholder', text: 'Waiting for a run to start…' });
    this.list = el('ol', { id: 'graph-nodes', className: 'graph-nodes', attrs: { 'aria-label': 'Layers, in order' } });
    this.list.addEventListener('click', (e) => this.onClick(e));
    this.list.addEventListener('keydown', (e) => this.onKey(e));
    container.append(this.empty, this.list);
  }

  /**
   * Rebuilds the nodes when the run changed and moves the highlights when the selection or the
   * stepping cursor's layer (`stepLayer`: a layer id, 'loss', or null) changed.
   */
  update(s: PanelState, stepLayer: string | null = null): void {
    if (s.started !== this.shownRun) {
      this.shownRun = s.started;
      this.build(s.started);
      this.shownSelection = null;
      this.shownStep = null;
    }
    if (stepLayer !== this.shownStep) {
      this.shownStep = stepLayer;
      this.list.querySelectorAll<HTMLElement>('.graph-node').forEach((n) => {
        const id = n.dataset.layerId ?? n.dataset.node;
        const on = stepLayer !== null && id === stepLayer;
        n.classList.toggle('step-current', on);
        if (on) n.setAttribute('aria-current', 'step');
        else n.removeAttribute('aria-current');
      });
    }
    if (s.selectedLayer !== this.shownSelection) {
      this.shownSelection = s.selectedLayer;
      let selected: HTMLButtonElement | undefined;
      for (const b of this.buttons) {
        const on = b.dataset.layerId === s.selectedLayer;
        b.classList.toggle('selected', on);
        b.setAttribute('aria-pressed', String(on));
        if (on) selected = b;
      }
      if (selected) {
        this.makeTabStop(selected);
        selected.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      }
    }
  }

  /** Puts `b` alone in the Tab order. */
  private makeTabStop(b: HTMLButtonElement): void {
    for (const other of this.buttons) other.tabIndex = other === b ? 0 : -1;
  }

  private build(run: RunStartedEvent | null): void {
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.layerId;
    this.list.replaceChildren();
    this.buttons = [];
    setHidden(this.empty, run !== null);
    setHidden(this.list, run === null);
    if (!run) return;
    const inShape = run.layers[0]?.inShape ?? run.spec.input;
    this.list.append(item(terminalNode('input', ['input', run.dataset.name, formatShape(inShape)]), false));
    for (const layer of run.layers) {
      const b = layerNode(layer);
      this.buttons.push(b);
      this.list.append(item(b, true));
    }
    if (this.buttons.length) this.makeTabStop(this.buttons[0]);
    this.buttons.find((b) => b.dataset.layerId === focused)?.focus();
    this.list.append(item(terminalNode('loss', ['loss', run.spec.loss ?? 'softmax-cross-entropy', 'scalar']), true));
  }

  private onClick(e: MouseEvent): void {
    const b = (e.target as Element).closest<HTMLButtonElement>('button[data-layer-id]');
    if (b) this.onSelect(b.dataset.layerId ?? null);
  }

  private onKey(e: KeyboardEvent): void {
    const i = this.buttons.indexOf(e.target as HTMLButtonElement);
    if (i < 0) return;
    const last = this.buttons.length - 1;
    const to: Record<string, number> = {
      ArrowLeft: i - 1,
      ArrowUp: i - 1,
      ArrowRight: i + 1,
      ArrowDown: i + 1,
      Home: 0,
      End: last,
    };
    if (e.key in to) {
      e.preventDefault();
      const b = this.buttons[Math.max(0, Math.min(last, to[e.key]))];
      this.makeTabStop(b);
      b.focus();
    } else if (e.key === 'Escape') {
      this.onSelect(null);
    }
  }
}

/** A list item holding a node, preceded by an arrow from the previous node. */
function item(node: HTMLElement, arrow: boolean): HTMLLIElement {
  const li = el('li', { className: 'graph-item' });
  if (arrow) li.append(el('span', { className: 'graph-arrow', text: '→', attrs: { 'aria-hidden': 'true' } }));
  li.append(node);
  return li;
}

/** The button of one layer: id, kind, output shape, parameter count. */
function layerNode(layer: LayerInfo): HTMLButtonElement {
  const shape = formatShape(layer.outShape);
  const params = formatParams(layer.paramCount);
  return el(
    'button',
    {
      className: `graph-node layer-node kind-${layer.kind}`,
      attrs: {
        type: 'button',
        'data-layer-id': layer.id,
        'aria-pressed': 'false',
        'aria-label': `${layer.id}, ${layer.kind}, output ${shape}, ${params}`,
        title: `${layer.id}: ${formatShape(layer.inShape)} → ${shape}`,
      },
    },
    [
      el('span', { className: 'node-id', text: layer.id }),
      el('span', { className: 'node-kind', text: layer.kind }),
      el('span', { className: 'node-shape', text: shape }),
      el('span', { className: 'node-params', text: params }),
    ],
  );
}

/** The input or loss node (not a layer, so not selectable): a label, then detail lines. */
function terminalNode(which: 'input' | 'loss', [label, kind, shape]: [string, string, string]): HTMLDivElement {
  return el('div', { className: `graph-node terminal-node node-${which}`, attrs: { 'data-node': which } }, [
    el('span', { className: 'node-id', text: label }),
    el('span', { className: 'node-kind', text: kind }),
    el('span', { className: 'node-shape', text: shape }),
  ]);
}
