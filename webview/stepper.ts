/**
 * The stepping view, shown while the run is paused with a stepping cursor: where the cursor stands in
 * words and numbers ("Step 5 of 14 · backward · affine2"), the batch's operations as a strip with the
 * current one marked, the loss once computed, and a card per tensor of the operation. Hidden while
 * training runs on (the cursor is then out of date).
 */
import type { LayerInfo, StepCursorEvent } from '../src/shared/protocol';
import type { ChartTheme } from './charts/theme';
import { el, setText, setHidden } from './dom';
import { formatSig4 } from './format';
import type { PanelState } from './state';
import { tensorCard, type TensorCard } from './tensorCard';

/** Whether the stepping view shows: a cursor exists and training is not running past it. */
export function stepperVisible(s: PanelState): boolean {
  return s.cursor !== null && s.state !== 'running' && s.state !== 'starting';
}

/** The layer the graph highlights for the cursor: a layer id or 'loss'; null for the update. */
export function stepLayer(s: PanelState): string | null {
  if (!stepperVisible(s) || !s.cursor || s.cursor.phase === 'update') return null;
  return s.cursor.phase === 'loss' ? 'loss' : s.cursor.layer;
}

/** `Step 5 of 14 · backward · affine2` */
export function stepLabel(c: StepCursorEvent): string {
  return `Step ${c.step} of ${c.steps} · ${c.label}`;
}

/** The operations of one batch, in order: forward per layer, the loss, backward per layer, update. */
export function operations(layers: readonly LayerInfo[]): string[] {
  return [
    ...layers.map((l) => `forward · ${l.id}`),
    'loss',
    ...layers
      .slice()
      .reverse()
      .map((l) => `backward · ${l.id}`),
    'update',
  ];
}

export class Stepper {
  private readonly label = el('p', { id: 'step-label', className: 'step-label', attrs: { 'aria-live': 'polite' } });
  private readonly loss = el('p', { id: 'step-loss', className: 'step-loss' });
  private readonly ops = el('ol', {
    id: 'step-ops',
    className: 'step-ops',
    attrs: { 'aria-label': 'Operations of this batch' },
  });
  private readonly cards = el('div', { id: 'step-tensors', className: 'tensor-cards' });
  private shown: { cursor: StepCursorEvent; layers: readonly LayerInfo[] | undefined } | null = null;
  private drawn: TensorCard[] = [];
  private theme: ChartTheme | null = null;
  private width = 0;

  constructor(private readonly section: HTMLElement) {
    section.setAttribute('aria-labelledby', 'stepper-title');
    section.append(
      el('h2', { id: 'stepper-title', className: 'section-title', text: 'Stepping through backprop' }),
      this.label,
      this.ops,
      this.loss,
      this.cards,
    );
  }

  update(s: PanelState, theme: ChartTheme): void {
    const visible = stepperVisible(s);
    setHidden(this.section, !visible);
    const c = s.cursor;
    if (!visible || !c) return;
    const layers = s.started?.layers;
    if (!this.shown || this.shown.cursor !== c || this.shown.layers !== layers) {
      this.shown = { cursor: c, layers };
      setText(this.label, `${stepLabel(c)} (iteration ${c.iteration})`);
      setHidden(this.loss, c.loss === null);
      setText(this.loss, c.loss === null ? '' : `loss ${formatSig4(c.loss)}`);
      this.showOps(c, layers ?? []);
      this.drawn = c.tensors.map(tensorCard);
      this.cards.replaceChildren(...this.drawn.map((d) => d.element));
      this.theme = null;
    }
    const width = this.cards.clientWidth;
    if (this.theme !== theme || this.width !== width) {
      this.theme = theme;
      this.width = width;
      for (const d of this.drawn) d.draw(theme);
    }
  }

  private showOps(c: StepCursorEvent, layers: readonly LayerInfo[]): void {
    const ops = operations(layers);
    setHidden(this.ops, ops.length !== c.steps);
    if (this.ops.hidden) return;
    this.ops.replaceChildren(
      ...ops.map((op, i) => {
        const n = i + 1;
        const state = n < c.step ? 'done' : n === c.step ? 'current' : 'todo';
        return el('li', {
          className: `step-op ${state}`,
          text: op,
          attrs: { 'data-step': String(n), ...(state === 'current' ? { 'aria-current': 'step' } : {}) },
        });
      }),
    );
  }
}
