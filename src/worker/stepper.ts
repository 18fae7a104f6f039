/**
 * Stepping through backprop one operation at a time: each layer's forward, the loss, each layer's
 * backward in reverse order, then the optimizer's update. Wraps `Network.steps()`; every cursor
 * carries summaries of the engine's real tensors at that point.
 */
import type { Network, StepCursor } from '../engine/network';
import type { Tensor } from '../engine/tensor';
import type { Trainer } from '../engine/trainer';
import type { StepCursorEvent, TensorSummary } from '../shared/protocol';
import { summarize } from './probes';

export class Stepper {
  private readonly gen: Generator<StepCursor, number, void>;
  private step = 0;
  /** The loss once the backward pass has finished; the update is the next operation. */
  private finalLoss: number | undefined;
  readonly steps: number;

  constructor(
    private readonly net: Network,
    private readonly trainer: Trainer,
  ) {
    const { x, t } = trainer.nextBatch();
    this.gen = net.steps(x, t);
    this.steps = 2 * net.layers.length + 2;
  }

  /** Whether the update has been applied (the batch is finished). */
  get finished(): boolean {
    return this.step >= this.steps;
  }

  /**
   * Runs the next operation and describes it. The last one applies the update through the trainer
   * (which may throw DivergenceError); `epochEnded` tells whether that finished an epoch.
   */
  next(): { cursor: StepCursorEvent; epochEnded: boolean } {
    if (this.finished) throw new Error('this batch is finished');
    const iteration = this.trainer.iteration + 1;
    if (this.finalLoss === undefined) {
      const r = this.gen.next();
      if (!r.done) {
        this.step++;
        return { cursor: this.describe(r.value, iteration), epochEnded: false };
      }
      this.finalLoss = r.value;
    }
    const { epochEnded } = this.trainer.commit(this.finalLoss);
    this.step = this.steps;
    const tensors = this.net.params().map((p) => summarize(p.value, 'value', p.name));
    return {
      cursor: {
        type: 'step/cursor',
        iteration,
        step: this.step,
        steps: this.steps,
        phase: 'update',
        layer: 'optimizer',
        label: `update · ${this.trainer.optimizer.kind} (lr ${this.trainer.optimizer.lr})`,
        loss: this.finalLoss,
        tensors,
      },
      epochEnded,
    };
  }

  /** Runs every remaining operation, applying the update. */
  finish(): { epochEnded: boolean; cursor: StepCursorEvent } {
    let r = this.next();
    while (!this.finished) r = this.next();
    return r;
  }

  private describe(c: StepCursor, iteration: number): StepCursorEvent {
    const tensors: TensorSummary[] = [];
    const add = (t: Tensor | undefined, role: TensorSummary['role'], name: string) => {
      if (t) tensors.push(summarize(t, role, name));
    };
    if (c.phase === 'forward') {
      add(c.input, 'input', `${c.layer} input x`);
      add(c.output, 'output', `${c.layer} output y`);
    } else if (c.phase === 'loss') {
      add(c.input, 'input', 'scores');
      add(c.output, 'dx', 'd loss / d scores');
    } else {
      add(c.input, 'dy', `${c.layer} upstream gradient dy`);
      add(c.output, 'dx', `${c.layer} dx`);
      for (const p of this.net.layers[c.index].params()) add(p.grad, 'grad', `${p.name} gradient`);
    }
    return {
      type: 'step/cursor',
      iteration,
      step: this.step,
      steps: this.steps,
      phase: c.phase,
      layer: c.layer,
      label: `${c.phase} · ${c.layer}`,
      loss: c.loss ?? null,
      tensors,
    };
  }
}
