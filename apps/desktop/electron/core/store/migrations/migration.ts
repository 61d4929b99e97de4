import type { Db } from '../database.ts';

/** A query a screen or the sync engine runs often; its plan must not scan a whole table. */
export interface HotQuery {
  name: string;
  sql: string;
  params: unknown[];
}

export interface Migration {
  /** Numbered with gaps (10, 20, ...) so a fix can slot in between. Stored in PRAGMA user_version. */
  version: number;
  name: string;
  up(db: Db): void;
  /** Rows the migration test writes before the next migration runs, to prove data survives. */
  sample?(db: Db): void;
  /** Tables the migration removes on purpose: the migration test checks they are gone instead of their rows. */
  drops?: string[];
  /** Existing tables the migration adds rows to on purpose (a backfill): the test checks none were lost. */
  fills?: string[];
  hotQueries: HotQuery[];
}
