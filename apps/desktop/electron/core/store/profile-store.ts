// One profile's encrypted store: the database and the repositories over it. The API is async
// although the driver is synchronous, so the work can move to a worker thread later without
// touching callers. The database itself never leaves the store folder: everything else reads and
// writes through a repository (eslint bans `.prepare(` elsewhere).
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import type { DbKey } from '@klinikfunk/crypto/keys.ts';
import type { ApplyResult } from './apply.ts';
import { authoriseEvent } from './authorise-facts.ts';
import type { AuthorityRefusal } from './authorise.ts';
import { ChannelMembersRepository } from './channel-members.ts';
import { ChannelsRepository } from './channels.ts';
import { openEncryptedDatabase, type Db } from './database.ts';
import { DirectoryRepository } from './directory.ts';
import { HistorySharesRepository } from './history-shares.ts';
import { MessageDetailsRepository } from './message-details.ts';
import { MessagesRepository } from './messages.ts';
import { OutboxRepository } from './outbox.ts';
import { SqliteSenderKeyStore } from './sender-key-store.ts';
import { sql } from './statements.ts';
import { migrate } from './migrations/index.ts';
import { applyRetention, deleteChannelContent, deleteMessageLocally, type RetentionResult } from './retention.ts';
import { search, type SearchHit, type SearchQuery } from './search.ts';
import { SqliteSyncStore } from './sync-store.ts';

export interface ProfileStoreOptions {
  create: boolean;
  synchronous?: 'NORMAL' | 'FULL';
  onApplied?: (channelId: string, result: ApplyResult) => void;
}

/** The store's database, for the store folder and test fixtures only (test-database.ts). */
let databaseOf: (store: ProfileStore) => Db;

export class ProfileStore {
  readonly #db: Db;
  readonly messages: MessagesRepository;
  readonly messageDetails: MessageDetailsRepository;
  readonly channels: ChannelsRepository;
  readonly members: ChannelMembersRepository;
  readonly directory: DirectoryRepository;
  readonly outbox: OutboxRepository;
  readonly historyShares: HistorySharesRepository;
  readonly sync: SqliteSyncStore;

  readonly #repositories = new Map<(db: Db) => unknown, unknown>();

  static {
    databaseOf = (store) => store.#db;
  }

  /**
   * A feature folder's repository over this store's database (features/<name>/repository.ts, the
   * only files outside the store that hold SQL), built once per store from the feature's factory.
   */
  repository<R>(make: (db: Db) => R): R {
    if (!this.#repositories.has(make)) this.#repositories.set(make, make(this.#db));
    return this.#repositories.get(make) as R;
  }

  private constructor(db: Db, options: ProfileStoreOptions) {
    this.#db = db;
    this.messages = new MessagesRepository(db);
    this.messageDetails = new MessageDetailsRepository(db);
    this.channels = new ChannelsRepository(db);
    this.members = new ChannelMembersRepository(db);
    this.directory = new DirectoryRepository(db);
    this.outbox = new OutboxRepository(db);
    this.historyShares = new HistorySharesRepository(db);
    this.sync = new SqliteSyncStore(db, options.onApplied);
  }

  /** Opens (or creates) and migrates. Throws StoreError with a typed code. */
  static open(path: string, key: DbKey, options: ProfileStoreOptions): ProfileStore {
    const db = openEncryptedDatabase(path, key, {
      create: options.create,
      ...(options.synchronous ? { synchronous: options.synchronous } : {}),
    });
    try {
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return new ProfileStore(db, options);
  }

  /**
   * The rule table's verdict (authorise.ts) on an event this user would send, over this store's
   * facts: null when every client would take it.
   */
  async authorise(event: ChannelEvent): Promise<AuthorityRefusal | null> {
    return authoriseEvent(this.#db, event);
  }

  /**
   * The sender-key chains kept in this store, loaded now. Synchronous (the crypto port is): the
   * one part that stays on the caller's thread if the store moves to a worker.
   */
  openSenderKeys(): SqliteSenderKeyStore {
    return new SqliteSenderKeyStore(this.#db);
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    return search(this.#db, query);
  }

  async applyRetention(policyDays: number, now: number): Promise<RetentionResult> {
    return applyRetention(this.#db, policyDays, now);
  }

  async deleteMessageLocally(channelId: string, messageId: string): Promise<boolean> {
    return deleteMessageLocally(this.#db, channelId, messageId);
  }

  async deleteChannelContent(channelId: string): Promise<RetentionResult> {
    return deleteChannelContent(this.#db, channelId);
  }

  async getSetting<T>(key: string): Promise<T | null> {
    const row = sql(this.#db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : null;
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    sql(this.#db, 'INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      key,
      JSON.stringify(value),
    );
  }

  close(): void {
    if (this.#db.open) {
      // Fold the WAL back so no decrypted-page cache or WAL tail outlives the session needlessly.
      this.#db.pragma('wal_checkpoint(TRUNCATE)');
      this.#db.close();
    }
  }
}

/** For the store folder only (eslint keeps it there): the database of a store. */
export function storeDatabase(store: ProfileStore): Db {
  return databaseOf(store);
}
