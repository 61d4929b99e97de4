import {
  bigint,
  bool,
  bytes,
  index,
  int,
  serial,
  table,
  text,
  uniqueIndex,
  type RelayMigration,
} from '../schema/ddl.ts';

export const migration0010: RelayMigration = {
  version: 10,
  name: 'initial',
  steps: [
    table({
      name: 'channel_heads',
      columns: [text('channel', { primaryKey: true }), bigint('head')],
      withoutRowid: true,
    }),
    table({
      name: 'events',
      columns: [
        text('channel'),
        bigint('seq'),
        text('client_event_id'),
        text('sender_device'),
        bytes('envelope'),
        bigint('stored_at'),
      ],
      primaryKey: ['channel', 'seq'],
    }),
    // publish retry: find the original seq of (channel, client event id)
    uniqueIndex('events_client_id', 'events', ['channel', 'client_event_id']),
    table({
      name: 'event_blobs',
      columns: [text('channel'), bigint('seq'), text('hash')],
      primaryKey: ['channel', 'seq', 'hash'],
      withoutRowid: true,
    }),
    table({
      name: 'mailbox',
      columns: [text('to_device'), text('message_id'), text('from_device'), bytes('payload'), bigint('stored_at')],
      primaryKey: ['to_device', 'message_id'],
    }),
    // mail_fetch: a device's items oldest first
    index('mailbox_by_time', 'mailbox', ['to_device', 'stored_at']),
    table({
      name: 'blobs',
      columns: [
        text('hash', { primaryKey: true }),
        bigint('size'),
        bigint('received'),
        bool('complete'),
        text('owner_device'),
        int('refs', { default: 0 }),
        bigint('created_at'),
        bigint('completed_at', { nullable: true }),
      ],
    }),
    // quota: bytes per owner
    index('blobs_by_owner', 'blobs', ['owner_device']),
    table({
      name: 'blob_chunks',
      columns: [text('hash'), bigint('offset'), bytes('data')],
      primaryKey: ['hash', 'offset'],
    }),
    table({
      name: 'directory',
      columns: [serial('pos'), text('type'), text('subject'), text('dedupe_key', { unique: true }), text('json')],
    }),
    table({ name: 'enrolments_burnt', columns: [text('enrolment_id', { primaryKey: true }), text('device_id')] }),
  ],
};
