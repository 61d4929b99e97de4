import { addColumn, bigint, sql, type RelayMigration } from '../schema/ddl.ts';

export const migration0080: RelayMigration = {
  version: 80,
  name: 'declared-history',
  steps: [
    // declared history: seqs up to floor were deleted by retention or trim (history starts at
    // floor + 1); base is the restore point of `relay restore` (NULL: never restored)
    addColumn('channel_heads', bigint('floor', { default: 0 })),
    addColumn('channel_heads', bigint('base', { nullable: true })),
    sql({
      sqlite:
        'UPDATE channel_heads SET floor = coalesce((SELECT min(seq) FROM events e WHERE e.channel = channel_heads.channel), head + 1) - 1;',
      postgres:
        'UPDATE channel_heads h SET floor = coalesce((SELECT min(seq) FROM events e WHERE e.channel = h.channel), h.head + 1) - 1;',
    }),
  ],
};
