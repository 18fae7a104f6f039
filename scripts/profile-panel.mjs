// Profiles the training panel's webview while two-layer trains (Chrome DevTools CPU profile of the
// webview's frame) and prints the functions that took the most time. For finding what the panel
// costs the machine; not part of the tests.
//
//   node scripts/profile-panel.mjs [--epochs 20] [--seconds 5] [--delay 1.5] [--out FILE.cpuprofile]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { withTrainingPanel } from './lib/trainInEditor.mjs';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '5' },
    delay: { type: 'string', default: '1.5' },
    out: { type: 'string' },
  },
});
await withTrainingPanel(
  { settings: { 'scratchnet.epochs': Number(args.epochs), 'scratchnet.seed': 1 }, name: 'profile' },
  async ({ page }) => {
    await new Promise((r) => setTimeout(r, Number(args.delay) * 1000));
    const cdp = await page.context().newCDPSession(page); // the webview frames share the page's renderer
    // A trace of the same window: where the renderer's time goes outside JavaScript (style, layout,
    // paint, raster), summed per event name over every thread of the trace.
    const events = [];
    cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
    const traced = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.start', {
      categories: 'devtools.timeline,disabled-by-default-devtools.timeline,cc,viz',
      transferMode: 'ReportEvents',
    });
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    await new Promise((r) => setTimeout(r, Number(args.seconds) * 1000));
    const { profile } = await cdp.send('Profiler.stop');
    await cdp.send('Tracing.end');
    await traced;
    const threads = new Map(
      events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name]),
    );
    const byName = new Map();
    for (const e of events) {
      if (e.ph !== 'X' || !e.dur) continue;
      const key = `${threads.get(`${e.pid}:${e.tid}`) ?? e.tid} · ${e.name}`;
      byName.set(key, (byName.get(key) ?? 0) + e.dur);
    }
    const secs = Number(args.seconds);
    if (args.out) fs.writeFileSync(`${args.out}.trace.json`, JSON.stringify(events));
    const frames = events.filter((e) => e.name === 'ProxyMain::BeginMainFrame' && e.ph === 'X').length;
    const raf = events.filter((e) => e.name === 'FireAnimationFrame' && e.ph === 'X').length;
    console.log(`main frames: ${(frames / secs).toFixed(1)}/s; animation-frame callbacks: ${(raf / secs).toFixed(1)}/s`);
    // What keeps frames coming: running CSS animations and transitions in every frame of the page.
    for (const f of page.frames()) {
      const running = await f
        .evaluate(() =>
          document.getAnimations().map((a) => {
            const t = a.effect && a.effect.target;
            const name = a.animationName || a.transitionProperty || a.constructor.name;
            return `${name} on ${t ? `${t.tagName.toLowerCase()}.${String(t.className).split(' ').join('.')}` : '?'}`;
          }),
        )
        .catch(() => []);
      if (running.length) console.log(`animations in ${f.url().slice(0, 80)}: ${running.join('; ')}`);
    }
    console.log(`trace, inclusive time per thread and event (ms per second of wall time):`);
    for (const [k, us] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 25))
      console.log(`${(us / 1000 / secs).toFixed(1).padStart(7)}  ${k}`);
    if (args.out) fs.writeFileSync(args.out, JSON.stringify(profile));
    const self = new Map();
    const dt = profile.timeDeltas;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const total = new Map();
    profile.samples.forEach((id, i) => total.set(id, (total.get(id) ?? 0) + (dt[i] ?? 0)));
    for (const [id, us] of total) {
      const n = byId.get(id);
      const f = n.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${path.basename(f.url || '')}:${f.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + us);
    }
    const span = profile.endTime - profile.startTime;
    const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, 30);
    console.log(`profile of ${(span / 1e6).toFixed(1)} s of the webview's main thread:`);
    for (const [k, us] of rows) console.log(`${((100 * us) / span).toFixed(1).padStart(5)}%  ${k}`);
  },
);
