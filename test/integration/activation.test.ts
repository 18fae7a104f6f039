/** The extension is installed, activates, returns its API and registers every contributed command. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMAND_IDS, EXTENSION_ID, api } from './helpers';

suite('activation', () => {
  test('the extension is present and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} not found among ${vscode.extensions.all.length} extensions`);
    const exports = await api();
    assert.equal(ext.isActive, true);
    assert.ok(exports.controller, 'activate() returns { controller }');
    assert.equal(exports.controller.session, undefined, 'no run before the first Train Network');
  });

  test('every contributed command is registered', async () => {
    await api();
    const all = new Set(await vscode.commands.getCommands(true));
    const contributed: { command: string }[] =
      vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.commands;
    const ids = contributed.map((c) => c.command);
    for (const id of COMMAND_IDS) assert.ok(ids.includes(id), `package.json contributes ${id}`);
    const missing = ids.filter((id) => !all.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('the Layers view is contributed and empty before a run', async () => {
    const { controller } = await api();
    assert.equal(controller.tree.visible !== undefined, true);
    assert.deepEqual(controller.layers.getChildren(), []);
  });
});
