/**
 * The two ways the webview shows a run: the training panel (every section, in reading order) and
 * the side-bar detail view (the selected layer only). Each builds its parts once and redraws them
 * from the state; the parts skip work when their data, theme and size did not change.
 */
import type { ExperimentProgressEvent, WebviewToHost } from '../src/shared/protocol';
import { AccuracyChart } from './charts/accuracyChart';
import { LossChart } from './charts/lossChart';
import type { ChartTheme } from './charts/theme';
import { setText, setHidden } from './dom';
import { ExperimentView } from './experiments/experimentView';
import { FeatureMaps } from './featureMaps';
import { FilterGrid } from './filters';
import { Gradcheck } from './gradcheck';
import { Gradients } from './gradients';
import { LayerGraph } from './graph';
import { Header } from './header';
import { Histograms } from './histograms';
import { LayerDetail } from './layerDetail';
import { buildDetailLayout, buildLayout } from './layout';
import type { PanelState } from './state';
import { Stepper, stepLayer } from './stepper';
import { accuracySummary, lossSummary } from './summaries';

/** Least time between two drawings of the secondary canvases for streamed data (ms). */
const SECONDARY_MS = 1000;

/** What a view draws from. */
export interface ViewInput {
  state: PanelState;
  /** The running experiment's latest progress (UI-only state). */
  progress: ExperimentProgressEvent | null;
  theme: ChartTheme;
}

/** A way of showing the run. */
export interface View {
  /**
   * Brings the view in line with the state. `streamed`: only streamed data changed (metrics,
   * probes), so canvases of sections off screen may wait until they are scrolled into view.
   */
  render(input: ViewInput, streamed?: boolean): void;
  /** The theme changed: recolour what does not redraw on its own. */
  setTheme(input: ViewInput): void;
}

/** The training panel. */
export class PanelView implements View {
  private readonly layout;
  private readonly header;
  private readonly graph;
  private readonly stepper;
  private readonly detail;
  private readonly lossChart;
  private readonly accuracyChart;
  private readonly gradients;
  private readonly histograms;
  private readonly filters;
  private readonly featureMaps;
  private readonly gradcheck;
  private readonly experiment;
  /** The drawn sections now within (or near) the viewport. */
  private readonly onScreen = new Set<Element>();

  constructor(
    root: HTMLElement,
    theme: ChartTheme,
    post: (m: WebviewToHost) => void,
    select: (id: string | null) => void,
    /** Asks for a full render (a section came into view). */
    requestRender: () => void = () => {},
  ) {
    const layout = buildLayout(root);
    this.layout = layout;
    // Canvases off screen are not redrawn for streamed data (the renderer's time is the training
    // worker's on two cores); a section coming into view is drawn at once.
    if (typeof IntersectionObserver === 'function') {
      const io = new IntersectionObserver(
        (entries) => {
          let appeared = false;
          for (const e of entries) {
            if (e.isIntersecting) {
              appeared ||= !this.onScreen.has(e.target);
              this.onScreen.add(e.target);
            } else this.onScreen.delete(e.target);
          }
          if (appeared) requestRender();
        },
        { rootMargin: '100px' },
      );
      for (const s of [
        layout.charts,
        layout.gradients,
        layout.activations,
        layout.weights,
        layout.filters,
        layout.detail,
      ])
        io.observe(s);
    } else {
      this.draw = () => true;
    }
    this.header = new Header(layout.header, (name) => post({ type: 'command', name }));
    this.graph = new LayerGraph(layout.graph, select);
    this.stepper = new Stepper(layout.stepper);
    this.detail = new LayerDetail(layout.detail);
    this.lossChart = new LossChart(layout.lossCanvas, theme);
    this.accuracyChart = new AccuracyChart(layout.accuracyCanvas, theme);
    this.gradients = new Gradients(layout, theme);
    this.histograms = new Histograms(layout.activations, layout.weights);
    this.filters = new FilterGrid(layout.filters);
    this.featureMaps = new FeatureMaps(layout.featureMaps, (index) => post({ type: 'probe/featureMaps', index }));
    this.gradcheck = new Gradcheck(layout.gradcheck);
    this.experiment = new ExperimentView(layout.experiment);
  }

  /** Whether a section's canvases are drawn in this render. */
  private draw = (section: HTMLElement, streamed: boolean): boolean => !streamed || this.onScreen.has(section);
  /**
   * When the secondary canvases (accuracy, gradients, histograms, filters, the layer's detail) were
   * last drawn for streamed data: they follow at most once a second, the loss chart and the texts
   * at every render. Drawing the gradient charts at every render was most of the panel's cost.
   */
  private lastSecondary = -Infinity;

  render({ state: s, progress, theme }: ViewInput, streamed = false): void {
    const l = this.layout;
    const now = performance.now();
    const secondary = !streamed || now - this.lastSecondary >= SECONDARY_MS;
    if (secondary) this.lastSecondary = now;
    const drawNow = (section: HTMLElement) => this.draw(section, streamed);
    const draw = (section: HTMLElement) => secondary && this.draw(section, streamed);
    // An experiment without a training run has no graph, layers or loss to show.
    const experimentOnly = !s.started && (s.experiment !== null || progress !== null);
    setHidden(l.graph, experimentOnly);
    setHidden(l.detail, experimentOnly);
    setHidden(l.charts, experimentOnly);
    this.header.update(s, progress);
    this.graph.update(s, stepLayer(s));
    this.stepper.update(s, theme);
    this.detail.update(s, theme, draw(l.detail));
    if (!experimentOnly) {
      if (drawNow(l.charts)) this.lossChart.update(s);
      if (draw(l.charts)) this.accuracyChart.update(s);
      setText(l.lossSummary, lossSummary(s));
      setText(l.accuracySummary, accuracySummary(s));
    }
    this.gradients.update(s, draw(l.gradients));
    this.histograms.update(s, theme, draw);
    this.filters.update(s, draw(l.filters));
    this.featureMaps.update(s);
    this.gradcheck.update(s);
    this.experiment.update(s, progress, theme);
  }

  setTheme(input: ViewInput): void {
    this.lossChart.setTheme(input.theme);
    this.accuracyChart.setTheme(input.theme);
    this.gradients.setTheme(input.theme, input.state);
    this.render(input);
  }
}

/** The side-bar detail view: the selected layer's detail and "Reveal in Graph". */
export class DetailView implements View {
  private readonly detail: LayerDetail;

  constructor(root: HTMLElement, post: (m: WebviewToHost) => void) {
    const { detail } = buildDetailLayout(root);
    this.detail = new LayerDetail(detail, { reveal: (id) => post({ type: 'reveal/layer', id }) });
  }

  render({ state, theme }: ViewInput): void {
    this.detail.update(state, theme);
  }

  setTheme(input: ViewInput): void {
    this.render(input);
  }
}
