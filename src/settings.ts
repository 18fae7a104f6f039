/** Reads Scratchnet's settings (`contributes.configuration`) into run options. */
import * as vscode from 'vscode';
import { MAX_THREADS, type RunOptions } from './shared/protocol';

/** Run options from the user's settings. */
export function runOptionsFromSettings(): RunOptions {
  const c = vscode.workspace.getConfiguration('scratchnet');
  const positive = (key: string): number | undefined => {
    const v = c.get<number>(key, 0);
    return typeof v === 'number' && v > 0 ? v : undefined;
  };
  const dataDir = c.get<string>('dataDirectory', '').trim();
  return {
    seed: Math.max(0, Math.floor(c.get<number>('seed', 1))),
    batchSize: positive('batchSize'),
    lr: positive('learningRate'),
    epochs: positive('epochs'),
    dataDir: dataDir || undefined,
    probeEvery: Math.max(1, Math.floor(c.get<number>('probeEvery', 50))),
    probeMinMs: Math.max(0, Math.floor(c.get<number>('probeMinMs', 250))),
    threads: Math.min(MAX_THREADS, Math.max(1, Math.floor(c.get<number>('threads', 1)))),
  };
}

/** The preset "Train Network" offers first. */
export function defaultPreset(): string {
  return vscode.workspace.getConfiguration('scratchnet').get<string>('defaultPreset', 'two-layer');
}
