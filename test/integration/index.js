// Mocha suite runner loaded INSIDE the VS Code extension host.
//
// The workbench loads this file as `extensionTestsPath` and calls run(); the
// test files it runs get the full `vscode` API through require('vscode').
// test/harness/runInExtensionHost.mjs starts the window and reads the results.
//
// Inputs (environment of the extension host; the harness passes them in the
// workbench URL's `extensionEnvironment` payload entry):
//   SCRATCHNET_TEST_RESULTS  required: path of the JSON results file to write.
//   SCRATCHNET_TEST_FILES    optional: test files or folders, separated by
//                            path.delimiter (':'); folders are searched for
//                            *.test.js. Default: this folder.
//   SCRATCHNET_TEST_UI       optional: mocha interface, 'tdd' (suite/test,
//                            the default) or 'bdd' (describe/it).
//   SCRATCHNET_TEST_GREP     optional: only run tests whose title matches.
//   SCRATCHNET_TEST_TIMEOUT  optional: per-test timeout in ms (20000).
//
// The results file is always written atomically (temp + rename): first
// {"status":"running"}, then again as each test starts (with "current": its
// title), and the full report at the end ("done", or "error" when the files
// could not be loaded), so a reader can tell "never started" from "died
// while running <test>".
// run() rejects when any test failed, no test ran, or loading failed; the
// extension host then exits with code 1 (0 when it resolves).

'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- the extension host loads this file with require(): CommonJS by necessity */

const fs = require('fs');
const path = require('path');
const Mocha = require('mocha');

/** Writes `data` as JSON to `file` without ever leaving a partial file. */
function writeJsonAtomic(file, data) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(data, null, 2));
  fs.renameSync(tmp, file);
}

/** Every *.test.js under `dir`, sorted, skipping node_modules. */
function findTestFiles(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') found.push(...findTestFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.test.js')) found.push(full);
  }
  return found.sort();
}

/** Test files named by SCRATCHNET_TEST_FILES (or found next to this file). */
function resolveTestFiles() {
  const spec = process.env.SCRATCHNET_TEST_FILES;
  const entries = spec ? spec.split(path.delimiter).filter(Boolean) : [__dirname];
  const files = [];
  for (const entry of entries) {
    const full = path.resolve(entry);
    if (!fs.existsSync(full)) throw new Error(`test path does not exist: ${full}`);
    if (fs.statSync(full).isDirectory()) files.push(...findTestFiles(full));
    else files.push(full);
  }
  return files;
}

/** A mocha error as plain JSON. */
function describeError(err) {
  if (!err) return { message: 'unknown error' };
  return {
    message: String(err.message ?? err),
    stack: err.stack ? String(err.stack) : undefined,
    actual: err.actual !== undefined ? safeString(err.actual) : undefined,
    expected: err.expected !== undefined ? safeString(err.expected) : undefined,
  };
}

function safeString(value) {
  try {
    return typeof value === 'string' ? value : JSON.stringify(value);
  } catch {
    return String(value);
  }
}

async function run() {
  const resultsFile = process.env.SCRATCHNET_TEST_RESULTS;
  if (!resultsFile) {
    throw new Error('SCRATCHNET_TEST_RESULTS is not set: no place to report results');
  }
  const startedAt = new Date().toISOString();
  const report = {
    status: 'running',
    startedAt,
    pid: process.pid,
    passed: 0,
    failed: 0,
    pending: 0,
    tests: [],
    failures: [],
  };
  writeJsonAtomic(resultsFile, report);

  const finish = (status) => {
    report.status = status;
    report.finishedAt = new Date().toISOString();
    writeJsonAtomic(resultsFile, report);
  };

  let files;
  const mocha = new Mocha({
    ui: process.env.SCRATCHNET_TEST_UI || 'tdd',
    color: false,
    timeout: Number(process.env.SCRATCHNET_TEST_TIMEOUT || 20000),
    reporter: 'spec', // the extension host's console: shown in the harness log
  });
  if (process.env.SCRATCHNET_TEST_GREP) mocha.grep(process.env.SCRATCHNET_TEST_GREP);
  try {
    files = resolveTestFiles();
    report.files = files;
    if (files.length === 0) throw new Error('no test files found');
    for (const file of files) mocha.addFile(file);
    // Loads (requires) the files now, so a syntax error is reported as such.
    mocha.loadFiles();
  } catch (err) {
    report.failed += 1;
    report.failures.push({ title: 'loading test files', fullTitle: 'loading test files', error: describeError(err) });
    finish('error');
    throw err;
  }

  await new Promise((resolve) => {
    const runner = mocha.run(() => resolve());
    // Record the running test, so a hang or a crash can be pinned to it.
    runner.on('test', (test) => {
      report.current = test.fullTitle();
      writeJsonAtomic(resultsFile, report);
    });
    runner.on('pass', (test) => {
      report.passed += 1;
      report.tests.push({ fullTitle: test.fullTitle(), state: 'passed', durationMs: test.duration });
    });
    runner.on('fail', (test, err) => {
      // `test` is a hook when a before/after hook failed: count it too.
      report.failed += 1;
      const entry = { title: test.title, fullTitle: test.fullTitle(), error: describeError(err) };
      report.failures.push(entry);
      report.tests.push({ fullTitle: entry.fullTitle, state: 'failed', durationMs: test.duration });
    });
    runner.on('pending', (test) => {
      report.pending += 1;
      report.tests.push({ fullTitle: test.fullTitle(), state: 'pending' });
    });
  });

  if (report.passed + report.failed === 0) {
    report.failed += 1;
    report.failures.push({
      title: 'no tests ran',
      fullTitle: 'no tests ran',
      error: {
        message: `no test ran from ${files.length} file(s) (grep: ${process.env.SCRATCHNET_TEST_GREP || 'none'})`,
      },
    });
  }
  delete report.current;
  finish('done');
  if (report.failed > 0) {
    throw new Error(`${report.failed} test(s) failed`);
  }
}

module.exports = { run };
