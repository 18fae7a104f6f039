// What the measuring scripts share: a real editor (code-server with this extension, Chromium) that
// trains a preset from the command palette with the panel open.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCodeServer } from '../../test/harness/codeServer.mjs';
import {
  findFrameWith,
  launchBrowser,
  newPage,
  openWorkbench,
  pickQuickItem,
  runCommand,
} from '../../test/harness/e2e.mjs';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Starts code-server with `settings` (user settings), opens the workbench in Chromium, runs
 * F1 → Scratchnet: Train Network → `preset`, waits for the panel, then calls
 * `fn({ page, frame, server })` and closes everything, whatever `fn` does. Resolves what `fn` returns.
 * `withoutPriorityBoost`: Chromium as a user who is not root runs it (see launchBrowser).
 */
export async function withTrainingPanel({ settings, name, preset = 'two-layer', withoutPriorityBoost = false }, fn) {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), `scratchnet-${name}-`));
  const server = await startCodeServer({ extensionPath: REPO, workspace: ws, settings, name });
  const browser = await launchBrowser({ withoutPriorityBoost });
  try {
    const page = await newPage(browser);
    await openWorkbench(page, server.url, ws);
    await runCommand(page, 'Scratchnet: Train Network');
    await pickQuickItem(page, preset);
    const frame = await findFrameWith(page, '#graph', 60_000);
    return await fn({ page, frame, server });
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
}
