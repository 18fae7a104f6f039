/**
 * Turns CLI flags into a network spec: a preset or a network file, then the overrides the flags
 * give (init, optimizer, learning rate, weight decay, batch size, hidden sizes).
 */
import { readFileSync } from 'node:fs';
import type { InitSpec } from '../engine/init';
import { findPreset, multiLayerSpec, presetNames } from '../engine/presets';
import { SpecError, checkSpec, formatPath, validateSpec, type NetworkSpec, type OptimizerKind } from '../engine/spec';
import { UsageError, oneOf, type Flags } from './args';

/** Optimizer names accepted by --optimizer. */
export const OPTIMIZER_NAMES: readonly OptimizerKind[] = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'];

/** Flags shared by commands that build a network. */
export const NETWORK_FLAGS = {
  preset: 'string',
  spec: 'string',
  init: 'string',
  optimizer: 'string',
  lr: 'number',
  'weight-decay': 'number',
  hidden: 'string',
} as const;

/** Parses --init: xavier, he, or a standard deviation like 0.01 or std=0.01. */
export function parseInit(v: string, command: string): InitSpec {
  if (v === 'xavier' || v === 'he') return v;
  const n = Number(v.replace(/^std=?/, ''));
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${command}: --init must be xavier, he or a standard deviation such as 0.01; got "${v}"`);
  return { std: n };
}

/** Reads and validates a `*.scratchnet.json` file. */
export function readSpecFile(file: string, command: string): NetworkSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${command}: cannot read network file ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${command}: ${file} is not valid JSON (${(e as Error).message})`);
  }
  const problems = checkSpec(raw);
  if (problems.length) throw new UsageError(`${command}: ${file}: ${problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join('; ')}`);
  return raw as NetworkSpec;
}

/** The spec the flags describe, validated, with a display name. */
export function resolveSpec(flags: Flags, command: string): NetworkSpec {
  let spec: NetworkSpec;
  if (typeof flags.spec === 'string') {
    if (flags.preset !== undefined) throw new UsageError(`${command}: give --preset or --spec, not both`);
    spec = readSpecFile(flags.spec, command);
  } else {
    const name = typeof flags.preset === 'string' ? flags.preset : undefined;
    if (!name) throw new UsageError(`${command}: --preset NAME is required (one of ${presetNames().join(', ')}) or --spec FILE`);
    const preset = findPreset(name);
    if (!preset) throw new UsageError(`${command}: unknown preset "${name}"; valid presets: ${presetNames().join(', ')}`);
    spec = structuredClone(preset.spec);
    if (typeof flags.hidden === 'string') {
      if (!name.startsWith('multi-layer')) throw new UsageError(`${command}: --hidden applies to the multi-layer presets only`);
      const hidden = flags.hidden.split(',').map((s) => Number(s));
      if (!hidden.length || hidden.some((h) => !Number.isInteger(h) || h < 1)) {
        throw new UsageError(`${command}: --hidden must be comma-separated layer sizes such as 100,100,100; got "${flags.hidden}"`);
      }
      spec = { ...multiLayerSpec({ hidden, batchNorm: name === 'multi-layer-bn' }), training: spec.training };
    }
  }
  return applyOverrides(spec, flags, command);
}

function applyOverrides(spec: NetworkSpec, flags: Flags, command: string): NetworkSpec {
  const s = structuredClone(spec);
  s.training = { ...(s.training ?? {}) };
  if (typeof flags.init === 'string') {
    s.init = parseInit(flags.init, command);
    s.layers = s.layers.map((l) => ('init' in l ? { ...l, init: undefined } : l));
  }
  const optName = oneOf(flags, 'optimizer', OPTIMIZER_NAMES, command);
  if (optName && optName !== s.training.optimizer?.type) s.training.optimizer = { type: optName };
  if (flags.lr !== undefined) {
    const lr = flags.lr as number;
    if (!(lr > 0)) throw new UsageError(`${command}: --lr must be a positive number, got ${lr}`);
    s.training.optimizer = { ...(s.training.optimizer ?? { type: 'sgd' }), lr };
  }
  if (flags['weight-decay'] !== undefined) {
    const wd = flags['weight-decay'] as number;
    if (!(wd >= 0)) throw new UsageError(`${command}: --weight-decay must be ≥ 0, got ${wd}`);
    s.training.weightDecay = wd;
  }
  try {
    return validateSpec(s);
  } catch (e) {
    if (e instanceof SpecError) throw new UsageError(`${command}: ${e.message}`);
    throw e;
  }
}
