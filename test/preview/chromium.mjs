// Finds Debian's Chromium for the preview, installing it with apt when it is missing. Another
// process may be installing packages at the same time: a held dpkg lock is waited out, not fought.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Path of Debian's Chromium (package `chromium`). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Flags for a sandbox-less machine without internet access. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LOCKED = /could not get lock|unable to acquire|dpkg frontend lock|is another process using it/i;

/** Returns the Chromium path, installing `chromium` and `fonts-dejavu-core` first when needed. */
export async function ensureChromium({ attempts = 40, waitMs = 15_000 } = {}) {
  for (let i = 0; i < attempts; i++) {
    if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
    console.log(`preview: ${CHROMIUM_PATH} is missing; installing chromium (attempt ${i + 1})`);
    const r = spawnSync('bash', ['-c', 'apt-get update && apt-get install -y chromium fonts-dejavu-core'], {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status === 0 && existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
    const out = `${r.stdout}\n${r.stderr}`;
    if (!LOCKED.test(out)) throw new Error(`installing chromium failed:\n${out.slice(-2000)}`);
    console.log(`preview: apt is busy (another install?); waiting ${waitMs / 1000} s`);
    await sleep(waitMs);
  }
  throw new Error(`${CHROMIUM_PATH} is still missing after waiting for apt`);
}
