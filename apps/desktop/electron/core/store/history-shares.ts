// Which member devices this device already gave a channel's chain keys from the start
// (client/discovery-agent.ts), so history is re-shared once per device.
import type { Db } from './database.ts';
import { sql } from './statements.ts';

export class HistorySharesRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async given(channelId: string): Promise<Set<string>> {
    return new Set(
      sql(this.#db, 'SELECT device_id FROM history_shares WHERE channel_id = ?').pluck().all(channelId) as string[],
    );
  }

  async record(channelId: string, deviceIds: readonly string[], now: number): Promise<void> {
    const record = sql(this.#db, 'INSERT OR IGNORE INTO history_shares VALUES (?, ?, ?)');
    this.#db.transaction(() => deviceIds.forEach((id) => record.run(channelId, id, now)))();
  }
}
