import type { Migration } from './migration.ts';

/**
 * Composer drafts live in the renderer's memory and go with the unlocked session
 * (renderer/src/lib/drafts.ts); the `drafts` table 0060 made for them was never written. Dropped,
 * so no reader takes it for drafts that survive a restart.
 */
export const migration0190: Migration = {
  version: 190,
  name: 'drop-drafts',
  up(db) {
    db.exec(`DROP TABLE drafts;`);
  },
  drops: ['drafts'],
  hotQueries: [],
};
