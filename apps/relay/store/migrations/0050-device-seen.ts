import { bigint, bool, table, text, type RelayMigration } from '../schema/ddl.ts';

export const migration0050: RelayMigration = {
  version: 50,
  name: 'device-seen',
  steps: [
    // presence for the admin's device list: last authentication or disconnect per device
    table({
      name: 'device_seen',
      columns: [text('device_id', { primaryKey: true }), bigint('last_seen_at'), bool('online')],
      withoutRowid: true,
    }),
  ],
};
