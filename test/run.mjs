#!/usr/bin/env node
// The one test command (`npm test`): build, typecheck, unit + worker tests, then the extension in a
// real VS Code (code-server): the integration suite inside the extension host and the end-to-end
// test in Chromium. Ends with one line, `N passed, N failed`, summing every part; exits 1 on any
// failure.
//
//   node test/run.mjs                      everything
//   node test/run.mjs unit                 build, typecheck, mocha (test/unit, test/worker)
//   node test/run.mjs integration          build, the extension-host suite
//   node test/run.mjs e2e                  build, the end-to-end test
//   node test/run.mjs integration e2e      several parts
//
// Environment: SCRATCHNET_TEST_GREP (integration: only tests whose title matches),
// SCRATCHNET_ECHO=1 (print the workbench log of the integration run as it happens),
// SCRATCHNET_E2E=train,inside,start (which e2e scenarios: test/e2e/train.e2e.mjs, then
// test/e2e/seeInside.e2e.mjs, then test/e2e/start.e2e.mjs (npm start); default all three), SCRATCHNET_E2E_THEMES=dark,light (default; also high-contrast, high-contrast-light).
// A failed build or typecheck counts as one failure each; a part that cannot start (no
// code-server, no Chromium) counts as one failure with the reason printed.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PARTS = ['unit', 'integration', 'e2e'];

/** Counts per part, in the order they ran. */
const results = [];
let started = Date.now();

function banner(text) {
  console.log(`\n━━━ ${text} ━━━`);
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Runs a command with inherited output (or tee'd, when `capture`); resolves { code, output }.
 * `npx` resolves to the project's own node_modules/.bin.
 */
function run(cmd, cmdArgs, { capture = false, env = {} } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, {
      cwd: REPO,
      stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, ...env },
    });
    let output = '';
    if (capture) {
      child.stdout.on('data', (d) => {
        output += d;
        process.stdout.write(d);
      });
      child.stderr.on('data', (d) => {
        output += d;
        process.stderr.write(d);
      });
    }
    child.on('error', (err) => resolve({ code: 127, output: `${output}\n${err.message}` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

/** A step that passes or fails as a whole (build, typecheck). */
async function step(name, cmd, cmdArgs) {
  banner(name);
  const t = Date.now();
  const { code } = await run(cmd, cmdArgs);
  const ok = code === 0;
  results.push({ name, passed: ok ? 1 : 0, failed: ok ? 0 : 1, ms: Date.now() - t });
  console.log(`${name}: ${ok ? 'ok' : `FAILED (exit code ${code})`} in ${seconds(Date.now() - t)}`);
  return ok;
}

/** Mocha's closing counts from its spec reporter output. */
function mochaCounts(output) {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const count = (word) => {
    const all = [...plain.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))];
    return all.length ? Number(all[all.length - 1][1]) : undefined;
  };
  return { passed: count('passing'), failed: count('failing'), pending: count('pending') };
}

async function unitTests() {
  banner('unit + worker tests (mocha, .mocharc.json)');
  const t = Date.now();
  const { code, output } = await run('npx', ['mocha', '--color'], { capture: true });
  const c = mochaCounts(output);
  let passed = c.passed ?? 0;
  let failed = c.failed ?? 0;
  if (code !== 0 && failed === 0) {
    // Mocha died before its summary (a load error, a crash): one failure, not silence.
    console.log(`mocha exited with code ${code} without reporting failures`);
    failed = 1;
  }
  if (code === 0 && c.passed === undefined) {
    console.log('mocha exited 0 but printed no "passing" count');
    failed += 1;
  }
  results.push({ name: 'unit', passed, failed, pending: c.pending ?? 0, ms: Date.now() - t });
}

/** A temp workspace with the samples (and the schema their $schema points to). */
export function makeWorkspace(label) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `scratchnet-${label}-`));
  const folder = path.join(root, 'samples');
  fs.cpSync(path.join(REPO, 'samples'), folder, { recursive: true });
  fs.cpSync(path.join(REPO, 'schemas'), path.join(root, 'schemas'), { recursive: true });
  return { root, folder };
}

/** Bundles test/integration/*.test.ts to dist/test/integration/*.test.js (CommonJS). */
export async function bundleIntegrationTests() {
  const esbuild = await import('esbuild');
  const srcDir = path.join(REPO, 'test', 'integration');
  const outdir = path.join(REPO, 'dist', 'test', 'integration');
  const entryPoints = fs
    .readdirSync(srcDir)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join(srcDir, f));
  fs.rmSync(outdir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return { outdir, count: entryPoints.length };
}

async function integrationTests() {
  banner('integration suite (extension host of code-server)');
  const t = Date.now();
  const { installCodeServer } = await import('./harness/installCodeServer.mjs');
  const { startCodeServer } = await import('./harness/codeServer.mjs');
  const { runSuiteInExtensionHost } = await import('./harness/runInExtensionHost.mjs');

  const install = await installCodeServer({ log: (m) => console.log(`code-server: ${m}`) });
  if (install.installed) console.log(`code-server installed in ${install.seconds} s`);
  const { outdir, count } = await bundleIntegrationTests();
  console.log(`bundled ${count} test files into ${path.relative(REPO, outdir)}`);

  const ws = makeWorkspace('integration');
  const server = await startCodeServer({ name: 'integration', workspace: ws.folder });
  let result;
  try {
    const env = { SCRATCHNET_TEST_FILES: outdir, SCRATCHNET_TEST_UI: 'tdd' };
    if (process.env.SCRATCHNET_TEST_GREP) env.SCRATCHNET_TEST_GREP = process.env.SCRATCHNET_TEST_GREP;
    result = await runSuiteInExtensionHost({
      server,
      extensionDevelopmentPath: REPO,
      extensionTestsPath: path.join(REPO, 'test', 'integration', 'index.js'),
      workspace: ws.folder,
      env,
      name: 'integration',
      timeoutMs: 600_000,
      echo: process.env.SCRATCHNET_ECHO === '1',
    });
  } finally {
    await server.stop();
    fs.rmSync(ws.root, { recursive: true, force: true });
  }
  // The per-test list from results.json (mocha's own output is in the window log).
  let report;
  try {
    report = JSON.parse(fs.readFileSync(result.resultsFile, 'utf8'));
  } catch {
    report = { tests: [] };
  }
  for (const test of report.tests ?? []) {
    const mark = test.state === 'passed' ? '✔' : test.state === 'pending' ? '-' : '✘';
    const ms = test.durationMs !== undefined ? ` (${test.durationMs} ms)` : '';
    console.log(`  ${mark} ${test.fullTitle}${ms}`);
  }
  for (const f of result.failures) {
    console.log(`  FAIL ${f.fullTitle}`);
    const message = (f.error?.message ?? '').trim();
    if (message) console.log(message.replace(/^(?=.)/gm, '       '));
  }
  console.log(`  window log: ${path.relative(REPO, result.logFile)}`);
  console.log(`integration: ${result.passed} passed, ${result.failed} failed in ${seconds(Date.now() - t)}`);
  results.push({
    name: 'integration',
    passed: result.passed,
    failed: result.failed,
    pending: result.pending,
    ms: Date.now() - t,
  });
}

/** Which e2e scenarios run (SCRATCHNET_E2E=train,inside; default both) and in which themes. */
function e2eSelection() {
  const wanted = (process.env.SCRATCHNET_E2E || 'train,inside,start').split(',').map((s) => s.trim());
  const themes = process.env.SCRATCHNET_E2E_THEMES?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return { wanted, options: themes?.length ? { themes } : {} };
}

async function e2eTests() {
  const { wanted, options } = e2eSelection();
  if (wanted.includes('train')) {
    banner('end-to-end: training (Chromium + code-server)');
    const t = Date.now();
    const { runE2E } = await import('./e2e/train.e2e.mjs');
    const r = await runE2E(options);
    console.log(`e2e: ${r.passed} passed, ${r.failed} failed in ${seconds(Date.now() - t)}`);
    results.push({ name: 'e2e', passed: r.passed, failed: r.failed, ms: Date.now() - t });
  }
  if (wanted.includes('inside')) await part('e2e see inside', e2eSeeInside);
  if (wanted.includes('start')) await part('e2e npm start', e2eStart);
}

async function e2eStart() {
  banner('end-to-end: npm start (scripts/start.mjs --serve, then the browser)');
  const t = Date.now();
  const { runStartE2E } = await import('./e2e/start.e2e.mjs');
  const r = await runStartE2E();
  console.log(`e2e npm start: ${r.passed} passed, ${r.failed} failed in ${seconds(Date.now() - t)}`);
  results.push({ name: 'e2e npm start', passed: r.passed, failed: r.failed, ms: Date.now() - t });
}

async function e2eSeeInside() {
  banner('end-to-end: seeing inside (Chromium + code-server)');
  const t = Date.now();
  const { runSeeInsideE2E } = await import('./e2e/seeInside.e2e.mjs');
  const r = await runSeeInsideE2E(e2eSelection().options);
  console.log(`e2e see inside: ${r.passed} passed, ${r.failed} failed in ${seconds(Date.now() - t)}`);
  results.push({ name: 'e2e see inside', passed: r.passed, failed: r.failed, ms: Date.now() - t });
}

/** Runs a part; an exception (cannot start) is one failure with its reason. */
async function part(name, fn) {
  const t = Date.now();
  try {
    await fn();
  } catch (err) {
    console.log(`\n${name}: could not run: ${err.stack || err.message}`);
    results.push({ name, passed: 0, failed: 1, ms: Date.now() - t });
  }
}

async function main() {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !PARTS.includes(a));
  if (unknown.length) {
    console.error(`usage: node test/run.mjs [${PARTS.join('|')} ...]  (unknown: ${unknown.join(' ')})`);
    process.exit(2);
  }
  const wanted = new Set(args.length ? args : PARTS);
  started = Date.now();
  const built = await step('build (node esbuild.mjs)', 'node', ['esbuild.mjs']);
  if (built) {
    if (wanted.has('unit')) {
      await step('typecheck (tsc --noEmit)', 'npx', ['tsc', '-p', '.', '--noEmit']);
      await part('unit', unitTests);
    }
    if (wanted.has('integration')) await part('integration', integrationTests);
    if (wanted.has('e2e')) await part('e2e', e2eTests);
  } else {
    console.log('the build failed: no tests ran');
  }

  banner('summary');
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    passed += r.passed;
    failed += r.failed;
    const pending = r.pending ? `, ${r.pending} pending` : '';
    console.log(
      `  ${r.failed ? '✘' : '✔'} ${r.name.padEnd(28)} ${r.passed} passed, ${r.failed} failed${pending}  (${seconds(r.ms)})`,
    );
  }
  console.log(`  total time ${seconds(Date.now() - started)}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err.stack || err.message);
    console.log('0 passed, 1 failed');
    process.exit(1);
  });
}
