// The one logger (packages/node-common/logger.ts) behind both processes: the desktop's record lines and the
// relay's flat lines come from the same code, so both keep only scalar fields and both log an
// error's stack. The relay's own logger wrote whatever it was given (an object's contents, an
// Error as "{}").
import { describe, expect, it } from 'vitest';
import { createMemoryLogger, type LogFields } from '../../../apps/desktop/electron/core/log/logger.ts';
import { createRelayLog } from '../../../apps/relay/log.ts';

function relayLines(level: 'debug' | 'info' = 'info') {
  const lines: string[] = [];
  return {
    log: createRelayLog((line) => lines.push(line), level),
    parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

function failing(): Error {
  return new Error('store gone');
}

describe('one logger', () => {
  it('writes the relay line shape: time, level, msg and the fields at the top level', () => {
    const { log, parsed } = relayLines();
    log.child('conn', { conn: 7 }).warn('frame rejected', { code: 'not_member', seq: 3, skipped: undefined });
    log.debug('not written below the level');
    expect(parsed()).toEqual([
      { time: expect.any(String), level: 'warn', msg: 'frame rejected', conn: 7, code: 'not_member', seq: 3 },
    ]);
  });

  it('logs an error as its message with its stack, on the relay and the desktop', () => {
    const { log, parsed } = relayLines();
    log.error('storage failing', { store: 'sqlite', error: failing() });
    const [line] = parsed();
    expect(line).toMatchObject({ msg: 'storage failing', store: 'sqlite', error: 'store gone' });
    expect(String(line!.stack)).toContain('failing');
    expect(String(line!.stack)).toContain('logger.test.ts');

    const { logger, records } = createMemoryLogger();
    logger.child('sync').warn('catch-up failed', { channelId: 'chn1', cause: failing() });
    expect(records[0]).toMatchObject({ scope: 'test.sync', fields: { channelId: 'chn1', cause: 'store gone' } });
    expect(String(records[0]!.fields!.causeStack)).toContain('logger.test.ts');
  });

  it('keeps only scalar fields on the relay too: an object passed past the type is dropped, not written', () => {
    const { log, parsed } = relayLines();
    const mistakes = { frame: { envelope: 'R0VIRUlN' }, ids: ['devnurse1'] } as unknown as LogFields;
    log.warn('frame rejected', { code: 'bad_frame', ...mistakes, long: 'x'.repeat(20_000) });
    const [line] = parsed();
    expect(line).toMatchObject({ code: 'bad_frame', frame: '[dropped: object]', ids: '[dropped: array]' });
    expect(JSON.stringify(line)).not.toContain('R0VIRUlN');
    expect(String(line!.long).length).toBeLessThanOrEqual(8_001);
  });
});
