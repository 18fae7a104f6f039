/**
 * Scratchnet's engine as a library: tensors, layers, networks built from specs, optimizers, data,
 * gradient checks and the book's experiments. No `vscode`, no DOM: runs in Node and in workers.
 */
export * from './tensor';
export * from './rng';
export * from './gemm';
export * from './functions';
export * from './numerical';
export * from './init';
export * from './perceptron';
export * from './layers/layer';
export * from './layers/affine';
export * from './layers/activations';
export * from './layers/loss';
export * from './layers/flatten';
export * from './layers/conv';
export * from './layers/pool';
export * from './layers/batchnorm';
export * from './layers/dropout';
export * from './im2col';
export * from './spec';
export * from './network';
export * from './optimizers/optimizer';
export * from './gradcheck';
export * from './trainer';
export * from './presets';
export * from './data/idx';
export * from './data/dataset';
export * from './experiments';
export * from './kernels/wasmGemm';
export * from './kernels/select';
