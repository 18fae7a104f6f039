/** Problems of *.scratchnet.json files reach the Problems panel, on the line they concern. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, closeAllEditors, waitFor } from './helpers';

/** A network whose conv kernel (5×5) is larger than its 1×4×4 input. */
const BAD_KERNEL = `{
  "name": "bad-kernel",
  "input": [1, 4, 4],
  "layers": [
    {
      "type": "conv",
      "filters": 4,
      "kernel": 5,
      "stride": 1
    },
    { "type": "affine", "units": 10 }
  ]
}
`;

/** Unbalanced: the layers array is never closed. */
const SYNTAX_ERROR = `{
  "name": "broken",
  "input": [784],
  "layers": [
    { "type": "affine", "units": 10 }
}
`;

const GOOD = `{
  "name": "good",
  "input": [784],
  "layers": [{ "type": "affine", "units": 10 }]
}
`;

let dir: string;

function describeDiagnostics(uri: vscode.Uri): string {
  return JSON.stringify(
    vscode.languages
      .getDiagnostics(uri)
      .map((d) => ({ line: d.range.start.line, message: d.message, source: d.source })),
  );
}

async function openNetworkFile(name: string, text: string): Promise<vscode.TextDocument> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc);
  return doc;
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'scratchnet');
}

suite('network file diagnostics', () => {
  suiteSetup(async () => {
    await api();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scratchnet-diagnostics-'));
  });
  suiteTeardown(async () => {
    await closeAllEditors();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a conv kernel larger than its input is an error on the "kernel" line', async () => {
    const doc = await openNetworkFile('bad-kernel.scratchnet.json', BAD_KERNEL);
    const kernelLine = BAD_KERNEL.split('\n').findIndex((l) => l.includes('"kernel"'));
    assert.equal(kernelLine, 7);
    const found = await waitFor(
      'an error diagnostic on the kernel line',
      () =>
        ours(doc.uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error && d.range.start.line === kernelLine),
      15_000,
      () => describeDiagnostics(doc.uri),
    );
    assert.match(found.message, /kernel 5×5 is larger than its input 4×4/);
    assert.equal(found.range.end.line, kernelLine, 'the range stays on the property');
    assert.equal(doc.getText(found.range), '"kernel": 5');
  });

  test('fixing the file clears the error as you type', async () => {
    const doc = await openNetworkFile('fix-me.scratchnet.json', BAD_KERNEL);
    await waitFor(
      'the kernel error',
      () => ours(doc.uri).length > 0,
      15_000,
      () => describeDiagnostics(doc.uri),
    );
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document, doc);
    const line = doc.lineAt(7);
    const ok = await editor.edit((e) => e.replace(line.range, '      "kernel": 3,'));
    assert.ok(ok, 'edit applied');
    await waitFor(
      'no scratchnet diagnostics',
      () => ours(doc.uri).length === 0,
      15_000,
      () => describeDiagnostics(doc.uri),
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('a JSON syntax error gives an error diagnostic', async () => {
    const doc = await openNetworkFile('syntax.scratchnet.json', SYNTAX_ERROR);
    const found = await waitFor(
      'a JSON error diagnostic',
      () => ours(doc.uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error && /^JSON:/.test(d.message)),
      15_000,
      () => describeDiagnostics(doc.uri),
    );
    // The closing brace on line 6 (index 5) is where the missing "]" is noticed.
    assert.equal(found.range.start.line, 5, describeDiagnostics(doc.uri));
  });

  test('a valid network file has no scratchnet diagnostics', async () => {
    const doc = await openNetworkFile('good.scratchnet.json', GOOD);
    // Give the watcher the time it needs to report (it reports on open).
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(ours(doc.uri), [], describeDiagnostics(doc.uri));
  });

  test('Train Network refuses a file with problems and starts no run', async () => {
    const { controller } = await api();
    const before = controller.session;
    const file = path.join(dir, 'refused.scratchnet.json');
    fs.writeFileSync(file, BAD_KERNEL);
    // The command waits for the error notification ("Show Problems") to be answered: dismiss it.
    let settled = false;
    const run = Promise.resolve(
      vscode.commands.executeCommand('scratchnet.trainNetwork', { file: vscode.Uri.file(file) }),
    ).finally(() => (settled = true));
    await waitFor(
      'trainNetwork to return once its error notification is dismissed',
      async () => {
        if (!settled) await vscode.commands.executeCommand('notifications.clearAll');
        return settled;
      },
      15_000,
    );
    assert.equal(await run, undefined);
    assert.equal(controller.session, before, 'no run started');
  });
});
