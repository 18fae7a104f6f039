/**
 * The panel header: run name (or experiment name), state badge, progress (iteration / total, epoch,
 * samples per second), the run's buttons — Pause / Resume (Resume takes Pause's place while paused),
 * Step and Step Batch (only while paused), Gradient Check, Stop; once the run has ended they are
 * disabled and hidden — a one-line result when the run is done, and an error banner.
 */
import type { ExperimentProgressEvent, RunStartedEvent, RunState, WebviewCommandName } from '../src/shared/protocol';
import { el, setText, setHidden, setDisabled } from './dom';
import { formatCount, formatPercent } from './format';
import type { PanelState } from './state';

/** The commands the header offers. */
type HeaderCommand = WebviewCommandName;

/** Which of them make sense in each state. */
const ENABLED: Record<RunState, readonly HeaderCommand[]> = {
  starting: ['pause', 'stop'],
  running: ['pause', 'gradcheck', 'stop'],
  paused: ['resume', 'step', 'stepBatch', 'gradcheck', 'stop'],
  stopped: [],
  done: [],
  error: [],
};

/** The header's elements, kept to update them in place. */
export class Header {
  private readonly title = el('h1', { id: 'run-name', text: 'Scratchnet' });
  private readonly badge = el('span', { id: 'state-badge', className: 'badge', attrs: { role: 'status' } });
  private readonly progress = el('span', { id: 'progress' });
  private readonly epoch = el('span', { id: 'epoch' });
  private readonly speed = el('span', { id: 'speed' });
  private readonly result = el('p', { id: 'run-result', className: 'run-result' });
  private readonly error = el('div', { id: 'error-banner', className: 'error-banner', attrs: { role: 'alert' } });
  private readonly buttons: Record<HeaderCommand, HTMLButtonElement>;
  private readonly controls: HTMLDivElement;

  /** Builds the header into `root`; `onCommand` is called when a button is pressed. */
  constructor(root: HTMLElement, onCommand: (name: WebviewCommandName) => void) {
    const button = (name: HeaderCommand, label: string, secondary: boolean, title?: string) => {
      const b = el('button', {
        id: `btn-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
        className: secondary ? 'secondary' : '',
        text: label,
        attrs: { type: 'button', 'data-command': name, ...(title ? { title } : {}) },
      });
      b.addEventListener('click', () => onCommand(name));
      return b;
    };
    this.buttons = {
      pause: button('pause', 'Pause', false),
      resume: button('resume', 'Resume', false),
      step: button(
        'step',
        'Step',
        true,
        'One operation of backprop: a layer forward, the loss, a layer backward, or the update',
      ),
      stepBatch: button('stepBatch', 'Step Batch', true, 'Finish the current mini-batch and apply the update'),
      gradcheck: button('gradcheck', 'Gradient Check', true, 'Compare backprop with numerical gradients (float64)'),
      stop: button('stop', 'Stop', true),
    };
    this.controls = el(
      'div',
      { id: 'controls', className: 'controls', attrs: { role: 'group', 'aria-label': 'Run controls' } },
      Object.values(this.buttons),
    );
    setHidden(this.error, true);
    setHidden(this.result, true);
    root.append(
      el('div', { className: 'header-row' }, [
        el('div', { className: 'title-group' }, [this.title, this.badge]),
        this.controls,
      ]),
      el('div', { className: 'stats', attrs: { 'aria-label': 'Progress' } }, [this.progress, this.epoch, this.speed]),
      this.result,
      this.error,
    );
  }

  /** Shows the state; `progress` is the running experiment's latest progress, if any. */
  update(s: PanelState, progress: ExperimentProgressEvent | null = null): void {
    const run = s.started;
    const experiment = progress?.name ?? s.experiment?.result.experiment ?? null;
    setText(this.title, run ? run.name : experiment ? `Experiment: ${experiment}` : 'Scratchnet');
    setText(this.badge, s.state);
    this.badge.dataset.state = s.state;
    setText(
      this.progress,
      run
        ? `iteration ${formatCount(s.iteration)} / ${formatCount(run.totalIterations)}`
        : experiment
          ? ''
          : 'no run yet',
    );
    setText(
      this.epoch,
      run ? `epoch ${currentEpoch(s.iteration, run)} / ${Math.ceil(run.totalIterations / run.itersPerEpoch)}` : '',
    );
    setText(this.speed, run && s.samplesPerSecond > 0 ? `${formatCount(s.samplesPerSecond)} samples/s` : '');
    const enabled = ENABLED[s.state];
    for (const [name, b] of Object.entries(this.buttons) as [HeaderCommand, HTMLButtonElement][]) {
      setDisabled(b, !run || !enabled.includes(name));
    }
    setHidden(this.buttons.pause, s.state === 'paused');
    setHidden(this.controls, !run || enabled.length === 0);
    setHidden(this.buttons.resume, s.state !== 'paused');
    setHidden(this.buttons.step, s.state !== 'paused');
    setHidden(this.buttons.stepBatch, s.state !== 'paused');
    setHidden(this.result, !s.done);
    if (s.done) {
      setText(
        this.result,
        `Done in ${s.done.seconds.toFixed(1)} s: test accuracy ${formatPercent(s.done.testAccuracy)}, ` +
          `train accuracy ${formatPercent(s.done.trainAccuracy)}.`,
      );
    }
    setHidden(this.error, !s.error);
    if (s.error) {
      const text = `Error (${s.error.where}): ${s.error.message}`;
      const note = s.error.recoverable ? 'The weights trained so far are intact.' : '';
      if (this.error.dataset.text !== text + note) {
        this.error.dataset.text = text + note;
        this.error.replaceChildren(
          el('span', { className: 'error-message', text }),
          ...(note ? [el('span', { className: 'error-note', text: note })] : []),
        );
      }
    }
  }
}

/** The epoch an iteration belongs to (1-based; the last epoch once the run is over). */
export function currentEpoch(
  iteration: number,
  run: Pick<RunStartedEvent, 'totalIterations' | 'itersPerEpoch'>,
): number {
  const epochs = Math.max(1, Math.ceil(run.totalIterations / run.itersPerEpoch));
  return Math.min(epochs, Math.floor(iteration / run.itersPerEpoch) + 1);
}
