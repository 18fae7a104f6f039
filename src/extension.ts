/**
 * Scratchnet's entry point: wires the commands, the panel, the Layers view and the network-file
 * diagnostics. No logic of its own. Returns a small API that the integration tests use.
 */
import * as vscode from 'vscode';
import { COMMANDS, registerCommands } from './commands';
import { Controller } from './controller';
import { watchNetworkFiles } from './diagnostics/networkFiles';

/** What `activate` returns: access for tests (`extensions.getExtension(...).exports`). */
export interface ScratchnetApi {
  controller: Controller;
}

/**
 * `npm start` sets this to the default preset (or a network file's path) so that the editor it opens
 * starts training at once: the README's first command runs the main job, not just the editor.
 */
export const TRAIN_ON_START_ENV = 'SCRATCHNET_TRAIN_ON_START';

export function activate(context: vscode.ExtensionContext): ScratchnetApi {
  const controller = new Controller(context);
  context.subscriptions.push(controller, watchNetworkFiles());
  registerCommands(context, controller);
  const onStart = process.env[TRAIN_ON_START_ENV]?.trim();
  if (onStart) {
    const arg = onStart.endsWith('.json') ? { file: onStart } : onStart;
    void vscode.commands.executeCommand(COMMANDS.trainNetwork, arg);
  }
  return { controller };
}

export function deactivate(): void {
  // Disposables registered on the context end the worker and the panel.
}
