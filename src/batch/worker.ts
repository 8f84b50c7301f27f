/** Worker thread entry: analyses the bundles the pool sends, one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { stopAll } from '../run-end.js';
import { analyzeOne } from './analyze-one.js';
import type { AbortTask, Aborted, BundleTask, WorkerSetup } from './task.js';

const port = parentPort;
if (!port) throw new Error('batch worker started outside a worker thread');
const setup = workerData as WorkerSetup;
port.on('message', (task: BundleTask | AbortTask) => {
  if ('abort' in task) {
    stopAll();
    port.postMessage({ aborted: true } satisfies Aborted);
    return;
  }
  void analyzeOne(task, setup.done).then((result) => port.postMessage(result));
});
