/**
 * Shared helpers of the extension-host suites: the extension's API, polling, and short runs of the
 * two-layer preset on a slice of MNIST. Everything here runs inside the extension host.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ScratchnetApi } from '../../src/extension';
import type { Controller } from '../../src/controller';
import type { TrainingSession } from '../../src/session/trainingSession';
import type { RunOptions, RunState, WorkerEvent } from '../../src/shared/protocol';

export const EXTENSION_ID = 'scratchnet.scratchnet';

export const COMMAND_IDS = [
  'scratchnet.trainNetwork',
  'scratchnet.stopTraining',
  'scratchnet.pauseTraining',
  'scratchnet.resumeTraining',
  'scratchnet.newNetworkFile',
  'scratchnet.showPanel',
] as const;

/** A short run: 20 iterations of batch 100 on 2,000 training images, 500 test images. */
export const SHORT_RUN: Partial<RunOptions> = { trainLimit: 2000, testLimit: 500, epochs: 1 };

/** A run that does not end by itself within a test (stopped by the test). */
export const LONG_RUN: Partial<RunOptions> = { trainLimit: 2000, testLimit: 500, iterations: 1_000_000 };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The activated extension's API. */
export async function api(): Promise<ScratchnetApi> {
  const ext = vscode.extensions.getExtension<ScratchnetApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed`);
  // activate() resolves to the exports, or rejects with the activation error (also when the
  // extension already failed to activate at start-up).
  const exports = await ext.activate();
  assert.ok(
    exports?.controller,
    `activate() did not return { controller }: ${JSON.stringify(Object.keys(exports ?? {}))}`,
  );
  return exports;
}

export async function controller(): Promise<Controller> {
  return (await api()).controller;
}

/**
 * Polls `check` until it returns a truthy value (which is returned) or `timeoutMs` passes; then
 * fails with `what` and the last value of `describe()`, so a timeout says what was seen.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 30_000,
  describe?: () => string,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const seen = describe ? describe() : last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${seen}`);
    }
    await sleep(50);
  }
}

/** What a session looks like now, for failure messages. */
export function describeSession(s: TrainingSession | undefined): string {
  if (!s) return 'no session';
  const st = s.store;
  return JSON.stringify({
    state: st.state,
    iteration: st.iteration,
    losses: st.losses.length,
    error: st.error,
    done: !!st.done,
  });
}

/** Waits until the session's state is one of `states`. */
export async function waitForState(
  session: TrainingSession,
  states: RunState | RunState[],
  timeoutMs = 60_000,
): Promise<RunState> {
  const want = Array.isArray(states) ? states : [states];
  return waitFor(
    `state ${want.join('|')}`,
    () => (want.includes(session.store.state) ? session.store.state : undefined),
    timeoutMs,
    () => describeSession(session),
  );
}

/** Starts a run of the two-layer preset through the command, returns the new session. */
export async function trainPreset(options: Partial<RunOptions>, preset = 'two-layer'): Promise<TrainingSession> {
  const c = await controller();
  const before = c.session;
  const ok = await vscode.commands.executeCommand<boolean | undefined>('scratchnet.trainNetwork', { preset, options });
  assert.equal(ok, true, `scratchnet.trainNetwork returned ${String(ok)}`);
  const session = c.session;
  assert.ok(session, 'no session after scratchnet.trainNetwork');
  assert.notEqual(session, before, 'scratchnet.trainNetwork did not start a new session');
  return session;
}

/** Stops whatever runs (teardown). */
export async function stopAll(): Promise<void> {
  const c = vscode.extensions.getExtension<ScratchnetApi>(EXTENSION_ID)?.exports?.controller;
  if (c?.session?.active) await c.stop();
}

/** Mean of a slice of numbers. */
export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The private worker of a session (the kill test ends it as a crash would). */
export function workerOf(session: TrainingSession): { terminate(): Promise<number>; threadId: number } | undefined {
  return (session as unknown as { worker?: { terminate(): Promise<number>; threadId: number } }).worker;
}

/** Closes every editor (panel included), so tests start from an empty editor area. */
export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The tab of the training panel, if open. */
export function panelTab(): vscode.Tab | undefined {
  for (const g of vscode.window.tabGroups.all) {
    for (const t of g.tabs) if (t.input instanceof vscode.TabInputWebview && t.label.startsWith('Scratchnet')) return t;
  }
  return undefined;
}

/** Messages the extension showed while capturing (see `captureMessages`). */
export interface CapturedMessages {
  errors: string[];
  infos: string[];
  restore(): void;
}

/**
 * Records the extension's error and information messages until `restore()`: the extension and the
 * tests share one `vscode` API object (the tests live in the extension's folder), so wrapping its
 * `window.showErrorMessage` sees the extension's calls. The messages are still shown.
 */
export function captureMessages(): CapturedMessages {
  const w = vscode.window as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originalError = w.showErrorMessage;
  const originalInfo = w.showInformationMessage;
  const errors: string[] = [];
  const infos: string[] = [];
  w.showErrorMessage = (...args: unknown[]) => {
    errors.push(String(args[0]));
    return originalError.apply(vscode.window, args);
  };
  w.showInformationMessage = (...args: unknown[]) => {
    infos.push(String(args[0]));
    return originalInfo.apply(vscode.window, args);
  };
  return {
    errors,
    infos,
    restore() {
      w.showErrorMessage = originalError;
      w.showInformationMessage = originalInfo;
    },
  };
}

/** Collects every event of a session from now on (until `off()`). */
export function recordEvents(session: TrainingSession): { events: WorkerEvent[]; off: () => void } {
  const events: WorkerEvent[] = [];
  const off = session.onEvent((e) => events.push(e));
  return { events, off };
}
