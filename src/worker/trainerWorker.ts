/**
 * The `worker_threads` entry that trains off the extension host's thread: a thin wire between the
 * parent port and the pure `Runner`. Commands that fail the protocol guard are reported, not run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useFastKernels } from '../engine/kernels/select';
import { isWorkerCommand } from '../shared/protocol';
import { Runner } from './runner';

const port = parentPort;
if (!port) throw new Error('trainerWorker must run in a worker thread');

const threads = Number.isInteger(workerData?.threads) && workerData.threads > 1 ? (workerData.threads as number) : 1;
const kernels = useFastKernels(workerData?.kernels === 'typescript' ? 'typescript' : 'auto', threads);
const runner = new Runner((event, transfer) => port.postMessage(event, transfer ?? []), undefined, kernels);

port.on('message', (msg: unknown) => {
  if (!isWorkerCommand(msg)) {
    port.postMessage({ type: 'run/error', message: `the worker received a malformed command: ${JSON.stringify(msg)?.slice(0, 200)}`, where: 'protocol', recoverable: true });
    return;
  }
  runner.handle(msg);
});
