import { addColumn, bigint, sql, type RelayMigration } from '../schema/ddl.ts';

export const migration0040: RelayMigration = {
  version: 40,
  name: 'relay-time',
  steps: [
    // relay time: events.stored_at is when the relay accepted an event (sent as "at"); the
    // channel's latest one is kept with its head, so the next is never earlier (clock steps)
    addColumn('channel_heads', bigint('head_at', { default: 0 })),
    sql({
      sqlite:
        'UPDATE channel_heads SET head_at = coalesce((SELECT max(stored_at) FROM events e WHERE e.channel = channel_heads.channel), 0);',
      postgres:
        'UPDATE channel_heads h SET head_at = coalesce((SELECT max(stored_at) FROM events e WHERE e.channel = h.channel), 0);',
    }),
  ],
};
