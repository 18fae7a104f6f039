// Quick A/B: the editor's Runner headless (no editor), probes on vs off, two-layer, alternating.
import { Runner } from '../src/worker/runner';
import { useFastKernels } from '../src/engine/kernels/select';
import { findPreset } from '../src/engine/presets';
const k = useFastKernels('auto');
const epochs = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 4);
function once(probeEvery: number): Promise<number> {
  return new Promise((resolve) => {
    let sps = 0;
    let posts = 0;
    const r = new Runner((e) => {
      posts++;
      if (e.type === 'train/metrics') sps = (e as { samplesPerSecond: number }).samplesPerSecond;
      if (e.type === 'run/done') { console.log(`probeEvery ${probeEvery}: ${sps} samples/s, ${posts} posts`); resolve(sps); }
      if (e.type === 'run/error') console.log(e);
    }, undefined, k);
    r.handle({ type: 'run/start', spec: findPreset('two-layer')!.spec, options: { seed: 1, epochs, probeEvery }, extensionPath: process.cwd() } as never);
  });
}
for (let i = 0; i < rounds; i++) { await once(50); await once(1e9); await once(1); }
