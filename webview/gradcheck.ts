/**
 * The gradient check result: a verdict per layer ("affine1: pass"), then a table with one row per
 * parameter (relative error in exponent form, mean |difference|, pass or fail in words and a mark),
 * and the bound used. Hidden until a check has run.
 */
import type { GradcheckEvent } from '../src/shared/protocol';
import { el, setText, setHidden } from './dom';
import { formatExp } from './format';
import type { PanelState } from './state';

/** Each layer's verdict, in the order its parameters come: a layer passes when all of them do. */
export function layerVerdicts(g: GradcheckEvent): { layer: string; pass: boolean; worst: number }[] {
  const out: { layer: string; pass: boolean; worst: number }[] = [];
  for (const p of g.params) {
    let v = out.find((o) => o.layer === p.layer);
    if (!v) {
      v = { layer: p.layer, pass: true, worst: 0 };
      out.push(v);
    }
    v.pass &&= p.pass;
    v.worst = Math.max(v.worst, p.relativeError);
  }
  return out;
}

/** `All 6 parameters pass: largest relative error 1.42e-8 (bound 1.00e-6), at iteration 61.` */
export function gradcheckSummary(g: GradcheckEvent): string {
  const failed = g.params.filter((p) => !p.pass).length;
  const n = g.params.length;
  const head = failed === 0 ? `All ${n} parameters pass` : `${failed} of ${n} parameters fail`;
  return (
    `${head}: largest relative error ${formatExp(g.maxRelativeError)} (bound ${formatExp(g.bound)}), ` +
    `at iteration ${g.iteration}.`
  );
}

const verdict = (pass: boolean) => (pass ? 'pass' : 'fail');

export class Gradcheck {
  private readonly summary = el('p', { id: 'gradcheck-summary', className: 'gradcheck-summary' });
  private readonly verdicts = el('ul', {
    id: 'gradcheck-layers',
    className: 'verdicts',
    attrs: { 'aria-label': 'Per layer' },
  });
  private readonly body = el('tbody');
  private readonly bound = el('p', { id: 'gradcheck-bound', className: 'gradcheck-bound' });
  private shown: GradcheckEvent | null = null;

  constructor(private readonly section: HTMLElement) {
    const cols = ['parameter', 'layer', 'relative error', 'mean |diff|', 'result'];
    section.setAttribute('aria-labelledby', 'gradcheck-title');
    section.append(
      el('h2', { id: 'gradcheck-title', className: 'section-title', text: 'Gradient check' }),
      this.summary,
      this.verdicts,
      el('div', { className: 'table-scroll' }, [
        el('table', { id: 'gradcheck-table', className: 'param-table' }, [
          el('thead', {}, [
            el(
              'tr',
              {},
              cols.map((c, i) =>
                el('th', { text: c, className: i > 1 && i < 4 ? 'num' : '', attrs: { scope: 'col' } }),
              ),
            ),
          ]),
          this.body,
        ]),
      ]),
      this.bound,
    );
  }

  update(s: PanelState): void {
    const g = s.gradcheck;
    setHidden(this.section, !g);
    if (!g || g === this.shown) return;
    this.shown = g;
    setText(this.summary, gradcheckSummary(g));
    this.summary.dataset.pass = String(g.params.every((p) => p.pass));
    this.verdicts.replaceChildren(
      ...layerVerdicts(g).map((v) =>
        el('li', {
          className: `verdict ${verdict(v.pass)}`,
          text: `${v.pass ? '✓' : '✗'} ${v.layer}: ${verdict(v.pass)}`,
          attrs: {
            'data-layer': v.layer,
            'data-pass': String(v.pass),
            title: `worst relative error ${formatExp(v.worst)}`,
          },
        }),
      ),
    );
    this.body.replaceChildren(
      ...g.params.map((p) =>
        el('tr', { className: verdict(p.pass), attrs: { 'data-param': p.name, 'data-pass': String(p.pass) } }, [
          el('th', { text: p.name, attrs: { scope: 'row' } }),
          el('td', { text: p.layer }),
          el('td', { className: 'num', text: formatExp(p.relativeError) }),
          el('td', { className: 'num', text: formatExp(p.meanAbsDiff) }),
          el('td', { className: 'result', text: `${p.pass ? '✓' : '✗'} ${verdict(p.pass)}` }),
        ]),
      ),
    );
    setText(
      this.bound,
      `A parameter passes when its relative error ‖numerical − backprop‖ / (‖numerical‖ + ‖backprop‖) ` +
        `is at most ${formatExp(g.bound)} (float64, central differences).`,
    );
  }
}
