#!/usr/bin/env node
// `npm run test:electron`: the integration suite (test/integration/*.test.ts) in a desktop VS Code
// with @vscode/test-electron, for machines with a display and internet (or a VS Code at hand).
// `npm test` does not call it: it runs the same suite in code-server, offline.
//
//   npm run test:electron
//   VSCODE_EXECUTABLE=/usr/share/code/code npm run test:electron   use an installed VS Code
//   VSCODE_VERSION=1.100.3 npm run test:electron                   download this version (default: stable)
//   SCRATCHNET_TEST_GREP=lifecycle npm run test:electron           only matching tests
//
// Without VSCODE_EXECUTABLE, @vscode/test-electron downloads VS Code into .vscode-test/ (once).
// On Linux without a display, run it under xvfb-run. Ends with "N passed, N failed".

import fs from 'node:fs';
import dns from 'node:dns/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = path.join(REPO, 'test-results', 'electron', 'results.json');

function fail(message) {
  console.error(`\ntest:electron: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

/** A VS Code downloaded before by @vscode/test-electron, if any. */
function cachedVSCode() {
  const dir = path.join(REPO, '.vscode-test');
  if (!fs.existsSync(dir)) return false;
  return fs.readdirSync(dir).some((d) => d.startsWith('vscode-'));
}

async function main() {
  let testElectron;
  try {
    testElectron = await import('@vscode/test-electron');
  } catch (err) {
    fail(`@vscode/test-electron is not installed (${err.message}); run \`npm ci\` first`);
  }

  const executable = process.env.VSCODE_EXECUTABLE;
  if (executable && !fs.existsSync(executable)) fail(`VSCODE_EXECUTABLE=${executable} does not exist`);
  if (!executable && !cachedVSCode()) {
    // Downloading needs the network: say so plainly instead of a stack trace from deep inside.
    try {
      await dns.lookup('update.code.visualstudio.com');
    } catch {
      fail(
        'no VS Code to test with: VSCODE_EXECUTABLE is not set, none was downloaded before (.vscode-test/),\n' +
          'and update.code.visualstudio.com cannot be reached (offline?), so none can be downloaded.\n' +
          'Set VSCODE_EXECUTABLE to a VS Code binary, or use `npm run test:integration` (code-server, works offline).',
      );
    }
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.warn('test:electron: no DISPLAY: VS Code needs one on Linux; try `xvfb-run -a npm run test:electron`.');
  }

  console.log('building (node esbuild.mjs) …');
  if (spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'inherit' }).status !== 0)
    fail('the build failed');
  const { bundleIntegrationTests, makeWorkspace } = await import('../test/run.mjs');
  const { outdir, count } = await bundleIntegrationTests();
  console.log(`bundled ${count} test files into ${path.relative(REPO, outdir)}`);

  const ws = makeWorkspace('electron');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scratchnet-electron-user-'));
  fs.rmSync(RESULTS, { force: true });
  const env = {
    SCRATCHNET_TEST_RESULTS: RESULTS,
    SCRATCHNET_TEST_FILES: outdir,
    SCRATCHNET_TEST_UI: 'tdd',
  };
  if (process.env.SCRATCHNET_TEST_GREP) env.SCRATCHNET_TEST_GREP = process.env.SCRATCHNET_TEST_GREP;

  let exitError;
  try {
    await testElectron.runTests({
      ...(executable ? { vscodeExecutablePath: executable } : { version: process.env.VSCODE_VERSION || 'stable' }),
      extensionDevelopmentPath: REPO,
      extensionTestsPath: path.join(REPO, 'test', 'integration', 'index.js'),
      extensionTestsEnv: env,
      launchArgs: [
        ws.folder,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${userDataDir}`,
      ],
    });
  } catch (err) {
    exitError = err;
  } finally {
    fs.rmSync(ws.root, { recursive: true, force: true });
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }

  let report;
  try {
    report = JSON.parse(fs.readFileSync(RESULTS, 'utf8'));
  } catch {
    const why = exitError ? `${exitError.message}` : 'VS Code exited without running the suite';
    fail(`no results (${path.relative(REPO, RESULTS)}): ${why}`);
  }
  for (const t of report.tests ?? [])
    console.log(`  ${t.state === 'passed' ? '✔' : t.state === 'pending' ? '-' : '✘'} ${t.fullTitle}`);
  for (const f of report.failures ?? []) console.log(`  FAIL ${f.fullTitle}\n       ${f.error?.message ?? ''}`);
  let failed = report.failed ?? 0;
  if (report.status !== 'done') {
    console.log(`  the suite did not finish (status "${report.status}", running "${report.current ?? '?'}")`);
    failed += 1;
  }
  if (exitError && failed === 0) {
    console.log(`  VS Code reported a failure: ${exitError.message}`);
    failed = 1;
  }
  console.log(`${report.passed ?? 0} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => fail(err.stack || err.message));
