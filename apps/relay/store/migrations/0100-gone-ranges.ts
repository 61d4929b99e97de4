import { bigint, table, text, type RelayMigration } from '../schema/ddl.ts';

export const migration0100: RelayMigration = {
  version: 100,
  name: 'gone-ranges',
  steps: [
    // seqs a restore skipped (the lost state may have handed them out): declared gone, never served
    table({
      name: 'gone_ranges',
      columns: [text('channel'), bigint('from_seq'), bigint('to_seq')],
      primaryKey: ['channel', 'from_seq'],
      withoutRowid: true,
    }),
  ],
};
