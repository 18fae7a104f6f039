// Installs code-server (VS Code in a browser, served from this machine) into
// the git-ignored folder `.code-server/` at the repository root, without any
// network access beyond the npm registry.
//
// Usage:  node test/harness/installCodeServer.mjs
// or:     import { installCodeServer } from './installCodeServer.mjs'
//
// Idempotent: when `.code-server/node_modules/code-server` already holds the
// pinned version and the previous install ran to completion (marker file),
// nothing is done.
//
// The only step that would reach outside the npm registry is the postinstall
// of `@vscode/ripgrep`, which downloads a ripgrep binary from GitHub unless
// it finds `<os.tmpdir()>/vscode-ripgrep-cache-<pkgver>/<asset>.tar.gz`.
// We build that tarball from Debian's /usr/bin/rg (package `ripgrep`) first.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** code-server release pinned for the tests (= VS Code 1.100.3). */
export const CODE_SERVER_VERSION = '4.100.3';

/** Version of @vscode/ripgrep that code-server 4.100.3 depends on. */
const RIPGREP_PKG_VERSION = '1.15.11';
/** The ripgrep release and target that package would download on linux-x64. */
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Repository root (test/harness/../..). */
export const REPO_ROOT = path.resolve(HERE, '..', '..');
/** Default install prefix. */
export const DEFAULT_PREFIX = path.join(REPO_ROOT, '.code-server');

/** Marker written after a complete install; holds the installed version. */
const MARKER_NAME = '.install-complete';

/**
 * Paths inside an install prefix.
 * @param {string} [prefix]
 */
export function codeServerPaths(prefix = DEFAULT_PREFIX) {
  const pkgDir = path.join(prefix, 'node_modules', 'code-server');
  return {
    prefix,
    pkgDir,
    /** Node entry point; run it with `process.execPath` (Node 20). */
    entry: path.join(pkgDir, 'out', 'node', 'entry.js'),
    marker: path.join(prefix, MARKER_NAME),
  };
}

/**
 * True when the pinned code-server version is fully installed in `prefix`.
 * @param {string} [prefix]
 */
export function isCodeServerInstalled(prefix = DEFAULT_PREFIX) {
  const p = codeServerPaths(prefix);
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(p.pkgDir, 'package.json'), 'utf8'));
    const marker = fs.readFileSync(p.marker, 'utf8').trim();
    return pkg.version === CODE_SERVER_VERSION && marker === CODE_SERVER_VERSION && fs.existsSync(p.entry);
  } catch {
    return false;
  }
}

/** Throws one error listing every missing prerequisite. */
function checkPrerequisites() {
  const problems = [];
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) {
    problems.push(`code-server ${CODE_SERVER_VERSION} needs Node 20, this is Node ${process.versions.node}`);
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    problems.push(`only linux-x64 is supported (this is ${process.platform}-${process.arch})`);
  }
  if (!fs.existsSync('/usr/bin/rg')) {
    problems.push('/usr/bin/rg is missing (Debian package `ripgrep`)');
  }
  if (!fs.existsSync('/usr/bin/krb5-config') && !fs.existsSync('/usr/include/gssapi/gssapi.h')) {
    problems.push('Kerberos headers are missing (Debian package `libkrb5-dev`, needed to build `kerberos`)');
  }
  for (const tool of ['tar', 'npm', 'make', 'g++', 'python3']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
      problems.push(`\`${tool}\` is not on PATH`);
    }
  }
  if (problems.length) {
    throw new Error(
      'Cannot install code-server:\n  - ' + problems.join('\n  - ') + '\nRun `bash .ci/install-system.sh` first.',
    );
  }
}

/**
 * Puts Debian's ripgrep where @vscode/ripgrep's postinstall looks for its
 * cached download, so that it never goes to the network.
 * @returns {string} the tarball path
 */
export function prepareRipgrepCache() {
  const cacheDir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PKG_VERSION}`);
  const tarball = path.join(cacheDir, RIPGREP_ASSET);
  fs.mkdirSync(cacheDir, { recursive: true });
  // The postinstall runs `tar xvf` on it and then expects `rg` at the top level.
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-staging-'));
  try {
    fs.copyFileSync('/usr/bin/rg', path.join(staging, 'rg'));
    fs.chmodSync(path.join(staging, 'rg'), 0o755);
    const res = spawnSync('tar', ['-czf', tarball, '-C', staging, 'rg'], { stdio: 'inherit' });
    if (res.status !== 0) throw new Error(`tar failed to create ${tarball}`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return tarball;
}

/**
 * Runs a command, streaming its output to our stdout/stderr.
 * @returns {Promise<void>} rejects on a non-zero exit
 */
function run(cmd, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${signal ?? code}`));
    });
  });
}

/**
 * Installs code-server into `prefix` unless it is already there.
 * @param {{ prefix?: string, log?: (msg: string) => void }} [options]
 * @returns {Promise<{ installed: boolean, prefix: string, entry: string, seconds: number }>}
 *   `installed` is false when nothing had to be done.
 */
export async function installCodeServer({ prefix = DEFAULT_PREFIX, log = (m) => console.log(m) } = {}) {
  const p = codeServerPaths(prefix);
  if (isCodeServerInstalled(prefix)) {
    log(`code-server ${CODE_SERVER_VERSION} already installed in ${prefix}`);
    return { installed: false, prefix, entry: p.entry, seconds: 0 };
  }
  checkPrerequisites();
  const started = Date.now();
  fs.mkdirSync(prefix, { recursive: true });
  fs.rmSync(p.marker, { force: true });
  // A private package.json keeps npm from walking up into the project's own,
  // and its allowScripts approves the two install scripts code-server needs
  // (npm 11.x warns about, and with strict-allow-scripts skips, unlisted ones).
  const ownPkg = {
    name: 'scratchnet-code-server',
    private: true,
    allowScripts: { 'code-server': true, argon2: true },
  };
  fs.writeFileSync(path.join(prefix, 'package.json'), JSON.stringify(ownPkg, null, 2) + '\n');
  const tarball = prepareRipgrepCache();
  log(`ripgrep cache ready: ${tarball}`);
  log(`installing code-server@${CODE_SERVER_VERSION} into ${prefix} (takes several minutes)`);
  await run(
    'npm',
    ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`],
    {
      cwd: prefix,
      env: {
        ...process.env,
        // code-server's postinstall runs nested `npm` commands that may prompt.
        npm_config_yes: 'true',
        // code-server's postinstall.sh refuses to run as root unless it sees
        // this (npm >= 7 no longer knows the option and only warns about it).
        npm_config_unsafe_perm: 'true',
        npm_config_update_notifier: 'false',
      },
    },
  );
  if (!fs.existsSync(p.entry)) {
    throw new Error(`npm install finished but ${p.entry} does not exist`);
  }
  const version = JSON.parse(fs.readFileSync(path.join(p.pkgDir, 'package.json'), 'utf8')).version;
  if (version !== CODE_SERVER_VERSION) {
    throw new Error(`installed code-server is ${version}, expected ${CODE_SERVER_VERSION}`);
  }
  fs.writeFileSync(p.marker, CODE_SERVER_VERSION + '\n');
  const seconds = Math.round((Date.now() - started) / 1000);
  log(`code-server ${CODE_SERVER_VERSION} installed in ${seconds}s`);
  return { installed: true, prefix, entry: p.entry, seconds };
}

// Run directly: install, exit non-zero with a readable message on failure.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  installCodeServer().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
