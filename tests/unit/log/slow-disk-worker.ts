// Worker for rotating-file.test.ts: logs `count` lines into a log folder whose file is a FIFO nobody
// reads yet (a disk that does not answer), and says when the logging calls have returned and
// when the log is closed. Run in a worker so that a logger that blocks cannot block the test.
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { openRotatingLog } from '../../../apps/desktop/electron/core/log/rotating-file.ts';

const { dir, count, pad } = workerData as { dir: string; count: number; pad: number };
const file = openRotatingLog({ dir });
const log = createLogger(file.sink, 'slow-disk');
for (let n = 0; n < count; n++) log.info('line', { n, pad: 'x'.repeat(pad) });
parentPort!.postMessage('returned');
await file.close();
parentPort!.postMessage('closed');
