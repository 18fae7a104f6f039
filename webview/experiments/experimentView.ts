/**
 * The experiment section: the experiment's name and set-up, its progress while it runs
 * (`experiment/progress`), and its result drawn the way the book's figures draw it. A result of an
 * unexpected shape is listed plainly instead.
 */
import type { ExperimentProgressEvent, ExperimentResultEvent } from '../../src/shared/protocol';
import type { ChartTheme } from '../charts/theme';
import { el, setText, setHidden } from '../dom';
import type { PanelState } from '../state';
import { batchnormGrid } from './batchnormGrid';
import { hyperparameterSearch } from './hyperparameterSearch';
import { initHistograms } from './initHistograms';
import { lossCurves } from './lossCurves';
import { overfitCurves } from './overfitCurves';
import type { ExperimentRenderer } from './renderer';
import { batchnormRuns, configSummary, initHistogramRuns, lossCurveRuns, overfitRuns, trials } from './results';

/** What the book's figure of each experiment shows, in one sentence. */
export const EXPERIMENT_NOTES: Record<string, string> = {
  'optimizer-compare':
    'Book §6.1.8: SGD, Momentum, AdaGrad and Adam from the same initial weights on the same mini-batches.',
  'weight-init-compare': 'Book §6.2.4: the same network trained from three initial weight scales.',
  'weight-init-histogram':
    'Book §6.2.2: how the initial weight scale shapes the outputs of five layers of 100 units, per activation.',
  batchnorm: 'Book §6.3.2: training with and without Batch Normalization from 16 initial weight scales.',
  'overfit-weight-decay': 'Book §6.4.1: 300 training images; L2 weight decay against none.',
  'overfit-dropout': 'Book §6.4.3: 300 training images; dropout against none.',
  'hyperparameter-search': 'Book §6.5: random search of the learning rate and the weight decay on a log scale.',
};

/** `42% · round 1/2 · trial 3/10 · lr 1.2e-3 · λ 3.1e-7` */
export function progressText(p: ExperimentProgressEvent): string {
  const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0;
  return `${pct}% · ${p.message}`;
}

/** The view of a result, or null when its shape is not one the panel knows. */
function rendererFor(e: ExperimentResultEvent, theme: ChartTheme): ExperimentRenderer | null {
  const { experiment, results, config } = e.result;
  switch (experiment) {
    case 'optimizer-compare':
    case 'weight-init-compare': {
      const runs = lossCurveRuns(results);
      return runs && runs.length ? lossCurves(experiment, runs, theme) : null;
    }
    case 'weight-init-histogram': {
      const runs = initHistogramRuns(results);
      return runs && runs.length ? initHistograms(runs, theme) : null;
    }
    case 'batchnorm': {
      const runs = batchnormRuns(results);
      const epochs = typeof config.epochs === 'number' ? config.epochs : (runs?.[0]?.withBn.length ?? 0);
      return runs && runs.length ? batchnormGrid(runs, epochs, theme) : null;
    }
    case 'overfit-weight-decay':
    case 'overfit-dropout': {
      const runs = overfitRuns(results);
      return runs && runs.length ? overfitCurves(runs, theme) : null;
    }
    case 'hyperparameter-search': {
      const ts = trials(results);
      return ts && ts.length ? hyperparameterSearch(ts, theme) : null;
    }
    default:
      return null;
  }
}

/** A plain listing of a result the panel has no view for. */
function fallback(e: ExperimentResultEvent): ExperimentRenderer {
  const text = JSON.stringify(e.result.results, null, 1);
  const element = el('div', { className: 'experiment-body' }, [
    el('p', {
      className: 'placeholder',
      text: `No figure for "${e.result.experiment}"; its ${e.result.results.length} results:`,
    }),
    el('pre', { className: 'raw-result', text: text.length > 4000 ? `${text.slice(0, 4000)}…` : text }),
  ]);
  return { element, setTheme: () => undefined, destroy: () => undefined };
}

export class ExperimentView {
  private readonly title = el('h2', { id: 'experiment-title', className: 'section-title' });
  private readonly config = el('p', { id: 'experiment-config', className: 'section-note' });
  private readonly note = el('p', { id: 'experiment-note', className: 'section-note' });
  private readonly bar = el('progress', { id: 'experiment-progress-bar', attrs: { max: '1', value: '0' } });
  private readonly progressLabel = el('span', { id: 'experiment-progress-text' });
  private readonly progress = el(
    'div',
    { id: 'experiment-progress', className: 'experiment-progress', attrs: { role: 'status' } },
    [this.bar, this.progressLabel],
  );
  private readonly body = el('div', { className: 'experiment-holder' });
  private renderer: ExperimentRenderer | null = null;
  private shown: ExperimentResultEvent | null = null;
  private theme: ChartTheme | null = null;

  constructor(private readonly section: HTMLElement) {
    section.setAttribute('aria-labelledby', 'experiment-title');
    this.bar.setAttribute('aria-labelledby', 'experiment-progress-text');
    section.append(this.title, this.note, this.config, this.progress, this.body);
  }

  update(s: PanelState, progress: ExperimentProgressEvent | null, theme: ChartTheme): void {
    const e = s.experiment;
    setHidden(this.section, !e && !progress);
    if (this.section.hidden) return;
    const name = progress?.name ?? e?.result.experiment ?? '';
    setText(this.title, `Experiment: ${name}`);
    setText(this.note, EXPERIMENT_NOTES[name] ?? '');
    setHidden(this.progress, !progress);
    if (progress) {
      this.bar.max = Math.max(1, progress.total);
      this.bar.value = progress.done;
      setText(this.progressLabel, progressText(progress));
    }
    const showResult = e && (!progress || progress.name !== e.result.experiment) ? e : null;
    this.section.dataset.experiment = name;
    if (showResult !== this.shown) {
      this.shown = showResult;
      this.renderer?.destroy();
      this.renderer = null;
      this.body.replaceChildren();
      if (showResult) {
        setText(this.config, `${configSummary(showResult.result.config)} · ran in ${showResult.seconds.toFixed(1)} s`);
        this.renderer = rendererFor(showResult, theme) ?? fallback(showResult);
        this.body.append(this.renderer.element);
      }
      this.theme = theme;
    }
    setHidden(this.config, !showResult);
    if (this.theme !== theme) {
      this.theme = theme;
      this.renderer?.setTheme(theme);
    }
    this.renderer?.resize?.();
  }
}
