/**
 * The networks of the book, ready to train: each a spec with the book's hyperparameters and one line
 * of description. Options change the size where the book does (hidden layers, weight scale).
 */
import type { InitSpec } from './init';
import type { LayerSpec, NetworkSpec } from './spec';

/** A named network with its book set-up. */
export interface Preset {
  name: string;
  /** One line for pickers and `--help`. */
  description: string;
  spec: NetworkSpec;
  /** A smaller variant for numerical gradient checks (the book checks its convnet on 1×10×10). */
  gradcheckSpec?: NetworkSpec;
}

/** Options that resize the multi-layer presets. */
export interface MultiLayerOptions {
  /** Hidden layer sizes; default 4 × 100 (5 × 100 with batch norm). */
  hidden?: number[];
  init?: InitSpec;
  activation?: 'relu' | 'sigmoid' | 'tanh';
  batchNorm?: boolean;
  dropout?: number;
  weightDecay?: number;
}

/** 784-[hidden]-10 with optional batch norm and dropout (the book's MultiLayerNet(Extend)). */
export function multiLayerSpec(opts: MultiLayerOptions = {}): NetworkSpec {
  const hidden = opts.hidden ?? (opts.batchNorm ? [100, 100, 100, 100, 100] : [100, 100, 100, 100]);
  const act = opts.activation ?? 'relu';
  const layers: LayerSpec[] = [];
  for (const units of hidden) {
    // Before batch norm a bias is redundant (BN subtracts the batch mean; β takes its place) and its
    // gradient is exactly zero, so the BN variant leaves it out.
    layers.push(opts.batchNorm ? { type: 'affine', units, bias: false } : { type: 'affine', units });
    if (opts.batchNorm) layers.push({ type: 'batchnorm' });
    layers.push({ type: act });
    if (opts.dropout) layers.push({ type: 'dropout', ratio: opts.dropout });
  }
  layers.push({ type: 'affine', units: 10 });
  return {
    name: opts.batchNorm ? 'multi-layer-bn' : 'multi-layer',
    input: [784],
    init: opts.init ?? (act === 'relu' ? 'he' : 'xavier'),
    layers,
    training: {
      optimizer: { type: 'sgd', lr: 0.01 },
      batchSize: 100,
      epochs: 20,
      ...(opts.weightDecay ? { weightDecay: opts.weightDecay } : {}),
    },
  };
}

function twoLayer(activation: 'relu' | 'sigmoid'): NetworkSpec {
  return {
    name: activation === 'relu' ? 'two-layer' : 'two-layer-sigmoid',
    input: [784],
    init: { std: 0.01 },
    layers: [
      { type: 'affine', units: 50 },
      { type: activation },
      { type: 'affine', units: 10 },
    ],
    training: { optimizer: { type: 'sgd', lr: 0.1 }, batchSize: 100, iterations: 10000 },
  };
}

/** Book ch07 SimpleConvNet, with the input, filters and hidden size as options (for gradient checks). */
export function simpleConvNetSpec(input: [number, number, number] = [1, 28, 28], filters = 30, kernel = 5, hidden = 100): NetworkSpec {
  return {
    name: 'simple-convnet',
    input,
    init: { std: 0.01 },
    layers: [
      { type: 'conv', filters, kernel, stride: 1, pad: 0 },
      { type: 'relu' },
      { type: 'pool', mode: 'max', size: 2, stride: 2 },
      { type: 'affine', units: hidden },
      { type: 'relu' },
      { type: 'affine', units: 10 },
    ],
    training: { optimizer: { type: 'adam', lr: 0.001 }, batchSize: 100, epochs: 20 },
  };
}

/** Book ch08 DeepConvNet: six 3×3 convolutions, three max pools, dropout 0.5, He init, Adam. */
export function deepConvNetSpec(): NetworkSpec {
  const conv = (filters: number, pad = 1): LayerSpec => ({ type: 'conv', filters, kernel: 3, stride: 1, pad, activation: 'relu' });
  const pool: LayerSpec = { type: 'pool', mode: 'max', size: 2, stride: 2 };
  return {
    name: 'deep-convnet',
    input: [1, 28, 28],
    init: 'he',
    layers: [
      conv(16),
      conv(16),
      pool,
      conv(32),
      conv(32, 2),
      pool,
      conv(64),
      conv(64),
      pool,
      { type: 'affine', units: 50, activation: 'relu' },
      { type: 'dropout', ratio: 0.5 },
      { type: 'affine', units: 10 },
      { type: 'dropout', ratio: 0.5 },
    ],
    training: { optimizer: { type: 'adam', lr: 0.001 }, batchSize: 100, epochs: 20 },
  };
}

/** Every preset by name, in the order pickers show them. */
export const PRESETS: readonly Preset[] = [
  {
    name: 'two-layer',
    description: 'Book ch05: 784-50-10 ReLU, backprop, SGD lr 0.1, batch 100, 10,000 iterations (≈0.97 test)',
    spec: twoLayer('relu'),
  },
  {
    name: 'two-layer-sigmoid',
    description: 'Book ch04: 784-50-10 sigmoid, init std 0.01, SGD lr 0.1, batch 100 (≈0.95 test)',
    spec: twoLayer('sigmoid'),
  },
  {
    name: 'multi-layer',
    description: 'Book ch06: 784-[100×4]-10 ReLU, He init, SGD lr 0.01',
    spec: multiLayerSpec(),
  },
  {
    name: 'multi-layer-bn',
    description: 'Book ch06: 784-[100×5]-10 with Batch Normalization before each ReLU, SGD lr 0.01',
    spec: multiLayerSpec({ batchNorm: true }),
    gradcheckSpec: { ...multiLayerSpec({ batchNorm: true, hidden: [20, 20, 20, 20, 20] }), input: [784] },
  },
  {
    name: 'simple-convnet',
    description: 'Book ch07: conv 30×5×5 → ReLU → max pool 2×2 → 100 → 10, Adam lr 0.001 (≈0.965 after 1 epoch)',
    spec: simpleConvNetSpec(),
    gradcheckSpec: simpleConvNetSpec([1, 10, 10], 10, 3, 10),
  },
  {
    name: 'deep-convnet',
    description: 'Book ch08: 6 conv 3×3 layers, 3 max pools, dropout 0.5, He init, Adam (slow on a CPU)',
    spec: deepConvNetSpec(),
    gradcheckSpec: { ...deepConvNetSpec(), layers: deepConvNetSpec().layers.filter((l) => l.type !== 'dropout') },
  },
];

/** The preset of that name, or undefined. */
export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}

/** Names of every preset, for error messages. */
export function presetNames(): string[] {
  return PRESETS.map((p) => p.name);
}
