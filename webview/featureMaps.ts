/**
 * Feature maps: pick a test image by index (Show, or Enter in the field, asks the host for
 * `probe/featureMaps`); the panel shows the image, its label and the network's prediction, and for
 * every layer with image-shaped output (conv1, relu1, pool1, …) a grid of its channel maps, each
 * scaled to its own range (white = strongest). Shown for networks with such layers.
 */
import type { FeatureMapsEvent, RunStartedEvent } from '../src/shared/protocol';
import { greyMap } from './canvas/colors';
import { drawPlane, scaleFor } from './canvas/image';
import { el, setText, setHidden, setDisabled } from './dom';
import { formatSides } from './format';
import type { PanelState } from './state';

/** Pixels the side of a map aims at, and of the input image. */
const MAP_SIDE = 44;
const IMAGE_SIDE = 112;

/** `Test image 0: label 7, predicted 7 (correct).` */
export function featureResult(f: FeatureMapsEvent): string {
  const verdict = f.label === f.predicted ? 'correct' : 'wrong';
  return `Test image ${f.index}: label ${f.label}, predicted ${f.predicted} (${verdict}).`;
}

/** Whether a run has layers whose outputs are images (channels × height × width). */
export function hasImageLayers(run: RunStartedEvent | null): boolean {
  return run?.layers.some((l) => l.outShape.length === 3) ?? false;
}

export class FeatureMaps {
  private readonly input = el('input', {
    id: 'feature-index',
    attrs: { type: 'number', min: '0', step: '1', value: '0', inputmode: 'numeric' },
  });
  private readonly button = el('button', { id: 'btn-feature-maps', text: 'Show', attrs: { type: 'submit' } });
  private readonly result = el('p', {
    id: 'feature-result',
    className: 'feature-result',
    attrs: { 'aria-live': 'polite' },
  });
  private readonly image = el('canvas', { id: 'feature-input', className: 'pixel-image', attrs: { role: 'img' } });
  private readonly imageBox = el('figure', { className: 'feature-input' }, [
    this.image,
    el('figcaption', { text: 'input image' }),
  ]);
  private readonly layers = el('div', { id: 'feature-layers', className: 'feature-layers' });
  private readonly hint = el('p', {
    className: 'placeholder',
    text: 'Choose a test image and press Show to see what each layer makes of it.',
  });
  private readonly status = el('p', { id: 'feature-status', className: 'section-note', attrs: { role: 'status' } });
  private shown: FeatureMapsEvent | null = null;
  /** The index asked for and not yet answered. */
  private pending: number | null = null;

  constructor(
    private readonly section: HTMLElement,
    request: (index: number) => void,
  ) {
    const form = el('form', { className: 'feature-form', attrs: { 'aria-label': 'Test image' } }, [
      el('label', { text: 'Test image', attrs: { for: 'feature-index' } }),
      this.input,
      this.button,
    ]);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const index = Math.floor(Number(this.input.value));
      if (!Number.isFinite(index) || index < 0) return;
      this.pending = index;
      setText(this.status, `Computing the feature maps of test image ${index}…`);
      setHidden(this.status, false);
      setHidden(this.hint, true);
      request(index);
    });
    section.setAttribute('aria-labelledby', 'feature-maps-title');
    section.append(
      el('h2', { id: 'feature-maps-title', className: 'section-title', text: 'Feature maps' }),
      form,
      this.status,
      this.hint,
      el('div', { className: 'feature-head' }, [this.imageBox, this.result]),
      this.layers,
    );
  }

  update(s: PanelState): void {
    const f = s.featureMaps;
    setHidden(this.section, !f && !hasImageLayers(s.started));
    if (this.section.hidden) return;
    setDisabled(this.button, !s.started);
    if (s.started) this.input.max = String(Math.max(0, s.started.dataset.test - 1));
    setHidden(this.hint, f !== null || this.pending !== null);
    setHidden(this.status, this.pending === null);
    setHidden(this.imageBox, f === null);
    setHidden(this.result, f === null);
    if (!f || f === this.shown) return;
    this.shown = f;
    // The answer (the worker clamps the index to the test set, so it may differ from the question).
    this.pending = null;
    setHidden(this.status, true);
    setText(this.result, featureResult(f));
    this.image.setAttribute('aria-label', `Test image ${f.index}, a handwritten ${f.label}`);
    drawPlane(this.image, f.image.data, 0, f.image.h, f.image.w, scaleFor(f.image.h, IMAGE_SIDE), greyMap);
    this.layers.replaceChildren(...f.layers.map((l) => layerMaps(l)));
  }
}

/** One layer's maps under a heading: `conv1 · 30 maps of 24 × 24`. */
function layerMaps(l: FeatureMapsEvent['layers'][number]): HTMLElement {
  const scale = scaleFor(Math.max(l.h, l.w), MAP_SIDE);
  const size = l.h * l.w;
  const title = `${l.id} · ${l.channels} ${l.channels === 1 ? 'map' : 'maps'} of ${formatSides(l.h, l.w)}`;
  const maps = Array.from({ length: l.channels }, (_, c) => {
    const canvas = el('canvas', {
      className: 'pixel-image',
      attrs: {
        role: 'listitem',
        'data-channel': String(c),
        'aria-label': `${l.id} channel ${c + 1}`,
        title: `channel ${c + 1}`,
      },
    });
    drawPlane(canvas, l.data, c * size, l.h, l.w, scale, greyMap);
    return canvas;
  });
  return el('div', { className: 'feature-layer', attrs: { 'data-layer-id': l.id } }, [
    el('h3', { className: 'subsection-title', text: title }),
    el('div', { className: 'image-grid', attrs: { role: 'list', 'aria-label': title } }, maps),
  ]);
}
