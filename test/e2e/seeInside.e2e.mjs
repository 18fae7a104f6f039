#!/usr/bin/env node
// End-to-end, issue 5 ("see inside"): Scratchnet in a real VS Code (code-server) driven by Chromium
// like a person. For each theme:
//   F1 → Train Network → two-layer: the activation histograms and the gradient charts appear and
//   change as training goes on; F1 → Pause Training; the Step button 8 times walks forward · affine1
//   … update · sgd, and every tensor card's mean equals the engine's own number, computed here by
//   replaying the same run (same seeds) with dist/engine.js; F1 → Run Gradient Check: every
//   parameter passes; the network file small-convnet.scratchnet.json (simple-convnet on 1,000
//   images, ten batches an epoch) opened from the explorer and trained with F1 → Train Network → the file: 30
//   filters that change; F1 → Save Run (the save dialog answered with its proposed path);
//   F1 → Open Run of that file: the panel shows the saved run.
// Screenshots in test-results/screenshots/: histograms-THEME.png, gradients-THEME.png,
// stepper-THEME.png (and stepper-update-THEME.png), gradcheck-THEME.png, filters-THEME.png,
// opened-run-THEME.png.
//
//   node test/e2e/seeInside.e2e.mjs            both themes
//   node test/e2e/seeInside.e2e.mjs dark       one theme
//
// Ends with "N passed, N failed"; exit code 1 on any failure. test/run.mjs imports runSeeInsideE2E().

import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startCodeServer } from '../harness/codeServer.mjs';
import { findFrameWith, newPage, openWorkbench, pickQuickItem, runCommand, screenshot } from '../harness/e2e.mjs';
import { assert, runIfMain, runScenario, THEMES, until } from './steps.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/**
 * The run's settings (the replay below uses the same ones). 20 epochs: two-layer then has 12,000
 * iterations, about 25 s at full speed on an idle machine (50,000 samples/s), so F1 → Pause
 * Training lands well before the end; with 2 epochs the run was over in 4 s.
 */
const SEED = 1;
const EPOCHS = 20;
const PROBE_EVERY = 10;
/**
 * Images of the convnet file: ten batches of 100 per epoch, so 10 · EPOCHS iterations in all, a few
 * seconds with the WebAssembly kernels: long enough for the panel to show filters of several probes
 * (with one batch per epoch the run was over before the panel first drew them).
 */
const CONVNET_TRAIN = 1000;
const CONVNET_ITERATIONS = EPOCHS * (CONVNET_TRAIN / 100);

/** User settings of the server: seed, probes every 10 iterations, 20 epochs, and the theme. */
function settingsFor(theme) {
  return {
    'workbench.colorTheme': THEMES[theme],
    'scratchnet.seed': SEED,
    'scratchnet.epochs': EPOCHS,
    'scratchnet.probeEvery': PROBE_EVERY,
    'workbench.editor.enablePreview': false,
  };
}

/** The operations of one two-layer batch as the stepper labels them (lr suffix aside). */
const STEP_LABELS = [
  'forward · affine1',
  'forward · relu1',
  'forward · affine2',
  'loss · loss',
  'backward · affine2',
  'backward · relu1',
  'backward · affine1',
  'update · sgd',
];
/** The graph node each of them highlights (null: none, the update). */
const STEP_NODES = ['affine1', 'relu1', 'affine2', 'loss', 'affine2', 'relu1', 'affine1', null];

const CONVNET_FILE = 'small-convnet.scratchnet.json';

/** The engine as a library (the bundle `node esbuild.mjs` builds). */
function engine() {
  const file = path.join(REPO, 'dist', 'engine.js');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run node esbuild.mjs`);
  return require(file);
}

/** A temp folder with the samples, the schema, and simple-convnet on 100 images as a network file. */
function makeWorkspace() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scratchnet-e2e-inside-'));
  const folder = path.join(root, 'samples');
  fs.cpSync(path.join(REPO, 'samples'), folder, { recursive: true });
  fs.cpSync(path.join(REPO, 'schemas'), path.join(root, 'schemas'), { recursive: true });
  const spec = structuredClone(engine().findPreset('simple-convnet').spec);
  const file = {
    $schema: '../schemas/network.schema.json',
    ...spec,
    name: 'simple-convnet',
    training: { ...spec.training, trainLimit: CONVNET_TRAIN, testLimit: 100 },
  };
  fs.writeFileSync(path.join(folder, CONVNET_FILE), `${JSON.stringify(file, null, 2)}\n`);
  return { root, folder };
}

/** Mean of an engine tensor, summed in order in float64 (as the worker's summaries do). */
function meanOf(t) {
  let s = 0;
  for (let i = 0; i < t.data.length; i++) s += t.data[i];
  return s / (t.data.length || 1);
}

/**
 * The tensor cards of two-layer's first 8 operations after `iterations` iterations, computed here:
 * the same spec (the settings' epochs), net seed = the seed, trainer seed = seed + 1, as the
 * editor's worker does (src/worker/runner.ts), with its GEMM kernels.
 * { steps: [{ label, cards: [{ role, name, mean }] }], kernels }
 */
function expectedSteps(iterations) {
  const e = engine();
  // The worker trains with the fastest GEMM it has (src/worker/trainerWorker.ts); the library's
  // default is the TypeScript reference, whose sums round differently: over thousands of
  // iterations the two runs drift apart by far more than 1e-6. Use the worker's kernels.
  const kernels = e.useFastKernels();
  const spec = structuredClone(e.findPreset('two-layer').spec);
  spec.training = { ...spec.training, epochs: EPOCHS };
  delete spec.training.iterations;
  const data = e.loadDataset({ dir: e.defaultMnistDir([REPO]) });
  const net = e.buildNetwork(spec, { seed: SEED });
  const trainer = new e.Trainer(net, data.train, data.test, { seed: SEED + 1 });
  for (let i = 0; i < iterations; i++) trainer.step();
  const { x, t } = trainer.nextBatch();
  const gen = net.steps(x, t);
  const steps = [];
  for (;;) {
    const r = gen.next();
    if (r.done) {
      trainer.commit(r.value);
      steps.push({
        label: `update · ${trainer.optimizer.kind}`,
        cards: net.params().map((p) => ({ role: 'value', name: p.name, mean: meanOf(p.value) })),
      });
      break;
    }
    const c = r.value;
    const cards = [];
    const add = (tensor, role, name) => tensor && cards.push({ role, name, mean: meanOf(tensor) });
    if (c.phase === 'forward') {
      add(c.input, 'input', `${c.layer} input x`);
      add(c.output, 'output', `${c.layer} output y`);
    } else if (c.phase === 'loss') {
      add(c.input, 'input', 'scores');
      add(c.output, 'dx', 'd loss / d scores');
    } else {
      add(c.input, 'dy', `${c.layer} upstream gradient dy`);
      add(c.output, 'dx', `${c.layer} dx`);
      for (const p of net.layers[c.index].params()) add(p.grad, 'grad', `${p.name} gradient`);
    }
    steps.push({ label: `${c.phase} · ${c.layer}`, cards, loss: c.loss });
  }
  return { steps, kernels: kernels.name };
}

/** Text of an element in a frame ('' when missing). */
async function text(frame, selector) {
  const l = frame.locator(selector);
  return (await l.count()) ? ((await l.first().textContent()) ?? '').trim() : '';
}

/** Whether an element is shown (present, not hidden by the `hidden` attribute or CSS). */
async function shown(frame, selector) {
  const l = frame.locator(selector);
  return (await l.count()) > 0 && (await l.first().isVisible());
}

/** The iteration in the panel header: "iteration 123 / 1,200" → 123. */
async function headerIteration(frame) {
  const m = /iteration ([\d,]+)/.exec(await text(frame, '#progress'));
  return m ? Number(m[1].replace(/,/g, '')) : undefined;
}

/** The state badge's text. */
async function badge(frame) {
  return text(frame, '#state-badge');
}

/** Captions of the activation histograms and the section's "Iteration N: …" line. */
async function activationView(frame) {
  // Note and figures in one read, so a redraw cannot fall between them.
  return frame.locator('#activation-histograms').evaluate((section) => ({
    note: (section.querySelector('.section-note')?.textContent ?? '').trim(),
    figures: [...section.querySelectorAll('[data-layer-id]')].map((e) => ({
      id: e.getAttribute('data-layer-id'),
      title: e.querySelector('.hist-title')?.textContent ?? '',
    })),
  }));
}

/** How many pixels of a canvas are painted (alpha > 0). */
async function paintedPixels(frame, selector) {
  return frame.locator(selector).evaluate((c) => {
    if (!c.width || !c.height) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
}

/** The step label, the tensor cards and the highlighted graph node now. */
async function stepView(frame) {
  return frame.evaluate(() => {
    const cards = [...document.querySelectorAll('#step-tensors [data-role]')].map((c) => ({
      role: c.getAttribute('data-role'),
      name: c.getAttribute('data-name'),
      mean: Number(c.getAttribute('data-mean')),
    }));
    const current = [...document.querySelectorAll('#graph .step-current')].map(
      (n) => n.getAttribute('data-layer-id') ?? n.getAttribute('data-node'),
    );
    return { label: document.querySelector('#step-label')?.textContent?.trim() ?? '', cards, current };
  });
}

/**
 * Scrolls a panel section to just below the sticky header (or the panel to its top, for
 * `selector` null) and takes a screenshot of the whole window.
 */
async function shotOf(page, frame, selector, name) {
  await frame.evaluate((sel) => {
    const header = document.querySelector('#header');
    if (!sel) {
      for (let e = header; e; e = e.parentElement) e.scrollTop = 0;
      document.scrollingElement.scrollTop = 0;
      return;
    }
    const target = document.querySelector(sel);
    target.style.scrollMarginTop = `${(header?.getBoundingClientRect().height ?? 0) + 8}px`;
    target.scrollIntoView({ block: 'start' });
  }, selector);
  await page.waitForTimeout(300);
  return screenshot(page, name);
}

/**
 * Answers a file dialog (code-server's simple dialog: a quick input holding a path) with `file`.
 * The dialog fills in its folder a moment after it opens, which would overwrite an early answer:
 * wait for that, type the path, check it stuck, press Enter, and try again if the dialog stays.
 */
async function answerFileDialog(page, file) {
  const widget = page.locator('.quick-input-widget').filter({ visible: true });
  const input = widget.locator('input');
  for (let attempt = 1; ; attempt++) {
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await until('the dialog to show its folder', async () => (await input.inputValue()).startsWith('/'), 10_000, 100);
    await page.waitForTimeout(300);
    await input.fill(file);
    await until('the typed path', async () => (await input.inputValue()) === file, 5000, 100);
    await page.keyboard.press('Enter');
    const closed = await widget
      .waitFor({ state: 'hidden', timeout: 5000 })
      .then(() => true)
      .catch(() => false);
    if (closed) return;
    if (attempt === 3)
      throw new Error(`the file dialog did not accept ${file}: it shows "${await input.inputValue()}"`);
  }
}

/** Messages in the notification center (with Do Not Disturb on, notifications only go there). */
async function notificationCenter(page) {
  await runCommand(page, 'Notifications: Show Notifications');
  const texts = await page.locator('.notifications-center .notification-list-item-message').allTextContents();
  await runCommand(page, 'Notifications: Hide Notifications').catch(() => {});
  return texts;
}

function closeTo(actual, expected) {
  return Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
}

/**
 * The scenario for one theme; `t(name, fn)` records each step. Later steps need the earlier ones
 * (a step that cannot run because of an earlier failure fails too, with its reason).
 */
async function scenario(theme, browser, t, log, setPage) {
  const ws = makeWorkspace();
  const server = await startCodeServer({
    extensionPath: REPO,
    workspace: ws.folder,
    settings: settingsFor(theme),
    name: `e2e-inside-${theme}`,
  });
  const page = await newPage(browser);
  setPage(page);
  const consoleErrors = [];
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  let frame;
  const state = {};
  const savedFile = path.join(ws.folder, 'simple-convnet.scratchnet-run.json');
  try {
    await t(`${theme}: the workbench opens on the samples folder with the network files`, async () => {
      await openWorkbench(page, server.url, ws.folder);
      await page
        .locator('.explorer-folders-view .monaco-list-row', { hasText: CONVNET_FILE })
        .waitFor({ timeout: 20_000 });
      // The training progress toast would cover the panel's lower right corner in the screenshots.
      await runCommand(page, 'Notifications: Toggle Do Not Disturb Mode');
    });

    await t(`${theme}: F1 → Train Network → two-layer: the activation histograms appear and change`, async () => {
      await runCommand(page, 'Scratchnet: Train Network');
      await pickQuickItem(page, 'two-layer');
      await page.locator('.tabs-container .tab[aria-label="Scratchnet: two-layer"]').waitFor({ timeout: 30_000 });
      frame = await findFrameWith(page, '#graph', 30_000);
      const first = await until(
        'activation histograms of affine1, relu1, affine2 after some training',
        async () => {
          if (!(await shown(frame, '#activation-histograms'))) return undefined;
          const v = await activationView(frame);
          const m = /Iteration (\d+)/.exec(v.note);
          return m && Number(m[1]) > 0 && v.figures.length === 3 ? { ...v, iteration: Number(m[1]) } : undefined;
        },
        60_000,
        100,
      );
      const ids = first.figures.map((f) => f.id).join(',');
      assert(ids === 'affine1,relu1,affine2', `activation figures ${ids}`);
      assert(/mean .*std/.test(first.figures[0].title), `figure title "${first.figures[0].title}"`);
      const later = await until(
        'the activation histograms of a later probe',
        async () => {
          const v = await activationView(frame);
          const m = /Iteration (\d+)/.exec(v.note);
          return m && Number(m[1]) > first.iteration ? { ...v, iteration: Number(m[1]) } : undefined;
        },
        30_000,
        100,
      );
      const changed = later.figures.filter((f, i) => f.title !== first.figures[i].title).length;
      log(
        `    iteration ${first.iteration}: "${first.figures[0].title}" → iteration ${later.iteration}: "${later.figures[0].title}"`,
      );
      assert(changed >= 2, `only ${changed} of 3 histogram titles changed between the probes`);
      await frame.locator('#activation-histograms').scrollIntoViewIfNeeded();
      await until(
        'the affine1 histogram drawn',
        async () => (await paintedPixels(frame, '#activation-histograms [data-layer-id="affine1"] canvas')) > 100,
        10_000,
        200,
      );
    });

    await t(`${theme}: the gradient-norm and update-ratio charts appear and change`, async () => {
      assert(frame, 'no panel frame');
      const first = await until(
        'a gradient summary',
        async () => ((await shown(frame, '#gradient-chart')) && (await text(frame, '#gradient-summary'))) || undefined,
        30_000,
        100,
      );
      const later = await until(
        'the gradient summary to change',
        async () => {
          const s = await text(frame, '#gradient-summary');
          return s && s !== first ? s : undefined;
        },
        30_000,
        100,
      );
      log(`    gradient summary: "${first.slice(0, 100)}…" → "${later.slice(0, 100)}…"`);
      // The panel draws the canvases on screen: look at the charts, as a person would.
      await frame.locator('#gradients').scrollIntoViewIfNeeded();
      await until(
        'the gradient chart drawn',
        async () => (await paintedPixels(frame, '#gradient-chart')) > 500,
        10_000,
        200,
      );
      assert(await shown(frame, '#update-ratio-chart'), 'no update-ratio chart');
      assert((await text(frame, '#update-ratio-summary')).length > 0, 'no update-ratio summary');
    });

    await t(`${theme}: F1 → Scratchnet: Pause Training pauses the run before its end`, async () => {
      assert(frame, 'no panel frame');
      await runCommand(page, 'Scratchnet: Pause Training');
      await until('the paused badge', async () => /paused/i.test(await badge(frame)), 15_000, 100);
      const at = await headerIteration(frame);
      state.pausedAt = at;
      log(`    paused at iteration ${at} of ${EPOCHS * 600}`);
      assert(at > 0 && at < EPOCHS * 600 - 1, `paused at iteration ${at} of ${EPOCHS * 600}`);
      assert(await shown(frame, '#btn-step'), 'no Step button while paused');
      assert(await shown(frame, '#btn-step-batch'), 'no Step Batch button while paused');
      assert(await shown(frame, '#btn-resume'), 'no Resume button while paused');
      assert(!(await shown(frame, '#btn-pause')), 'the Pause button still shows while paused');
      state.histShot = await shotOf(page, frame, '#activation-histograms', `histograms-${theme}`);
      state.gradShot = await shotOf(page, frame, '#gradients', `gradients-${theme}`);
    });

    await t(`${theme}: Step × 8 walks forward · affine1 … update · sgd, highlighting each layer`, async () => {
      assert(frame, 'no panel frame');
      const seen = [];
      let previous = (await stepView(frame)).label;
      for (let i = 0; i < 8; i++) {
        await frame.locator('#btn-step').click();
        const v = await until(
          `step ${i + 1}'s label`,
          async () => {
            const s = await stepView(frame);
            return s.label && s.label !== previous && (await shown(frame, '#stepper')) ? s : undefined;
          },
          15_000,
          100,
        );
        previous = v.label;
        seen.push(v);
        if (i === 4) state.stepperShot = await shotOf(page, frame, '#stepper', `stepper-${theme}`);
      }
      state.steps = seen;
      for (const v of seen) log(`    ${v.label}  [${v.cards.map((c) => c.name).join(', ')}]`);
      const labels = seen.map((v) => /· (.+?) \(iteration/.exec(v.label)?.[1]?.replace(/ \(lr .*\)$/, '') ?? v.label);
      const want = STEP_LABELS;
      for (let i = 0; i < 8; i++) {
        assert(
          seen[i].label.includes(`Step ${i + 1} of 8`) && seen[i].label.includes(want[i]),
          `step ${i + 1}: label "${seen[i].label}", expected "${want[i]}" (all: ${JSON.stringify(labels)})`,
        );
        const node = STEP_NODES[i];
        const cur = seen[i].current.join(',');
        assert(
          cur === (node ?? ''),
          `step ${i + 1} (${want[i]}): highlighted node "${cur}", expected "${node ?? 'none'}"`,
        );
      }
      const iterations = seen.map((v) => Number(/\(iteration (\d+)\)/.exec(v.label)?.[1]));
      assert(
        iterations.every((n) => n === state.pausedAt + 1),
        `the steps belong to iteration ${state.pausedAt + 1} (paused at ${state.pausedAt}): ${iterations.join(',')}`,
      );
      await until(
        'the header to count the stepped batch',
        async () => (await headerIteration(frame)) === state.pausedAt + 1,
        10_000,
      );
      state.stepperUpdateShot = await shotOf(page, frame, '#stepper', `stepper-update-${theme}`);
    });

    await t(
      `${theme}: every tensor card's mean equals the engine's own number (same seeds, replayed here)`,
      async () => {
        assert(state.steps, 'no steps recorded');
        const started = Date.now();
        const { steps: want, kernels } = expectedSteps(state.pausedAt);
        log(
          `    replayed ${state.pausedAt} iterations + 1 stepped batch with dist/engine.js (${kernels} GEMM) in ${Date.now() - started} ms`,
        );
        let compared = 0;
        let exact = 0;
        for (let i = 0; i < 8; i++) {
          const got = state.steps[i].cards;
          const exp = want[i].cards;
          assert(
            state.steps[i].label.includes(want[i].label),
            `step ${i + 1}: "${state.steps[i].label}" vs engine "${want[i].label}"`,
          );
          assert(
            JSON.stringify(got.map((c) => [c.role, c.name])) === JSON.stringify(exp.map((c) => [c.role, c.name])),
            `step ${i + 1} cards ${JSON.stringify(got.map((c) => c.name))}, engine ${JSON.stringify(exp.map((c) => c.name))}`,
          );
          for (let j = 0; j < exp.length; j++) {
            assert(
              closeTo(got[j].mean, exp[j].mean),
              `step ${i + 1} (${want[i].label}) ${exp[j].name}: the panel shows mean ${got[j].mean}, the engine computes ${exp[j].mean}`,
            );
            compared++;
            if (got[j].mean === exp[j].mean) exact++;
          }
        }
        log(`    ${compared} means equal to within 1e-6 (relative), ${exact} of them bit for bit`);
      },
    );

    await t(`${theme}: F1 → Scratchnet: Run Gradient Check: every parameter passes`, async () => {
      assert(frame, 'no panel frame');
      await runCommand(page, 'Scratchnet: Run Gradient Check');
      const rows = await until(
        'the gradient check table',
        async () => {
          if (!(await shown(frame, '#gradcheck'))) return undefined;
          const r = await frame
            .locator('#gradcheck tr[data-param]')
            .evaluateAll((els) =>
              els.map((e) => ({ param: e.getAttribute('data-param'), pass: e.getAttribute('data-pass') })),
            );
          return r.length ? r : undefined;
        },
        60_000,
      );
      assert(
        JSON.stringify(rows.map((r) => r.param)) ===
          JSON.stringify(['affine1.W', 'affine1.b', 'affine2.W', 'affine2.b']),
        `rows ${JSON.stringify(rows)}`,
      );
      assert(
        rows.every((r) => r.pass === 'true'),
        `failing rows ${JSON.stringify(rows.filter((r) => r.pass !== 'true'))}`,
      );
      const summary = await text(frame, '#gradcheck-summary');
      log(`    ${summary}`);
      assert(/^All 4 parameters pass/.test(summary), `summary "${summary}"`);
      assert(/paused/i.test(await badge(frame)), 'the run is still paused');
      state.gradcheckShot = await shotOf(page, frame, '#gradcheck', `gradcheck-${theme}`);
    });

    await t(
      `${theme}: ${CONVNET_FILE} from the explorer, F1 → Train Network → the file: 30 filters that change`,
      async () => {
        await page.locator('.explorer-folders-view .monaco-list-row', { hasText: CONVNET_FILE }).click();
        await page.locator(`.tabs-container .tab[aria-label^="${CONVNET_FILE}"]`).first().waitFor({ timeout: 20_000 });
        await runCommand(page, 'Scratchnet: Train Network');
        await pickQuickItem(page, new RegExp(CONVNET_FILE.replace(/\./g, '\\.')));
        await page
          .locator('.tabs-container .tab[aria-label="Scratchnet: simple-convnet"]')
          .waitFor({ timeout: 30_000 });
        frame = await findFrameWith(page, '#graph', 30_000);
        const filtersAt = async () => {
          if (!(await shown(frame, '#filter-grid'))) return undefined;
          // Like a person watching them: the panel draws canvases that are on screen.
          await frame.locator('#filter-grid').scrollIntoViewIfNeeded();
          const n = await frame.locator('#filter-grid canvas[data-filter]').count();
          const iteration = await frame.locator('#filter-grid').getAttribute('data-drawn-iteration');
          if (iteration === null) return undefined;
          const pixels = await frame.locator('#filter-grid canvas[data-filter]').evaluateAll((cs) =>
            cs
              .slice(0, 6)
              .map((c) => c.toDataURL())
              .join('|'),
          );
          return { n, iteration: Number(iteration), pixels };
        };
        const first = await until('the filter grid', filtersAt, 90_000);
        assert(first.n === 30, `${first.n} filter images, expected 30`);
        const title = await text(frame, '#filter-grid-title');
        assert(title === 'Filters of conv1', `title "${title}"`);
        const later = await until(
          'filters of a later probe',
          async () => {
            const f = await filtersAt();
            return f && f.iteration > first.iteration ? f : undefined;
          },
          120_000,
          500,
        );
        log(
          `    filters at iteration ${first.iteration} and ${later.iteration}: ${await text(frame, '#filter-summary')}`,
        );
        assert(later.pixels !== first.pixels, 'the filter images did not change between the probes');
        state.filtersShot = await shotOf(page, frame, '#filter-grid', `filters-${theme}`);
        await until('the convnet run to finish', async () => /done/i.test(await badge(frame)), 180_000, 500);
        const acc = await text(frame, '#accuracy-summary');
        log(`    ${acc}`);
      },
    );

    await t(`${theme}: F1 → Scratchnet: Save Run, the save dialog answered with its proposed file`, async () => {
      await runCommand(page, 'Scratchnet: Save Run');
      const input = page.locator('.quick-input-widget').filter({ visible: true }).locator('input');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      const proposed = await until(
        'the proposed file',
        async () => ((await input.inputValue()).endsWith('.json') ? input.inputValue() : undefined),
        10_000,
        100,
      );
      log(`    the save dialog proposes "${proposed}"`);
      assert(proposed === savedFile, `proposed "${proposed}", expected ${savedFile}`);
      await answerFileDialog(page, savedFile);
      // The notification comes after the write has finished (the host writes a sibling file and
      // renames it, so the file is never seen half written).
      const messages = await until(
        'the "run saved" notification',
        async () => {
          const m = await notificationCenter(page);
          return m.some((x) => /run saved to simple-convnet\.scratchnet-run\.json/.test(x)) ? m : undefined;
        },
        30_000,
        500,
      );
      log(`    notifications: ${JSON.stringify(messages)}`);
      assert(fs.existsSync(savedFile), `${savedFile} does not exist after the "run saved" notification`);
      assert(!fs.existsSync(`${savedFile}.partial`), 'the partial file was left behind');
      const run = JSON.parse(fs.readFileSync(savedFile, 'utf8'));
      assert(run.name === 'simple-convnet', `saved name ${run.name}`);
      assert(run.iteration === CONVNET_ITERATIONS, `saved at iteration ${run.iteration}`);
    });

    await t(`${theme}: F1 → Scratchnet: Open Run of the saved file shows the saved run`, async () => {
      const saved = JSON.parse(fs.readFileSync(savedFile, 'utf8'));
      assert(saved.seconds > 0, `the run file says it trained for ${saved.seconds} s`);
      await runCommand(page, 'Scratchnet: Open Run');
      await answerFileDialog(page, savedFile);
      await until(
        'the panel of the saved run',
        async () => {
          frame = await findFrameWith(page, '#graph', 5000);
          const result = await text(frame, '#run-result');
          // A saved run shows the training time it was saved with, its weights' histograms and its
          // filters (computed from the weights); it has no activations (no data was run through it).
          return (
            /done/i.test(await badge(frame)) &&
            result.includes(`Done in ${saved.seconds.toFixed(1)} s`) &&
            !(await shown(frame, '#activation-histograms')) &&
            (await shown(frame, '#weight-histograms')) &&
            (await shown(frame, '#filter-grid'))
          );
        },
        30_000,
        300,
      );
      const name = await text(frame, '#run-name');
      assert(name === 'simple-convnet', `run name "${name}"`);
      const loss = await text(frame, '#loss-summary');
      assert(
        new RegExp(`Loss [\\d.]+ at iteration ${CONVNET_ITERATIONS} of ${CONVNET_ITERATIONS}`).test(loss),
        `loss summary "${loss}"`,
      );
      const acc = await text(frame, '#accuracy-summary');
      assert(/Test accuracy [\d.]+%/.test(acc), `accuracy summary "${acc}"`);
      log(`    ${loss} | ${acc}`);
      assert((await paintedPixels(frame, '#loss-chart')) > 200, 'the loss chart looks blank');
      // Feature maps of a saved run come from the host (no worker): the saved weights on test image 7.
      await frame.locator('#feature-index').fill('7');
      await frame.locator('#btn-feature-maps').click();
      const result = await until(
        'the feature maps of test image 7',
        async () => {
          const r = await text(frame, '#feature-result');
          const maps = await frame.locator('#feature-layers .feature-layer').count();
          return /Test image 7: label 9, predicted \d/.test(r) && maps > 0 ? `${r} (${maps} layers)` : undefined;
        },
        30_000,
        300,
      );
      log(`    ${result}`);
      state.openedShot = await shotOf(page, frame, null, `opened-run-${theme}`);
    });

    await t(`${theme}: no uncaught errors in the workbench or the webviews`, async () => {
      assert(
        consoleErrors.length === 0,
        `${consoleErrors.length} uncaught: ${[...new Set(consoleErrors)].slice(0, 5).join(' | ')}`,
      );
    });
  } finally {
    await page
      .context()
      .close()
      .catch(() => {});
    await server.stop();
    fs.rmSync(ws.root, { recursive: true, force: true });
  }
}

/**
 * Runs the scenario for each theme; prints each step. Resolves { passed, failed, steps }.
 * @param {{ themes?: string[], log?: (line: string) => void }} [options]
 */
export function runSeeInsideE2E(options) {
  return runScenario(scenario, options);
}

runIfMain(import.meta.url, runSeeInsideE2E);
