import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import {
  RETENTION_INTERVAL_MS,
  scheduleRetention,
} from '../../../apps/desktop/electron/core/store/retention-schedule.ts';
import { randomKey, tempDir } from './helpers.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

describe('retention schedule', () => {
  it('runs when the profile opens and again every day', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 23));
    const store = ProfileStore.open(join(tempDir(), 's.db'), randomKey(), { create: true });
    const day = 86_400_000;
    testDatabase(store)
      .prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES ('chn-ret-00001', 'channel', 'x', 0)`)
      .run();
    const insert = testDatabase(store).prepare(
      `INSERT INTO messages (channel_id, message_id, seq, sort_key, sender_user_id, created_at, body) VALUES ('chn-ret-00001', ?, ?, ?, 'u', ?, 'alt')`,
    );
    insert.run('m1xxxxxxxx', 1, 1, clock.now() - 40 * day);
    insert.run('m2xxxxxxxx', 2, 2, clock.now() - 20 * day);
    const deleted: number[] = [];
    const schedule = scheduleRetention(store, {
      clock,
      log: createMemoryLogger().logger,
      policyDays: () => 30,
      onDeleted: (r) => deleted.push(r.messages),
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(deleted).toEqual([1]);
    for (let d = 0; d < 11; d++) {
      clock.advance(RETENTION_INTERVAL_MS);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(deleted).toEqual([1, 1]); // the second message passed 30 days during those days
    schedule.stop();
    expect(clock.pendingTimers).toBe(0);
    store.close();
  });
});
