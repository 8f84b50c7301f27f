/** Worker thread entry: analyses the bundles the pool sends, one at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeOne } from './analyze-one.js';
import type { BundleTask, WorkerSetup } from './task.js';

const port = parentPort;
if (!port) throw new Error('batch worker started outside a worker thread');
const setup = workerData as WorkerSetup;
port.on('message', (task: BundleTask) => {
  void analyzeOne(task, setup.done).then((result) => port.postMessage(result));
});
