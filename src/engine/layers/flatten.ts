/** Flatten: (N, C, H, W) → (N, C·H·W) without copying; dx takes the input's shape back. */
import { sizeOf, type DType, type Shape, type Tensor } from '../tensor';
import type { Layer, Param } from './layer';

export class Flatten implements Layer {
  readonly kind = 'flatten' as const;
  readonly outShape: Shape;

  constructor(
    readonly id: string,
    readonly inShape: Shape,
    readonly dtype: DType,
  ) {
    this.outShape = [sizeOf(inShape)];
  }

  forward(x: Tensor): Tensor {
    return x.reshape([x.shape[0], ...this.outShape]);
  }

  backward(dy: Tensor, needDx = true): Tensor | undefined {
    return needDx ? dy.reshape([dy.shape[0], ...this.inShape]) : undefined;
  }

  params(): readonly Param[] {
    return [];
  }
}
