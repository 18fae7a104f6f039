/** Mocha global setup: builds the bundles once (dist/), so tests that spawn the CLI or worker run current code. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function mochaGlobalSetup(): void {
  const root = join(__dirname, '..');
  execFileSync(process.execPath, [join(root, 'esbuild.mjs')], { cwd: root, stdio: 'inherit' });
}
