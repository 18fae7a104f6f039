import assert from 'node:assert/strict';
import { Tensor, allocArray, dtypeOf, formatShape, reuse, sizeOf } from '../../src/engine/tensor';

describe('tensor', () => {
  it('sizeOf, allocArray, dtypeOf and formatShape', () => {
    assert.equal(sizeOf([2, 3, 4]), 24);
    assert.equal(sizeOf([]), 1);
    assert.equal(sizeOf([5, 0]), 0);
    assert.ok(allocArray('float32', 3) instanceof Float32Array);
    assert.ok(allocArray('float64', 3) instanceof Float64Array);
    assert.deepEqual(Array.from(allocArray('float64', 3)), [0, 0, 0]);
    assert.equal(dtypeOf(new Float32Array(1)), 'float32');
    assert.equal(dtypeOf(new Float64Array(1)), 'float64');
    assert.equal(formatShape([2, 3]), '(2, 3)');
  });

  it('zeros and from give the shape, size and dtype asked for', () => {
    const z = Tensor.zeros([2, 3]);
    assert.deepEqual(z.shape, [2, 3]);
    assert.equal(z.size, 6);
    assert.equal(z.dtype, 'float32');
    assert.ok(z.data.every((v) => v === 0));
    const f = Tensor.from([1, 2, 3, 4, 5, 6], [3, 2], 'float64');
    assert.equal(f.dtype, 'float64');
    assert.deepEqual(f.shape, [3, 2]);
    assert.equal(f.get(0, 1), 2);
    assert.equal(f.get(2, 0), 5);
    assert.equal(f.get(1, 1), 4);
  });

  it('get reads a multi-index in row-major order', () => {
    const t = Tensor.from(
      Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
    );
    assert.equal(t.get(0, 0, 0), 0);
    assert.equal(t.get(1, 2, 3), 23);
    assert.equal(t.get(1, 0, 2), 14);
    assert.equal(t.get(0, 2, 1), 9);
  });

  it('rejects data whose length does not match the shape', () => {
    assert.throws(() => new Tensor(new Float32Array(5), [2, 3]), /5 elements but shape \(2, 3\) needs 6/);
  });

  it('copies the shape array it is given', () => {
    const shape = [2, 2];
    const t = Tensor.zeros(shape);
    shape[0] = 4;
    assert.deepEqual(t.shape, [2, 2]);
  });

  it('reshape is a view: same memory, writes are seen both ways', () => {
    const t = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
    const r = t.reshape([3, 2]);
    assert.deepEqual(r.shape, [3, 2]);
    assert.equal(r.data.buffer, t.data.buffer);
    r.data[5] = 60;
    assert.equal(t.get(1, 2), 60);
    t.data[0] = 10;
    assert.equal(r.get(0, 0), 10);
    assert.throws(() => t.reshape([4, 2]), RangeError);
  });

  it('slice is a view of rows [start, end) sharing memory', () => {
    const t = Tensor.from(
      Array.from({ length: 12 }, (_, i) => i),
      [4, 3],
      'float64',
    );
    const s = t.slice(1, 3);
    assert.deepEqual(s.shape, [2, 3]);
    assert.equal(s.dtype, 'float64');
    assert.deepEqual(Array.from(s.data), [3, 4, 5, 6, 7, 8]);
    s.data[0] = -1; // row 1, column 0 of t
    assert.equal(t.get(1, 0), -1);
    t.data[8] = 80; // row 2, column 2 = s row 1, column 2
    assert.equal(s.get(1, 2), 80);
    // an N-D slice keeps the inner dimensions
    const img = Tensor.zeros([5, 1, 2, 2]);
    const part = img.slice(3, 5);
    assert.deepEqual(part.shape, [2, 1, 2, 2]);
    part.data[0] = 7;
    assert.equal(img.get(3, 0, 0, 0), 7);
  });

  it('clone copies: writes to the clone are not seen in the original', () => {
    const t = Tensor.from([1, 2, 3, 4], [2, 2]);
    const c = t.clone();
    assert.deepEqual(c.shape, t.shape);
    assert.deepEqual(Array.from(c.data), [1, 2, 3, 4]);
    assert.notEqual(c.data.buffer, t.data.buffer);
    c.data[0] = 100;
    assert.equal(t.data[0], 1);
    assert.equal(c.dtype, 'float32');
  });

  it('to(dtype) converts into a new copy', () => {
    const t = Tensor.from([0.1, 2.5, -3], [3], 'float64');
    const f = t.to('float32');
    assert.equal(f.dtype, 'float32');
    assert.ok(f.data instanceof Float32Array);
    assert.deepEqual(Array.from(f.data), [Math.fround(0.1), 2.5, -3]);
    const back = f.to('float64');
    assert.equal(back.dtype, 'float64');
    assert.equal(back.data[0], Math.fround(0.1));
    const same = t.to('float64');
    same.data[1] = 9;
    assert.equal(t.data[1], 2.5, 'to() of the same dtype still copies');
    assert.deepEqual(f.shape, [3]);
  });

  it('reuse returns the buffer when shape and dtype match, a new zeroed tensor otherwise', () => {
    const buf = Tensor.zeros([2, 3], 'float32');
    buf.data[0] = 5;
    assert.equal(reuse(buf, [2, 3], 'float32'), buf);
    assert.equal(reuse(buf, [2, 3], 'float32').data[0], 5, 'reuse keeps contents');
    const otherShape = reuse(buf, [3, 2], 'float32');
    assert.notEqual(otherShape, buf);
    assert.deepEqual(otherShape.shape, [3, 2]);
    assert.ok(otherShape.data.every((v) => v === 0));
    const otherType = reuse(buf, [2, 3], 'float64');
    assert.notEqual(otherType, buf);
    assert.equal(otherType.dtype, 'float64');
    const otherRank = reuse(buf, [2, 3, 1], 'float32');
    assert.notEqual(otherRank, buf);
    const fresh = reuse(undefined, [4], 'float64');
    assert.deepEqual(fresh.shape, [4]);
    assert.equal(fresh.dtype, 'float64');
  });
});
