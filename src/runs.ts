/**
 * Saving a run to a file and showing a saved run again: the bridge between a session's store and
 * the run-file format. A saved run is replayed into a worker-less session, so the panel and the
 * Layers view show it exactly as they showed the live run.
 */
import { buildNetwork } from './engine/network';
import type { TrainingSession } from './session/trainingSession';
import { decodeRun, encodeRun, epochEventsOf, startedOf, type SavedRun } from './shared/runFile';
import { loadTestSet } from './engine/data/dataset';
import { dataDir, layerInfo, paramStats } from './worker/runner';
import { convFilters, featureMapsEvent, weightHistograms } from './worker/probes';

/** The saved form of a session's run, with its current (or last checkpointed) weights. */
export async function runToSave(session: TrainingSession): Promise<SavedRun> {
  const s = session.store;
  const started = s.started;
  if (!started) throw new Error('this run has not started yet: there is nothing to save');
  const w = await session.weights();
  if (!w) throw new Error('no weights were received from this run, so it cannot be saved');
  return {
    name: started.name,
    savedAt: new Date().toISOString(),
    spec: started.spec,
    seed: started.seed,
    iteration: w.iteration,
    totalIterations: started.totalIterations,
    batchSize: started.batchSize,
    optimizer: started.optimizer,
    lr: started.lr,
    dataset: started.dataset,
    lossIterations: s.lossIterations.slice(),
    losses: s.losses.slice(),
    epochs: s.epochs.map(({ epoch, iteration, trainAccuracy, testAccuracy }) => ({ epoch, iteration, trainAccuracy, testAccuracy })),
    weights: w.weights.map((x) => ({ name: x.name, shape: x.shape, data: x.data })),
    seconds: s.done?.seconds ?? s.elapsedMs / 1000,
    samplesPerSecond: s.samplesPerSecond,
  };
}

/** JSON text of a session's run. */
export async function serializeSession(session: TrainingSession): Promise<string> {
  return encodeRun(await runToSave(session));
}

/** Where a saved run finds test images for its feature maps, and how it reports a problem. */
export interface SavedRunData {
  extensionPath: string;
  /** The data directory setting, if any. */
  dataDir?: string;
  warn: (message: string) => void;
}

/**
 * Fills a worker-less session with a saved run: layers, metrics, epochs, weight statistics, filters.
 * With `data`, the session also answers feature-map requests itself, on the test set (loaded on the
 * first request).
 */
export function replaySaved(session: TrainingSession, text: string, file: string, data?: SavedRunData): SavedRun {
  const run = decodeRun(text, file);
  const net = buildNetwork(run.spec, { seed: run.seed });
  net.setWeights(Object.fromEntries(run.weights.map((w) => [w.name, w])));
  session.kind = 'saved';
  if (data) {
    let images: ReturnType<typeof loadTestSet> | undefined;
    session.localFeatureMaps = (index) => {
      try {
        images ??= loadTestSet({ dir: dataDir(data.extensionPath, data.dataDir) });
        if (images.sampleShape.join() !== net.inShape.join()) {
          throw new Error(`the test images are ${images.sampleShape.join('×')} but the network takes ${net.inShape.join('×')}`);
        }
        session.replay(featureMapsEvent(net, images, index));
      } catch (e) {
        data.warn(`cannot show feature maps of the saved run: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
  }
  session.replay(startedOf(run, layerInfo(net)));
  session.store.setLossHistory(run.lossIterations, run.losses, run.iteration, run.epochs.length);
  session.store.samplesPerSecond = run.samplesPerSecond ?? 0;
  session.store.elapsedMs = (run.seconds ?? 0) * 1000;
  for (const e of epochEventsOf(run)) session.replay(e);
  session.replay({ type: 'probe/params', iteration: run.iteration, stats: paramStats(net) });
  const wh = weightHistograms(net);
  session.replay({ type: 'probe/histograms', iteration: run.iteration, kind: 'weights', ...wh });
  const filters = convFilters(net);
  if (filters) session.replay({ type: 'probe/filters', iteration: run.iteration, ...filters });
  const last = run.epochs[run.epochs.length - 1];
  session.replay({
    type: 'run/done',
    iteration: run.iteration,
    trainAccuracy: last?.trainAccuracy ?? NaN,
    testAccuracy: last?.testAccuracy ?? NaN,
    seconds: run.seconds ?? 0,
  });
  session.replay({ type: 'train/state', state: 'done', iteration: run.iteration });
  return run;
}
