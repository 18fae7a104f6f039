#!/usr/bin/env node
// The `scratchnet` command: runs the bundled CLI (built by `npm run build`, which `npm install` runs).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('scratchnet: dist/cli.js is missing; run `npm run build` in the scratchnet folder first\n');
  process.exit(1);
}
require(cli);
