/**
 * Scratchnet's entry point: wires the commands, the panel, the Layers view and the network-file
 * diagnostics. No logic of its own. Returns a small API that the integration tests use.
 */
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Controller } from './controller';
import { watchNetworkFiles } from './diagnostics/networkFiles';

/** What `activate` returns: access for tests (`extensions.getExtension(...).exports`). */
export interface ScratchnetApi {
  controller: Controller;
}

export function activate(context: vscode.ExtensionContext): ScratchnetApi {
  const controller = new Controller(context);
  context.subscriptions.push(controller, watchNetworkFiles());
  registerCommands(context, controller);
  return { controller };
}

export function deactivate(): void {
  // Disposables registered on the context end the worker and the panel.
}
