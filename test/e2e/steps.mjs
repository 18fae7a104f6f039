// What every end-to-end file shares: the themes, polling and assertions, and the runner that plays
// a scenario once per theme, records each step (a failed step gets a screenshot), and ends with
// `N passed, N failed` when a file is run on its own.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { RESULTS_DIR } from '../harness/codeServer.mjs';
import { launchBrowser, screenshot } from '../harness/e2e.mjs';

/** The colour themes a scenario can run in. */
export const THEMES = {
  dark: 'Default Dark Modern',
  light: 'Default Light Modern',
  'high-contrast': 'Default High Contrast',
  'high-contrast-light': 'Default High Contrast Light',
};

/** The themes a scenario runs in unless told otherwise (the high-contrast ones on request). */
export const DEFAULT_THEMES = ['dark', 'light'];

/** Polls `fn` until it returns a truthy value; fails with `what` and the last value seen. */
export async function until(what, fn, timeoutMs = 30_000, interval = 200) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err.message;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Throws `message` unless `cond` holds. */
export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/**
 * Runs `scenario(theme, browser, t, log, setPage)` for each theme; `t(name, fn)` records a step.
 * Resolves { passed, failed, steps }.
 * @param {Function} scenario
 * @param {{ themes?: string[], log?: (line: string) => void }} [options]
 */
export async function runScenario(scenario, { themes = DEFAULT_THEMES, log = (l) => console.log(l) } = {}) {
  const steps = [];
  let currentPage;
  const t = async (name, fn) => {
    const started = Date.now();
    try {
      await fn();
      steps.push({ name, ok: true });
      log(`  ✔ ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      steps.push({ name, ok: false, error: err.message });
      log(`  ✘ ${name} (${Date.now() - started} ms)\n${String(err.message).replace(/^/gm, '       ')}`);
      if (currentPage) {
        const file = await screenshot(currentPage, `failure-${name.slice(0, 60)}`).catch(() => undefined);
        if (file) log(`       screenshot ${path.relative(process.cwd(), file)}`);
      }
    }
  };
  const browser = await launchBrowser();
  try {
    for (const theme of themes) {
      if (!THEMES[theme]) throw new Error(`unknown theme ${theme}; known: ${Object.keys(THEMES).join(', ')}`);
      try {
        await scenario(theme, browser, t, log, (p) => (currentPage = p));
      } catch (err) {
        // The scenario itself broke (server start, browser): one failure with the reason.
        steps.push({ name: `${theme}: scenario`, ok: false, error: err.message });
        log(`  ✘ ${theme}: scenario could not run\n${String(err.stack || err.message).replace(/^/gm, '       ')}`);
      }
      currentPage = undefined;
    }
  } finally {
    await browser.close().catch(() => {});
  }
  log(`  screenshots: ${path.relative(process.cwd(), path.join(RESULTS_DIR, 'screenshots'))}/`);
  const passed = steps.filter((s) => s.ok).length;
  return { passed, failed: steps.length - passed, steps };
}

/** When `moduleUrl` is the file node was started with, runs it with the themes on the command line. */
export function runIfMain(moduleUrl, run) {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  const themes = process.argv.slice(2);
  run(themes.length ? { themes } : {})
    .then((r) => {
      console.log(`${r.passed} passed, ${r.failed} failed`);
      process.exitCode = r.failed || !r.passed ? 1 : 0;
    })
    .catch((err) => {
      console.error(err.stack || err.message);
      console.log('0 passed, 1 failed');
      process.exit(1);
    });
}
