/**
 * The panel's skeleton: header, layer graph, layer detail and the two charts, each chart with its
 * text alternative. Built once; the parts fill it in.
 */
import { el } from './dom';

/** The containers and canvases the parts draw into. */
export interface PanelLayout {
  header: HTMLElement;
  graph: HTMLElement;
  detail: HTMLElement;
  lossCanvas: HTMLCanvasElement;
  lossSummary: HTMLElement;
  accuracyCanvas: HTMLCanvasElement;
  accuracySummary: HTMLElement;
}

/** Replaces `root`'s content with the skeleton and returns its parts. */
export function buildLayout(root: HTMLElement): PanelLayout {
  const header = el('header', { id: 'header', className: 'panel-header' });
  const graph = el('section', { id: 'graph', className: 'graph', attrs: { 'aria-labelledby': 'graph-title' } });
  graph.append(el('h2', { id: 'graph-title', className: 'section-title', text: 'Layers' }));
  const detail = el('section', {
    id: 'layer-detail',
    className: 'layer-detail',
    attrs: { 'aria-label': 'Selected layer' },
  });
  const loss = chartFigure('loss', 'Loss per iteration');
  const accuracy = chartFigure('accuracy', 'Accuracy per epoch');
  root.replaceChildren(
    header,
    graph,
    detail,
    el('section', { id: 'charts', className: 'charts' }, [loss.figure, accuracy.figure]),
  );
  return {
    header,
    graph,
    detail,
    lossCanvas: loss.canvas,
    lossSummary: loss.summary,
    accuracyCanvas: accuracy.canvas,
    accuracySummary: accuracy.summary,
  };
}

function chartFigure(name: string, title: string) {
  const summary = el('p', { id: `${name}-summary`, className: 'chart-summary' });
  const canvas = el('canvas', {
    id: `${name}-chart`,
    attrs: { role: 'img', 'aria-label': title, 'aria-describedby': `${name}-summary` },
  });
  const figure = el('figure', { id: `${name}-figure`, className: 'chart-figure' }, [
    el('figcaption', { className: 'section-title', text: title }),
    el('div', { className: 'chart-box' }, [canvas]),
    summary,
  ]);
  return { figure, canvas, summary };
}
