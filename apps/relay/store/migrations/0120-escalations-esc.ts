import { bigint, bytes, index, int, table, text, type RelayMigration } from '../schema/ddl.ts';

export const migration0120: RelayMigration = {
  version: 120,
  name: 'escalations',
  steps: [
    // an urgent message's escalation: the SHA-256 of its acknowledgement token (the token itself
    // is inside the encrypted message) and when it was stopped; kept after its last step left so
    // a repeated acknowledgement is answered, deleted with mail expiry
    table({
      name: 'escalations',
      columns: [
        text('escalation_id', { primaryKey: true }),
        text('from_device'),
        bytes('token_hash'),
        bigint('created_at'),
        bigint('acked_at', { nullable: true }),
      ],
    }),
    index('escalations_by_time', 'escalations', ['created_at']),
    // its pre-sealed items, one per recipient device and step, until released into the mailbox
    // or dropped by an acknowledgement
    table({
      name: 'escalation_items',
      columns: [
        text('escalation_id'),
        int('step'),
        text('to_device'),
        text('message_id'),
        text('from_device'),
        bigint('deadline'),
        bytes('payload'),
      ],
      primaryKey: ['escalation_id', 'step', 'to_device'],
    }),
    index('escalation_items_by_deadline', 'escalation_items', ['deadline']),
    index('escalation_items_by_sender', 'escalation_items', ['from_device', 'escalation_id']),
  ],
};
