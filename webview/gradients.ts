/**
 * The gradients section: gradient norm per parameter over time and the update/weight ratio over time,
 * both on log scales, each with a one-line summary, and a table of the latest values (the charts'
 * full text alternative) behind a disclosure. Hidden until the first gradient probe.
 */
import { ParamSeriesChart } from './charts/paramSeriesChart';
import type { ChartTheme } from './charts/theme';
import { el, setText, setHidden } from './dom';
import { formatNumber } from './format';
import type { PanelLayout } from './layout';
import type { PanelState } from './state';
import { gradientSummary, updateRatioSummary } from './summaries';

export class Gradients {
  private readonly norms: ParamSeriesChart;
  private readonly ratios: ParamSeriesChart;
  private readonly body = el('tbody');
  private readonly caption = el('caption');
  private shown: readonly number[] | null = null;

  constructor(
    private readonly layout: Pick<
      PanelLayout,
      'gradients' | 'gradientCanvas' | 'gradientSummary' | 'updateRatioCanvas' | 'updateRatioSummary'
    >,
    theme: ChartTheme,
  ) {
    this.norms = new ParamSeriesChart(layout.gradientCanvas, theme, 'gradNorm');
    this.ratios = new ParamSeriesChart(layout.updateRatioCanvas, theme, 'updateRatio');
    const head = el(
      'tr',
      {},
      ['parameter', 'layer', '‖gradient‖', '‖update‖ / ‖weights‖'].map((c, i) =>
        el('th', { text: c, className: i > 1 ? 'num' : '', attrs: { scope: 'col' } }),
      ),
    );
    layout.gradients.append(
      el('details', { className: 'values' }, [
        el('summary', { text: 'Latest values as a table' }),
        el('table', { id: 'gradient-table', className: 'param-table' }, [
          this.caption,
          el('thead', {}, [head]),
          this.body,
        ]),
      ]),
    );
  }

  /** Shows the state's gradient history; the charts are redrawn only with `draw` (texts always). */
  update(s: PanelState, draw = true): void {
    setHidden(this.layout.gradients, s.gradientIterations.length === 0);
    if (s.gradientIterations.length === 0) return;
    if (draw) {
      this.norms.update(s);
      this.ratios.update(s);
    }
    setText(this.layout.gradientSummary, gradientSummary(s));
    setText(this.layout.updateRatioSummary, updateRatioSummary(s));
    if (this.shown === s.gradientIterations) return;
    this.shown = s.gradientIterations;
    const n = s.gradientIterations.length;
    setText(this.caption, `At iteration ${s.gradientIterations[n - 1]}.`);
    // The same parameters as before: only the two figures of each row change (no new rows, so no
    // relayout of the table several times a second while a run streams).
    const rows = this.body.rows;
    if (rows.length === s.gradients.length && s.gradients.every((g, i) => rows[i].dataset.param === g.name)) {
      s.gradients.forEach((g, i) => {
        setText(rows[i].cells[2], formatNumber(g.gradNorm[n - 1]));
        setText(rows[i].cells[3], formatNumber(g.updateRatio[n - 1]));
      });
      return;
    }
    this.body.replaceChildren(
      ...s.gradients.map((g) =>
        el('tr', { attrs: { 'data-param': g.name } }, [
          el('th', { text: g.name, attrs: { scope: 'row' } }),
          el('td', { text: g.layer }),
          el('td', { className: 'num', text: formatNumber(g.gradNorm[n - 1]) }),
          el('td', { className: 'num', text: formatNumber(g.updateRatio[n - 1]) }),
        ]),
      ),
    );
  }

  setTheme(theme: ChartTheme, s: PanelState): void {
    this.norms.setTheme(theme, s);
    this.ratios.setTheme(theme, s);
  }
}
