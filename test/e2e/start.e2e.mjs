// End-to-end test of the README's first command, `npm start` (scripts/start.mjs), on a machine
// without a desktop VS Code: it builds, starts code-server with the extension and prints a URL;
// opening that URL in Chromium shows the editor, which trains the default network (two-layer) by
// itself: the training panel appears with no command run and its iteration count grows. Ctrl-C
// (SIGINT) then stops the server and start.mjs exits 0. Screenshot: npm-start.png.
//
//   node test/e2e/start.e2e.mjs
//
// Ends with "N passed, N failed"; exit code 1 on any failure. test/run.mjs imports runStartE2E().

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { getFreePort, httpGet } from '../harness/serverParts.mjs';
import { findFrameWith, newPage, screenshot } from '../harness/e2e.mjs';
import { assert, runIfMain, runScenario, until } from './steps.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function scenario(_theme, browser, t, log, setPage) {
  const port = await getFreePort();
  let out = '';
  const child = spawn(process.execPath, [path.join(REPO, 'scripts', 'start.mjs'), '--serve'], {
    cwd: REPO,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  let exit;
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exit = { code, signal }))));
  let page;
  try {
    let url;
    await t('npm start (start.mjs --serve) builds, starts code-server and prints the workbench URL', async () => {
      url = await until(
        'the URL on stdout',
        () => {
          if (exit) throw new Error(`start.mjs exited (${exit.signal ?? exit.code}):\n${out.slice(-2000)}`);
          return new RegExp(`http://127\\.0\\.0\\.1:${port}/\\?folder=\\S+`).exec(out)?.[0];
        },
        240_000,
        250,
      );
      assert(
        /trains two-layer|starts training two-layer/.test(out),
        `start.mjs does not say it trains:\n${out.slice(-1500)}`,
      );
      log(`    ${url.slice(0, 100)}…`);
    });

    await t(
      'the editor at that URL trains two-layer by itself: the panel appears and the iteration grows',
      async () => {
        assert(url, 'no URL');
        page = await newPage(browser);
        setPage(page);
        await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 90_000 });
        await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 90_000 });
        const frame = await findFrameWith(page, '#graph', 120_000);
        const name = await until(
          'the run name two-layer',
          async () => {
            const n = ((await frame.locator('#run-name').textContent()) ?? '').trim();
            return n === 'two-layer' ? n : undefined;
          },
          60_000,
          250,
        );
        const iterationOf = async () => {
          const text = (await frame.locator('#progress').textContent()) ?? '';
          const m = /iteration ([\d,]+)/.exec(text);
          return m ? Number(m[1].replace(/,/g, '')) : 0;
        };
        const first = await until('a first iteration', iterationOf, 60_000, 250);
        const later = await until(
          'the iteration to grow',
          async () => {
            const i = await iterationOf();
            return i > first ? i : undefined;
          },
          60_000,
          250,
        );
        log(`    panel "${name}": iteration ${first} → ${later}`);
        await screenshot(page, 'npm-start');
      },
    );

    await t('Ctrl-C (SIGINT) stops code-server and start.mjs exits 0', async () => {
      if (page)
        await page
          .context()
          .close()
          .catch(() => {});
      page = undefined;
      child.kill('SIGINT');
      const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 20_000))]);
      assert(result, 'start.mjs still runs 20 s after SIGINT');
      assert(result.code === 0, `start.mjs exited with ${result.signal ?? result.code}:\n${out.slice(-1000)}`);
      const answers = await httpGet(`http://127.0.0.1:${port}/healthz`, 2000).then(
        () => true,
        () => false,
      );
      assert(!answers, `something still answers on port ${port}`);
    });
  } finally {
    if (page)
      await page
        .context()
        .close()
        .catch(() => {});
    if (!exit) {
      child.kill('SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (!exit) child.kill('SIGKILL');
    }
  }
}

/**
 * Runs the scenario once (npm start has no theme setting of its own). Resolves { passed, failed, steps }.
 * @param {{ log?: (line: string) => void }} [options]
 */
export function runStartE2E(options = {}) {
  return runScenario(scenario, { ...options, themes: ['dark'] });
}

runIfMain(import.meta.url, runStartE2E);
