/** Keeps the Problems panel in step with every open `*.scratchnet.json` file, as the user types. */
import * as vscode from 'vscode';
import { isNetworkFile } from '../commands';
import { specProblems } from './specDiagnostics';

/** Starts watching network files; the returned disposable stops it. */
export function watchNetworkFiles(): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('scratchnet');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const update = (doc: vscode.TextDocument) => {
    if (!isNetworkFile(doc)) return;
    const diagnostics = specProblems(doc.getText()).map((p) => {
      const d = new vscode.Diagnostic(
        new vscode.Range(doc.positionAt(p.start), doc.positionAt(p.end)),
        p.message,
        p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      d.source = 'scratchnet';
      return d;
    });
    collection.set(doc.uri, diagnostics);
  };
  const schedule = (doc: vscode.TextDocument) => {
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        update(doc);
      }, 150),
    );
  };
  vscode.workspace.textDocuments.forEach(update);
  const subs = [
    vscode.workspace.onDidOpenTextDocument(update),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => collection.delete(d.uri)),
  ];
  return vscode.Disposable.from(collection, ...subs, { dispose: () => timers.forEach((t) => clearTimeout(t)) });
}
