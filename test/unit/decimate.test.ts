import assert from 'node:assert/strict';
import { decimate } from '../../webview/charts/decimate';

describe('decimate (what the loss chart draws of a long history)', () => {
  const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  it('returns a short series whole', () => {
    const xs = range(30);
    const ys = xs.map((x) => 1 / x);
    assert.deepEqual(
      decimate(xs, ys, 10),
      xs.map((x, i) => ({ x, y: ys[i] })),
    );
  });

  it('keeps each stretch’s first, lowest and highest point, in order, and the last point', () => {
    // 20,000 noisy losses with one spike and one dip that decimation must not lose.
    const xs = range(20_000);
    const ys = xs.map((x) => 2 / Math.sqrt(x) + 0.01 * Math.sin(x * 1.7));
    ys[12_345] = 9;
    ys[777] = -1;
    const out = decimate(xs, ys, 400);
    assert.ok(out.length <= 3 * 400 + 1, `${out.length} points`);
    assert.ok(out.length >= 400, `${out.length} points`);
    for (let i = 1; i < out.length; i++) assert.ok(out[i].x > out[i - 1].x, `x increases at ${i}`);
    for (const p of out) assert.equal(p.y, ys[p.x - 1], `point ${p.x} is a point of the series`);
    assert.ok(
      out.some((p) => p.x === 12_346 && p.y === 9),
      'the spike is kept',
    );
    assert.ok(
      out.some((p) => p.x === 778 && p.y === -1),
      'the dip is kept',
    );
    assert.deepEqual(out[0], { x: 1, y: ys[0] });
    assert.deepEqual(out[out.length - 1], { x: 20_000, y: ys[19_999] });
    // The envelope is the series’ own: the highest and lowest drawn values are the series’.
    assert.equal(Math.max(...out.map((p) => p.y)), Math.max(...ys));
    assert.equal(Math.min(...out.map((p) => p.y)), Math.min(...ys));
  });
});
