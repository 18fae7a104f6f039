#!/usr/bin/env node
// End-to-end: Scratchnet in a real VS Code (code-server) driven by Chromium like a person.
// For a dark and a light theme: open the workbench on a folder with the samples, F1 → "Scratchnet:
// Train Network" → pick two-layer; the panel "Scratchnet: two-layer" shows the graph and a loss
// curve that goes down; the Layers view (activity bar icon) lists the layers; a click on a layer
// in the graph shows its parameters and selects it in the Layers view; the run ends with an
// accuracy. Screenshots go to test-results/screenshots/: panel-THEME.png (mid-training),
// layers-THEME.png (Layers view open), layer-detail-THEME.png (the side bar's Layer Detail view
// showing affine1), done-THEME.png and charts-done-THEME.png (the run ended).
//
//   node test/e2e/train.e2e.mjs            both themes
//   node test/e2e/train.e2e.mjs dark       one theme
//
// Ends with "N passed, N failed"; exit code 1 on any failure. test/run.mjs imports runE2E().
// The run is kept short with user settings: 2 epochs of full MNIST (1,200 iterations).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { RESULTS_DIR, startCodeServer } from '../harness/codeServer.mjs';
import { findFrameWith, newPage, openWorkbench, pickQuickItem, runCommand, screenshot } from '../harness/e2e.mjs';
import { assert, runIfMain, runScenario, THEMES, until } from './steps.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export { THEMES } from './steps.mjs';

/** User settings of the e2e server: a short run, and the theme under test. */
function settingsFor(theme) {
  return {
    'workbench.colorTheme': THEMES[theme],
    'scratchnet.epochs': 2,
    'scratchnet.seed': 1,
    // Open the panel in the editor area next to nothing: no file is open at start.
    'workbench.editor.enablePreview': false,
  };
}

const LAYERS = ['affine1', 'relu1', 'affine2'];

/** A temp folder with the samples and the schema their "$schema" points to. */
function makeWorkspace() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scratchnet-e2e-'));
  const folder = path.join(root, 'samples');
  fs.cpSync(path.join(REPO, 'samples'), folder, { recursive: true });
  fs.cpSync(path.join(REPO, 'schemas'), path.join(root, 'schemas'), { recursive: true });
  return { root, folder };
}

/** Parses the loss summary: "Loss 0.268 at iteration 600 of 1,200; first 2.303 at iteration 1, …". */
export function parseLossSummary(text) {
  const m = /Loss ([\d.]+) at iteration ([\d,]+)(?: of ([\d,]+))?(?:; first ([\d.]+) at iteration ([\d,]+))?/.exec(
    text ?? '',
  );
  if (!m) return undefined;
  const int = (s) => (s === undefined ? undefined : Number(s.replace(/,/g, '')));
  return {
    latest: Number(m[1]),
    iteration: int(m[2]),
    total: int(m[3]),
    first: m[4] === undefined ? undefined : Number(m[4]),
    firstIteration: int(m[5]),
  };
}

/** Rows of the side bar's Layers tree: [{ label, description, selected }]. */
async function layersTreeRows(page) {
  return page
    .locator('.part.sidebar .pane')
    .filter({ has: page.locator('.pane-header', { hasText: /layers/i }) })
    .locator('.monaco-list-row')
    .evaluateAll((rows) =>
      rows.map((r) => ({
        label: r.querySelector('.label-name')?.textContent?.trim() ?? '',
        description: r.querySelector('.label-description')?.textContent?.trim() ?? '',
        selected: r.getAttribute('aria-selected') === 'true',
      })),
    );
}

/**
 * Runs the scenario for one theme; `t(name, fn)` records each step. Later steps need the earlier
 * ones (a step that cannot run because of an earlier failure fails too, with its reason).
 */
async function scenario(theme, browser, t, log, setPage) {
  const ws = makeWorkspace();
  const server = await startCodeServer({
    extensionPath: REPO,
    workspace: ws.folder,
    settings: settingsFor(theme),
    name: `e2e-${theme}`,
  });
  const page = await newPage(browser);
  setPage(page);
  const consoleErrors = [];
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  let frame;
  const state = {};
  try {
    await t(`${theme}: the workbench opens on the samples folder`, async () => {
      await openWorkbench(page, server.url, ws.folder);
      await page
        .locator('.explorer-folders-view .monaco-list-row', { hasText: 'mlp.scratchnet.json' })
        .waitFor({ timeout: 20_000 });
    });

    await t(
      `${theme}: F1 → Scratchnet: Train Network → two-layer opens the panel "Scratchnet: two-layer"`,
      async () => {
        await runCommand(page, 'Scratchnet: Train Network');
        await pickQuickItem(page, 'two-layer');
        await page.locator('.tabs-container .tab[aria-label="Scratchnet: two-layer"]').waitFor({ timeout: 30_000 });
        frame = await findFrameWith(page, '#graph', 30_000);
      },
    );

    await t(`${theme}: the graph shows affine1, relu1, affine2`, async () => {
      assert(frame, 'no panel frame');
      const ids = await until(
        'the layer nodes',
        async () => {
          const v = await frame
            .locator('#graph [data-layer-id]')
            .evaluateAll((els) => els.map((e) => e.getAttribute('data-layer-id')));
          return v.length ? v : undefined;
        },
        30_000,
      );
      assert(
        JSON.stringify(ids) === JSON.stringify(LAYERS),
        `graph nodes ${JSON.stringify(ids)}, expected ${JSON.stringify(LAYERS)}`,
      );
      const title = await frame.locator('#run-name').textContent();
      assert(title.trim() === 'two-layer', `run name "${title}"`);
    });

    await t(`${theme}: the loss curve goes down (latest loss below the first)`, async () => {
      assert(frame, 'no panel frame');
      const s = await until(
        'a loss summary past iteration 150',
        async () => {
          const p = parseLossSummary(await frame.locator('#loss-summary').textContent());
          return p && p.first !== undefined && p.iteration >= 150 ? p : undefined;
        },
        90_000,
      );
      state.loss = s;
      log(
        `    loss ${s.first} at iteration ${s.firstIteration} → ${s.latest} at iteration ${s.iteration} of ${s.total}`,
      );
      assert(s.total === 1200, `2 epochs of 600 iterations expected, the summary says ${s.total}`);
      assert(s.latest < s.first, `latest loss ${s.latest} is not below the first ${s.first}`);
      assert(s.latest < 0.8 * s.first, `latest loss ${s.latest} fell less than 20% from ${s.first}`);
      // The chart has drawn something: the canvas is not blank.
      const painted = await frame.locator('#loss-chart').evaluate((c) => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      });
      assert(painted > 1000, `the loss chart looks blank (${painted} painted pixels)`);
      const badge = (await frame.locator('#state-badge').textContent()).trim();
      log(`    state badge "${badge}"; screenshot mid-training`);
      state.panelShot = await screenshot(page, `panel-${theme}`);
    });

    await t(`${theme}: the Layers view (activity bar icon) lists affine1, relu1, affine2`, async () => {
      await page.locator('.part.activitybar .action-item a[aria-label="Scratchnet"]').click();
      const rows = await until(
        'three rows in the Layers view',
        async () => {
          const r = await layersTreeRows(page);
          return r.length >= 3 ? r : undefined;
        },
        20_000,
      );
      const labels = rows.map((r) => r.label);
      assert(
        JSON.stringify(labels.slice(0, 3)) === JSON.stringify(LAYERS),
        `Layers view rows ${JSON.stringify(labels)}`,
      );
      assert(
        /affine/.test(rows[0].description) && /39,250 params/.test(rows[0].description),
        `affine1 description "${rows[0].description}"`,
      );
      state.layersShot = await screenshot(page, `layers-${theme}`);
    });

    await t(`${theme}: a click on affine1 in the graph shows W and b and selects it in the Layers view`, async () => {
      assert(frame, 'no panel frame');
      await frame.locator('#graph [data-layer-id="affine1"]').click();
      const params = await until(
        'the parameter table',
        async () => {
          const names = await frame
            .locator('#param-table tbody tr')
            .evaluateAll((rows) => rows.map((r) => r.querySelector('th, td')?.textContent?.trim()));
          return names.length ? names : undefined;
        },
        10_000,
      );
      assert(
        params.join(',').includes('W') && params.join(',').includes('b'),
        `parameter rows ${JSON.stringify(params)}`,
      );
      await until(
        'affine1 selected in the Layers view',
        async () => (await layersTreeRows(page)).find((r) => r.label === 'affine1')?.selected,
        10_000,
      );
    });

    await t(`${theme}: the Layer Detail view shows affine1: shapes, W and b with statistics, histograms`, async () => {
      // The side-bar detail view is the webview with a "Reveal in Graph" button (the panel has none).
      const detail = await findFrameWith(page, '#btn-reveal', 20_000);
      const title = await until(
        'affine1 in the Layer Detail view',
        async () => {
          const text = ((await detail.locator('#layer-detail-title').textContent()) ?? '').trim();
          return text.startsWith('affine1') ? text : undefined;
        },
        10_000,
      );
      const facts = ((await detail.locator('.detail-facts').textContent()) ?? '').trim();
      assert(/784/.test(facts) && /50/.test(facts) && /39,250/.test(facts), `facts "${facts}"`);
      const columns = await detail.locator('#param-table thead th').allTextContents();
      assert(JSON.stringify(columns.map((c) => c.trim())) === '["W","b"]', `parameter columns ${JSON.stringify(columns)}`);
      // Statistics are numbers once a probe has arrived (the run probes every 50 iterations).
      const cells = await until(
        'numeric statistics',
        async () => {
          const c = (await detail.locator('#param-table tbody td').allTextContents()).map((x) => x.trim());
          return c.length >= 10 && c.slice(2).every((x) => x !== '—' && x !== '') ? c : undefined;
        },
        15_000,
        250,
      );
      const histograms = await until(
        'the histograms of affine1 and its weights',
        async () => {
          const n = await detail.locator('#detail-histograms canvas').count();
          return n >= 3 ? n : undefined;
        },
        15_000,
        250,
      );
      log(`    "${title}" · ${facts} · statistics ${JSON.stringify(cells.slice(0, 6))}… · ${histograms} histograms`);
      await screenshot(page, `layer-detail-${theme}`);
    });

    await t(`${theme}: the run finishes with a test accuracy`, async () => {
      assert(frame, 'no panel frame');
      await until(
        'the Done badge',
        async () => /done/i.test(await frame.locator('#state-badge').textContent()),
        180_000,
        500,
      );
      const acc = (await frame.locator('#accuracy-summary').textContent()).trim();
      const m = /Test accuracy ([\d.]+)%/.exec(acc);
      assert(m, `accuracy summary "${acc}"`);
      log(`    ${acc}`);
      assert(Number(m[1]) > 80, `test accuracy ${m[1]}% after 2 epochs`);
      const s = parseLossSummary(await frame.locator('#loss-summary').textContent());
      assert(s && s.iteration === 1200, `last iteration ${s?.iteration}`);
      await screenshot(page, `done-${theme}`);
      // The charts alone, at full resolution, to look at the lines.
      await frame
        .locator('#charts')
        .screenshot({ path: path.join(RESULTS_DIR, 'screenshots', `charts-done-${theme}.png`) });
    });
    await t(`${theme}: no uncaught errors in the workbench or the webview`, async () => {
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
export function runE2E(options) {
  return runScenario(scenario, options);
}

runIfMain(import.meta.url, runE2E);
