// One profile's encrypted store: the database and the repositories over it. The API is async
// although the driver is synchronous, so the work can move to a worker thread later without
// touching callers.
import type { DbKey } from '@klinikfunk/crypto/keys.ts';
import type { ApplyResult } from './apply.ts';
import { ChannelsRepository } from './channels.ts';
import { CollaborationRepository } from './collaboration.ts';
import { openEncryptedDatabase, type Db } from './database.ts';
import { MessagesRepository } from './messages.ts';
import { migrate } from './migrations/index.ts';
import { applyRetention, deleteChannelContent, deleteMessageLocally, type RetentionResult } from './retention.ts';
import { search, type SearchHit, type SearchQuery } from './search.ts';
import { SqliteSyncStore } from './sync-store.ts';

export interface ProfileStoreOptions {
  create: boolean;
  synchronous?: 'NORMAL' | 'FULL';
  onApplied?: (channelId: string, result: ApplyResult) => void;
}

export class ProfileStore {
  readonly db: Db;
  readonly messages: MessagesRepository;
  readonly channels: ChannelsRepository;
  readonly collaboration: CollaborationRepository;
  readonly sync: SqliteSyncStore;

  private constructor(db: Db, options: ProfileStoreOptions) {
    this.db = db;
    this.messages = new MessagesRepository(db);
    this.channels = new ChannelsRepository(db);
    this.collaboration = new CollaborationRepository(db);
    this.sync = new SqliteSyncStore(db, options.onApplied);
  }

  /** Opens (or creates) and migrates. Throws StoreError with a typed code. */
  static open(path: string, key: DbKey, options: ProfileStoreOptions): ProfileStore {
    const db = openEncryptedDatabase(path, key, { create: options.create, ...(options.synchronous ? { synchronous: options.synchronous } : {}) });
    try {
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new ProfileStore(db, options);
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    return search(this.db, query);
  }

  async applyRetention(policyDays: number, now: number): Promise<RetentionResult> {
    return applyRetention(this.db, policyDays, now);
  }

  async deleteMessageLocally(channelId: string, messageId: string): Promise<boolean> {
    return deleteMessageLocally(this.db, channelId, messageId);
  }

  async deleteChannelContent(channelId: string): Promise<RetentionResult> {
    return deleteChannelContent(this.db, channelId);
  }

  async getSetting<T>(key: string): Promise<T | null> {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : null;
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    this.db.prepare('INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
  }

  close(): void {
    if (this.db.open) {
      // Fold the WAL back so no decrypted-page cache or WAL tail outlives the session needlessly.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}
