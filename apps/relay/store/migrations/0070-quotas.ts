import { bigint, index, table, text, type RelayMigration } from '../schema/ddl.ts';

export const migration0070: RelayMigration = {
  version: 70,
  name: 'quotas',
  steps: [
    // mailbox quotas per sender: per (sender, recipient) and across recipients
    index('mailbox_by_sender', 'mailbox', ['from_device', 'to_device']),
    // blob reads: the channels whose events reference a blob
    index('event_blobs_by_hash', 'event_blobs', ['hash']),
    // channels each device created (its first roster), for the per-day cap
    table({
      name: 'channel_creations',
      columns: [text('device_id'), text('channel_id'), bigint('created_at')],
      primaryKey: ['device_id', 'channel_id'],
      withoutRowid: true,
    }),
    index('channel_creations_by_time', 'channel_creations', ['device_id', 'created_at']),
  ],
};
