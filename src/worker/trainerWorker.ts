/**
 * The `worker_threads` entry that trains off the extension host's thread: a thin wire between the
 * parent port and the pure `Runner`. Commands that fail the protocol guard are reported, not run.
 * Events go out batched per task (see `WorkerMessage` in the protocol).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { useFastKernels } from '../engine/kernels/select';
import { isWorkerCommand, type WorkerEvent } from '../shared/protocol';
import { Runner } from './runner';

const port = parentPort;
if (!port) throw new Error('trainerWorker must run in a worker thread');

const threads = Number.isInteger(workerData?.threads) && workerData.threads > 1 ? (workerData.threads as number) : 1;
const kernels = useFastKernels(workerData?.kernels === 'typescript' ? 'typescript' : 'auto', threads);

// Events wait for the end of the task that produced them (a training slice, a command) and leave
// as one message: a slice's metrics and probes wake the extension host's thread once, not once each.
// An experiment runs as one long synchronous task: its progress (about ten a second) leaves at once.
let queue: WorkerEvent[] = [];
let transfers: ArrayBuffer[] = [];
function flush(): void {
  if (queue.length === 0) return;
  const events = queue;
  const transfer = transfers;
  queue = [];
  transfers = [];
  port!.postMessage(events.length === 1 ? events[0] : events, transfer);
}
const runner = new Runner(
  (event, transfer) => {
    if (queue.length === 0) queueMicrotask(flush);
    queue.push(event);
    if (transfer) transfers.push(...transfer);
    if (event.type === 'experiment/progress') flush();
  },
  undefined,
  kernels,
);

port.on('message', (msg: unknown) => {
  if (!isWorkerCommand(msg)) {
    port.postMessage({ type: 'run/error', message: `the worker received a malformed command: ${JSON.stringify(msg)?.slice(0, 200)}`, where: 'protocol', recoverable: true });
    return;
  }
  runner.handle(msg);
});
