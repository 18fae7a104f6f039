// Measures the extension host's memory over a long run in the real editor: starts code-server with
// the extension, trains two-layer from the command palette with the panel open and every probe on
// at the default rate, and samples the extension host's RSS (from /proc) every 30 s for MINUTES
// minutes. Prints one JSON line with the samples.
//
//   node scripts/measure-memory.mjs [minutes=10]
import { execFileSync } from 'node:child_process';
import { withTrainingPanel } from './lib/trainInEditor.mjs';

const minutes = Number(process.argv[2] ?? 10);

/** RSS in MB of the extension host processes below the server's process id. */
function extensionHostRss(serverPid) {
  const out = execFileSync('ps', ['-eo', 'pid,ppid,rss,args'], { encoding: 'utf8' });
  const rows = out
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [pid, ppid, rss, ...args] = l.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), rss: Number(rss), args: args.join(' ') };
    });
  const below = new Set([serverPid]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of rows)
      if (below.has(r.ppid) && !below.has(r.pid)) {
        below.add(r.pid);
        changed = true;
      }
  }
  const hosts = rows.filter((r) => below.has(r.pid) && /extensionHost/.test(r.args));
  return hosts.reduce((s, r) => s + r.rss, 0) / 1024;
}

const samples = [];
await withTrainingPanel(
  { settings: { 'scratchnet.epochs': 100000, 'scratchnet.seed': 1 }, name: 'memory' },
  async ({ frame, server }) => {
    const t0 = Date.now();
    while (Date.now() - t0 < minutes * 60_000) {
      const progress = (await frame.locator('#progress').textContent()) ?? '';
      samples.push({
        seconds: Math.round((Date.now() - t0) / 1000),
        rssMB: Math.round(extensionHostRss(server.pid)),
        progress: progress.trim(),
      });
      console.error(JSON.stringify(samples[samples.length - 1]));
      await new Promise((r) => setTimeout(r, 30_000));
    }
  },
);
console.log(JSON.stringify({ minutes, start: samples[0], end: samples[samples.length - 1], samples }));
