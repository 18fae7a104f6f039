// Measures training throughput in the real editor against the CLI, for the same preset and seed:
// starts code-server with the extension, trains two-layer from the command palette with the panel
// open, reads the samples/s the panel shows (training time: whole slices with probes and messages,
// per-epoch evaluation left out, as the CLI leaves it out), then runs `scratchnet train` headless.
// Runs alternate (CLI, editor, CLI, editor …) so both see the same machine. While the editor
// trains, it also records the CPU time of every process (and of the extension host's threads:
// the training worker is one of them), to show where the other core went.
//
//   node scripts/measure-throughput.mjs [--epochs 10] [--runs 2] [--probe-every 50[,1,…]] [--probe-min-ms N] [--quiet] [--browser-boost root|user] [--pin-cpu N]
//
// --quiet waits before each run until no other process keeps the machine busy. Each run reports the
// cores the whole machine had busy meanwhile (the CLI ≈ 1, the editor ≈ 1.2 when nothing else runs).
//
// Prints one JSON line at the end (and the CPU breakdown of each editor run before it).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO as repo, withTrainingPanel } from './lib/trainInEditor.mjs';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '10' },
    runs: { type: 'string', default: '2' },
    'probe-every': { type: 'string', default: '50' },
    'probe-min-ms': { type: 'string' },
    quiet: { type: 'boolean', default: false },
    'browser-boost': { type: 'string', default: 'root' },
    'pin-cpu': { type: 'string' },
  },
});
const epochs = Number(args.epochs);
const runs = Number(args.runs);
const probeRates = args['probe-every'].split(',').map(Number);
const probeMinMs = args['probe-min-ms'] === undefined ? undefined : Number(args['probe-min-ms']);
// --browser-boost root (default): Chromium as root runs it, its browser, GPU and renderer main
// threads raised to nice −8; user: as a user who is not root runs it (no raised priority).
const boost = args['browser-boost'];
if (boost !== 'root' && boost !== 'user') throw new Error('--browser-boost is root or user');
// --pin-cpu N: the CLI and the editor's training worker thread both run on CPU N (the editor's other
// threads where the system puts them): this VM's two vCPUs run at different speeds from minute to
// minute, so unpinned runs also measure which vCPU a run landed on.
const pinCpu = args['pin-cpu'] === undefined ? undefined : Number(args['pin-cpu']);

/** Pins the busiest thread of the extension host over half a second (the training worker) to pinCpu. */
async function pinWorker() {
  if (pinCpu === undefined) return;
  const threadCpu = () => {
    const m = new Map();
    for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      if (labelOf(pid) !== 'extension host') continue;
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) m.set(tid, cpuOf(`/proc/${pid}/task/${tid}/stat`) ?? 0);
    }
    return m;
  };
  const a = threadCpu();
  await new Promise((r) => setTimeout(r, 500));
  let best;
  let most = -1;
  for (const [tid, c] of threadCpu()) if (c - (a.get(tid) ?? 0) > most) [best, most] = [tid, c - (a.get(tid) ?? 0)];
  if (best) execFileSync('taskset', ['-p', '-c', String(pinCpu), best], { stdio: 'ignore' });
}
const TICK = 100; // clock ticks per second of /proc/*/stat (USER_HZ, 100 on Linux)

/** CPU seconds (user + system) of one /proc stat file, or undefined when it vanished. */
function cpuOf(file) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return undefined;
  }
}

/** What a process is, from its command line. */
function labelOf(pid) {
  let cmd = '';
  try {
    cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
  if (/chrom/.test(cmd)) {
    const type = /--type=([\w-]+)/.exec(cmd)?.[1];
    return `chromium ${type ?? 'browser'}`;
  }
  if (/--type=extensionHost/.test(cmd)) return 'extension host';
  if (/--type=ptyHost/.test(cmd)) return 'code-server pty host';
  if (/--type=fileWatcher/.test(cmd)) return 'code-server file watcher';
  if (/code-server/.test(cmd)) return 'code-server';
  return undefined;
}

/** CPU seconds per process label, and per thread of the extension host. */
function snapshot() {
  const byLabel = {};
  const threads = {};
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const label = labelOf(pid);
    if (!label) continue;
    byLabel[label] = (byLabel[label] ?? 0) + (cpuOf(`/proc/${pid}/stat`) ?? 0);
    if (label === 'extension host') {
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
        let name = tid;
        try {
          name = `${fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()} ${tid}`;
        } catch {}
        threads[name] = cpuOf(`/proc/${pid}/task/${tid}/stat`) ?? 0;
      }
    }
  }
  return { byLabel, threads, at: performance.now() };
}

/** Share of one core used by each label (and busy extension-host threads) between two snapshots. */
function cpuShares(a, b) {
  const seconds = (b.at - a.at) / 1000;
  const share = (x, y) => Math.round((100 * ((y ?? 0) - (x ?? 0))) / seconds);
  const processes = Object.fromEntries(
    Object.keys(b.byLabel)
      .map((k) => [k, share(a.byLabel[k], b.byLabel[k])])
      .filter(([, v]) => v > 0)
      .sort((x, y) => y[1] - x[1]),
  );
  const threads = Object.fromEntries(
    Object.keys(b.threads)
      .map((k) => [k, share(a.threads[k], b.threads[k])])
      .filter(([, v]) => v >= 3)
      .sort((x, y) => y[1] - x[1]),
  );
  return { seconds: Math.round(seconds * 10) / 10, percentOfOneCore: processes, extensionHostThreads: threads };
}

async function inEditor(probeEvery) {
  const settings = { 'scratchnet.epochs': epochs, 'scratchnet.seed': 1, 'scratchnet.probeEvery': probeEvery };
  if (probeMinMs !== undefined) settings['scratchnet.probeMinMs'] = probeMinMs;
  const withoutPriorityBoost = boost === 'user';
  return withTrainingPanel({ settings, name: `throughput-${probeEvery}`, withoutPriorityBoost }, async ({ frame }) => {
    await pinWorker();
    const before = snapshot();
    const machineBefore = machineBusy();
    const deadline = Date.now() + 600_000;
    while (!/done/i.test((await frame.locator('#state-badge').textContent()) ?? '')) {
      if (Date.now() > deadline) throw new Error('the run did not finish in 10 minutes');
      // Polling the webview through DevTools costs its renderer too: once a second is enough (the
      // samples/s is the worker's own figure, not timed from here).
      await new Promise((r) => setTimeout(r, 1000));
    }
    const cpu = { ...cpuShares(before, snapshot()), machineBusyCores: busyCores(machineBefore, machineBusy()) };
    const speed = (await frame.locator('#speed').textContent()) ?? '';
    return { samplesPerSecond: Number(speed.replace(/[^\d.]/g, '')), cpu };
  });
}

/** Busy CPU seconds of the whole machine so far (all cores, from /proc/stat), and when. */
function machineBusy() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy = all but idle and iowait
  const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0);
  return { busy: busy / TICK, at: performance.now() };
}

/** Cores busy on average between two machineBusy() readings. */
function busyCores(a, b) {
  return Math.round((100 * (b.busy - a.busy)) / ((b.at - a.at) / 1000)) / 100;
}

/** The CLI's samples/s, and how many cores the machine had busy meanwhile (≈ 1 when quiet). */
function headless() {
  const before = machineBusy();
  const out = execFileSync(
    pinCpu === undefined ? process.execPath : 'taskset',
    [
      ...(pinCpu === undefined ? [] : ['-c', String(pinCpu), process.execPath]),
      path.join(repo, 'bin', 'scratchnet.js'),
      'train',
      '--preset',
      'two-layer',
      '--epochs',
      String(epochs),
      '--seed',
      '1',
      '--json',
    ],
    { encoding: 'utf8' },
  );
  const machine = busyCores(before, machineBusy());
  return { samplesPerSecond: JSON.parse(out.trim().split('\n').pop()).samplesPerSecond, machine };
}

// Each round: the CLI, then the editor once per probe rate; a final CLI run closes the last round.
// An editor run is compared with the mean of the CLI runs on either side of its round.
const cli = [];
const cliMachine = [];
const panel = Object.fromEntries(probeRates.map((p) => [p, []]));
const panelMachine = Object.fromEntries(probeRates.map((p) => [p, []]));
/** With --quiet: waits (up to 10 minutes) until the machine is idle (< 0.3 cores busy over 2 s). */
async function waitQuiet() {
  if (!args.quiet) return;
  const deadline = Date.now() + 600_000;
  for (;;) {
    const a = machineBusy();
    await new Promise((r) => setTimeout(r, 2000));
    const busy = busyCores(a, machineBusy());
    if (busy < 0.3) return;
    if (Date.now() > deadline) {
      console.error(`machine still busy (${busy} cores) after 10 minutes; measuring anyway`);
      return;
    }
  }
}
const runCli = async () => {
  await waitQuiet();
  const h = headless();
  cli.push(h.samplesPerSecond);
  cliMachine.push(h.machine);
  console.error(`CLI: ${h.samplesPerSecond} samples/s; machine busy ${h.machine} cores`);
};
for (let r = 0; r < runs; r++) {
  await runCli();
  for (const p of probeRates) {
    await waitQuiet();
    const e = await inEditor(p);
    panel[p].push(e.samplesPerSecond);
    panelMachine[p].push(e.cpu.machineBusyCores);
    console.error(
      `round ${r + 1}, probeEvery ${p}: ${e.samplesPerSecond} samples/s (CLI before it ${cli[cli.length - 1]}); CPU: ${JSON.stringify(e.cpu)}`,
    );
  }
}
await runCli();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round3 = (x) => Math.round(x * 1000) / 1000;
const byRate = Object.fromEntries(
  probeRates.map((p) => {
    const ratios = panel[p].map((x, i) => x / ((cli[i] + cli[i + 1]) / 2));
    return [
      p,
      {
        panel: panel[p],
        machineBusyCores: panelMachine[p],
        ratios: ratios.map(round3),
        medianRatio: round3(median(ratios)),
        medianPanel: median(panel[p]),
      },
    ];
  }),
);
console.log(
  JSON.stringify({
    epochs,
    probeMinMs: probeMinMs ?? 'default',
    browser: boost === 'user' ? 'as a user (no raised priority)' : 'as root (nice −8 threads)',
    pinCpu: pinCpu ?? 'none',
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    cli,
    cliMachineBusyCores: cliMachine,
    medianCli: median(cli),
    probeEvery: byRate,
  }),
);
