/**
 * A small strict argument parser for the CLI: every command declares its flags, and anything else is
 * an error that says what is valid.
 */

/** Thrown for bad command-line input; the CLI prints the message on one line and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** How a flag's value is read. */
export type FlagKind = 'int' | 'number' | 'string' | 'boolean';

/** Declared flags of a command: name (without --) → kind. */
export type FlagSpec = Record<string, FlagKind>;

/** Parsed flags: booleans are true when present; values are converted to their kind. */
export type Flags = Record<string, string | number | boolean | undefined>;

/** Parses `argv` (after the command name) against the declared flags. */
export function parseFlags(command: string, argv: string[], spec: FlagSpec): Flags {
  const out: Flags = {};
  const valid = () => Object.keys(spec).map((k) => `--${k}`).join(', ');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new UsageError(`${command}: unexpected argument "${arg}"; valid flags: ${valid()}`);
    let name = arg.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const kind = spec[name];
    if (!kind) throw new UsageError(`${command}: unknown flag --${name}; valid flags: ${valid()}`);
    if (kind === 'boolean') {
      if (value !== undefined) throw new UsageError(`${command}: --${name} takes no value`);
      out[name] = true;
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`${command}: --${name} needs a value`);
    }
    if (kind === 'string') out[name] = value;
    else {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n) || (kind === 'int' && !Number.isInteger(n))) {
        throw new UsageError(`${command}: --${name} must be ${kind === 'int' ? 'an integer' : 'a number'}, got "${value}"`);
      }
      out[name] = n;
    }
  }
  return out;
}

/** A positive integer flag, or undefined. */
export function positiveInt(flags: Flags, name: string, command: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new UsageError(`${command}: --${name} must be a positive integer, got ${String(v)}`);
  return v;
}

/** A string flag restricted to a set of values, or undefined. */
export function oneOf<T extends string>(flags: Flags, name: string, values: readonly T[], command: string): T | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !values.includes(v as T)) {
    throw new UsageError(`${command}: --${name} must be one of ${values.join(', ')}; got "${String(v)}"`);
  }
  return v as T;
}
