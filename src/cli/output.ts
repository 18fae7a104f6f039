/** Output helpers shared by the CLI commands: JSON on the last line, progress on a terminal. */

/** Prints one JSON object as the last line of stdout. */
export function emitJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** A progress line that rewrites itself on a terminal and stays silent elsewhere. */
export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private last = 0;
  private shown = false;

  /** Shows `text`, at most ten times a second. */
  update(text: string, force = false): void {
    if (!this.tty) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    process.stderr.write(`\r\x1b[2K${text}`);
  }

  /** Ends the progress line so the next output starts on a fresh line. */
  done(): void {
    if (this.tty && this.shown) process.stderr.write('\r\x1b[2K');
    this.shown = false;
  }
}

/** Formats a number with at most `digits` significant digits. */
export function fmt(v: number, digits = 4): string {
  return Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : String(v);
}
