// The desktop app's quit: every line logged up to the end, the last one included, is in the log
// file when the process ends (apps/desktop/electron/core/app/quit-sequence.ts). A real child process ends
// right after the sequence, as Electron's does after its quit handlers.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { quitSequence } from '../../../apps/desktop/electron/core/app/quit-sequence.ts';
import { deferredSink } from '../../../apps/desktop/electron/core/log/deferred-sink.ts';
import { createLogger, createMemoryLogger, type LogRecord } from '../../../apps/desktop/electron/core/log/logger.ts';
import { LOG_FILE_NAME } from '../../../apps/desktop/electron/core/log/rotating-file.ts';

const CHILD = join(import.meta.dirname, 'quit-process.ts');
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function runChild(mode: 'awaited' | 'floating'): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'kf-quit-'));
  dirs.push(dir);
  execFileSync(process.execPath, [CHILD, dir, mode], { stdio: 'pipe', timeout: 60_000 });
  const text = await readFile(join(dir, LOG_FILE_NAME), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { message: string }).message);
}

describe('quit', () => {
  it(
    'the log file holds every line up to "Klinikfunk stopped" when the process ends',
    { timeout: 90_000 },
    async () => {
      const messages = await runChild('awaited');
      expect(messages.length).toBe(2_002);
      expect(messages.slice(-2)).toEqual(['core closed', 'Klinikfunk stopped']);
    },
  );

  it(
    'without waiting for the log file (the earlier quit) the last lines are lost (control)',
    { timeout: 90_000 },
    async () => {
      const messages = await runChild('floating');
      expect(messages).not.toContain('Klinikfunk stopped');
      expect(messages.length).toBeLessThan(2_002);
    },
  );

  it('runs once, logs a core that fails to close, and still closes the log file', async () => {
    const { logger, records } = createMemoryLogger();
    let closed = 0;
    const quit = quitSequence(() => ({
      core: { close: () => Promise.reject(new Error('store busy')) },
      logFile: { close: async () => void closed++ },
      log: logger,
    }));
    await Promise.all([quit(), quit()]);
    await quit();
    expect(closed).toBe(1);
    expect(records.map((r) => [r.level, r.message])).toEqual([
      ['error', 'core did not close cleanly'],
      ['info', 'Klinikfunk stopped'],
    ]);
  });

  it('a core that never finishes closing or a log file on a hanging disk does not keep the process alive', async () => {
    const { logger, records } = createMemoryLogger();
    const never = () => new Promise<void>(() => undefined);
    const quit = quitSequence(() => ({ core: { close: never }, logFile: { close: never }, log: logger }), {
      coreMs: 50,
      logMs: 50,
    });
    // Without a bound this never settles and the test runs into its timeout.
    await expect(quit()).resolves.toBeUndefined();
    expect(records.map((r) => [r.level, r.message])).toEqual([
      ['error', 'core did not close in time; quitting without it'],
      ['info', 'Klinikfunk stopped'],
    ]);
  });

  it('lines logged before the log file opens are written to it first, in order', () => {
    const held = deferredSink();
    const log = createLogger(held.sink, 'main');
    log.info('one');
    log.warn('two');
    const written: LogRecord[] = [];
    held.attach((r) => written.push(r));
    log.info('three');
    expect(written.map((r) => r.message)).toEqual(['one', 'two', 'three']);
  });
});
