/**
 * The `scratchnet` command: the engine headless. `scratchnet COMMAND [flags]`; with `--json` the last
 * line of stdout is one JSON object. Bad input exits non-zero with one line on stderr.
 */
import { IdxError } from './engine/data/idx';
import { useFastKernels } from './engine/kernels/select';
import { SpecError } from './engine/spec';
import { DivergenceError } from './engine/trainer';
import { UsageError } from './cli/args';
import { benchCommand } from './cli/bench';
import { experimentCommand } from './cli/experiment';
import { gatesCommand } from './cli/gates';
import { gradcheckCommand } from './cli/gradcheck';
import { trainCommand } from './cli/train';

const COMMANDS: Record<string, { run: (argv: string[]) => void | Promise<void>; help: string }> = {
  gates: { run: gatesCommand, help: 'perceptron gates AND/NAND/OR/XOR and the single-perceptron XOR experiment: [--seed S] [--json]' },
  train: { run: trainCommand, help: 'train a preset or network file: --preset NAME | --spec FILE [--epochs N | --iterations N] [--batch N] [--lr X] [--seed S] [--threads N] [--optimizer NAME] [--init he|xavier|STD] [--weight-decay X] [--hidden N,N,…] [--train-limit N] [--test-limit N] [--data-dir DIR] [--save FILE] [--json]' },
  bench: { run: benchCommand, help: 'training throughput over timed windows: --net two-layer|simple-convnet [--windows N] [--window-seconds S] [--threads N] [--seed S] [--data-dir DIR] [--json]; or GEMM GFLOP/s per shape: --gemm [--threads N] [--rounds R] [--json]' },
  experiment: {
    run: experimentCommand,
    help: "run one of the book's chapter-6 experiments: NAME [--iterations N] [--epochs N] [--trials N] [--seed S] [--test-limit N] [--inverted] [--data-dir DIR] [--json]",
  },
  gradcheck: { run: gradcheckCommand, help: 'compare backprop with numerical gradients: --preset NAME | --spec FILE [--dtype float64|float32] [--batch N] [--seed S] [--init he|xavier|STD] [--optimizer NAME] [--lr X] [--weight-decay X] [--hidden N,N,…] [--json]' },
};

function usage(): string {
  return ['usage: scratchnet COMMAND [flags]', '', ...Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(11)} ${v.help}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(usage());
    return command ? 0 : 2;
  }
  const c = COMMANDS[command];
  if (!c) throw new UsageError(`unknown command "${command}"; valid commands: ${Object.keys(COMMANDS).join(', ')}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`usage: scratchnet ${command} — ${c.help}`);
    return 0;
  }
  const kernels = useFastKernels(process.env.SCRATCHNET_KERNELS === 'typescript' ? 'typescript' : 'auto');
  if (kernels.warning) process.stderr.write(`scratchnet: warning: ${kernels.warning}\n`);
  await c.run(rest);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const known = e instanceof UsageError || e instanceof IdxError || e instanceof SpecError || e instanceof DivergenceError;
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`scratchnet: ${known ? msg : `internal error: ${e instanceof Error && e.stack ? e.stack : msg}`}\n`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
