// Preview of the training panel outside VS Code: builds the bundles, serves the real panel document
// (with a fake webview API and VS Code's Dark Modern / Light Modern variables) on 127.0.0.1, feeds it
// realistic host messages in Debian's Chromium and saves screenshots a person can look at:
//
//   node test/preview/preview.mjs
//
//   test-results/preview-dark.png    two-layer run, done, affine1 selected, Dark Modern, 1280 px
//   test-results/preview-light.png   the same page after switching the body class to Light Modern
//   test-results/preview-deep.png    deep-convnet (20 layers) running, conv2 selected by the host
//   test-results/preview-narrow.png  deep-convnet at 600 px after a run/error
//   test-results/preview-*.png       the "see inside" views (histograms, gradients, filters, feature maps,
//                                    stepping, gradient check, experiments, the side-bar detail view):
//                                    listed in seeInside.mjs, fed the recorded fixtures of record.mjs
//
// It also checks what a screenshot cannot show: the messages the panel posts, that invalid messages
// are dropped, that nothing overlaps or overflows at 600-1600 px, and that the CSP was never violated.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from './chromium.mjs';
import { checkLayout, frames, openPanel, posted, RESULTS, ROOT, send, shot, WIDTHS } from './harness.mjs';
import { emptySnapshot, layersOf, runSequence } from './messages.mjs';
import { loadPanelHtml, previewDocument } from './page.mjs';
import { seeInsidePreviews } from './seeInside.mjs';
import { themeCss } from './themes.mjs';

function build() {
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('node esbuild.mjs failed');
}

/** Serves the preview page and the files it loads; remembers every path requested. */
function serve(html) {
  const requested = [];
  const files = {
    '/dist/webview.js': ['dist/webview.js', 'text/javascript'],
    '/media/panel.css': ['media/panel.css', 'text/css'],
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requested.push(url.pathname);
    const send = (body, type) => {
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/panel.html') {
      const origin = `http://127.0.0.1:${server.address().port}`;
      send(
        previewDocument(
          html,
          origin,
          url.searchParams.get('theme') ?? 'dark',
          'Scratchnet: <preview> & "co"',
          url.searchParams.get('mode') ?? 'panel',
        ),
        'text/html',
      );
    } else if (url.pathname === '/theme.css') send(themeCss(), 'text/css');
    else if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else if (files[url.pathname]) send(readFileSync(path.join(ROOT, files[url.pathname][0])), files[url.pathname][1]);
    else {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, requested, origin: `http://127.0.0.1:${server.address().port}` }),
    ),
  );
}

async function twoLayerPreview(browser, origin) {
  const { spec, layers } = layersOf('two-layer', path.join(ROOT, 'dist'));
  const run = {
    name: 'two-layer',
    spec,
    layers,
    itersPerEpoch: 200,
    epochs: 3,
    batchSize: 100,
    train: 20_000,
    test: 10_000,
  };
  const { page, context, log } = await openPanel(browser, origin, { theme: 'dark' });
  await send(page, runSequence(run));

  assert.equal(await page.textContent('#state-badge'), 'done');
  assert.equal(await page.textContent('#progress'), 'iteration 600 / 600');
  assert.deepEqual(
    await page.$$eval('#graph [data-layer-id]', (ns) => ns.map((n) => n.getAttribute('data-layer-id'))),
    ['affine1', 'relu1', 'affine2'],
  );
  assert.match(await page.textContent('[data-layer-id="affine1"]'), /\(50\).*39,250 params/);
  assert.match(await page.textContent('#loss-summary'), /^Loss \d\.\d{3} at iteration 600 of 600/);
  assert.match(await page.textContent('#accuracy-summary'), /after epoch 3 \(iteration 600\)/);

  await send(page, [{ type: 'train/metrics', losses: 'not numbers' }]);
  assert.ok(
    log.warnings.some((w) => w.includes('dropped')),
    'an invalid message is dropped with a warning',
  );

  await page.click('[data-layer-id="affine1"]');
  await frames(page);
  assert.deepEqual((await posted(page)).at(-1), { type: 'select/layer', id: 'affine1' });
  assert.equal(await page.getAttribute('[data-layer-id="affine1"]', 'aria-pressed'), 'true');
  assert.match(await page.textContent('#param-table'), /W\(784, 50\)/);

  await page.focus('[data-layer-id="affine1"]');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  assert.deepEqual((await posted(page)).at(-1), { type: 'select/layer', id: 'relu1' });
  await frames(page);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  assert.deepEqual((await posted(page)).at(-1), { type: 'select/layer', id: 'affine2' });
  await page.click('[data-layer-id="affine1"]');
  await frames(page);
  assert.deepEqual(
    await page.$$eval('#graph [data-layer-id]', (ns) => ns.map((n) => n.tabIndex)),
    [0, -1, -1],
    'only the selected node is in the Tab order',
  );
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.activeElement?.blur());

  await checkLayout(page, 'two-layer 1280');
  const summary = await page.textContent('#loss-summary');
  await shot(page, 'dark');

  const pixels = () => page.$$eval('canvas', (cs) => cs.map((c) => c.toDataURL()).join());
  const before = await pixels();
  await page.evaluate(() => document.body.classList.replace('vscode-dark', 'vscode-light'));
  await frames(page);
  assert.notEqual(await pixels(), before, 'the charts are redrawn in the new theme colours');
  await shot(page, 'light');

  await page.reload();
  await page.waitForFunction(() => window.__posted?.some((m) => m.type === 'ready'));
  await send(page, [snapshotOf(runSequence(run))]);
  assert.equal(
    await page.getAttribute('[data-layer-id="affine1"]', 'aria-pressed'),
    'true',
    'selection survives a reload',
  );
  assert.deepEqual(
    (await posted(page)).at(-1),
    { type: 'select/layer', id: 'affine1' },
    'the host learns the restored selection',
  );
  assert.equal(await page.textContent('#loss-summary'), summary, 'a snapshot draws what the events drew');

  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violations');
  assert.deepEqual(log.errors, [], 'no console errors');
  await context.close();
}

/** A snapshot of the finished run naming nothing selected, so the panel restores its own selection. */
function snapshotOf(seq) {
  const metrics = seq.filter((m) => m.type === 'train/metrics');
  return {
    ...emptySnapshot(),
    started: seq.find((m) => m.type === 'run/started'),
    state: 'done',
    iteration: 600,
    epoch: 3,
    lossIterations: metrics.flatMap((m) => m.losses.map((_, i) => m.firstIteration + i)),
    losses: metrics.flatMap((m) => m.losses),
    epochs: seq.filter((m) => m.type === 'train/epoch'),
    samplesPerSecond: metrics.at(-1).samplesPerSecond,
    params: seq.filter((m) => m.type === 'probe/params').at(-1),
    done: seq.find((m) => m.type === 'run/done'),
  };
}

async function deepPreview(browser, origin) {
  const { spec, layers } = layersOf('deep-convnet', path.join(ROOT, 'dist'));
  const run = {
    name: 'deep-convnet',
    spec,
    layers,
    itersPerEpoch: 200,
    epochs: 5,
    batchSize: 100,
    train: 20_000,
    test: 5_000,
    stopAt: 460,
    seed: 7,
  };
  const { page, context, log } = await openPanel(browser, origin, { theme: 'dark', width: 1280 });
  await send(page, [...runSequence(run), { type: 'select/layer', id: 'conv2' }]);
  assert.equal(await page.textContent('#state-badge'), 'running');
  assert.equal(await page.$$eval('#graph [data-layer-id]', (ns) => ns.length), layers.length);
  assert.equal(await page.getAttribute('[data-layer-id="conv2"]', 'aria-pressed'), 'true');
  assert.ok(await page.isEnabled('#btn-pause'));
  assert.ok(!(await page.isEnabled('#btn-resume')));
  await page.click('#btn-pause');
  assert.deepEqual((await posted(page)).at(-1), { type: 'command', name: 'pause' });
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.activeElement?.blur());
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await frames(page);
    await checkLayout(page, `deep-convnet ${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await frames(page);
  await shot(page, 'deep');

  await send(page, [
    {
      type: 'run/error',
      message: 'the loss became NaN (diverged); try a smaller learning rate',
      where: 'iteration 461',
      recoverable: true,
    },
    { type: 'train/state', state: 'error', iteration: 460 },
  ]);
  await page.setViewportSize({ width: 600, height: 900 });
  await frames(page);
  assert.match(await page.textContent('[role="alert"]'), /iteration 461.*NaN/);
  assert.ok(!(await page.isEnabled('#btn-stop')));
  await checkLayout(page, 'deep-convnet error 600');
  await shot(page, 'narrow');
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no CSP violations');
  assert.deepEqual(log.errors, [], 'no console errors');
  await context.close();
}

async function main() {
  const executablePath = await ensureChromium();
  build();
  mkdirSync(RESULTS, { recursive: true });
  const html = await loadPanelHtml(ROOT);
  const { server, requested, origin } = await serve(html);
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  try {
    await twoLayerPreview(browser, origin);
    await deepPreview(browser, origin);
    await seeInsidePreviews(browser, origin);
    const expected = ['/panel.html', '/theme.css', '/dist/webview.js', '/media/panel.css', '/favicon.ico'];
    const unexpected = requested.filter((p) => !expected.includes(p));
    assert.deepEqual(unexpected, [], 'the panel loads nothing else');
    console.log('preview: all checks passed');
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
