/**
 * Issue 5, seeing inside, through the extension's commands and its store: probes arrive while
 * training, stepping through backprop one operation at a time (with the engine's own numbers),
 * Step Batch, the gradient check, saving and opening a run, a corrupt run file, an experiment, and
 * the commands that need a run when there is none.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultMnistDir, loadDataset } from '../../src/engine/data/dataset';
import { useFastKernels } from '../../src/engine/kernels/select';
import { buildNetwork } from '../../src/engine/network';
import type { Tensor } from '../../src/engine/tensor';
import { Trainer } from '../../src/engine/trainer';
import type { FiltersEvent, StepCursorEvent, TensorSummary } from '../../src/shared/protocol';
import type { TrainingSession } from '../../src/session/trainingSession';
import {
  EXTENSION_ID,
  LONG_RUN,
  SHORT_RUN,
  captureMessages,
  controller,
  describeSession,
  recordEvents,
  sleep,
  stopAll,
  trainPreset,
  waitFor,
  waitForState,
} from './helpers';

/** The order of one batch's operations on two-layer, as the cursor labels them (lr suffix cut). */
const TWO_LAYER_STEPS = [
  'forward · affine1',
  'forward · relu1',
  'forward · affine2',
  'loss · loss',
  'backward · affine2',
  'backward · relu1',
  'backward · affine1',
  'update · sgd',
];

/** The gradient-norm history's iterations (the store keeps it private; the snapshot copies it). */
function gradientIterations(session: TrainingSession): number[] {
  return session.store.snapshot(null).gradientIterations;
}

/** Mean of a tensor, summed in order in float64 as the worker's summaries do. */
function meanOf(t: Tensor): number {
  let s = 0;
  for (let i = 0; i < t.data.length; i++) s += t.data[i];
  return s / (t.data.length || 1);
}

/** Pauses a running session and waits until it says so. */
async function pause(session: TrainingSession): Promise<void> {
  await vscode.commands.executeCommand('scratchnet.pauseTraining');
  await waitForState(session, 'paused', 15_000);
}

/** Runs scratchnet.step once and waits for the new cursor. */
async function stepOnce(session: TrainingSession): Promise<StepCursorEvent> {
  const before = session.store.cursor;
  await vscode.commands.executeCommand('scratchnet.step');
  return waitFor(
    'a new step cursor',
    () => (session.store.cursor !== before ? session.store.cursor : undefined),
    15_000,
    () => `${describeSession(session)}; cursor ${before?.label}`,
  );
}

function closeTo(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected)),
    `${what}: the extension says ${actual}, the engine computes ${expected}`,
  );
}

suite('see inside (issue 5)', () => {
  teardown(stopAll);

  test('probes arrive while training: activations of every layer, weight histograms, a growing gradient history', async function () {
    this.timeout(120_000);
    const session = await trainPreset({ ...LONG_RUN, probeEvery: 5 });
    const st = session.store;
    await waitFor(
      'an activation probe after the first iterations',
      () => (st.activations && st.activations.iteration > 0 ? st.activations : undefined),
      60_000,
      () => describeSession(session),
    );
    const act = st.activations!;
    assert.deepEqual(
      act.items.map((i) => i.id),
      ['affine1', 'relu1', 'affine2'],
      'one activation histogram per layer, in layer order',
    );
    assert.equal(act.kind, 'activations');
    assert.equal(act.counts.length, 3 * 30);
    assert.equal(act.iteration % 5, 0, `probed at iteration ${act.iteration}, not a multiple of probeEvery 5`);
    const relu = act.items[1];
    assert.equal(relu.lo, 0, 'ReLU outputs are shown from 0');
    assert.ok(relu.dead > 0 && relu.dead < 1, `dead ReLU fraction ${relu.dead}`);
    const wh = st.weightHistograms;
    assert.ok(wh, 'weight histograms recorded');
    assert.deepEqual(
      wh.items.map((i) => i.id),
      ['affine1.W', 'affine1.b', 'affine2.W', 'affine2.b'],
    );

    const first = await waitFor('a gradient probe', () => {
      const its = gradientIterations(session);
      return its.length >= 1 ? its : undefined;
    });
    const grown = await waitFor(
      'the gradient history to grow',
      () => {
        const its = gradientIterations(session);
        return its.length > first.length + 1 ? its : undefined;
      },
      60_000,
      () => `${describeSession(session)}; gradient iterations ${JSON.stringify(gradientIterations(session))}`,
    );
    assert.deepEqual(grown.slice(0, first.length), first, 'the history keeps its earlier points');
    for (let i = 1; i < grown.length; i++)
      assert.ok(grown[i] > grown[i - 1], `increasing iterations ${grown.join(',')}`);
    const snap = st.snapshot(null);
    assert.deepEqual(
      snap.gradients.map((g) => g.name),
      ['affine1.W', 'affine1.b', 'affine2.W', 'affine2.b'],
    );
    for (const g of snap.gradients) {
      assert.equal(g.gradNorm.length, snap.gradientIterations.length, `${g.name}: one value per iteration`);
      assert.ok(
        g.gradNorm.every((v) => v > 0 && Number.isFinite(v)),
        `${g.name} gradient norms ${g.gradNorm.join(',')}`,
      );
      assert.ok(
        g.updateRatio.every((v) => v > 0 && v < 1),
        `${g.name} update ratios ${g.updateRatio.join(',')}`,
      );
    }
    assert.equal(st.filters, null, 'two-layer has no convolution: no filters');
  });

  test('simple-convnet: 30 filters of 5 × 5 that change between two probes', async function () {
    this.timeout(240_000);
    const session = await trainPreset(
      { trainLimit: 300, testLimit: 100, iterations: 6, probeEvery: 3, probeMinMs: 0 },
      'simple-convnet',
    );
    const rec = recordEvents(session);
    try {
      await waitForState(session, 'done', 200_000);
    } finally {
      rec.off();
    }
    const filters = rec.events.filter((e): e is FiltersEvent => e.type === 'probe/filters');
    assert.deepEqual(
      filters.map((f) => f.iteration),
      [0, 3, 6],
      'filters at the start and every 3 iterations',
    );
    const [f0, , f2] = filters;
    assert.equal(f0.layer, 'conv1');
    assert.equal(f0.count, 30);
    assert.equal(f0.h, 5);
    assert.equal(f0.w, 5);
    assert.equal(f0.data.length, 30 * 25);
    assert.ok(
      f0.data.every((v) => v >= 0 && v <= 1),
      'each filter normalised to [0, 1]',
    );
    let changed = 0;
    for (let i = 0; i < f0.data.length; i++) if (Math.abs(f0.data[i] - f2.data[i]) > 1e-6) changed++;
    assert.ok(
      changed > f0.data.length / 2,
      `only ${changed} of ${f0.data.length} filter pixels changed in 6 iterations`,
    );
    assert.equal(session.store.filters, f2, 'the store keeps the latest filters');
    const act = session.store.activations;
    assert.deepEqual(
      act?.items.map((i) => i.id),
      ['conv1', 'relu1', 'pool1', 'affine1', 'relu2', 'affine2'],
    );
  });

  test('paused two-layer: 8 × Step walks forward, loss, backward, update with the engine’s numbers; Step Batch; Resume', async function () {
    this.timeout(180_000);
    const session = await trainPreset(LONG_RUN);
    await waitFor(
      'some iterations',
      () => session.store.state === 'running' && session.store.iteration >= 3,
      60_000,
      () => describeSession(session),
    );
    await pause(session);
    await sleep(200); // a metrics message may trail the state change
    const k = session.store.iteration;
    assert.ok(k >= 3, `paused after ${k} iterations`);

    const cursors: StepCursorEvent[] = [];
    for (let i = 0; i < 8; i++) cursors.push(await stepOnce(session));
    assert.deepEqual(
      cursors.map((c) => c.label.replace(/ \(.*\)$/, '')),
      TWO_LAYER_STEPS,
    );
    assert.match(cursors[7].label, /^update · sgd \(lr 0\.1\)$/);
    assert.deepEqual(
      cursors.map((c) => c.step),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.ok(
      cursors.every((c) => c.steps === 8 && c.iteration === k + 1),
      `every cursor of iteration ${k + 1}: ${cursors.map((c) => `${c.iteration}/${c.steps}`).join(' ')}`,
    );
    assert.equal(cursors[2].loss, null, 'no loss before the loss operation');
    assert.ok(cursors[3].loss !== null && cursors[3].loss > 0, `loss ${cursors[3].loss}`);
    await waitFor(
      'the update to count as an iteration',
      () => session.store.iteration === k + 1,
      10_000,
      () => describeSession(session),
    );
    assert.equal(session.store.state, 'paused');
    assert.equal(
      session.store.losses[session.store.losses.length - 1],
      cursors[7].loss,
      'the stepped loss is recorded',
    );

    // The same run in this process, from the same seeds: the same numbers.
    const started = session.store.started!;
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    // The worker's GEMM kernels (WebAssembly SIMD where available), or the sums round differently.
    // This bundle has its own copy of the engine: the extension's choice is not touched.
    useFastKernels();
    const data = loadDataset({ dir: defaultMnistDir([ext.extensionPath]), trainLimit: 2000, testLimit: 500 });
    const net = buildNetwork(started.spec, { seed: started.seed });
    const trainer = new Trainer(net, data.train, data.test, { seed: started.seed + 1 });
    for (let i = 0; i < k; i++) trainer.step();
    const { x, t } = trainer.nextBatch();
    const gen = net.steps(x, t);
    const tensorsOf = (c: StepCursorEvent, role: TensorSummary['role']) => c.tensors.filter((q) => q.role === role);
    for (let i = 0; i < 7; i++) {
      const s = gen.next();
      assert.ok(!s.done);
      const mine = s.value;
      const c = cursors[i];
      if (mine.phase === 'forward') {
        closeTo(tensorsOf(c, 'input')[0].mean, meanOf(mine.input!), `${c.label} input`);
        closeTo(tensorsOf(c, 'output')[0].mean, meanOf(mine.output!), `${c.label} output`);
      } else if (mine.phase === 'loss') {
        closeTo(c.loss!, mine.loss!, 'loss');
        closeTo(tensorsOf(c, 'dx')[0].mean, meanOf(mine.output!), 'd loss / d scores');
      } else {
        closeTo(tensorsOf(c, 'dy')[0].mean, meanOf(mine.input!), `${c.label} dy`);
        if (mine.output) closeTo(tensorsOf(c, 'dx')[0].mean, meanOf(mine.output), `${c.label} dx`);
        else assert.equal(tensorsOf(c, 'dx').length, 0, `${c.label}: the first layer passes nothing back`);
        const grads = net.layers[mine.index].params();
        assert.equal(tensorsOf(c, 'grad').length, grads.length, `${c.label}: one card per parameter gradient`);
        grads.forEach((p, j) => closeTo(tensorsOf(c, 'grad')[j].mean, meanOf(p.grad), `${p.name} gradient`));
      }
    }
    const end = gen.next();
    assert.ok(end.done);
    trainer.commit(end.value);
    const values = tensorsOf(cursors[7], 'value');
    net.params().forEach((p, j) => {
      assert.equal(values[j].name, p.name);
      closeTo(values[j].mean, meanOf(p.value), `${p.name} after the update`);
    });

    // Step Batch runs a whole batch while paused.
    await vscode.commands.executeCommand('scratchnet.stepBatch');
    await waitFor(
      'Step Batch to finish iteration k + 2',
      () => session.store.iteration === k + 2,
      15_000,
      () => describeSession(session),
    );
    const afterBatch = session.store.cursor!;
    assert.equal(afterBatch.phase, 'update');
    assert.equal(afterBatch.iteration, k + 2);
    assert.equal(session.store.state, 'paused');
    trainer.step();
    net.params().forEach((p, j) => closeTo(afterBatch.tensors[j].mean, meanOf(p.value), `${p.name} after Step Batch`));

    // One step into the next batch, then Step Batch finishes that batch (not a new one).
    const c1 = await stepOnce(session);
    assert.equal(c1.label, 'forward · affine1');
    assert.equal(c1.iteration, k + 3);
    await vscode.commands.executeCommand('scratchnet.stepBatch');
    await waitFor(
      'iteration k + 3',
      () => session.store.iteration === k + 3,
      15_000,
      () => describeSession(session),
    );
    assert.equal(session.store.cursor?.iteration, k + 3);

    // One more step, then Resume finishes the batch and trains on.
    await stepOnce(session);
    await vscode.commands.executeCommand('scratchnet.resumeTraining');
    await waitForState(session, 'running', 15_000);
    await waitFor(
      'training to go on after Resume',
      () => session.store.iteration > k + 10,
      60_000,
      () => describeSession(session),
    );
    assert.equal(session.store.error, null);
  });

  test('Step and Step Batch while running only inform; nothing happens', async function () {
    this.timeout(60_000);
    const session = await trainPreset(LONG_RUN);
    await waitForState(session, 'running', 30_000);
    const msgs = captureMessages();
    try {
      await vscode.commands.executeCommand('scratchnet.step');
      await vscode.commands.executeCommand('scratchnet.stepBatch');
    } finally {
      msgs.restore();
    }
    assert.equal(msgs.infos.length, 2, `informations: ${JSON.stringify(msgs.infos)}`);
    assert.match(msgs.infos[0], /Step works while training is paused/);
    await sleep(300);
    assert.equal(session.store.cursor, null, 'no cursor');
    assert.equal(session.store.state, 'running');
  });

  test('Run Gradient Check on a paused two-layer: every parameter passes', async function () {
    this.timeout(120_000);
    const c = await controller();
    const session = await trainPreset({ ...SHORT_RUN, startPaused: true });
    await waitForState(session, 'paused', 30_000);
    await vscode.commands.executeCommand('scratchnet.runGradientCheck');
    const g = await waitFor(
      'a gradient check result',
      () => session.store.gradcheck,
      60_000,
      () => describeSession(session),
    );
    assert.equal(g.iteration, 0);
    assert.deepEqual(
      g.params.map((p) => p.name),
      ['affine1.W', 'affine1.b', 'affine2.W', 'affine2.b'],
    );
    assert.deepEqual(
      g.params.map((p) => p.layer),
      ['affine1', 'affine1', 'affine2', 'affine2'],
    );
    for (const p of g.params)
      assert.ok(p.pass && p.relativeError <= g.bound, `${p.name}: relative error ${p.relativeError}`);
    assert.ok(g.maxRelativeError <= g.bound, `max relative error ${g.maxRelativeError} (bound ${g.bound})`);
    assert.equal(session.store.state, 'paused', 'the check leaves the run paused');
    assert.equal(c.panel.visible, true, 'the check shows the panel');
  });

  test('Run Gradient Check at iteration 57 of two-layer (seed 1, where a ReLU kink lies within 1e-5): every parameter passes', async function () {
    // With the engine's default step h = 1e-5 the check of affine1.b fails here (relative error
    // 4.6e-3): a hidden unit's pre-activation lies within h of 0 on one of the 3 test images.
    this.timeout(180_000);
    const session = await trainPreset({ epochs: 2, startPaused: true, probeEvery: 1000 });
    await waitForState(session, 'paused', 60_000);
    for (let i = 0; i < 57; i++) await vscode.commands.executeCommand('scratchnet.stepBatch');
    await waitFor(
      '57 iterations',
      () => session.store.iteration === 57,
      60_000,
      () => describeSession(session),
    );
    await vscode.commands.executeCommand('scratchnet.runGradientCheck');
    const g = await waitFor(
      'a gradient check result',
      () => session.store.gradcheck,
      60_000,
      () => describeSession(session),
    );
    assert.equal(g.iteration, 57);
    for (const p of g.params) assert.ok(p.pass, `${p.name}: relative error ${p.relativeError} (bound ${g.bound})`);
  });

  test('Run Gradient Check on simple-convnet paused at the start: every parameter passes', async function () {
    this.timeout(240_000);
    const session = await trainPreset({ trainLimit: 300, testLimit: 100, startPaused: true }, 'simple-convnet');
    await waitForState(session, 'paused', 60_000);
    await vscode.commands.executeCommand('scratchnet.runGradientCheck');
    const g = await waitFor(
      'a gradient check result',
      () => session.store.gradcheck,
      200_000,
      () => describeSession(session),
    );
    assert.deepEqual(
      g.params.map((p) => p.name),
      ['conv1.W', 'conv1.b', 'affine1.W', 'affine1.b', 'affine2.W', 'affine2.b'],
    );
    const failing = g.params.filter((p) => !p.pass).map((p) => `${p.name} ${p.relativeError.toExponential(2)}`);
    assert.deepEqual(
      failing,
      [],
      `bound ${g.bound}; all: ${g.params.map((p) => `${p.name} ${p.relativeError.toExponential(2)}`).join(', ')}`,
    );
  });

  test('Run Gradient Check while training runs: the check passes and training goes on', async function () {
    this.timeout(120_000);
    const session = await trainPreset(LONG_RUN);
    await waitFor(
      'some iterations',
      () => session.store.iteration > 2,
      60_000,
      () => describeSession(session),
    );
    await vscode.commands.executeCommand('scratchnet.runGradientCheck');
    const g = await waitFor(
      'a gradient check result',
      () => session.store.gradcheck,
      60_000,
      () => describeSession(session),
    );
    assert.ok(g.iteration > 0, `checked at iteration ${g.iteration}`);
    assert.ok(
      g.params.every((p) => p.pass),
      JSON.stringify(g.params),
    );
    const at = session.store.iteration;
    await waitFor(
      'more iterations',
      () => session.store.iteration > at,
      30_000,
      () => describeSession(session),
    );
  });

  test('Save Run to a file, then Open Run of it: a saved session with the same losses, epochs and layers', async function () {
    this.timeout(120_000);
    const c = await controller();
    const session = await trainPreset(SHORT_RUN);
    await waitForState(session, 'done', 90_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scratchnet-run-'));
    try {
      const file = vscode.Uri.file(path.join(dir, 'two-layer.scratchnet-run.json'));
      const saved = await vscode.commands.executeCommand<vscode.Uri | undefined>('scratchnet.saveRun', file);
      assert.equal(saved?.toString(), file.toString(), 'saveRun returns the file it wrote');
      const json = JSON.parse(fs.readFileSync(file.fsPath, 'utf8'));
      assert.equal(json.name, 'two-layer');
      assert.equal(json.iteration, 20);

      const ok = await vscode.commands.executeCommand('scratchnet.openRun', file);
      assert.equal(ok, true);
      const opened = c.session!;
      assert.notEqual(opened, session, 'a new session');
      assert.equal(opened.kind, 'saved');
      assert.equal(opened.active, false, 'no worker');
      const a = session.store;
      const b = opened.store;
      assert.equal(b.state, 'done');
      assert.equal(b.iteration, 20);
      assert.deepEqual([...b.losses], [...a.losses], 'the same losses');
      assert.deepEqual([...b.lossIterations], [...a.lossIterations]);
      assert.deepEqual(
        b.epochs.map(({ epoch, iteration, trainAccuracy, testAccuracy }) => ({
          epoch,
          iteration,
          trainAccuracy,
          testAccuracy,
        })),
        a.epochs.map(({ epoch, iteration, trainAccuracy, testAccuracy }) => ({
          epoch,
          iteration,
          trainAccuracy,
          testAccuracy,
        })),
        'the same epochs',
      );
      assert.deepEqual(b.started?.layers, a.started?.layers, 'the same layers');
      assert.equal(b.started?.name, 'two-layer');
      assert.equal(b.done?.testAccuracy, a.epochs[a.epochs.length - 1].testAccuracy);
      // The saved weights give the same parameter statistics as the live run's end.
      const live = a.params!.stats;
      const again = b.params!.stats;
      assert.deepEqual(
        again.map((s) => s.name),
        live.map((s) => s.name),
      );
      again.forEach((s, i) => closeTo(s.norm, live[i].norm, `${s.name} ‖W‖`));
      assert.deepEqual(
        c.layers.getChildren().map((n) => n.layer.id),
        ['affine1', 'relu1', 'affine2'],
        'the Layers view shows the saved run',
      );
      assert.equal(c.panel.visible, true, 'the panel shows the saved run');

      // Commands that need a live run do nothing harmful on a saved one.
      const msgs = captureMessages();
      try {
        await vscode.commands.executeCommand('scratchnet.runGradientCheck');
        await vscode.commands.executeCommand('scratchnet.step');
      } finally {
        msgs.restore();
      }
      assert.equal(msgs.errors.length, 0, JSON.stringify(msgs.errors));
      assert.equal(opened.store.gradcheck, null);
      assert.equal(opened.store.state, 'done');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Open Run of a corrupt, foreign or missing file returns false with an error message; the extension keeps working', async function () {
    this.timeout(120_000);
    const c = await controller();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scratchnet-run-'));
    const msgs = captureMessages();
    try {
      const broken = path.join(dir, 'broken.scratchnet-run.json');
      fs.writeFileSync(broken, '{"format": "scratchnet-run", "version": 1, "name": "x", "weights": [');
      const ok = await vscode.commands.executeCommand('scratchnet.openRun', vscode.Uri.file(broken));
      assert.equal(ok, false);
      const wrong = path.join(dir, 'wrong.scratchnet-run.json');
      fs.writeFileSync(wrong, JSON.stringify({ hello: 'world' }));
      assert.equal(await vscode.commands.executeCommand('scratchnet.openRun', wrong), false, 'a path string works too');
      const missing = path.join(dir, 'missing.scratchnet-run.json');
      assert.equal(await vscode.commands.executeCommand('scratchnet.openRun', vscode.Uri.file(missing)), false);
    } finally {
      msgs.restore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(msgs.errors.length, 3, `error messages: ${JSON.stringify(msgs.errors)}`);
    for (const m of msgs.errors) assert.match(m, /^Scratchnet: cannot open .*: \S/, m);
    assert.match(msgs.errors[0], /broken\.scratchnet-run\.json/);
    assert.match(msgs.errors[1], /wrong\.scratchnet-run\.json/);
    // The extension still trains.
    const next = await trainPreset(SHORT_RUN);
    await waitForState(next, 'done', 90_000);
    assert.equal(next.store.error, null);
    assert.equal(c.session, next);
  });

  test('Open Run of a corrupt file leaves the current run alone (paused run, its Layers view)', async function () {
    this.timeout(120_000);
    const c = await controller();
    const session = await trainPreset({ ...SHORT_RUN, startPaused: true });
    await waitForState(session, 'paused', 30_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scratchnet-run-'));
    const msgs = captureMessages();
    try {
      const broken = path.join(dir, 'broken.scratchnet-run.json');
      fs.writeFileSync(broken, 'not a run');
      assert.equal(await vscode.commands.executeCommand('scratchnet.openRun', vscode.Uri.file(broken)), false);
    } finally {
      msgs.restore();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(msgs.errors.length, 1, JSON.stringify(msgs.errors));
    // A file that cannot be read must not cost the user the run they have.
    assert.ok(
      c.session === session,
      `the paused run is still the current session (now: ${describeSession(c.session)})`,
    );
    assert.equal(session.store.state, 'paused', describeSession(session));
    assert.equal(session.active, true, 'its worker still runs');
    assert.deepEqual(
      c.layers.getChildren().map((n) => n.layer.id),
      ['affine1', 'relu1', 'affine2'],
      'the Layers view still shows its layers',
    );
    await vscode.commands.executeCommand('scratchnet.resumeTraining');
    await waitForState(session, 'done', 90_000);
    assert.equal(session.store.error, null);
  });

  test('Run Experiment weight-init-histogram: 12 results in the store', async function () {
    this.timeout(240_000);
    const c = await controller();
    const ok = await vscode.commands.executeCommand('scratchnet.runExperiment', { name: 'weight-init-histogram' });
    assert.equal(ok, true);
    const session = c.session!;
    assert.equal(session.kind, 'experiment');
    const rec = recordEvents(session);
    try {
      const r = await waitFor(
        'the experiment result',
        () => session.store.experiment,
        200_000,
        () => describeSession(session),
      );
      assert.equal(r.name, 'weight-init-histogram');
      assert.equal(r.result.experiment, 'weight-init-histogram');
      assert.equal(r.result.results.length, 12);
      await waitForState(session, 'done', 30_000);
    } finally {
      rec.off();
    }
    assert.equal(session.store.error, null);
    assert.equal(c.panel.visible, true);
  });

  test('Run Experiment with an unknown name reports it and returns false', async () => {
    const msgs = captureMessages();
    let ok: unknown;
    try {
      ok = await vscode.commands.executeCommand('scratchnet.runExperiment', { name: 'no-such-experiment' });
    } finally {
      msgs.restore();
    }
    assert.equal(ok, false);
    assert.match(msgs.errors[0] ?? '', /unknown experiment "no-such-experiment"/);
  });

  test('Run Gradient Check, Step and Step Batch with no live run only inform', async function () {
    this.timeout(60_000);
    const c = await controller();
    await stopAll();
    const before = c.session;
    const state = before?.store.state;
    const msgs = captureMessages();
    try {
      await vscode.commands.executeCommand('scratchnet.runGradientCheck');
      await vscode.commands.executeCommand('scratchnet.step');
      await vscode.commands.executeCommand('scratchnet.stepBatch');
    } finally {
      msgs.restore();
    }
    assert.equal(msgs.errors.length, 0, JSON.stringify(msgs.errors));
    assert.equal(msgs.infos.length, 3, `one information each: ${JSON.stringify(msgs.infos)}`);
    assert.match(msgs.infos[0], /start a training run first/);
    assert.equal(c.session, before, 'no new session');
    assert.equal(c.session?.store.state, state);
    assert.equal(c.session?.store.gradcheck ?? null, before?.store.gradcheck ?? null);
  });
});
