// Starts a private code-server (VS Code 1.100 served over HTTP) for tests.
//
//   const server = await startCodeServer({ extensionPath: repoRoot, workspace });
//   ... drive http://127.0.0.1:<server.port>/ ...
//   await server.stop();
//
// Every server gets its own temporary user-data, extensions and XDG folders,
// so runs never share state and never touch ~/.config or ~/.local. The
// process is started in its own process group; stop() ends that group (the
// server, its extension hosts, pty host and file watchers) and nothing else.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { REPO_ROOT, codeServerPaths, installCodeServer } from './installCodeServer.mjs';
import { codeServerArgs, codeServerEnv, extensionFolderName, getFreePort, httpGet } from './serverParts.mjs';

export { extensionFolderName, getFreePort } from './serverParts.mjs';

/** Where logs and screenshots go (git-ignored). */
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');

/**
 * User settings written into every server's user-data-dir: keep the
 * workbench quiet and deterministic (no welcome page, no tips, no network).
 */
const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  'git.enabled': false,
  'npm.autoDetect': 'off',
  'chat.commandCenter.enabled': false,
};

/** Servers not yet stopped; ended synchronously if this process exits. */
const live = new Set();
const killLive = () => {
  for (const pid of live) killGroup(pid, 'SIGKILL');
};
process.once('exit', killLive);
// On Ctrl-C or a CI timeout, end the servers, then die of the same signal.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    killLive();
    process.kill(process.pid, signal);
  });
}

/** Sends `signal` to the process group led by `pid`; ignores a gone group. */
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if (err.code !== 'ESRCH') throw err;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Last `lines` lines of a text file (for error messages). */
function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Top-level entries never copied into an installed extension. */
const COPY_SKIP = new Set(['.git', '.code-server', 'test-results', '.vscode-test', 'runs']);

/**
 * Places `extensionPath` in `extensionsDir` as `publisher.name-version`.
 * 'symlink' (default) links the folder itself, so a rebuilt dist/ is picked
 * up by the next window; 'copy' copies it (without .git and test output).
 * @returns {string} the installed folder
 */
function installExtension(extensionPath, extensionsDir, mode) {
  const target = path.join(extensionsDir, extensionFolderName(extensionPath));
  fs.rmSync(target, { recursive: true, force: true });
  if (mode === 'symlink') {
    fs.symlinkSync(path.resolve(extensionPath), target, 'dir');
  } else if (mode === 'copy') {
    fs.cpSync(extensionPath, target, {
      recursive: true,
      dereference: false,
      filter: (src) => !COPY_SKIP.has(path.relative(extensionPath, src).split(path.sep)[0]),
    });
  } else {
    throw new Error(`unknown extension install mode ${mode}`);
  }
  return target;
}

/**
 * Starts code-server on a free 127.0.0.1 port and waits until it serves the
 * workbench.
 *
 * @param {object} [options]
 * @param {string} [options.extensionPath] extension folder to install
 *   (needs package.json with publisher/name/version and its built main).
 * @param {'symlink'|'copy'} [options.extensionMode='symlink'] how to install it.
 * @param {string} [options.workspace] folder to open by default.
 * @param {Record<string,string>} [options.env] extra environment for the
 *   server; it is inherited by every extension host the server starts.
 * @param {Record<string,unknown>} [options.settings] user settings merged
 *   over DEFAULT_SETTINGS.
 * @param {string} [options.name='code-server'] label for the log file name.
 * @param {number} [options.startTimeoutMs=90000] how long to wait for HTTP.
 * @param {string[]} [options.extraArgs] more code-server arguments.
 * @param {boolean} [options.keepTemp=false] keep the temp folders after stop().
 * @returns {Promise<{
 *   url: string, port: number, pid: number, logFile: string,
 *   userDataDir: string, extensionsDir: string, tempDir: string,
 *   installedExtension: string|undefined, startupMs: number,
 *   exited: Promise<{ code: number|null, signal: string|null }>,
 *   stop: () => Promise<void>
 * }>}
 */
export async function startCodeServer({
  extensionPath,
  extensionMode = 'symlink',
  workspace,
  env = {},
  settings = {},
  name = 'code-server',
  startTimeoutMs = 90_000,
  extraArgs = [],
  keepTemp = false,
} = {}) {
  await installCodeServer({ log: () => {} });
  const { entry } = codeServerPaths();

  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scratchnet-cs-'));
  const userDataDir = path.join(tempDir, 'user-data');
  const extensionsDir = path.join(tempDir, 'extensions');
  const configFile = path.join(tempDir, 'config.yaml');
  for (const dir of [userDataDir, extensionsDir, path.join(userDataDir, 'User')]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  // An explicit config file stops code-server from writing (and reading a
  // password from) ~/.config/code-server/config.yaml.
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...DEFAULT_SETTINGS, ...settings }, null, 2),
  );
  const installedExtension = extensionPath ? installExtension(extensionPath, extensionsDir, extensionMode) : undefined;

  fs.mkdirSync(path.join(RESULTS_DIR, 'code-server'), { recursive: true });

  // The port can be taken between getFreePort() and code-server's listen():
  // retry with a new port when the server dies before it answers.
  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await getFreePort();
    const logFile = path.join(RESULTS_DIR, 'code-server', `${name}-${port}.log`);
    const args = codeServerArgs({ entry, configFile, port, userDataDir, extensionsDir, extra: ['--ignore-last-opened', ...extraArgs] });
    if (workspace) args.push(path.resolve(workspace));
    const logFd = fs.openSync(logFile, 'w');
    const started = Date.now();
    const child = spawn(process.execPath, args, {
      cwd: tempDir,
      detached: true, // own process group, so stop() reaches every child
      stdio: ['ignore', logFd, logFd],
      // Tests start runs themselves: a SCRATCHNET_TRAIN_ON_START in our environment must not.
      env: codeServerEnv(tempDir, { SCRATCHNET_TRAIN_ON_START: '', ...env }),
    });
    fs.closeSync(logFd);
    live.add(child.pid);
    let exited = null;
    const exitPromise = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        exited = { code, signal };
        live.delete(child.pid);
        resolve();
      });
    });

    const url = `http://127.0.0.1:${port}/`;
    let ready = false;
    // GET the workbench page (not only /healthz): code-server loads the VS
    // Code server on the first workbench request, so this also takes that cost
    // off the browser. With a folder argument, / redirects to /?folder=...
    while (!exited && Date.now() - started < startTimeoutMs) {
      try {
        let res = await httpGet(url, 30_000);
        if (res.status >= 300 && res.status < 400 && res.location) {
          res = await httpGet(new URL(res.location, url).href, 30_000);
        }
        if (res.status === 200 && res.body.includes('workbench')) {
          ready = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    if (!ready) {
      if (!exited) {
        killGroup(child.pid, 'SIGKILL');
        await exitPromise;
        lastError = new Error(
          `code-server did not serve ${url} within ${startTimeoutMs} ms; log ${logFile}:\n${tail(logFile)}`,
        );
        break; // a hang is not a port race: do not retry
      }
      lastError = new Error(
        `code-server exited (${exited.signal ?? exited.code}) before serving ${url}; log ${logFile}:\n${tail(logFile)}`,
      );
      if (!/EADDRINUSE/.test(tail(logFile))) break;
      continue;
    }

    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      if (!exited) {
        killGroup(child.pid, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000);
        await exitPromise;
        clearTimeout(timer);
      }
      // Children that ignored SIGTERM (extension hosts) go with the group.
      killGroup(child.pid, 'SIGKILL');
      if (!keepTemp) fs.rmSync(tempDir, { recursive: true, force: true });
    };

    return {
      url,
      port,
      pid: child.pid,
      logFile,
      userDataDir,
      extensionsDir,
      tempDir,
      installedExtension,
      startupMs: Date.now() - started,
      /** Resolves with { code, signal } when the server process exits. */
      exited: exitPromise.then(() => exited),
      stop,
    };
  }
  if (!keepTemp) fs.rmSync(tempDir, { recursive: true, force: true });
  throw lastError;
}
