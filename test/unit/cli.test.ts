import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDX_FILES } from '../../src/engine/data/dataset';
import { presetNames } from '../../src/engine/presets';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'scratchnet.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/scratchnet.js ...args` and waits for it. */
function cli(args: string[], timeout = 120_000): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The last non-empty line of stdout, parsed. */
function lastJson(r: Run): Record<string, unknown> {
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '');
  assert.ok(lines.length > 0, `no output; stderr: ${r.stderr}`);
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
}

/** Asserts a failed run: non-zero exit, exactly one line on stderr matching every pattern. Returns the line. */
function failsWithOneLine(r: Run, ...patterns: RegExp[]): string {
  assert.notEqual(r.status, 0, `expected a non-zero exit; stdout: ${r.stdout}`);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected exactly one line on stderr, got:\n${r.stderr}`);
  assert.ok(r.stderr.endsWith('\n'));
  for (const p of patterns) assert.match(lines[0], p);
  assert.doesNotMatch(lines[0], /internal error/);
  return lines[0];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('cli (node bin/scratchnet.js)', function () {
  let tmp: string;

  before(function () {
    this.timeout(120_000);
    const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(b.status, 0, `build failed: ${b.stderr}`);
    tmp = mkdtempSync(join(tmpdir(), 'scratchnet-cli-'));
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('gates --json: the last line is exactly the truth tables and 0.75', () => {
    const r = cli(['gates', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(
      lines[lines.length - 1],
      '{"gates":{"AND":[0,0,0,1],"NAND":[1,1,1,0],"OR":[0,1,1,1],"XOR":[0,1,1,0]},"singleLayerXorBestAccuracy":0.75}',
    );
  });

  it('gates without --json prints the tables for people', () => {
    const r = cli(['gates']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^XOR +0 +1 +1 +0$/m);
    assert.match(r.stdout, /at best 3 of 4 right/);
  });

  it('train twice with the same seed: identical loss and accuracies, all keys present', function () {
    this.timeout(240_000);
    const args = [
      'train',
      '--preset',
      'two-layer',
      '--iterations',
      '50',
      '--train-limit',
      '2000',
      '--test-limit',
      '500',
      '--seed',
      '3',
      '--json',
    ];
    const a = cli(args);
    const b = cli(args);
    assert.equal(a.status, 0, a.stderr);
    assert.equal(b.status, 0, b.stderr);
    const ja = lastJson(a);
    const jb = lastJson(b);
    assert.deepEqual(Object.keys(ja).sort(), [
      'iterations',
      'loss',
      'preset',
      'samplesPerSecond',
      'seconds',
      'testAccuracy',
      'trainAccuracy',
    ]);
    assert.equal(ja.preset, 'two-layer');
    assert.equal(ja.iterations, 50);
    for (const k of ['loss', 'trainAccuracy', 'testAccuracy', 'samplesPerSecond', 'seconds']) {
      assert.equal(typeof ja[k], 'number', k);
      assert.ok(Number.isFinite(ja[k] as number), k);
    }
    assert.equal(ja.loss, jb.loss);
    assert.equal(ja.trainAccuracy, jb.trainAccuracy);
    assert.equal(ja.testAccuracy, jb.testAccuracy);
    // 50 iterations of SGD lr 0.1 already learn something: better than chance, loss below ln 10
    assert.ok((ja.loss as number) < Math.log(10), `loss ${ja.loss}`);
    assert.ok(
      (ja.testAccuracy as number) > 0.2 && (ja.testAccuracy as number) <= 1,
      `test accuracy ${ja.testAccuracy}`,
    );
    assert.ok(
      (ja.trainAccuracy as number) > 0.2 && (ja.trainAccuracy as number) <= 1,
      `train accuracy ${ja.trainAccuracy}`,
    );
    assert.ok((ja.samplesPerSecond as number) > 0);
    // with --json the progress lines go to stderr and stdout holds only the JSON
    assert.equal(a.stdout.trimEnd().split('\n').length, 1);
    // another seed gives another run
    const c = cli([
      'train',
      '--preset',
      'two-layer',
      '--iterations',
      '50',
      '--train-limit',
      '2000',
      '--test-limit',
      '500',
      '--seed',
      '4',
      '--json',
    ]);
    assert.equal(c.status, 0, c.stderr);
    assert.notEqual(lastJson(c).loss, ja.loss);
  });

  it('gradcheck --preset two-layer --json: maxRelativeError < 1e-7 for every parameter', function () {
    this.timeout(600_000);
    const r = cli(['gradcheck', '--preset', 'two-layer', '--json'], 580_000);
    assert.equal(r.status, 0, r.stderr);
    const j = lastJson(r) as {
      preset: string;
      dtype: string;
      maxRelativeError: number;
      params: Record<string, { relativeError: number; meanAbsDiff: number }>;
    };
    console.log(`      cli gradcheck two-layer: maxRelativeError ${j.maxRelativeError.toExponential(2)}`);
    for (const [name, p] of Object.entries(j.params))
      console.log(
        `      cli gradcheck two-layer ${name}: relative error ${p.relativeError.toExponential(2)}, mean |num − bp| ${p.meanAbsDiff.toExponential(2)}`,
      );
    assert.equal(j.preset, 'two-layer');
    assert.equal(j.dtype, 'float64');
    assert.deepEqual(Object.keys(j.params), ['affine1.W', 'affine1.b', 'affine2.W', 'affine2.b']);
    assert.ok(j.maxRelativeError < 1e-7, `${j.maxRelativeError}`);
    assert.ok(j.maxRelativeError > 0);
    for (const p of Object.values(j.params)) assert.ok(p.relativeError <= j.maxRelativeError);
  });

  it('train --threads 2 with a seed: the same loss and accuracies as --threads 1, run after run', function () {
    this.timeout(240_000);
    const args = (threads: string) => [
      'train',
      '--preset',
      'simple-convnet',
      '--iterations',
      '8',
      '--batch',
      '50',
      '--train-limit',
      '1000',
      '--test-limit',
      '200',
      '--seed',
      '5',
      '--threads',
      threads,
      '--json',
    ];
    const runs = [cli(args('1')), cli(args('2')), cli(args('2'))];
    const js = runs.map((r) => {
      assert.equal(r.status, 0, r.stderr);
      return lastJson(r);
    });
    for (const j of js.slice(1)) {
      assert.equal(j.loss, js[0].loss);
      assert.equal(j.trainAccuracy, js[0].trainAccuracy);
      assert.equal(j.testAccuracy, js[0].testAccuracy);
    }
  });

  it('bench --threads 2 --windows 1: finishes on the arena with two threads and reports a positive rate', function () {
    this.timeout(120_000);
    const r = cli([
      'bench',
      '--net',
      'two-layer',
      '--threads',
      '2',
      '--windows',
      '1',
      '--window-seconds',
      '0.3',
      '--json',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const j = lastJson(r) as {
      net: string;
      samplesPerSecond: { median: number; min: number; max: number };
      peakRssMB: number;
      threads: number;
      gemm: string;
      kernels: string;
      threadParts: { jobs: number; parts: number; helperParts: number; backoffs: number; jobsAlone: number };
    };
    assert.equal(j.net, 'two-layer');
    assert.equal(j.threads, 2);
    assert.match(j.kernels, /^wasm-(relaxed|simd)-arena-2threads$/);
    for (const v of [j.samplesPerSecond.median, j.samplesPerSecond.min, j.samplesPerSecond.max]) {
      assert.ok(Number.isFinite(v) && v > 0, `samples/s ${v}`);
    }
    assert.ok(j.peakRssMB > 0);
    // the two-layer net's sparse 100×784×50 products are above the split threshold: split calls ran
    // (on both threads, or on the calling one alone while it backed off on a busy machine)
    assert.ok(j.threadParts.jobs + j.threadParts.jobsAlone > 0, JSON.stringify(j.threadParts));
  });

  it('bench --gemm --threads 2: GFLOP/s per shape (512³ and the MNIST products) at 1 and 2 threads', function () {
    this.timeout(300_000);
    const r = cli(['bench', '--gemm', '--threads', '2', '--rounds', '1', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = lastJson(r) as {
      gemm: { shape: string; form: string; gflops: Record<string, { median: number; best: number }> }[];
      kernels: string;
      threads: number;
    };
    assert.match(j.kernels, /^wasm-(relaxed|simd)-arena-2threads$/);
    assert.equal(j.threads, 2);
    const shapes = j.gemm.map((g) => g.shape.split(' ')[0]);
    for (const want of ['512×512×512', '100×784×50', '784×100×50', '100×4320×100', '4320×100×100', '100×100×4320'])
      assert.ok(shapes.includes(want), `${want} measured (got ${shapes.join(', ')})`);
    assert.deepEqual(
      j.gemm.filter((g) => g.shape.startsWith('512×')).map((g) => g.form),
      ['nn', 'tn', 'nt'],
    );
    for (const g of j.gemm) {
      for (const t of ['1', '2']) {
        const v = g.gflops[t];
        assert.ok(
          v && Number.isFinite(v.median) && v.median > 0 && v.best >= v.median,
          `${g.shape} ${t}: ${JSON.stringify(v)}`,
        );
      }
    }
    failsWithOneLine(cli(['bench', '--gemm', '--net', 'two-layer']), /bench: give --net or --gemm, not both/);
    failsWithOneLine(cli(['bench']), /bench: --net is required \(one of two-layer, simple-convnet\), or --gemm/);
  });

  it('COMMAND --help: exit 0 and a usage line naming every flag the command accepts', function () {
    this.timeout(120_000);
    for (const command of ['gates', 'train', 'bench', 'experiment', 'gradcheck']) {
      const h = cli([command, '--help']);
      assert.equal(h.status, 0, `${command} --help: ${h.stderr}`);
      assert.match(h.stdout, new RegExp(`^usage: scratchnet ${command} `));
      // the flags the parser accepts are the ones its error for an unknown flag lists
      const bad = cli(
        command === 'experiment' ? [command, 'batchnorm', '--no-such-flag'] : [command, '--no-such-flag'],
      );
      const m = /valid flags: (.*)$/m.exec(bad.stderr);
      assert.ok(m, `${command}: ${bad.stderr}`);
      for (const flag of m[1].split(', '))
        assert.ok(h.stdout.includes(flag), `${command} --help does not mention ${flag}`);
    }
  });

  describe('bad input: non-zero exit and exactly one line on stderr', () => {
    it('unknown preset names it and lists the valid presets', () => {
      const line = failsWithOneLine(
        cli(['train', '--preset', 'three-layer', '--iterations', '1']),
        /unknown preset "three-layer"/,
      );
      for (const name of presetNames()) assert.match(line, new RegExp(escape(name)));
      assert.match(line, new RegExp(escape(presetNames().join(', '))));
    });

    it('unknown flag names it and lists the valid flags', () => {
      const line = failsWithOneLine(
        cli(['train', '--preset', 'two-layer', '--learning-rate', '0.1']),
        /unknown flag --learning-rate/,
      );
      for (const f of ['--preset', '--epochs', '--iterations', '--lr', '--seed', '--data-dir', '--json'])
        assert.ok(line.includes(f), `lists ${f}`);
      failsWithOneLine(cli(['gates', '--bogus']), /gates: unknown flag --bogus; valid flags: --json, --seed/);
    });

    it('non-integer --epochs', () => {
      failsWithOneLine(
        cli(['train', '--preset', 'two-layer', '--epochs', '1.5']),
        /--epochs must be an integer, got "1\.5"/,
      );
      failsWithOneLine(
        cli(['train', '--preset', 'two-layer', '--epochs', 'two']),
        /--epochs must be an integer, got "two"/,
      );
      failsWithOneLine(
        cli(['train', '--preset', 'two-layer', '--epochs', '0']),
        /--epochs must be a positive integer, got 0/,
      );
      failsWithOneLine(cli(['train', '--preset', 'two-layer', '--epochs']), /--epochs needs a value/);
    });

    it('both --epochs and --iterations', () => {
      failsWithOneLine(
        cli(['train', '--preset', 'two-layer', '--epochs', '1', '--iterations', '10']),
        /give --iterations or --epochs, not both/,
      );
    });

    it('unreadable --data-dir names the directory', () => {
      const missing = join(tmp, 'no-such-data');
      failsWithOneLine(
        cli(['train', '--preset', 'two-layer', '--iterations', '1', '--data-dir', missing]),
        new RegExp(escape(missing)),
        /not found/,
      );
      // an empty directory: the first missing file is named
      const empty = join(tmp, 'empty');
      mkdirSync(empty);
      failsWithOneLine(
        cli(['train', '--preset', 'two-layer', '--iterations', '1', '--data-dir', empty]),
        new RegExp(escape(join(empty, IDX_FILES.trainImages))),
        /file not found/,
      );
    });

    it('a corrupt data directory names the file', () => {
      const dir = join(tmp, 'corrupt');
      mkdirSync(dir);
      /** An unsigned-byte IDX header: 0, 0, 0x08, ndims, then each dimension as a big-endian uint32. */
      const header = (dims: number[]): Buffer => {
        const b = Buffer.alloc(4 + 4 * dims.length);
        b[2] = 0x08;
        b[3] = dims.length;
        dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
        return b;
      };
      // images say 4 images of 28×28 but hold only 100 bytes of pixels
      writeFileSync(join(dir, IDX_FILES.trainImages), Buffer.concat([header([4, 28, 28]), Buffer.alloc(100)]));
      writeFileSync(join(dir, IDX_FILES.trainLabels), Buffer.concat([header([4]), Buffer.from([0, 1, 2, 3])]));
      writeFileSync(join(dir, IDX_FILES.testImages), Buffer.concat([header([1, 28, 28]), Buffer.alloc(784)]));
      writeFileSync(join(dir, IDX_FILES.testLabels), Buffer.concat([header([1]), Buffer.from([0])]));
      const r = cli(['train', '--preset', 'two-layer', '--iterations', '1', '--data-dir', dir]);
      failsWithOneLine(r, new RegExp(escape(join(dir, IDX_FILES.trainImages))), /truncated/);
    });

    it('bench: invalid --threads', () => {
      failsWithOneLine(
        cli(['bench', '--net', 'two-layer', '--threads', '0']),
        /bench: --threads must be a positive integer, got 0/,
      );
      failsWithOneLine(
        cli(['bench', '--net', 'two-layer', '--threads', 'two']),
        /--threads must be an integer, got "two"/,
      );
      failsWithOneLine(cli(['bench', '--net', 'two-layer', '--threads', '65']), /--threads must be at most 64, got 65/);
      failsWithOneLine(cli(['bench', '--net', 'two-layer', '--threads']), /--threads needs a value/);
    });

    it('an unknown command lists the valid ones', () => {
      failsWithOneLine(
        cli(['fit']),
        /unknown command "fit"; valid commands: gates, train, bench, experiment, gradcheck/,
      );
    });
  });
});
