// The pieces of starting code-server that both the test harness (codeServer.mjs) and `npm start`
// (scripts/start.mjs) use. Side-effect free: importing it installs no signal handlers and starts
// nothing (codeServer.mjs installs handlers that re-raise SIGINT, which start.mjs must not get).

import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

/** A port that was free on `host` a moment ago. */
export function getFreePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** GET `url`; resolves { status, location, body } or rejects on a connection error. */
export function httpGet(url, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/** The folder name VS Code expects for an installed extension: publisher.name-version. */
export function extensionFolderName(extensionPath) {
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionPath, 'package.json'), 'utf8'));
  if (!pkg.publisher || !pkg.name || !pkg.version) {
    throw new Error(`${extensionPath}/package.json needs publisher, name and version`);
  }
  return `${pkg.publisher}.${pkg.name}-${pkg.version}`.toLowerCase();
}

/** code-server's command line (after `node`): no auth, loopback only, its own profile, offline. */
export function codeServerArgs({
  entry,
  configFile,
  host = '127.0.0.1',
  port,
  userDataDir,
  extensionsDir,
  extra = [],
}) {
  return [
    entry,
    '--config',
    configFile,
    '--auth',
    'none',
    '--bind-addr',
    `${host}:${port}`,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...extra,
  ];
}

/** code-server's environment: its own XDG folders under `dir`, no password, no marketplace. */
export function codeServerEnv(dir, extra = {}) {
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
    XDG_DATA_HOME: path.join(dir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(dir, 'xdg-cache'),
    // code-server would otherwise use a PASSWORD from our environment.
    PASSWORD: '',
    HASHED_PASSWORD: '',
    // An empty gallery disables the marketplace (open-vsx.org), which the workbench otherwise
    // queries at start-up: no network here.
    EXTENSIONS_GALLERY: '{}',
    ...extra,
  };
}
