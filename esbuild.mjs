// Bundles Scratchnet's entry points: the extension (node, cjs, `vscode` external), the training worker
// (node), the CLI (node), the engine as a library (node) and the webview (browser, iife).
// `node esbuild.mjs --watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { buildWasm } from './scripts/build-wasm.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/** Node entry points that exist (the extension pieces land over time). */
const nodeEntries = {
  cli: 'src/cli.ts',
  engine: 'src/engine/index.ts',
  extension: 'src/extension.ts',
  worker: 'src/worker/trainerWorker.ts',
};

const builds = [
  {
    ...common,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    entryPoints: Object.fromEntries(Object.entries(nodeEntries).filter(([, f]) => existsSync(f))),
    outdir: 'dist',
    external: ['vscode'],
    mainFields: ['module', 'main'], // jsonc-parser's UMD main has require()s esbuild cannot follow
  },
];
if (existsSync('webview/main.ts')) {
  builds.push({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
  });
}

// The WebAssembly kernels are compiled from AssemblyScript first; their bytes are embedded in a
// generated module that the bundles below import.
await buildWasm();

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
