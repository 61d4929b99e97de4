// Forward-only migrations, in order. A database stamped with a newer version than the last one
// here was written by a newer Klinikfunk and is refused, never "downgraded".
import type { Db } from '../database.ts';
import { StoreError } from '../errors.ts';
import { migration0010 } from './0010-sync-state.ts';
import { migration0020 } from './0020-directory.ts';
import { migration0030 } from './0030-channels.ts';
import { migration0040 } from './0040-messages.ts';
import { migration0050 } from './0050-collaboration.ts';
import { migration0060 } from './0060-read-state.ts';
import { migration0070 } from './0070-file-blobs.ts';
import { migration0095 } from './0095-discoverable.ts';
import { migration0100 } from './0100-read-receipts.ts';
import { migration0105 } from './0105-calendar-overrides.ts';
import { migration0110 } from './0110-relay-time.ts';
import { migration0120 } from './0120-file-parts.ts';
import { migration0130 } from './0130-substring-search.ts';
import { migration0140 } from './0140-authorisation.ts';
import { migration0150 } from './0150-sync-history.ts';
import { migration0160 } from './0160-written-at-relay.ts';
import { migration0170 } from './0170-calendar-replay.ts';
import { migration0180 } from './0180-refused-messages.ts';
import { migration0190 } from './0190-drop-drafts.ts';
import { migration0200 } from './0200-pins.ts';
import { migration0210 } from './0210-timeline.ts';
import { migration0220 } from './0220-roles.ts';
import { migration0230 } from './0230-reactions.ts';
import { migration0260 } from './0260-shared-search.ts';
import { migration0270 } from './0270-file-groups.ts';
import { migration0300 } from './0300-role-conversations.ts';
import { migration0350 } from './0350-escalations.ts';
import { migration0370 } from './0370-alerts.ts';
import { migration0360 } from './0360-availability.ts';
import type { Migration } from './migration.ts';

export const MIGRATIONS: readonly Migration[] = [
  migration0010,
  migration0020,
  migration0030,
  migration0040,
  migration0050,
  migration0060,
  migration0070,
  migration0095,
  migration0100,
  migration0105,
  migration0110,
  migration0120,
  migration0130,
  migration0140,
  migration0150,
  migration0160,
  migration0170,
  migration0180,
  migration0190,
  migration0200,
  migration0210,
  migration0220,
  migration0230,
  migration0260,
  migration0270,
  migration0300,
  migration0350,
  migration0360,
  migration0370,
];
export const LATEST_VERSION = MIGRATIONS.at(-1)!.version;

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Runs every migration above the database's version, each in its own transaction. */
export function migrate(db: Db, upTo: number = LATEST_VERSION): number {
  const current = schemaVersion(db);
  if (current > LATEST_VERSION) {
    throw new StoreError(
      'newer_version',
      `store has schema ${current}; this Klinikfunk knows up to ${LATEST_VERSION}. Please update Klinikfunk.`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current || migration.version > upTo) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return schemaVersion(db);
}
