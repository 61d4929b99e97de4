import { index, type RelayMigration } from '../schema/ddl.ts';

export const migration0020: RelayMigration = {
  version: 20,
  name: 'events-by-time',
  steps: [
    // retention: events stored before a cutoff, across channels
    index('events_by_time', 'events', ['stored_at']),
  ],
};
