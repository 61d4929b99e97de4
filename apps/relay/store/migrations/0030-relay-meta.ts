import { table, text, type RelayMigration } from '../schema/ddl.ts';

export const migration0030: RelayMigration = {
  version: 30,
  name: 'relay-meta',
  steps: [
    // relay settings kept with the data (organisation key bound by the first-run bootstrap)
    table({ name: 'relay_meta', columns: [text('key', { primaryKey: true }), text('value')], withoutRowid: true }),
  ],
};
