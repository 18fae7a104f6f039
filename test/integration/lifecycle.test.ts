/** Runs end, restart, replace each other, and a dead worker is a reported error, not a dead editor. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LONG_RUN,
  SHORT_RUN,
  controller,
  describeSession,
  stopAll,
  trainPreset,
  waitFor,
  waitForState,
  workerOf,
} from './helpers';

suite('run lifecycle', () => {
  teardown(stopAll);

  test('stop, then a second run starts and completes', async function () {
    this.timeout(120_000);
    const first = await trainPreset(LONG_RUN);
    await waitForState(first, 'running');
    await vscode.commands.executeCommand('scratchnet.stopTraining');
    assert.equal(first.store.state, 'stopped');

    const second = await trainPreset(SHORT_RUN);
    assert.notEqual(second, first);
    await waitForState(second, ['running', 'done'], 30_000);
    await waitForState(second, 'done', 90_000);
    assert.equal(second.store.iteration, 20);
    assert.equal(second.store.error, null);
    assert.equal(first.store.state, 'stopped', 'the first run stays stopped');
  });

  test('Train Network during a run replaces it: the old run stops, the new one completes', async function () {
    this.timeout(120_000);
    const c = await controller();
    const first = await trainPreset(LONG_RUN);
    await waitForState(first, 'running');
    const second = await trainPreset(SHORT_RUN);
    assert.equal(first.store.state, 'stopped', `the old run was stopped: ${describeSession(first)}`);
    assert.equal(first.active, false);
    assert.equal(c.session, second);
    await waitForState(second, 'done', 90_000);
  });

  test('killing the worker mid-run is reported as an error; the extension keeps working', async function () {
    this.timeout(120_000);
    const c = await controller();
    const session = await trainPreset(LONG_RUN);
    await waitForState(session, 'running');
    await waitFor(
      'some iterations',
      () => session.store.iteration > 0,
      30_000,
      () => describeSession(session),
    );
    const worker = workerOf(session);
    assert.ok(worker, 'the session has a worker');
    assert.equal(worker.threadId, session.threadId);

    await worker.terminate();
    await waitForState(session, 'error', 10_000);
    const err = session.store.error;
    assert.ok(err, 'a run/error was recorded');
    assert.match(err.message, /worker exited/, err.message);
    assert.match(err.where, /worker/);
    assert.equal(session.active, false);

    // Commands on the dead run are harmless.
    await vscode.commands.executeCommand('scratchnet.pauseTraining');
    await vscode.commands.executeCommand('scratchnet.resumeTraining');
    await vscode.commands.executeCommand('scratchnet.stopTraining');
    assert.equal(session.store.state, 'error');
    await vscode.commands.executeCommand('scratchnet.showPanel');
    assert.equal(c.panel.visible, true);

    const next = await trainPreset(SHORT_RUN);
    await waitForState(next, 'done', 90_000);
    assert.equal(next.store.error, null);
    assert.equal(next.store.iteration, 20);
    assert.deepEqual(
      c.layers.getChildren().map((n) => n.layer.id),
      ['affine1', 'relu1', 'affine2'],
    );
  });

  test('Train Network trains a network file of the workspace', async function () {
    this.timeout(120_000);
    const folder = vscode.workspace.workspaceFolders?.[0];
    const file = folder && path.join(folder.uri.fsPath, 'mlp.scratchnet.json');
    if (!file || !fs.existsSync(file)) return this.skip();
    const c = await controller();
    const before = c.session;
    const ok = await vscode.commands.executeCommand('scratchnet.trainNetwork', {
      file: vscode.Uri.file(file),
      options: SHORT_RUN,
    });
    assert.equal(ok, true);
    const session = c.session!;
    assert.notEqual(session, before);
    await waitForState(session, 'done', 90_000);
    assert.equal(session.store.started?.name, 'mlp');
    assert.deepEqual(
      session.store.started?.layers.map((l) => l.id),
      ['affine1', 'relu1', 'affine2'],
    );
  });
});
