// Child process for quit-sequence.test.ts: an app that logs, closes a core that logs while closing,
// and then ends the process at once, as Electron does when its quit handlers return.
//   node quit-process.ts <log dir> awaited   the desktop app's quit sequence, awaited
//   node quit-process.ts <log dir> floating  the earlier behaviour: core.close() started, not awaited
import { createLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { openRotatingLog } from '../../../apps/desktop/electron/core/log/rotating-file.ts';
import { quitSequence } from '../../../apps/desktop/electron/core/app/quit-sequence.ts';

const [dir, mode] = process.argv.slice(2) as [string, 'awaited' | 'floating'];
const logFile = openRotatingLog({ dir });
const log = createLogger(logFile.sink, 'main');
for (let n = 0; n < 2_000; n++) log.info('working', { n });
const core = {
  close: async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    log.info('core closed', { profiles: 2 });
  },
};
if (mode === 'awaited') {
  await quitSequence(() => ({ core, logFile, log }))();
} else {
  core.close().catch(() => undefined);
  log.info('Klinikfunk stopped');
}
process.exit(0);
