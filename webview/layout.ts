/**
 * The panel's skeleton, in reading order: header, layer graph, stepping view, layer detail, loss and
 * accuracy, gradients, activation and weight histograms, filters, feature maps, gradient check,
 * experiment. Every chart has its text alternative next to it. Built once; the parts fill it in and
 * hide the sections that have nothing to show. The side-bar detail view gets the layer detail only.
 */
import { el } from './dom';

/** The containers and canvases the parts draw into. */
export interface PanelLayout {
  header: HTMLElement;
  graph: HTMLElement;
  stepper: HTMLElement;
  detail: HTMLElement;
  charts: HTMLElement;
  lossCanvas: HTMLCanvasElement;
  lossSummary: HTMLElement;
  accuracyCanvas: HTMLCanvasElement;
  accuracySummary: HTMLElement;
  gradients: HTMLElement;
  gradientCanvas: HTMLCanvasElement;
  gradientSummary: HTMLElement;
  updateRatioCanvas: HTMLCanvasElement;
  updateRatioSummary: HTMLElement;
  activations: HTMLElement;
  weights: HTMLElement;
  filters: HTMLElement;
  featureMaps: HTMLElement;
  gradcheck: HTMLElement;
  experiment: HTMLElement;
}

const section = (id: string, label?: string) =>
  el('section', { id, className: `panel-section ${id}`, attrs: label ? { 'aria-label': label } : {} });

/** Replaces `root`'s content with the skeleton and returns its parts. */
export function buildLayout(root: HTMLElement): PanelLayout {
  const header = el('header', { id: 'header', className: 'panel-header' });
  const graph = el('section', { id: 'graph', className: 'graph', attrs: { 'aria-labelledby': 'graph-title' } });
  graph.append(el('h2', { id: 'graph-title', className: 'section-title', text: 'Layers' }));
  const detail = section('layer-detail', 'Selected layer');
  const loss = chartFigure('loss', 'Loss per iteration');
  const accuracy = chartFigure('accuracy', 'Accuracy per epoch');
  const charts = el('section', { id: 'charts', className: 'charts' }, [loss.figure, accuracy.figure]);
  const gradient = chartFigure('gradient', 'Gradient norm per parameter');
  const ratio = chartFigure('update-ratio', 'Update / weight ratio per parameter');
  const gradients = section('gradients');
  gradients.setAttribute('aria-labelledby', 'gradients-title');
  gradients.append(
    el('h2', { id: 'gradients-title', className: 'section-title', text: 'Gradients' }),
    el('div', { className: 'charts' }, [gradient.figure, ratio.figure]),
  );
  const parts = {
    stepper: section('stepper'),
    activations: section('activation-histograms'),
    weights: section('weight-histograms'),
    filters: section('filter-grid'),
    featureMaps: section('feature-maps'),
    gradcheck: section('gradcheck'),
    experiment: section('experiment'),
  };
  root.replaceChildren(
    header,
    graph,
    parts.stepper,
    detail,
    charts,
    gradients,
    parts.activations,
    parts.weights,
    parts.filters,
    parts.featureMaps,
    parts.gradcheck,
    parts.experiment,
  );
  return {
    header,
    graph,
    detail,
    charts,
    lossCanvas: loss.canvas,
    lossSummary: loss.summary,
    accuracyCanvas: accuracy.canvas,
    accuracySummary: accuracy.summary,
    gradients,
    gradientCanvas: gradient.canvas,
    gradientSummary: gradient.summary,
    updateRatioCanvas: ratio.canvas,
    updateRatioSummary: ratio.summary,
    ...parts,
  };
}

/** The side-bar detail view's skeleton: the layer detail alone. */
export function buildDetailLayout(root: HTMLElement): { detail: HTMLElement } {
  const detail = section('layer-detail', 'Selected layer');
  detail.classList.add('detail-only');
  root.replaceChildren(detail);
  return { detail };
}

/** A figure with a caption, a chart canvas (`NAME-chart`) and its text alternative (`NAME-summary`). */
export function chartFigure(name: string, title: string, boxClass = 'chart-box') {
  const summary = el('p', { id: `${name}-summary`, className: 'chart-summary' });
  const canvas = el('canvas', {
    id: `${name}-chart`,
    attrs: { role: 'img', 'aria-label': title, 'aria-describedby': `${name}-summary` },
  });
  const figure = el('figure', { id: `${name}-figure`, className: 'chart-figure' }, [
    el('figcaption', { className: 'section-title', text: title }),
    el('div', { className: boxClass }, [canvas]),
    summary,
  ]);
  return { figure, canvas, summary };
}
