/**
 * The contract every layer keeps (book ch05 `common/layers.py`, one class per layer): `forward`
 * caches what `backward` needs; `backward(dy)` returns a new dx, never mutates dy, and writes the
 * gradients of the layer's parameters.
 */
import type { Rng } from '../rng';
import { float32Kernels } from '../kernels/fast';
import { Tensor, allocKernelArray, type DType, type Shape } from '../tensor';

/** Every kind of layer the engine builds. */
export type LayerKind =
  | 'affine'
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'conv'
  | 'pool'
  | 'batchnorm'
  | 'dropout'
  | 'flatten';

/** A learnable tensor with its gradient, named `layerId.name` (`affine1.W`). */
export interface Param {
  /** Full name, `affine1.W`. */
  readonly name: string;
  /** Id of the layer that owns it. */
  readonly layer: string;
  readonly value: Tensor;
  readonly grad: Tensor;
  /** Whether L2 weight decay applies (weights yes; biases, γ and β no). */
  readonly decay: boolean;
}

/** What a forward pass needs to know besides its input. */
export interface ForwardContext {
  /** Training mode: dropout drops, batch norm uses batch statistics and updates its running ones. */
  readonly train: boolean;
  /** The run's random generator (dropout masks). */
  readonly rng: Rng;
}

/** A layer of a sequential network. Shapes are per sample; batches add a leading N. */
export interface Layer {
  /** Stable readable id (`affine1`, `relu1`) shared by graph, tree, probes and tests. */
  readonly id: string;
  readonly kind: LayerKind;
  /** Per-sample input shape, inferred when the network is built. */
  readonly inShape: Shape;
  /** Per-sample output shape. */
  readonly outShape: Shape;
  readonly dtype: DType;
  /** x: (N, ...inShape) → (N, ...outShape). The returned tensor may be reused by the next call. */
  forward(x: Tensor, ctx: ForwardContext): Tensor;
  /**
   * dy: (N, ...outShape) → dx: (N, ...inShape); fills parameter gradients. With `needDx` false (the
   * first layer) the layer may skip computing dx and return undefined.
   */
  backward(dy: Tensor, needDx?: boolean): Tensor | undefined;
  params(): readonly Param[];
}

/**
 * Creates a parameter with a zeroed gradient of the same shape. Both live where the float32 kernels
 * want them (`allocKernelArray`): the value is copied there from `value`.
 */
export function makeParam(layer: string, name: string, value: Tensor, decay: boolean): Param {
  const k = value.dtype === 'float32' ? float32Kernels() : undefined;
  if (k) {
    const v = k.allocFloat32(value.size);
    v.set(value.data);
    value = new Tensor(v, value.shape);
  }
  const grad = new Tensor(allocKernelArray(value.dtype, value.size), value.shape);
  return { name: `${layer}.${name}`, layer, value, grad, decay };
}
