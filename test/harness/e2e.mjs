// Helpers that drive the code-server workbench in Debian's Chromium the way a
// person would: open the window, press F1, type a command, pick an item, look
// inside a webview, take a screenshot.
//
//   const browser = await launchBrowser();
//   const page = await newPage(browser);
//   await openWorkbench(page, server.url, workspaceFolder);
//   await runCommand(page, 'Hello Harness');
//   const frame = await findFrameWith(page, '#hello');
//   await screenshot(page, 'hello');

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { RESULTS_DIR } from './codeServer.mjs';

/** Debian's chromium (package `chromium`, see .ci/install-system.sh). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Flags for a sandbox-less root machine without internet: without the
 * networking ones Chromium keeps trying (and failing) to reach Google.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Default window size for pages (big enough for editor + side bar). */
export const VIEWPORT = { width: 1440, height: 900 };

/**
 * Launches headless Chromium. `withoutPriorityBoost`: run it without CAP_SYS_NICE (through util-linux
 * `setpriv`), as it runs for a user who is not root: as root, Chromium raises its browser, GPU and
 * renderer main threads to nice −8, ahead of everything else on the machine, the training worker
 * included; an ordinary user's Chromium cannot (measurements use it to see what a user would).
 * @param {{ headless?: boolean, args?: string[], withoutPriorityBoost?: boolean }} [options]
 * @returns {Promise<import('playwright-core').Browser>}
 */
export async function launchBrowser({ headless = true, args = [], withoutPriorityBoost = false } = {}) {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: run \`bash .ci/install-system.sh\` (Debian package chromium)`);
  }
  let executablePath = CHROMIUM_PATH;
  if (withoutPriorityBoost) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scratchnet-chromium-'));
    executablePath = path.join(dir, 'chromium');
    fs.writeFileSync(
      executablePath,
      `#!/bin/sh\nexec setpriv --bounding-set -sys_nice --inh-caps -sys_nice ${JSON.stringify(CHROMIUM_PATH)} "$@"\n`,
      { mode: 0o755 },
    );
  }
  return chromium.launch({ executablePath, headless, args: [...CHROMIUM_ARGS, ...args] });
}

/**
 * A new page in a fresh context, with clipboard permissions granted (VS Code
 * reads the clipboard on paste) and a fixed viewport.
 * @param {import('playwright-core').Browser} browser
 * @param {{ viewport?: {width:number,height:number} }} [options]
 */
export async function newPage(browser, { viewport = VIEWPORT } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => {});
  return context.newPage();
}

/** The workbench URL for `folder` (an absolute path on the server). */
export function workbenchUrl(url, folder) {
  const u = new URL(url);
  if (folder) u.searchParams.set('folder', path.resolve(folder));
  return u.href;
}

/**
 * Opens the workbench and waits until a person could use it: the workbench
 * parts are laid out, the explorer shows `folder` (so the remote file system
 * answers) and the workbench reached its "Restored" phase, which is when the
 * remote extension host has been started and the Problems item appears in
 * the status bar (about 4-6 s after navigation on this machine).
 * Commands of extensions can still take a moment to reach the palette:
 * runCommand() retries until they do.
 * @param {import('playwright-core').Page} page
 * @param {string} url server.url
 * @param {string} [folder] folder to open
 * @param {{ timeoutMs?: number }} [options]
 */
export async function openWorkbench(page, url, folder, { timeoutMs = 90_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());
  await page.goto(workbenchUrl(url, folder), { waitUntil: 'domcontentloaded', timeout: left() });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: left() });
  if (folder) {
    const name = path.basename(path.resolve(folder));
    await page
      .locator('.explorer-folders-view, .pane-header')
      .filter({ hasText: new RegExp(escapeRegExp(name), 'i') })
      .first()
      .waitFor({ state: 'visible', timeout: left() });
  }
  // Contributed at LifecyclePhase.Restored, after the extension hosts start.
  await page.locator('.part.statusbar [id="status.problems"]').waitFor({ state: 'visible', timeout: left() });
}

/** The visible quick input (command palette / quick pick) widget. */
function quickInput(page) {
  return page.locator('.quick-input-widget').filter({ visible: true });
}

/** Rows of the visible quick input list whose label is exactly `label`. */
function quickRows(page, label) {
  const exact = label instanceof RegExp ? label : new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`);
  return quickInput(page)
    .locator('.monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) });
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Runs a command from the command palette like a person: F1, type the title,
 * choose the row whose label is exactly `title`. Retries while the palette
 * does not list it yet (extensions still loading).
 * @param {import('playwright-core').Page} page
 * @param {string} title command title as shown, e.g. 'Hello Harness' or
 *   'Scratchnet: Open Playground' (category included when it has one)
 * @param {{ timeoutMs?: number }} [options]
 */
export async function runCommand(page, title, { timeoutMs = 30_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    await closeQuickInput(page);
    await focusWorkbench(page);
    await page.keyboard.press('F1');
    const input = quickInput(page).locator('input');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      // F1 opens the palette with '>' already typed; keep it.
      await input.fill('>' + title);
      const row = quickRows(page, title).first();
      await row.waitFor({ state: 'visible', timeout: Math.min(2000, Math.max(1, deadline - Date.now())) });
      const focused = await row.evaluate((el) => el.classList.contains('focused'));
      if (focused) await page.keyboard.press('Enter');
      else await row.click();
      await quickInput(page)
        .waitFor({ state: 'hidden', timeout: 5000 })
        .catch(() => {});
      return;
    } catch (err) {
      lastError = err;
    }
  }
  await closeQuickInput(page);
  throw new Error(`command "${title}" not found in the command palette within ${timeoutMs} ms: ${lastError?.message}`);
}

/**
 * Picks the item labelled exactly `label` (string or RegExp) in the quick
 * pick that is open now (e.g. from vscode.window.showQuickPick): types it
 * into the filter box, then clicks the row.
 * @param {import('playwright-core').Page} page
 * @param {string|RegExp} label
 * @param {{ timeoutMs?: number, filter?: boolean }} [options] filter: type the
 *   label into the box first (default true for strings)
 */
export async function pickQuickItem(page, label, { timeoutMs = 15_000, filter = typeof label === 'string' } = {}) {
  const input = quickInput(page).locator('input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  if (filter) await input.fill(label);
  const row = quickRows(page, label).first();
  await row.waitFor({ state: 'visible', timeout: timeoutMs });
  await row.click();
}

/**
 * Types `text` into an open input box (vscode.window.showInputBox) and
 * presses Enter.
 */
export async function answerInputBox(page, text, { timeoutMs = 15_000 } = {}) {
  const input = quickInput(page).locator('input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(text);
  await page.keyboard.press('Enter');
}

/** Closes the quick input if one is open. */
export async function closeQuickInput(page) {
  if (await quickInput(page).count()) {
    await page.keyboard.press('Escape');
    await quickInput(page)
      .waitFor({ state: 'hidden', timeout: 2000 })
      .catch(() => {});
  }
}

/** Moves keyboard focus back from a webview iframe to the workbench. */
async function focusWorkbench(page) {
  await page.evaluate(() => {
    const active = document.activeElement;
    if (active && active.tagName === 'IFRAME') active.blur();
  });
}

/**
 * Finds the frame (at any depth: a webview's content lives two iframes down,
 * index.html → #active-frame) that contains `selector`.
 * @param {import('playwright-core').Page} page
 * @param {string} selector CSS selector
 * @param {number} [timeoutMs=30000]
 * @returns {Promise<import('playwright-core').Frame>}
 */
export async function findFrameWith(page, selector, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame() || frame.isDetached()) continue;
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        // frame navigated or detached while we looked: try the next one
      }
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no frame contains ${selector} after ${timeoutMs} ms (${page.frames().length} frames)`);
}

/** Texts of the notification toasts on screen now. */
export async function notifications(page) {
  return page.locator('.notification-toast .notification-list-item-message').allTextContents();
}

/**
 * Saves a PNG of the page to test-results/screenshots/<name>.png.
 * @returns {Promise<string>} the file path
 */
export async function screenshot(page, name) {
  const dir = path.join(RESULTS_DIR, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file });
  return file;
}
