#!/usr/bin/env node
// `npm start`: build Scratchnet and open it in VS Code with the samples.
//
//  - With a desktop VS Code (`code` on PATH): runs
//      code --extensionDevelopmentPath=<repo> <repo>/samples <repo>/samples/mlp.scratchnet.json
//    (an Extension Development Host window) and returns.
//  - Otherwise (or with --serve): VS Code in the browser. Installs code-server 4.100.3 into
//    .code-server/ when missing (test/harness/installCodeServer.mjs), installs the extension (a
//    symlink to this folder), serves on http://127.0.0.1:<free port> (or $PORT), prints the URL
//    that opens the samples folder with mlp.scratchnet.json, and runs until Ctrl-C.
//
//   npm start                  build, then `code` or code-server; the editor trains two-layer at once
//   npm start -- --serve       always code-server
//   npm start -- --no-train    open the editor without starting a run
//   PORT=8080 npm start        code-server on a fixed port
//   SCRATCHNET_TRAIN_ON_START=simple-convnet npm start    train another preset (or a network file)
//
// The code-server profile (settings, state) lives in .code-server/start/ and survives restarts;
// delete that folder for a fresh one.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeServerArgs, codeServerEnv, extensionFolderName, getFreePort, httpGet } from '../test/harness/serverParts.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLES = path.join(REPO, 'samples');
const SAMPLE_FILE = path.join(SAMPLES, 'mlp.scratchnet.json');
const HOST = '127.0.0.1';

const serve = process.argv.includes('--serve');
const noTrain = process.argv.includes('--no-train');
/** The network the editor trains as soon as it opens (the extension reads SCRATCHNET_TRAIN_ON_START). */
const TRAIN = process.env.SCRATCHNET_TRAIN_ON_START ?? 'two-layer';

/** The environment that makes the opened editor train TRAIN at once (nothing with --no-train). */
function trainEnv() {
  return noTrain ? {} : { SCRATCHNET_TRAIN_ON_START: TRAIN };
}

function fail(message) {
  console.error(`\nnpm start: ${message}`);
  process.exit(1);
}

function build() {
  console.log('building (node esbuild.mjs) …');
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'inherit' });
  if (r.status !== 0) fail('the build failed (see above)');
}

/** The `code` command on PATH, if any. */
function findCode() {
  const r = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' });
  const found = r.status === 0 ? r.stdout.trim() : '';
  return found || undefined;
}

function openInDesktopVSCode(code) {
  const args = [`--extensionDevelopmentPath=${REPO}`, SAMPLES, SAMPLE_FILE];
  console.log(`opening VS Code: ${code} ${args.join(' ')}`);
  const r = spawnSync(code, args, { stdio: 'inherit', env: { ...process.env, ...trainEnv() } });
  if (r.status !== 0)
    fail(`\`code\` exited with ${r.status ?? r.signal}; try \`npm start -- --serve\` for VS Code in the browser`);
  console.log(
    noTrain
      ? 'An Extension Development Host window opens with the samples. Run "Scratchnet: Train Network" (F1).'
      : `An Extension Development Host window opens with the samples and trains ${TRAIN}.`,
  );
}

/** Whether something already listens on HOST:port. */
function portTaken(port) {
  return httpGet(`http://${HOST}:${port}/healthz`).then(
    () => true,
    (err) => err.code !== 'ECONNREFUSED',
  );
}

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

async function serveInBrowser() {
  const { installCodeServer, codeServerPaths } = await import('../test/harness/installCodeServer.mjs');

  try {
    await installCodeServer({ log: (m) => console.log(`code-server: ${m}`) });
  } catch (err) {
    fail(
      `could not install code-server: ${err.message}\n(on Debian/Ubuntu: \`bash .ci/install-system.sh\` installs what it needs)`,
    );
  }
  const { entry } = codeServerPaths();

  // A profile that survives restarts, inside the git-ignored .code-server/.
  const home = path.join(REPO, '.code-server', 'start');
  const userDataDir = path.join(home, 'user-data');
  const extensionsDir = path.join(home, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(settingsFile)) fs.writeFileSync(settingsFile, JSON.stringify(QUIET_SETTINGS, null, 2) + '\n');
  const configFile = path.join(home, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  // The extension: a symlink to this folder, so a rebuild shows in the next window (reload).
  const installed = path.join(extensionsDir, extensionFolderName(REPO));
  fs.rmSync(installed, { recursive: true, force: true });
  fs.symlinkSync(REPO, installed, 'dir');

  let port;
  if (process.env.PORT) {
    port = Number(process.env.PORT);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) fail(`PORT=${process.env.PORT} is not a port number`);
    if (await portTaken(port)) fail(`port ${port} is in use; pick another PORT or leave PORT unset for a free one`);
  } else {
    port = await getFreePort(HOST);
  }

  const logFile = path.join(home, 'code-server.log');
  const logFd = fs.openSync(logFile, 'w');
  const args = codeServerArgs({ entry, configFile, host: HOST, port, userDataDir, extensionsDir, extra: [SAMPLES] });
  const child = spawn(process.execPath, args, {
    cwd: home,
    detached: true, // own process group: Ctrl-C ends the server and its extension hosts
    stdio: ['ignore', logFd, logFd],
    env: codeServerEnv(home, trainEnv()),
  });
  fs.closeSync(logFd);

  let exited;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  let stopping = false;
  const stop = (signal) => {
    stopping = true;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
      process.exit(signal ? 0 : 1);
    }, 1500).unref();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal));
  process.on('exit', () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
  });

  // Wait for the workbench page itself (the first request loads the VS Code server).
  const base = `http://${HOST}:${port}/`;
  const started = Date.now();
  for (;;) {
    if (exited) {
      const log = fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
      fail(`code-server exited (${exited.signal ?? exited.code}) before it served ${base}; ${logFile}:\n${log}`);
    }
    try {
      let res = await httpGet(base);
      if (res.status >= 300 && res.status < 400 && res.location) res = await httpGet(new URL(res.location, base).href);
      if (res.status === 200 && res.body.includes('workbench')) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 120_000) {
      stop();
      fail(`code-server did not answer on ${base} within 2 minutes; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }

  const url = new URL(base);
  url.searchParams.set('folder', SAMPLES);
  const fileUri = `vscode-remote://${HOST}:${port}${SAMPLE_FILE.split(path.sep).map(encodeURIComponent).join('/')}`;
  url.searchParams.set('payload', JSON.stringify([['openFile', fileUri]]));
  const line = '─'.repeat(72);
  console.log(`\n${line}`);
  console.log('Scratchnet is running in VS Code (code-server). Open this URL in your browser:\n');
  console.log(`  ${url.href}\n`);
  console.log(`(just the samples folder: ${base}?folder=${encodeURIComponent(SAMPLES)})`);
  console.log(
    noTrain
      ? 'Then F1 → "Scratchnet: Train Network", or the ▷ button above mlp.scratchnet.json.'
      : `The editor starts training ${TRAIN} as soon as it opens (each window that opens trains once; --no-train to skip).`,
  );
  console.log(`Log: ${path.relative(process.cwd(), logFile)}    Stop: Ctrl-C`);
  console.log(`${line}\n`);
  child.on('exit', (code, signal) => {
    if (stopping) {
      console.log('code-server stopped.');
      process.exit(0);
    }
    console.error(`code-server exited (${signal ?? code}); see ${logFile}`);
    process.exit(1);
  });
}

build();
const code = serve ? undefined : findCode();
if (code) openInDesktopVSCode(code);
else {
  if (!serve) console.log('no `code` command on PATH: serving VS Code in the browser with code-server');
  await serveInBrowser();
}
