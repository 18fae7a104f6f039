/**
 * Optimizers (book §6.1): small classes that update parameters from their gradients and keep their
 * own state per parameter (velocity, squared-gradient sums, moments), keyed by the parameter's name.
 * Weight decay is not applied here: the network adds λW to the gradient in one place.
 */
import type { Param } from '../layers/layer';
import type { OptimizerKind, OptimizerSpec } from '../spec';
import { fastFor } from '../kernels/fast';
import { allocKernelArray, type Arr } from '../tensor';

/** Updates parameters in place from their gradients. */
export interface Optimizer {
  readonly kind: OptimizerKind;
  /** Learning rate; may be changed between steps. */
  lr: number;
  /** One update of every parameter from its current gradient. */
  update(params: readonly Param[]): void;
}

/** Per-parameter state buffers, created on first use with the parameter's size and type. */
class State {
  private readonly slots = new Map<string, Arr>();
  get(p: Param, slot: string): Arr {
    const key = `${p.name}/${slot}`;
    let a = this.slots.get(key);
    if (!a) {
      a = allocKernelArray(p.value.dtype, p.value.size);
      this.slots.set(key, a);
    }
    return a;
  }
}

/** Stochastic gradient descent: W ← W − lr·∂L/∂W. */
export class SGD implements Optimizer {
  readonly kind = 'sgd' as const;
  constructor(public lr = 0.01) {}
  update(params: readonly Param[]): void {
    for (const p of params) {
      const w = p.value.data;
      const g = p.grad.data;
      const lr = this.lr;
      const k = fastFor(w);
      if (k) k.sgd(w as Float32Array, g as Float32Array, lr);
      else for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
    }
  }
}

/** Momentum: v ← αv − lr·g; W ← W + v. */
export class Momentum implements Optimizer {
  readonly kind = 'momentum' as const;
  private readonly state = new State();
  constructor(
    public lr = 0.01,
    readonly momentum = 0.9,
  ) {}
  update(params: readonly Param[]): void {
    for (const p of params) {
      const v = this.state.get(p, 'v');
      const w = p.value.data;
      const g = p.grad.data;
      const k = fastFor(w);
      if (k) {
        k.momentum(w as Float32Array, g as Float32Array, v as Float32Array, this.lr, this.momentum);
        continue;
      }
      for (let i = 0; i < w.length; i++) {
        v[i] = this.momentum * v[i] - this.lr * g[i];
        w[i] += v[i];
      }
    }
  }
}

/**
 * Nesterov's accelerated gradient in the form the book's `optimizer.py` uses
 * (http://arxiv.org/abs/1212.0901): v ← αv − lr·g; W ← W + α²v − (1 + α)·lr·g.
 */
export class Nesterov implements Optimizer {
  readonly kind = 'nesterov' as const;
  private readonly state = new State();
  constructor(
    public lr = 0.01,
    readonly momentum = 0.9,
  ) {}
  update(params: readonly Param[]): void {
    const a = this.momentum;
    for (const p of params) {
      const v = this.state.get(p, 'v');
      const w = p.value.data;
      const g = p.grad.data;
      const k = fastFor(w);
      if (k) {
        k.nesterov(w as Float32Array, g as Float32Array, v as Float32Array, this.lr, a);
        continue;
      }
      for (let i = 0; i < w.length; i++) {
        v[i] = a * v[i] - this.lr * g[i];
        w[i] += a * a * v[i] - (1 + a) * this.lr * g[i];
      }
    }
  }
}

/** The book's 1e-7 added under square roots so a zero accumulator never divides by zero. */
export const OPTIMIZER_EPS = 1e-7;

/** AdaGrad: h ← h + g²; W ← W − lr·g / (√h + ε). */
export class AdaGrad implements Optimizer {
  readonly kind = 'adagrad' as const;
  private readonly state = new State();
  constructor(public lr = 0.01) {}
  update(params: readonly Param[]): void {
    for (const p of params) {
      const h = this.state.get(p, 'h');
      const w = p.value.data;
      const g = p.grad.data;
      const k = fastFor(w);
      if (k) {
        k.adagrad(w as Float32Array, g as Float32Array, h as Float32Array, this.lr, OPTIMIZER_EPS);
        continue;
      }
      for (let i = 0; i < w.length; i++) {
        h[i] += g[i] * g[i];
        w[i] -= (this.lr * g[i]) / (Math.sqrt(h[i]) + OPTIMIZER_EPS);
      }
    }
  }
}

/** RMSprop: h ← ρh + (1 − ρ)g²; W ← W − lr·g / (√h + ε). */
export class RMSprop implements Optimizer {
  readonly kind = 'rmsprop' as const;
  private readonly state = new State();
  constructor(
    public lr = 0.01,
    readonly decay = 0.99,
  ) {}
  update(params: readonly Param[]): void {
    const r = this.decay;
    for (const p of params) {
      const h = this.state.get(p, 'h');
      const w = p.value.data;
      const g = p.grad.data;
      const k = fastFor(w);
      if (k) {
        k.adagrad(w as Float32Array, g as Float32Array, h as Float32Array, this.lr, OPTIMIZER_EPS, r);
        continue;
      }
      for (let i = 0; i < w.length; i++) {
        h[i] = r * h[i] + (1 - r) * g[i] * g[i];
        w[i] -= (this.lr * g[i]) / (Math.sqrt(h[i]) + OPTIMIZER_EPS);
      }
    }
  }
}

/**
 * Adam (Kingma & Ba 2015, http://arxiv.org/abs/1412.6980v8) with bias correction:
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; m̂ = m/(1−β₁ᵗ); v̂ = v/(1−β₂ᵗ); W ← W − lr·m̂/(√v̂ + ε).
 */
export class Adam implements Optimizer {
  readonly kind = 'adam' as const;
  private readonly state = new State();
  /** Number of updates made so far. */
  t = 0;
  constructor(
    public lr = 0.001,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
  ) {}
  update(params: readonly Param[]): void {
    this.t++;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const c1 = 1 - Math.pow(b1, this.t);
    const c2 = 1 - Math.pow(b2, this.t);
    for (const p of params) {
      const m = this.state.get(p, 'm');
      const v = this.state.get(p, 'v');
      const w = p.value.data;
      const g = p.grad.data;
      const k = fastFor(w);
      if (k) {
        k.adam(
          w as Float32Array,
          g as Float32Array,
          m as Float32Array,
          v as Float32Array,
          this.lr,
          b1,
          b2,
          c1,
          c2,
          OPTIMIZER_EPS,
        );
        continue;
      }
      for (let i = 0; i < w.length; i++) {
        const gi = g[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        w[i] -= (this.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + OPTIMIZER_EPS);
      }
    }
  }
}

/** The book's default learning rates per optimizer. */
export const DEFAULT_LR: Record<OptimizerKind, number> = {
  sgd: 0.01,
  momentum: 0.01,
  nesterov: 0.01,
  adagrad: 0.01,
  rmsprop: 0.01,
  adam: 0.001,
};

/** Makes an optimizer from its spec. */
export function createOptimizer(spec: OptimizerSpec): Optimizer {
  const lr = spec.lr ?? DEFAULT_LR[spec.type];
  switch (spec.type) {
    case 'sgd':
      return new SGD(lr);
    case 'momentum':
      return new Momentum(lr, spec.momentum ?? 0.9);
    case 'nesterov':
      return new Nesterov(lr, spec.momentum ?? 0.9);
    case 'adagrad':
      return new AdaGrad(lr);
    case 'rmsprop':
      return new RMSprop(lr, spec.decay ?? 0.99);
    case 'adam':
      return new Adam(lr, spec.beta1 ?? 0.9, spec.beta2 ?? 0.999);
  }
}
