// Measures training throughput in the real editor against the CLI, for the same preset and seed:
// starts code-server with the extension, trains two-layer from the command palette with the panel
// open (once with the default probe rate, once with every probe on every iteration), reads the
// samples/s the panel shows, then runs `scratchnet train` headless. Prints one JSON line.
//
//   node scripts/measure-throughput.mjs [epochs=3]
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCodeServer } from '../test/harness/codeServer.mjs';
import { findFrameWith, launchBrowser, newPage, openWorkbench, pickQuickItem, runCommand } from '../test/harness/e2e.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const epochs = Number(process.argv[2] ?? 3);

async function inEditor(probeEvery) {
  const ws = mkdtempSync(path.join(os.tmpdir(), 'scratchnet-tp-'));
  const server = await startCodeServer({
    extensionPath: repo,
    workspace: ws,
    settings: { 'scratchnet.epochs': epochs, 'scratchnet.seed': 1, 'scratchnet.probeEvery': probeEvery },
    name: `throughput-${probeEvery}`,
  });
  const browser = await launchBrowser();
  try {
    const page = await newPage(browser);
    await openWorkbench(page, server.url, ws);
    await runCommand(page, 'Scratchnet: Train Network');
    await pickQuickItem(page, 'two-layer');
    const frame = await findFrameWith(page, '#graph', 60_000);
    const deadline = Date.now() + 600_000;
    while (!/done/i.test((await frame.locator('#state-badge').textContent()) ?? '')) {
      if (Date.now() > deadline) throw new Error('the run did not finish in 10 minutes');
      await new Promise((r) => setTimeout(r, 500));
    }
    const speed = (await frame.locator('#speed').textContent()) ?? '';
    return Number(speed.replace(/[^\d.]/g, ''));
  } finally {
    await browser.close();
    await server.stop();
  }
}

function headless() {
  const out = execFileSync(process.execPath, [path.join(repo, 'bin', 'scratchnet.js'), 'train', '--preset', 'two-layer', '--epochs', String(epochs), '--seed', '1', '--json'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()).samplesPerSecond;
}

const cli1 = headless();
const panel = await inEditor(50);
const cli2 = headless();
const probed = await inEditor(1);
const cli3 = headless();
const cli = (cli1 + cli2 + cli3) / 3;
console.log(JSON.stringify({ epochs, cli: [cli1, cli2, cli3], panelDefaultProbes: panel, panelEveryProbe: probed, ratioDefault: panel / cli, ratioEveryProbe: probed / cli }));
