/** Every command, driven through vscode.commands.executeCommand as a keybinding or a menu would. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  LONG_RUN,
  SHORT_RUN,
  closeAllEditors,
  controller,
  describeSession,
  mean,
  panelTab,
  sleep,
  stopAll,
  trainPreset,
  waitFor,
  waitForState,
} from './helpers';

suite('commands', () => {
  teardown(stopAll);

  test('showPanel without a run only informs', async () => {
    const c = await controller();
    if (c.session) return; // another suite ran first: covered by the test below
    await vscode.commands.executeCommand('scratchnet.showPanel');
    assert.equal(c.panel.visible, false);
  });

  test('trainNetwork trains two-layer to done: losses fall, an epoch accuracy is recorded', async function () {
    this.timeout(120_000);
    const session = await trainPreset(SHORT_RUN);
    await waitForState(session, 'done', 90_000);
    const st = session.store;
    assert.ok(st.started, 'run/started recorded');
    assert.equal(st.started.name, 'two-layer');
    assert.equal(st.started.totalIterations, 20, 'epochs 1 of 2,000 images in batches of 100');
    assert.deepEqual(st.started.dataset, { name: st.started.dataset.name, train: 2000, test: 500 });
    assert.equal(st.losses.length, 20, `one loss per iteration: ${st.losses.length}`);
    assert.ok(st.losses.every(Number.isFinite), 'finite losses');
    const first = mean(st.losses.slice(0, 5));
    const last = mean(st.losses.slice(-5));
    assert.ok(
      last < first,
      `mean loss of the last 5 iterations (${last}) is below the first 5 (${first}); losses ${st.losses.map((l) => l.toFixed(4)).join(' ')}`,
    );
    assert.ok(st.epochs.length >= 1, 'an epoch result');
    const e = st.epochs[st.epochs.length - 1];
    assert.equal(e.epoch, 1);
    assert.ok(e.testAccuracy > 0 && e.testAccuracy <= 1, `test accuracy ${e.testAccuracy}`);
    assert.ok(e.trainAccuracy > 0 && e.trainAccuracy <= 1, `train accuracy ${e.trainAccuracy}`);
    assert.ok(st.done, 'run/done recorded');
    assert.equal(st.done.iteration, 20);
    assert.equal(st.error, null);
    assert.equal(session.active, false, 'the session ended');
  });

  test('trainNetwork opens the panel "Scratchnet: two-layer"', async function () {
    this.timeout(60_000);
    const c = await controller();
    if (!c.session) await waitForState(await trainPreset(SHORT_RUN), 'done');
    await waitFor(
      'the panel tab',
      () => panelTab()?.label === 'Scratchnet: two-layer',
      20_000,
      () => `tab ${panelTab()?.label}`,
    );
    assert.equal(c.panel.visible, true);
  });

  test('showPanel reopens the closed panel with the last run', async function () {
    this.timeout(60_000);
    const c = await controller();
    if (!c.session) await waitForState(await trainPreset(SHORT_RUN), 'done');
    await closeAllEditors();
    await waitFor('the panel to close', () => !c.panel.visible && !panelTab(), 10_000);
    await vscode.commands.executeCommand('scratchnet.showPanel');
    assert.equal(c.panel.visible, true, 'panel open after showPanel');
    await waitFor(
      'the panel tab',
      () => panelTab()?.label === 'Scratchnet: two-layer',
      20_000,
      () => `tab ${panelTab()?.label}`,
    );
  });

  test('pause → paused, resume → running, stop → stopped', async function () {
    this.timeout(120_000);
    const session = await trainPreset(LONG_RUN);
    await waitForState(session, 'running');
    await waitFor(
      'some iterations',
      () => session.store.iteration > 0,
      30_000,
      () => describeSession(session),
    );

    await vscode.commands.executeCommand('scratchnet.pauseTraining');
    await waitForState(session, 'paused', 10_000);
    const at = session.store.iteration;
    await sleep(400);
    assert.equal(session.store.iteration, at, 'no iterations while paused');

    await vscode.commands.executeCommand('scratchnet.resumeTraining');
    await waitForState(session, 'running', 10_000);
    await waitFor(
      'iterations after resume',
      () => session.store.iteration > at,
      30_000,
      () => describeSession(session),
    );

    await vscode.commands.executeCommand('scratchnet.stopTraining');
    assert.equal(session.store.state, 'stopped', 'stopTraining resolves after the worker stopped');
    assert.equal(session.active, false);
    await waitFor('the worker thread to end', () => session.threadId === undefined, 10_000);
    assert.equal(session.store.error, null);
    const iteration = session.store.iteration;
    await sleep(300);
    assert.equal(session.store.iteration, iteration, 'no iterations after stop');
  });

  test('startPaused starts paused; resume trains', async function () {
    this.timeout(60_000);
    const session = await trainPreset({ ...SHORT_RUN, startPaused: true });
    await waitForState(session, 'paused');
    assert.equal(session.store.iteration, 0);
    await vscode.commands.executeCommand('scratchnet.resumeTraining');
    await waitForState(session, 'done');
    assert.equal(session.store.iteration, 20);
  });

  test('stop, pause and resume without a run do nothing and do not throw', async () => {
    const c = await controller();
    await stopAll();
    const state = c.session?.store.state;
    await vscode.commands.executeCommand('scratchnet.pauseTraining');
    await vscode.commands.executeCommand('scratchnet.resumeTraining');
    await vscode.commands.executeCommand('scratchnet.stopTraining');
    assert.equal(c.session?.store.state, state);
  });

  test('trainNetwork with an unknown preset reports it and returns false', async () => {
    const c = await controller();
    const before = c.session;
    const ok = await vscode.commands.executeCommand('scratchnet.trainNetwork', { preset: 'no-such-preset' });
    assert.equal(ok, false);
    assert.equal(c.session, before, 'no new session');
  });

  test('newNetworkFile shows a quick pick that can be cancelled', async function () {
    this.timeout(30_000);
    let settled = false;
    const run = Promise.resolve(vscode.commands.executeCommand('scratchnet.newNetworkFile')).finally(
      () => (settled = true),
    );
    // The picker opens a moment later: close it until the command returns.
    await waitFor(
      'newNetworkFile to return after the quick pick closed',
      async () => {
        if (!settled) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        return settled;
      },
      20_000,
    );
    assert.equal(await run, undefined);
  });

  test('newNetworkFile creates a network file from the picked preset', async function () {
    this.timeout(30_000);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    let settled = false;
    const run = Promise.resolve(vscode.commands.executeCommand('scratchnet.newNetworkFile')).finally(
      () => (settled = true),
    );
    // Accepts the first item (the presets in their listed order: two-layer first).
    await waitFor(
      'newNetworkFile to return after accepting the first preset',
      async () => {
        if (!settled) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return settled;
      },
      20_000,
    );
    await run;
    const doc = await waitFor('an editor with the new network', () => vscode.window.activeTextEditor?.document, 10_000);
    const spec = JSON.parse(doc.getText());
    assert.equal(spec.name, 'two-layer');
    assert.ok(Array.isArray(spec.layers) && spec.layers.length === 3, doc.getText());
    if (folder) {
      assert.equal(doc.uri.scheme, folder.scheme);
      assert.match(doc.uri.path, /\/two-layer(-\d+)?\.scratchnet\.json$/);
      await closeAllEditors();
      await vscode.workspace.fs.delete(doc.uri);
    } else {
      assert.equal(doc.isUntitled, true);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});
