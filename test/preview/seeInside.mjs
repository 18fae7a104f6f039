// The "see inside" views in the preview, fed the recorded simple-convnet run and experiment results
// (fixtures/, see record.mjs). Screenshots (test-results/preview-NAME.png):
//
//   empty-charts             loss and accuracy before the first loss and epoch: clean 0–1 axes
//   convnet-dark / -light    simple-convnet paused at iteration 60, conv1 selected: graph, layer detail with
//                            its histograms, loss, accuracy, gradients, activation and weight histograms,
//                            filters, the feature-map form
//   gradients-dark           gradient norms and update ratios over 20 probes (log scales)
//   histograms-dark          activation histograms, one per layer
//   filters-dark             the 30 filters of conv1
//   step-forward-dark        stepping: forward · conv1 (input image, output map)
//   step-loss-dark           stepping: the loss (scores, d loss / d scores)
//   step-backward-dark/-light stepping: backward · affine2 (dy, dx, W and b gradients, diverging maps)
//   stepping-dark            the whole panel while stepping (conv1's backward, graph highlight)
//   convnet-narrow           the whole panel at 600 px while stepping, with gradient check and feature maps
//   gradcheck-dark / -light  the gradient check table (conv1 fails at kinks, the affine layers pass)
//   feature-maps-dark/-light test image 0 through conv1, relu1, pool1
//   exp-progress             an experiment running (progress bar)
//   exp-NAME-dark            each chapter-6 experiment's result; exp-batchnorm-light, exp-weight-init-histogram-light
//   detail-dark / -light     the side-bar detail view (data-mode="detail") of conv1, 360 px wide
import assert from 'node:assert/strict';
import { assertClean, calm, checkWidths, frames, openPanel, posted, send, setTheme, shot } from './harness.mjs';
import { emptySnapshot, EXPERIMENTS, fixture } from './messages.mjs';

const texts = (page, selector) => page.$$eval(selector, (ns) => ns.map((n) => n.textContent));
const attrs = (page, selector, name) => page.$$eval(selector, (ns, a) => ns.map((n) => n.getAttribute(a)), name);

/** The recorded run, split where stepping begins. */
function convnetEvents() {
  const events = fixture('simple-convnet-run');
  const firstCursor = events.findIndex((e) => e.type === 'step/cursor');
  const training = events.slice(0, firstCursor).filter((e) => e.type !== 'probe/featureMaps');
  const cursors = events.filter((e) => e.type === 'step/cursor');
  const after = events.slice(firstCursor).filter((e) => e.type !== 'step/cursor');
  return { training, cursors, after };
}

async function trainingChecks(page) {
  assert.deepEqual(await attrs(page, '#activation-histograms .hist-multiple', 'data-layer-id'), [
    'conv1',
    'relu1',
    'pool1',
    'affine1',
    'relu2',
    'affine2',
  ]);
  const titles = await texts(page, '#activation-histograms .hist-title');
  assert.match(titles[0], /^conv1 \(mean -?[\d.e-]+, std [\d.e-]+\)$/);
  const notes = await texts(page, '#activation-histograms .hist-note');
  assert.ok(
    notes.some((n) => /^dead \d+\.\d%$/.test(n)),
    'ReLU layers show their dead share',
  );
  assert.equal(await page.$$eval('#activation-histograms .hist-lo', (ns) => ns.length), 6);
  assert.deepEqual(await attrs(page, '#weight-histograms .hist-multiple', 'data-param'), [
    'conv1.W',
    'conv1.b',
    'affine1.W',
    'affine1.b',
    'affine2.W',
    'affine2.b',
  ]);
  assert.match(await page.textContent('#gradient-summary'), /^Gradient norms at iteration 60 \(20 probes/);
  assert.match(await page.textContent('#update-ratio-summary'), /within a factor of 10 of 1e-3/);
  assert.equal(await page.$$eval('#filter-grid canvas[data-filter]', (ns) => ns.length), 30);
  assert.equal(await page.getAttribute('#filter-grid', 'data-layer-id'), 'conv1');
  assert.ok(await page.isVisible('#feature-maps'));
  assert.ok(!(await page.isVisible('#stepper')), 'no stepping view before the first step');
  assert.ok(!(await page.isVisible('#gradcheck')) && !(await page.isVisible('#experiment')));
  for (const [id, name] of [
    ['#btn-step', 'step'],
    ['#btn-step-batch', 'stepBatch'],
    ['#btn-gradcheck', 'gradcheck'],
  ]) {
    assert.ok(await page.isEnabled(id), `${id} is enabled while paused`);
    await page.click(id);
    assert.deepEqual((await posted(page)).at(-1), { type: 'command', name });
  }
}

async function steppingChecks(page, cursors) {
  const at = async (step) => {
    await send(page, [cursors[step - 1]]);
    await calm(page);
    return cursors[step - 1];
  };
  let c = await at(1);
  assert.match(await page.textContent('#step-label'), /^Step 1 of 14 · forward · conv1/);
  assert.ok((await page.textContent('#step-label')).includes(c.label));
  assert.deepEqual(await attrs(page, '#graph .step-current', 'data-layer-id'), ['conv1']);
  assert.deepEqual(await attrs(page, '#stepper .tensor-card', 'data-role'), ['input', 'output']);
  assert.deepEqual(
    await attrs(page, '#stepper .tensor-card', 'data-mean'),
    c.tensors.map((t) => String(t.mean)),
  );
  assert.equal(await page.$$eval('#stepper .heat-canvas', (ns) => ns.length), 2);
  await shot(page, 'step-forward-dark', '#stepper');
  c = await at(7);
  assert.ok((await page.textContent('#step-label')).includes('loss · loss'));
  assert.deepEqual(await attrs(page, '#graph .step-current', 'data-node'), ['loss']);
  assert.match(await page.textContent('#step-loss'), /^loss \d\.\d{4}$/);
  await shot(page, 'step-loss-dark', '#stepper');
  c = await at(8);
  assert.ok((await page.textContent('#step-label')).includes('backward · affine2'));
  assert.deepEqual(await attrs(page, '#stepper .tensor-card', 'data-role'), ['dy', 'dx', 'grad', 'grad']);
  assert.deepEqual(
    await attrs(page, '#stepper .tensor-card', 'data-name'),
    c.tensors.map((t) => t.name),
  );
  await shot(page, 'step-backward-dark', '#stepper');
  await setTheme(page, 'light');
  await shot(page, 'step-backward-light', '#stepper');
  await setTheme(page, 'dark');
  for (let s = 9; s <= 13; s++) await at(s);
  assert.deepEqual(await attrs(page, '#graph .step-current', 'data-layer-id'), ['conv1']);
  assert.equal(await page.getAttribute('#step-ops .current', 'data-step'), '13');
  await checkWidths(page, 'stepping');
  await shot(page, 'stepping-dark');
  await at(14);
  assert.ok((await page.textContent('#step-label')).includes('update · adam'));
  assert.equal(await page.$$eval('#graph .step-current', (ns) => ns.length), 0, 'the update highlights no node');
}

async function convnetPreview(browser, origin) {
  const { training, cursors, after } = convnetEvents();
  const { page, context, log } = await openPanel(browser, origin);
  const started = training.findIndex((e) => e.type === 'run/started');
  await send(page, [emptySnapshot(), ...training.slice(0, started + 1)]);
  await calm(page);
  await shot(page, 'empty-charts', '#charts');
  await send(page, training.slice(started + 1));
  await page.click('#graph [data-layer-id="conv1"]');
  await frames(page);
  await trainingChecks(page);
  assert.deepEqual(await attrs(page, '#layer-detail .hist-multiple', 'data-layer-id'), ['conv1', null, null]);
  assert.deepEqual(await attrs(page, '#layer-detail .hist-multiple', 'data-param'), [null, 'conv1.W', 'conv1.b']);
  await calm(page);
  await checkWidths(page, 'convnet');
  await shot(page, 'convnet-dark');
  await shot(page, 'gradients-dark', '#gradients');
  await shot(page, 'histograms-dark', '#activation-histograms');
  await shot(page, 'filters-dark', '#filter-grid');
  await setTheme(page, 'light');
  await shot(page, 'convnet-light');
  await setTheme(page, 'dark');

  await steppingChecks(page, cursors);

  await page.fill('#feature-index', '0');
  await page.press('#feature-index', 'Enter');
  assert.deepEqual((await posted(page)).at(-1), { type: 'probe/featureMaps', index: 0 });
  assert.match(await page.textContent('#feature-status'), /test image 0…$/);
  await send(page, after);
  assert.ok(!(await page.isVisible('#feature-status')), 'the answer replaces the status line');
  await calm(page);
  assert.deepEqual(await attrs(page, '#gradcheck tbody tr', 'data-param'), [
    'conv1.W',
    'conv1.b',
    'affine1.W',
    'affine1.b',
    'affine2.W',
    'affine2.b',
  ]);
  const gc = after.find((e) => e.type === 'gradcheck/result');
  assert.deepEqual(
    await attrs(page, '#gradcheck tbody tr', 'data-pass'),
    gc.params.map((p) => String(p.pass)),
  );
  assert.deepEqual(await texts(page, '#gradcheck-layers li'), ['✗ conv1: fail', '✓ affine1: pass', '✓ affine2: pass']);
  assert.match(await page.textContent('#gradcheck-bound'), /1\.00e-6/);
  const fm = after.find((e) => e.type === 'probe/featureMaps');
  assert.equal(
    await page.textContent('#feature-result'),
    `Test image 0: label ${fm.label}, predicted ${fm.predicted} (correct).`,
  );
  assert.deepEqual(await attrs(page, '#feature-layers .feature-layer', 'data-layer-id'), ['conv1', 'relu1', 'pool1']);
  assert.equal(await page.$$eval('#feature-layers [data-layer-id="pool1"] canvas', (ns) => ns.length), 30);
  await checkWidths(page, 'convnet with everything');
  await page.setViewportSize({ width: 600, height: 900 });
  await frames(page);
  await shot(page, 'convnet-narrow');
  await page.setViewportSize({ width: 1280, height: 900 });
  await frames(page);
  await shot(page, 'gradcheck-dark', '#gradcheck');
  await shot(page, 'feature-maps-dark', '#feature-maps');
  await setTheme(page, 'light');
  await shot(page, 'gradcheck-light', '#gradcheck');
  await shot(page, 'feature-maps-light', '#feature-maps');
  await send(page, [{ type: 'train/state', state: 'running', iteration: 61 }]);
  assert.ok(!(await page.isVisible('#stepper')), 'the stepping view hides once training runs on');
  assert.ok(!(await page.isVisible('#btn-step')), 'Step shows only while paused');
  await assertClean(page, log);
  await context.close();
}

async function experimentPreviews(browser, origin) {
  const { page, context, log } = await openPanel(browser, origin);
  for (const [i, name] of EXPERIMENTS.entries()) {
    const result = fixture(`experiment-${name}`);
    await send(page, [
      emptySnapshot(),
      { type: 'train/state', state: 'running', iteration: 0 },
      { type: 'experiment/progress', name, done: 420, total: 1000, message: `${name} · iteration 420/1000` },
    ]);
    assert.equal(await page.textContent('#experiment-progress-text'), `42% · ${name} · iteration 420/1000`);
    assert.equal(await page.textContent('#run-name'), `Experiment: ${name}`);
    assert.ok(!(await page.isVisible('#graph')), 'an experiment has no graph');
    if (i === 0) await shot(page, 'exp-progress');
    await send(page, [result, { type: 'train/state', state: 'done', iteration: 0 }]);
    await calm(page);
    assert.ok(!(await page.isVisible('#experiment-progress')));
    assert.equal(await page.textContent('#experiment-title'), `Experiment: ${name}`);
    assert.ok(await page.isVisible('#experiment .experiment-body'));
    assert.equal(await page.$$eval('#experiment .raw-result', (ns) => ns.length), 0, `${name} has a figure`);
    await checkWidths(page, name);
    await shot(page, `exp-${name}-dark`);
    if (name === 'batchnorm' || name === 'weight-init-histogram') {
      await setTheme(page, 'light');
      await shot(page, `exp-${name}-light`);
      await setTheme(page, 'dark');
    }
  }
  await assertClean(page, log);
  await context.close();
}

async function detailPreview(browser, origin) {
  const { training } = convnetEvents();
  const { page, context, log } = await openPanel(browser, origin, { mode: 'detail', width: 360 });
  await send(page, [emptySnapshot(), ...training, { type: 'select/layer', id: 'conv1' }]);
  await calm(page);
  assert.equal(await page.$$eval('#graph, #charts, canvas#loss-chart, #header', (ns) => ns.length), 0);
  assert.match(await page.textContent('#layer-detail'), /conv1.*\(1, 28, 28\) → \(30, 24, 24\)/);
  assert.equal(await page.$$eval('#layer-detail .hist-multiple', (ns) => ns.length), 3);
  await page.click('#btn-reveal');
  assert.deepEqual((await posted(page)).at(-1), { type: 'reveal/layer', id: 'conv1' });
  assert.ok(!(await posted(page)).some((m) => m.type === 'select/layer'), 'the detail view only follows the host');
  await calm(page);
  await shot(page, 'detail-dark');
  await setTheme(page, 'light');
  await shot(page, 'detail-light');
  await assertClean(page, log);
  await context.close();
}

/** Every "see inside" scenario. */
export async function seeInsidePreviews(browser, origin) {
  await convnetPreview(browser, origin);
  await experimentPreviews(browser, origin);
  await detailPreview(browser, origin);
}
