// size: the whole RelayStore contract in one SQL dialect; store-contract.test.ts runs it against postgres.ts case by case.
// Embedded store: one SQLite file (relay.db) in the data directory, WAL, synchronous=FULL so an
// acked publish survives a power cut. better-sqlite3 is synchronous; the relay is one process
// per SQLite file and every statement is short, so the event loop never waits long. The file
// is not encrypted: it holds only ciphertext and signed directory records.
import Database from 'better-sqlite3-multiple-ciphers';
import type {
  AppendItem,
  AppendResult,
  BlobAccess,
  BlobState,
  ChannelHistory,
  DeviceSeenRow,
  DirectoryEntry,
  MailboxItem,
  MailQuota,
  MailQuotaHit,
  RelayStore,
  StoredEvent,
} from './store.ts';
import { MAX_GONE_RANGES } from '@klinikfunk/protocol/relay/frames.ts';
import { migrationsFor } from './migrations/index.ts';
import { sqliteEscalations } from './sqlite-escalations.ts';
import {
  INCARNATION_META,
  newBlobGeneration,
  newIncarnation,
  PROBE_META,
  SEQ_FLOOR_META,
  type RestoreTarget,
} from './store.ts';

/** One file each in ./migrations, rendered for SQLite; a database written by a newer relay is refused. */
const MIGRATIONS = migrationsFor('sqlite');
export const SQLITE_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const bytes = (v: unknown): Uint8Array => {
  const b = v as Buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};
/** better-sqlite3 binds Buffers, not plain Uint8Arrays. */
const buf = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

/** Runs the migrations above the file's version (up to `upTo`: tests build older files with it). */
export function migrateSqlite(db: Database.Database, upTo = SQLITE_SCHEMA_VERSION): void {
  const current = num(db.pragma('user_version', { simple: true }));
  if (current > SQLITE_SCHEMA_VERSION)
    throw new Error(`relay.db has schema ${current}, newer than this relay (${SQLITE_SCHEMA_VERSION})`);
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

export function openSqliteStore(file: string): RelayStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  migrateSqlite(db);

  const q = {
    findClient: db.prepare(
      'SELECT seq, stored_at, sender_device FROM events WHERE channel = ? AND client_event_id = ?',
    ),
    head: db.prepare('SELECT head FROM channel_heads WHERE channel = ?').pluck(),
    headAt: db.prepare('SELECT head, head_at FROM channel_heads WHERE channel = ?'),
    setHead: db.prepare(
      'INSERT INTO channel_heads (channel, head, head_at) VALUES (?, ?, ?) ON CONFLICT (channel) DO UPDATE SET head = excluded.head, head_at = excluded.head_at',
    ),
    insertEvent: db.prepare(
      'INSERT INTO events (channel, seq, client_event_id, sender_device, envelope, stored_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertEventBlob: db.prepare('INSERT OR IGNORE INTO event_blobs (channel, seq, hash) VALUES (?, ?, ?)'),
    refBlob: db.prepare('UPDATE blobs SET refs = refs + ? WHERE hash = ?'),
    page: db.prepare('SELECT seq, envelope, stored_at FROM events WHERE channel = ? AND seq > ? ORDER BY seq LIMIT ?'),
    event: db.prepare('SELECT seq, envelope, stored_at FROM events WHERE channel = ? AND seq = ?'),
    trimBlobs: db.prepare('SELECT hash FROM event_blobs WHERE channel = ? AND seq <= ?').pluck(),
    trimEventBlobs: db.prepare('DELETE FROM event_blobs WHERE channel = ? AND seq <= ?'),
    trimEvents: db.prepare('DELETE FROM events WHERE channel = ? AND seq <= ?'),
    raiseFloor: db.prepare('UPDATE channel_heads SET floor = max(floor, min(head, ?)) WHERE channel = ?'),
    expiring: db.prepare('SELECT channel, max(seq) AS through FROM events WHERE stored_at < ? GROUP BY channel'),
    history: db.prepare('SELECT head, floor, base FROM channel_heads WHERE channel = ?'),
    seqFloor: db.prepare('SELECT CAST(value AS INTEGER) FROM relay_meta WHERE key = ?').pluck(),
    insertGone: db.prepare('INSERT INTO gone_ranges (channel, from_seq, to_seq) VALUES (?, ?, ?)'),
    setBase: db.prepare('UPDATE channel_heads SET base = ? WHERE channel = ?'),
    mailPut: db.prepare(
      'INSERT OR IGNORE INTO mailbox (to_device, message_id, from_device, payload, stored_at) VALUES (?, ?, ?, ?, ?)',
    ),
    mailFetch: db.prepare(
      'SELECT message_id, from_device, payload, stored_at FROM mailbox WHERE to_device = ? ORDER BY stored_at, message_id LIMIT ?',
    ),
    mailAck: db.prepare('DELETE FROM mailbox WHERE to_device = ? AND message_id = ?'),
    mailCount: db.prepare('SELECT count(*) FROM mailbox WHERE to_device = ?').pluck(),
    mailExists: db.prepare('SELECT 1 FROM mailbox WHERE to_device = ? AND message_id = ?').pluck(),
    mailFromTo: db.prepare('SELECT count(*) FROM mailbox WHERE from_device = ? AND to_device = ?').pluck(),
    mailFrom: db.prepare('SELECT coalesce((SELECT waiting FROM mail_senders WHERE from_device = ?), 0)').pluck(),
    mailExpire: db.prepare('DELETE FROM mailbox WHERE stored_at < ?'),
    blobChannels: db.prepare('SELECT DISTINCT channel FROM event_blobs WHERE hash = ?').pluck(),
    noteCreated: db.prepare(
      'INSERT OR IGNORE INTO channel_creations (device_id, channel_id, created_at) VALUES (?, ?, ?)',
    ),
    createdSince: db.prepare('SELECT count(*) FROM channel_creations WHERE device_id = ? AND created_at >= ?').pluck(),
    blob: db.prepare('SELECT hash, size, received, complete, owner_device, refs, generation FROM blobs WHERE hash = ?'),
    blobInsert: db.prepare(
      'INSERT INTO blobs (hash, size, received, complete, owner_device, created_at, generation) VALUES (?, ?, 0, 0, ?, ?, ?)',
    ),
    chunkInsert: db.prepare('INSERT INTO blob_chunks (hash, offset, data) VALUES (?, ?, ?)'),
    blobReceived: db.prepare('UPDATE blobs SET received = ? WHERE hash = ?'),
    blobComplete: db.prepare('UPDATE blobs SET complete = 1, completed_at = ? WHERE hash = ?'),
    chunksIn: db.prepare(
      'SELECT offset, data FROM blob_chunks WHERE hash = ? AND offset < ? AND offset + length(data) > ? ORDER BY offset',
    ),
    usage: db.prepare('SELECT coalesce(sum(size), 0) FROM blobs WHERE owner_device = ?').pluck(),
    blobDel: db.prepare('DELETE FROM blobs WHERE hash = ?'),
    chunkDel: db.prepare('DELETE FROM blob_chunks WHERE hash = ?'),
    gcCandidates: db
      .prepare(
        'SELECT hash FROM blobs WHERE (complete = 1 AND refs <= 0 AND completed_at < ?) OR (complete = 0 AND created_at < ?)',
      )
      .pluck(),
    dirInsert: db.prepare('INSERT INTO directory (type, subject, dedupe_key, json) VALUES (?, ?, ?, ?)'),
    dirFind: db.prepare('SELECT pos FROM directory WHERE dedupe_key = ?').pluck(),
    dirList: db.prepare('SELECT pos, type, subject, json FROM directory WHERE pos > ? ORDER BY pos LIMIT ?'),
    burn: db.prepare('INSERT OR IGNORE INTO enrolments_burnt (enrolment_id, device_id) VALUES (?, ?)'),
    markSeen: db.prepare(
      `INSERT INTO device_seen (device_id, last_seen_at, online, protocol, app_version) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (device_id) DO UPDATE
       SET last_seen_at = excluded.last_seen_at, online = excluded.online,
         protocol = coalesce(excluded.protocol, device_seen.protocol),
         app_version = CASE WHEN excluded.protocol IS NULL THEN device_seen.app_version ELSE excluded.app_version END
       WHERE excluded.last_seen_at >= device_seen.last_seen_at`,
    ),
    seen: db.prepare('SELECT device_id, last_seen_at, online, protocol, app_version FROM device_seen'),
  };

  const appendTx = db.transaction(
    (
      channelId: string,
      clientEventId: string,
      sender: string,
      envelope: Uint8Array,
      hashes: readonly string[],
    ): AppendResult => {
      const existing = q.findClient.get(channelId, clientEventId) as Row | undefined;
      if (existing && String(existing.sender_device) !== sender)
        return { seq: 0, duplicate: false, at: 0, taken: true };
      if (existing) return { seq: num(existing.seq), duplicate: true, at: num(existing.stored_at) };
      const head = q.headAt.get(channelId) as Row | undefined;
      // A new channel after a restore starts above every jump (store.ts, SEQ_FLOOR_META).
      const floor = head ? 0 : num(q.seqFloor.get(SEQ_FLOOR_META) ?? 0);
      const seq = num(head?.head ?? floor) + 1;
      const at = Math.max(Date.now(), num(head?.head_at ?? 0));
      q.insertEvent.run(channelId, seq, clientEventId, sender, buf(envelope), at);
      q.setHead.run(channelId, seq, at);
      if (floor > 0) {
        q.insertGone.run(channelId, 1, floor);
        q.setBase.run(0, channelId);
      }
      for (const hash of new Set(hashes)) {
        q.insertEventBlob.run(channelId, seq, hash);
        q.refBlob.run(1, hash);
      }
      return { seq, duplicate: false, at };
    },
  );
  const appendBatchTx = db.transaction((items: readonly AppendItem[]): AppendResult[] =>
    items.map((i) => appendTx(i.channelId, i.clientEventId, i.senderDeviceId, i.envelope, i.blobHashes ?? [])),
  );
  const trimTx = db.transaction((channelId: string, throughSeq: number): number => {
    q.raiseFloor.run(throughSeq, channelId);
    for (const hash of q.trimBlobs.all(channelId, throughSeq)) q.refBlob.run(-1, hash);
    q.trimEventBlobs.run(channelId, throughSeq);
    return q.trimEvents.run(channelId, throughSeq).changes;
  });
  const expireTx = db.transaction((cutoff: number) => {
    // Relay time never decreases along a channel's seqs, so what goes is a prefix: declare it.
    for (const row of q.expiring.all(cutoff) as Row[]) q.raiseFloor.run(num(row.through), String(row.channel));
    db.prepare(
      `UPDATE blobs SET refs = refs - (SELECT count(*) FROM event_blobs eb JOIN events e ON e.channel = eb.channel AND e.seq = eb.seq
         WHERE eb.hash = blobs.hash AND e.stored_at < ?)
       WHERE hash IN (SELECT eb.hash FROM event_blobs eb JOIN events e ON e.channel = eb.channel AND e.seq = eb.seq WHERE e.stored_at < ?)`,
    ).run(cutoff, cutoff);
    db.prepare(
      'DELETE FROM event_blobs WHERE (channel, seq) IN (SELECT channel, seq FROM events WHERE stored_at < ?)',
    ).run(cutoff);
    const events = db.prepare('DELETE FROM events WHERE stored_at < ?').run(cutoff).changes;
    const mail = db.prepare('DELETE FROM mailbox WHERE stored_at < ?').run(cutoff).changes;
    return { events, mail };
  });
  const blobState = (hash: string): BlobState | null => {
    const row = q.blob.get(hash) as Row | undefined;
    if (!row) return null;
    return {
      hash,
      size: num(row.size),
      received: num(row.received),
      complete: num(row.complete) === 1,
      ownerDeviceId: String(row.owner_device),
      refs: num(row.refs),
      generation: num(row.generation),
    };
  };
  const blobAppendTx = db.transaction(
    (
      hash: string,
      offset: number,
      data: Uint8Array,
      owner: string | undefined,
    ): BlobState | 'conflict' | 'not_owner' => {
      const state = blobState(hash);
      if (state && owner !== undefined && state.ownerDeviceId !== owner) return 'not_owner';
      if (!state || state.complete || state.received !== offset || offset + data.length > state.size) return 'conflict';
      q.chunkInsert.run(hash, offset, buf(data));
      q.blobReceived.run(offset + data.length, hash);
      return { ...state, received: offset + data.length };
    },
  );
  const mailPutTx = db.transaction(
    (
      to: string,
      messageId: string,
      from: string,
      payload: Uint8Array,
      now: number,
      quota: MailQuota | undefined,
    ): boolean | MailQuotaHit => {
      if (q.mailExists.get(to, messageId) !== undefined) return false;
      if (quota) {
        if (num(q.mailFromTo.get(from, to)) >= quota.perSenderRecipient) return 'sender_recipient_full';
        if (num(q.mailFrom.get(from)) >= quota.perSender) return 'sender_full';
        if (num(q.mailCount.get(to)) >= quota.perRecipient) return 'recipient_full';
      }
      return q.mailPut.run(to, messageId, from, buf(payload), now).changes === 1;
    },
  );
  const blobDeleteTx = db.transaction((hash: string) => {
    q.chunkDel.run(hash);
    q.blobDel.run(hash);
  });
  const blobDiscardTx = db.transaction((owner: string, hashes: readonly string[]) => {
    let removed = 0;
    for (const hash of hashes) {
      const state = blobState(hash);
      if (!state || state.ownerDeviceId !== owner || state.refs > 0) continue;
      blobDeleteTx(hash);
      removed++;
    }
    return removed;
  });
  const markSeenTx = db.transaction((rows: readonly DeviceSeenRow[]) => {
    for (const r of rows)
      q.markSeen.run(
        r.deviceId,
        r.lastSeenAt,
        r.online ? 1 : 0,
        r.protocol ?? null,
        r.protocol === undefined ? null : (r.appVersion ?? null),
      );
  });
  const mailAckTx = db.transaction((toDeviceId: string, messageIds: readonly string[]): number => {
    let removed = 0;
    for (const id of messageIds) removed += q.mailAck.run(toDeviceId, id).changes;
    return removed;
  });

  db.prepare('INSERT OR IGNORE INTO relay_meta (key, value) VALUES (?, ?)').run(INCARNATION_META, newIncarnation());
  let incarnation = String(db.prepare('SELECT value FROM relay_meta WHERE key = ?').pluck().get(INCARNATION_META));
  const markRestoredTx = db.transaction((next: string, { jump, atLeast }: RestoreTarget) => {
    db.prepare('UPDATE relay_meta SET value = ? WHERE key = ?').run(next, INCARNATION_META);
    db.prepare(
      'INSERT INTO gone_ranges (channel, from_seq, to_seq) SELECT channel, head + 1, max(head + ?, ?) FROM channel_heads',
    ).run(jump, atLeast);
    // The SET expressions read the row as it was: the restore point is the head before the jump.
    db.prepare('UPDATE channel_heads SET base = min(coalesce(base, head), head), head = max(head + ?, ?)').run(
      jump,
      atLeast,
    );
    db.prepare(
      `INSERT INTO relay_meta (key, value) VALUES (?, CAST(max(?, ?) AS TEXT))
       ON CONFLICT (key) DO UPDATE SET value = CAST(max(CAST(value AS INTEGER) + ?, ?) AS TEXT)`,
    ).run(SEQ_FLOOR_META, jump, atLeast, jump, atLeast);
  });
  const goneQuery = db.prepare(
    'SELECT from_seq, to_seq FROM gone_ranges WHERE channel = ? AND to_seq > ? AND from_seq <= ? ORDER BY from_seq LIMIT ?',
  );

  return {
    kind: 'sqlite',
    escalations: sqliteEscalations(db),
    async histories(channelIds) {
      const out = new Map<string, ChannelHistory>();
      for (const channel of channelIds) {
        const row = q.history.get(channel) as Row | undefined;
        if (row)
          out.set(channel, {
            head: num(row.head),
            historyStart: num(row.floor) + 1,
            base: row.base === null ? null : num(row.base),
          });
      }
      return out;
    },
    incarnation: () => incarnation,
    async markRestored(target) {
      const next = newIncarnation();
      markRestoredTx.immediate(next, target);
      incarnation = next;
      return next;
    },
    async goneRanges(channelId, afterSeq, upToSeq) {
      return (goneQuery.all(channelId, afterSeq, upToSeq, MAX_GONE_RANGES) as Row[]).map((r) => ({
        from: num(r.from_seq),
        to: num(r.to_seq),
      }));
    },
    async logHigh() {
      return num(db.prepare('SELECT coalesce(sum(head), 0) FROM channel_heads').pluck().get());
    },
    async seqHigh() {
      const head = num(db.prepare('SELECT coalesce(max(head), 0) FROM channel_heads').pluck().get());
      return Math.max(head, num(q.seqFloor.get(SEQ_FLOOR_META) ?? 0));
    },
    async append(channelId, clientEventId, senderDeviceId, envelope, blobHashes = []) {
      return appendTx.immediate(channelId, clientEventId, senderDeviceId, envelope, blobHashes);
    },
    async appendBatch(items) {
      return appendBatchTx.immediate(items);
    },
    async heads(channelIds) {
      const out = new Map<string, number>();
      for (const channel of channelIds) {
        const head = q.head.get(channel);
        if (head !== undefined) out.set(channel, num(head));
      }
      return out;
    },
    async page(channelId, afterSeq, limit) {
      return (q.page.all(channelId, afterSeq, limit) as Row[]).map((r): StoredEvent => ({
        seq: num(r.seq),
        envelope: bytes(r.envelope),
        at: num(r.stored_at),
      }));
    },
    async event(channelId, seq) {
      const row = q.event.get(channelId, seq) as Row | undefined;
      return row ? { seq: num(row.seq), envelope: bytes(row.envelope), at: num(row.stored_at) } : null;
    },
    async trim(channelId, throughSeq) {
      return trimTx.immediate(channelId, throughSeq);
    },
    async expire(cutoff) {
      return expireTx.immediate(cutoff);
    },
    async mailPut(toDeviceId, messageId, fromDeviceId, payload, now, quota) {
      return mailPutTx.immediate(toDeviceId, messageId, fromDeviceId, payload, now, quota);
    },
    async mailExpire(cutoff) {
      return q.mailExpire.run(cutoff).changes;
    },
    async mailFetch(toDeviceId, limit) {
      return (q.mailFetch.all(toDeviceId, limit) as Row[]).map((r): MailboxItem => ({
        messageId: String(r.message_id),
        fromDeviceId: String(r.from_device),
        payload: bytes(r.payload),
        storedAt: num(r.stored_at),
      }));
    },
    async mailCount(toDeviceId) {
      return num(q.mailCount.get(toDeviceId));
    },
    async mailAck(toDeviceId, messageIds) {
      return mailAckTx.immediate(toDeviceId, messageIds);
    },
    async blobBegin(hash, size, ownerDeviceId, now) {
      const state = blobState(hash);
      if (state) return state.size === size ? state : 'conflict';
      q.blobInsert.run(hash, size, ownerDeviceId, now, newBlobGeneration());
      return blobState(hash)!;
    },
    async blobState(hash) {
      return blobState(hash);
    },
    async blobAppend(hash, offset, data, ownerDeviceId) {
      // A chunk needs no fsync of its own: blob_begin reports what survived a crash and the
      // device resumes from there. The completion below is committed with FULL, which makes the
      // WAL, and every chunk before it, durable. All of this is synchronous, so no other write
      // runs under the relaxed setting.
      db.pragma('synchronous = NORMAL');
      try {
        return blobAppendTx.immediate(hash, offset, data, ownerDeviceId);
      } finally {
        db.pragma('synchronous = FULL');
      }
    },
    async blobAccess(hashes) {
      const out = new Map<string, BlobAccess>();
      for (const hash of new Set(hashes)) {
        const state = blobState(hash);
        if (state)
          out.set(hash, {
            ownerDeviceId: state.ownerDeviceId,
            complete: state.complete,
            channels: (q.blobChannels.all(hash) as unknown[]).map(String),
          });
      }
      return out;
    },
    async blobMarkComplete(hash) {
      q.blobComplete.run(Date.now(), hash);
    },
    async blobRead(hash, offset, length) {
      const end = offset + length;
      const parts = (q.chunksIn.all(hash, end, offset) as Row[]).map((r) => ({
        offset: num(r.offset),
        data: bytes(r.data),
      }));
      return sliceChunks(parts, offset, end);
    },
    async blobUsage(ownerDeviceId) {
      return num(q.usage.get(ownerDeviceId));
    },
    async blobDiscard(ownerDeviceId, hashes) {
      return blobDiscardTx.immediate(ownerDeviceId, hashes);
    },
    async blobDelete(hash) {
      blobDeleteTx.immediate(hash);
    },
    async blobGc(unreferencedBefore, incompleteBefore) {
      const hashes = q.gcCandidates.all(unreferencedBefore, incompleteBefore) as string[];
      for (const hash of hashes) blobDeleteTx.immediate(hash);
      return hashes;
    },
    async dirPut(type, subject, dedupeKey, json) {
      const found = q.dirFind.get(dedupeKey);
      if (found !== undefined) return { pos: num(found), duplicate: true };
      return { pos: num(q.dirInsert.run(type, subject, dedupeKey, json).lastInsertRowid), duplicate: false };
    },
    async dirList(afterPos, limit) {
      return (q.dirList.all(afterPos, limit) as Row[]).map((r): DirectoryEntry => ({
        pos: num(r.pos),
        type: String(r.type),
        subject: String(r.subject),
        json: String(r.json),
      }));
    },
    async noteChannelCreated(deviceId, channelId, at) {
      q.noteCreated.run(deviceId, channelId, at);
    },
    async channelsCreatedSince(deviceId, since) {
      return num(q.createdSince.get(deviceId, since));
    },
    async burnEnrolment(enrolmentId, deviceId) {
      return q.burn.run(enrolmentId, deviceId).changes === 1;
    },
    async markSeen(rows) {
      // Presence needs no fsync of its own: a lost last-seen costs a minute of accuracy.
      db.pragma('synchronous = NORMAL');
      try {
        markSeenTx.immediate(rows);
      } finally {
        db.pragma('synchronous = FULL');
      }
    },
    async seenDevices() {
      return (q.seen.all() as Row[]).map((r): DeviceSeenRow => ({
        deviceId: String(r.device_id),
        lastSeenAt: num(r.last_seen_at),
        online: num(r.online) === 1,
        ...(r.protocol === null
          ? {}
          : { protocol: num(r.protocol), appVersion: r.app_version === null ? null : String(r.app_version) }),
      }));
    },
    onRemoteCommit() {},
    onRemoteDirectory() {},
    onRemoteMail() {},
    async metaGet(key) {
      const value = db.prepare('SELECT value FROM relay_meta WHERE key = ?').pluck().get(key);
      return value === undefined ? null : String(value);
    },
    async metaSetOnce(key, value) {
      db.prepare('INSERT OR IGNORE INTO relay_meta (key, value) VALUES (?, ?)').run(key, value);
      return String(db.prepare('SELECT value FROM relay_meta WHERE key = ?').pluck().get(key));
    },
    async ping() {
      if (!db.open) throw new Error('store closed');
    },
    async probeWritable() {
      if (!db.open) throw new Error('store closed');
      const version = num(db.pragma('user_version', { simple: true }));
      if (version !== SQLITE_SCHEMA_VERSION)
        throw new Error(`relay.db has schema ${version}, this relay writes ${SQLITE_SCHEMA_VERSION}`);
      db.prepare(
        'INSERT INTO relay_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ).run(PROBE_META, String(Date.now()));
    },
    async usage() {
      const mailboxItems = num(db.prepare('SELECT count(*) FROM mailbox').pluck().get());
      const blobBytes = num(db.prepare('SELECT coalesce(sum(received), 0) FROM blobs').pluck().get());
      return { mailboxItems, blobBytes };
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

/** Cuts [start, end) out of ordered, contiguous chunks. */
export function sliceChunks(
  parts: ReadonlyArray<{ offset: number; data: Uint8Array }>,
  start: number,
  end: number,
): Uint8Array {
  const pieces: Uint8Array[] = [];
  for (const part of parts) {
    const from = Math.max(start, part.offset) - part.offset;
    const to = Math.min(end, part.offset + part.data.length) - part.offset;
    if (to > from) pieces.push(part.data.subarray(from, to));
  }
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
