import assert from 'node:assert/strict';
import { RenderPacing } from '../../webview/renderPacing';

describe('RenderPacing (how often the panel redraws streamed data)', () => {
  it('redraws every 250 ms while drawing is cheap', () => {
    const p = new RenderPacing();
    assert.equal(p.gap(), 250);
    for (let i = 0; i < 10; i++) p.record(3);
    assert.equal(p.gap(), 250);
  });

  it('stretches the gap to 20× the cost of a redraw when drawing is slow, up to a second', () => {
    const p = new RenderPacing();
    for (let i = 0; i < 50; i++) p.record(25);
    assert.ok(Math.abs(p.gap() - 500) < 1e-6, `gap ${p.gap()}`);
    for (let i = 0; i < 50; i++) p.record(200);
    assert.equal(p.gap(), 1000);
  });

  it('follows the cost back down (running average, not the worst redraw)', () => {
    const p = new RenderPacing();
    p.record(40);
    assert.equal(p.gap(), 800);
    for (let i = 0; i < 30; i++) p.record(5);
    assert.ok(p.gap() < 260, `gap ${p.gap()}`);
  });
});
