// The relay's migrations, one file each, oldest first. Forward-only, numbered with gaps; each is a
// list of typed steps (../schema/ddl.ts) rendered for SQLite and PostgreSQL, so the two dialects
// cannot drift. A database written by a newer relay is refused by the store that opens it.
//
// To add one: a new file NNNN-what.ts exporting a RelayMigration, listed below, and a look at
// tests/integration/relay/schema-frozen.test.ts (older databases must migrate to what a fresh one has).
import { migrationSql, type Dialect, type RelayMigration } from '../schema/ddl.ts';
import { migration0010 } from './0010-initial.ts';
import { migration0020 } from './0020-events-by-time.ts';
import { migration0030 } from './0030-relay-meta.ts';
import { migration0040 } from './0040-relay-time.ts';
import { migration0050 } from './0050-device-seen.ts';
import { migration0060 } from './0060-blob-generation.ts';
import { migration0070 } from './0070-quotas.ts';
import { migration0080 } from './0080-declared-history.ts';
import { migration0090 } from './0090-mail-senders.ts';
import { migration0100 } from './0100-gone-ranges.ts';
import { migration0110 } from './0110-device-versions.ts';
import { migration0120 } from './0120-escalations-esc.ts';

export const RELAY_MIGRATIONS: readonly RelayMigration[] = [
  migration0010,
  migration0020,
  migration0030,
  migration0040,
  migration0050,
  migration0060,
  migration0070,
  migration0080,
  migration0090,
  migration0100,
  migration0110,
  migration0120,
];

export const RELAY_SCHEMA_VERSION = RELAY_MIGRATIONS[RELAY_MIGRATIONS.length - 1]!.version;

/** Each migration's version and its script in `dialect`, oldest first. */
export const migrationsFor = (dialect: Dialect): ReadonlyArray<{ version: number; sql: string }> =>
  RELAY_MIGRATIONS.map((m) => ({ version: m.version, sql: migrationSql(m, dialect) }));
