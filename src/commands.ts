/**
 * Command ids and their handlers. "Train Network" trains a preset picked from a list, or the network
 * file in the active editor; tests and keybindings may pass a preset name or a file URI directly.
 */
import * as vscode from 'vscode';
import { EXPERIMENTS } from './engine/experiments';
import { PRESETS, findPreset } from './engine/presets';
import { validateSpec, type NetworkSpec } from './engine/spec';
import type { Controller } from './controller';
import type { LayerNode } from './views/layersView';
import { specProblems } from './diagnostics/specDiagnostics';
import { defaultPreset, runOptionsFromSettings } from './settings';
import type { RunOptions } from './shared/protocol';

/** Every command the extension contributes. */
export const COMMANDS = {
  trainNetwork: 'scratchnet.trainNetwork',
  stopTraining: 'scratchnet.stopTraining',
  pauseTraining: 'scratchnet.pauseTraining',
  resumeTraining: 'scratchnet.resumeTraining',
  newNetworkFile: 'scratchnet.newNetworkFile',
  showPanel: 'scratchnet.showPanel',
  step: 'scratchnet.step',
  stepBatch: 'scratchnet.stepBatch',
  runGradientCheck: 'scratchnet.runGradientCheck',
  runExperiment: 'scratchnet.runExperiment',
  saveRun: 'scratchnet.saveRun',
  openRun: 'scratchnet.openRun',
  revealInGraph: 'scratchnet.revealInGraph',
} as const;

/** Whether a document is a network file. */
export function isNetworkFile(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return !!doc && doc.uri.path.endsWith('.scratchnet.json');
}

/** Arguments "Train Network" accepts when called programmatically. */
export interface TrainArgs {
  preset?: string;
  file?: vscode.Uri | string;
  options?: Partial<RunOptions>;
}

async function specFromDocument(doc: vscode.TextDocument): Promise<NetworkSpec | undefined> {
  const text = doc.getText();
  const problems = specProblems(text);
  if (problems.length) {
    const first = problems[0];
    const line = doc.positionAt(first.start).line + 1;
    void vscode.window
      .showErrorMessage(
        `Scratchnet: ${vscode.workspace.asRelativePath(doc.uri)} has ${problems.length} problem${problems.length > 1 ? 's' : ''}; line ${line}: ${first.message}`,
        'Show Problems',
      )
      .then((choice) => choice && vscode.commands.executeCommand('workbench.actions.view.problems'));
    return undefined;
  }
  const spec = validateSpec(JSON.parse(text)) as NetworkSpec;
  const base = doc.uri.path.split('/').pop()!.replace(/\.scratchnet\.json$/, '');
  return { ...spec, name: spec.name ?? base };
}

async function pickSpec(): Promise<NetworkSpec | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  type Item = vscode.QuickPickItem & { spec?: NetworkSpec; doc?: vscode.TextDocument };
  const items: Item[] = [];
  if (isNetworkFile(active)) {
    items.push({ label: `$(file) ${vscode.workspace.asRelativePath(active.uri)}`, description: 'the network file in the editor', doc: active });
    items.push({ label: 'presets', kind: vscode.QuickPickItemKind.Separator });
  }
  const preferred = defaultPreset();
  const presets = [...PRESETS].sort((a, b) => Number(b.name === preferred) - Number(a.name === preferred));
  for (const p of presets) items.push({ label: p.name, detail: p.description, spec: p.spec });
  const picked = await vscode.window.showQuickPick(items, { title: 'Scratchnet: Train Network', placeHolder: 'Pick a network to train', matchOnDetail: true });
  if (!picked) return undefined;
  return picked.doc ? specFromDocument(picked.doc) : structuredClone(picked.spec);
}

async function resolveArgs(arg: unknown): Promise<{ spec: NetworkSpec; options?: Partial<RunOptions> } | undefined> {
  if (arg instanceof vscode.Uri) arg = { file: arg };
  if (typeof arg === 'string') arg = { preset: arg };
  if (arg && typeof arg === 'object') {
    const a = arg as TrainArgs;
    if (a.preset) {
      const p = findPreset(a.preset);
      if (!p) throw new Error(`unknown preset "${a.preset}"; valid: ${PRESETS.map((x) => x.name).join(', ')}`);
      return { spec: structuredClone(p.spec), options: a.options };
    }
    if (a.file) {
      const uri = typeof a.file === 'string' ? vscode.Uri.file(a.file) : a.file;
      const spec = await specFromDocument(await vscode.workspace.openTextDocument(uri));
      return spec ? { spec, options: a.options } : undefined;
    }
  }
  const spec = await pickSpec();
  return spec ? { spec } : undefined;
}

/** Creates an untitled network file from a preset. */
async function newNetworkFile(): Promise<void> {
  const picked = await vscode.window.showQuickPick(
    PRESETS.map((p) => ({ label: p.name, detail: p.description })),
    { title: 'Scratchnet: New Network File', placeHolder: 'Start from which preset?' },
  );
  if (!picked) return;
  const spec = structuredClone(findPreset(picked.label)!.spec);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const content = `${JSON.stringify(spec, null, 2)}\n`;
  if (folder) {
    let uri = vscode.Uri.joinPath(folder, `${picked.label}.scratchnet.json`);
    for (let i = 2; await exists(uri); i++) uri = vscode.Uri.joinPath(folder, `${picked.label}-${i}.scratchnet.json`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
    await vscode.window.showTextDocument(uri);
  } else {
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content });
    await vscode.window.showTextDocument(doc);
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Options of a shortened experiment run: quick enough to watch, long enough to show the lesson. */
const SHORT_EXPERIMENT: Record<string, Record<string, number>> = {
  'optimizer-compare': { iterations: 300 },
  'weight-init-compare': { iterations: 300 },
  'weight-init-histogram': {},
  batchnorm: { epochs: 8 },
  'overfit-weight-decay': { epochs: 50, testLimit: 1000 },
  'overfit-dropout': { epochs: 50, testLimit: 1000 },
  'hyperparameter-search': { epochs: 20, trials: 10 },
};

/** Arguments "Run Experiment…" accepts when called programmatically. */
export interface ExperimentArgs {
  name: string;
  options?: Record<string, number | boolean>;
}

async function pickExperiment(): Promise<ExperimentArgs | undefined> {
  const picked = await vscode.window.showQuickPick(
    Object.entries(EXPERIMENTS).map(([name, e]) => ({ label: name, detail: e.description })),
    { title: 'Scratchnet: Run Experiment', placeHolder: "Which of the book's experiments?", matchOnDetail: true },
  );
  if (!picked) return undefined;
  const short = SHORT_EXPERIMENT[picked.label] ?? {};
  const shortText = Object.entries(short).map(([k, v]) => `${v} ${k}`).join(', ');
  const length = await vscode.window.showQuickPick(
    [
      { label: 'Book length', detail: 'The book’s full set-up (may take minutes)', options: {} },
      ...(shortText ? [{ label: 'Shortened', detail: `Quicker: ${shortText}`, options: short }] : []),
    ],
    { title: `Scratchnet: ${picked.label}`, placeHolder: 'How long a run?' },
  );
  return length ? { name: picked.label, options: length.options } : undefined;
}

/** Registers every command. */
export function registerCommands(context: vscode.ExtensionContext, controller: Controller): void {
  const reg = (id: string, fn: (...args: unknown[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg(COMMANDS.trainNetwork, async (arg?: unknown) => {
    try {
      const r = await resolveArgs(arg);
      if (!r) return undefined;
      await controller.train(r.spec, { ...runOptionsFromSettings(), ...(r.options ?? {}) });
      return true;
    } catch (e) {
      void vscode.window.showErrorMessage(`Scratchnet: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  });
  reg(COMMANDS.stopTraining, () => controller.stop());
  reg(COMMANDS.pauseTraining, () => controller.pause());
  reg(COMMANDS.resumeTraining, () => controller.resume());
  reg(COMMANDS.newNetworkFile, () => newNetworkFile());
  reg(COMMANDS.step, () => controller.step());
  reg(COMMANDS.stepBatch, () => controller.stepBatch());
  reg(COMMANDS.runGradientCheck, () => controller.gradcheck());
  reg(COMMANDS.runExperiment, async (arg?: unknown) => {
    const a = arg && typeof arg === 'object' && typeof (arg as ExperimentArgs).name === 'string' ? (arg as ExperimentArgs) : await pickExperiment();
    if (!a) return undefined;
    if (!Object.prototype.hasOwnProperty.call(EXPERIMENTS, a.name)) {
      void vscode.window.showErrorMessage(`Scratchnet: unknown experiment "${a.name}"; valid: ${Object.keys(EXPERIMENTS).join(', ')}`);
      return false;
    }
    const seed = runOptionsFromSettings().seed;
    await controller.experiment(a.name, { seed, ...(a.options ?? {}) }, runOptionsFromSettings().dataDir);
    return true;
  });
  reg(COMMANDS.saveRun, async (arg?: unknown) => {
    try {
      const text = await controller.saveRunText();
      let uri = arg instanceof vscode.Uri ? arg : undefined;
      if (!uri) {
        const name = controller.session?.store.started?.name ?? 'run';
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        uri = await vscode.window.showSaveDialog({
          title: 'Scratchnet: Save Run',
          defaultUri: folder ? vscode.Uri.joinPath(folder, `${name}.scratchnet-run.json`) : undefined,
          filters: { 'Scratchnet runs': ['json'] },
        });
      }
      if (!uri) return undefined;
      await writeWhole(uri, new TextEncoder().encode(text));
      void vscode.window.showInformationMessage(`Scratchnet: run saved to ${vscode.workspace.asRelativePath(uri)}`);
      return uri;
    } catch (e) {
      void vscode.window.showErrorMessage(`Scratchnet: cannot save the run: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  });
  reg(COMMANDS.openRun, async (arg?: unknown) => {
    let uri = arg instanceof vscode.Uri ? arg : typeof arg === 'string' ? vscode.Uri.file(arg) : undefined;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({ title: 'Scratchnet: Open Run', canSelectMany: false, filters: { 'Scratchnet runs': ['json'] } });
      uri = picked?.[0];
    }
    if (!uri) return undefined;
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      await controller.openRun(text, vscode.workspace.asRelativePath(uri));
      return true;
    } catch (e) {
      void vscode.window.showErrorMessage(`Scratchnet: cannot open ${vscode.workspace.asRelativePath(uri)}: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
  });
  reg(COMMANDS.revealInGraph, (node?: unknown) => {
    const id = (node as LayerNode | undefined)?.layer?.id ?? controller.tree.selection[0]?.layer.id;
    if (!id || !controller.session) return;
    controller.panel.show(controller.session, false);
    controller.panel.selectLayer(id);
  });
  reg(COMMANDS.showPanel, () => {
    if (controller.session) controller.panel.show(controller.session, false);
    else void vscode.window.showInformationMessage('Scratchnet: no run yet. Run "Scratchnet: Train Network" first.');
  });
}

/**
 * Writes a file so that no reader ever sees half of it: the bytes go to a sibling file first, which
 * is then renamed over the target (a rename is atomic within one file system). A saved run is
 * megabytes; written in place, a reader could catch it mid-write.
 */
async function writeWhole(uri: vscode.Uri, bytes: Uint8Array): Promise<void> {
  const partial = uri.with({ path: `${uri.path}.partial` });
  try {
    await vscode.workspace.fs.writeFile(partial, bytes);
    await vscode.workspace.fs.rename(partial, uri, { overwrite: true });
  } catch (e) {
    await vscode.workspace.fs.delete(partial).then(undefined, () => undefined);
    throw e;
  }
}
