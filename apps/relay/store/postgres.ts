// size: the whole RelayStore contract in one SQL dialect; store-contract.test.ts runs it against sqlite.ts case by case.
// PostgreSQL store for hospital groups: several relay processes share one database. The
// per-channel seq comes from a row in channel_heads that the insert transaction locks and
// increments, so seqs are gapless and the second of two concurrent publishes to one channel
// waits for the first. A batch of publishes is one statement (appendBatch: one round trip, its
// own transaction). Each commit sends NOTIFY klinikfunk_commit per channel with the seq range
// it stored and nothing else (a wake-up); the other relay processes LISTEN, read the range in
// one query and push it to their own clients. A lost notification costs latency, never data:
// clients pull by seq.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sliceChunks } from './sqlite.ts';
import type {
  AppendItem,
  AppendResult,
  BlobAccess,
  BlobState,
  ChannelHistory,
  CommitListener,
  DeviceSeenRow,
  DirectoryEntry,
  DirectoryListener,
  MailListener,
  MailboxItem,
  MailQuotaHit,
  RelayStore,
  StoredEvent,
} from './store.ts';
import { MAX_GONE_RANGES } from '@klinikfunk/protocol/relay/frames.ts';
import { migrationsFor } from './migrations/index.ts';
import { postgresEscalations } from './postgres-escalations.ts';
import { INCARNATION_META, newBlobGeneration, newIncarnation, PROBE_META, SEQ_FLOOR_META } from './store.ts';

/** One file each in ./migrations, rendered for PostgreSQL; a database written by a newer relay is refused. */
const MIGRATIONS = migrationsFor('postgres');
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
const MIGRATION_LOCK = 0x6b66_0001;
const DIRECTORY_LOCK = 0x6b66_0002;
/** Serialises one sender's mailbox puts (transaction-scoped), so quota checks cannot race. */
const MAIL_LOCK_SPACE = 0x6b66_0003;
const NOTIFY_COMMIT = 'klinikfunk_commit';
const NOTIFY_DIR = 'klinikfunk_dir';
const NOTIFY_MAIL = 'klinikfunk_mail';

const num = (v: unknown): number => Number(v);
/** A plain Uint8Array view of a Buffer (no copy). */
const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const buf = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

/**
 * appendBatch's statement. $1..$5: the batch (channel, client event id, sender, envelope, input
 * position); $6 the seq floor key; $7, $8: (input position, blob hash) pairs; $9 the NOTIFY
 * channel; $10 this store's origin. Returns per input position the seq and relay time, and the
 * original sender for an event stored before (null for a new one).
 */
const APPEND_BATCH_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::int[])
    AS i(channel, client_event_id, sender, envelope, ord)
), known AS (
  SELECT i.ord, e.seq, e.stored_at, e.sender_device
    FROM input i JOIN events e ON e.channel = i.channel AND e.client_event_id = i.client_event_id
), fresh AS (
  SELECT i.*, row_number() OVER (PARTITION BY i.channel ORDER BY i.ord) AS rn
    FROM input i WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.ord = i.ord)
), counts AS (
  SELECT channel, count(*) AS n FROM fresh GROUP BY channel
), floor AS (
  SELECT coalesce((SELECT value::bigint FROM relay_meta WHERE key = $6), 0) AS floor
), heads AS (
  INSERT INTO channel_heads (channel, head, head_at, base)
  SELECT c.channel, f.floor + c.n, (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
         CASE WHEN f.floor > 0 THEN 0 END
    FROM counts c CROSS JOIN floor f ORDER BY c.channel
  ON CONFLICT (channel) DO UPDATE
    SET head = channel_heads.head + excluded.head
               - coalesce((SELECT value::bigint FROM relay_meta WHERE key = $6), 0),
        head_at = greatest(channel_heads.head_at, excluded.head_at)
  RETURNING channel, head, head_at, xmax = 0 AS created
), placed AS (
  SELECT fr.ord, fr.channel, fr.client_event_id, fr.sender, fr.envelope, h.head - c.n + fr.rn AS seq, h.head_at AS at
    FROM fresh fr JOIN heads h ON h.channel = fr.channel JOIN counts c ON c.channel = fr.channel
), ev AS (
  INSERT INTO events (channel, seq, client_event_id, sender_device, envelope, stored_at)
  SELECT channel, seq, client_event_id, sender, envelope, at FROM placed
), gone AS (
  INSERT INTO gone_ranges (channel, from_seq, to_seq)
  SELECT h.channel, 1, h.head - c.n FROM heads h JOIN counts c ON c.channel = h.channel
   WHERE h.created AND h.head - c.n > 0
), pairs AS (
  SELECT p.channel, p.seq, b.hash FROM unnest($7::int[], $8::text[]) AS b(ord, hash) JOIN placed p ON p.ord = b.ord
), eb AS (
  INSERT INTO event_blobs (channel, seq, hash) SELECT channel, seq, hash FROM pairs ON CONFLICT DO NOTHING
), refs AS (
  UPDATE blobs SET refs = refs + x.n FROM (SELECT hash, count(*) AS n FROM pairs GROUP BY hash) x
   WHERE blobs.hash = x.hash
), notified AS (
  SELECT count(pg_notify($9, $10 || ':' || (h.head - c.n + 1) || ':' || h.head || ':' || h.channel)) AS n
    FROM heads h JOIN counts c ON c.channel = h.channel
)
SELECT p.ord, p.seq, p.at, NULL::text AS sender FROM placed p WHERE (SELECT n FROM notified) >= 0
UNION ALL
SELECT k.ord, k.seq, k.stored_at, k.sender_device FROM known k`;

/** A commit NOTIFY's payload, "origin:from:to:channel" (null for anything else). */
export function parseCommitNote(
  payload: string,
): { origin: string; from: number; to: number; channelId: string } | null {
  const match = /^([A-Za-z0-9_-]+):(\d+):(\d+):(.+)$/s.exec(payload);
  if (!match) return null;
  const from = Number(match[2]);
  const to = Number(match[3]);
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || to < from) return null;
  return { origin: match[1]!, from, to, channelId: match[4]! };
}

/** Runs the migrations above the database's version (up to `upTo`: tests build older schemas with it). */
export async function migratePostgres(client: pg.ClientBase, upTo = POSTGRES_SCHEMA_VERSION): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS relay_schema (version INTEGER NOT NULL)');
    const row = (await client.query<{ v: number | null }>('SELECT max(version) AS v FROM relay_schema')).rows[0];
    const current = row?.v ?? 0;
    if (current > POSTGRES_SCHEMA_VERSION)
      throw new Error(`database has relay schema ${current}, newer than this relay (${POSTGRES_SCHEMA_VERSION})`);
    for (const m of MIGRATIONS) {
      if (m.version <= current || m.version > upTo) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO relay_schema (version) VALUES ($1)', [m.version]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}

export async function openPostgresStore(
  connectionString: string,
  options: { poolSize?: number } = {},
): Promise<RelayStore> {
  const pool = new pg.Pool({ connectionString, max: options.poolSize ?? 10 });
  // An idle client losing its server (restart, network) must not crash the relay.
  pool.on('error', () => {});
  const setup = await pool.connect();
  try {
    await migratePostgres(setup);
  } finally {
    setup.release();
  }

  const commitListeners: CommitListener[] = [];
  const dirListeners: DirectoryListener[] = [];
  const mailListeners: MailListener[] = [];
  let listener: pg.Client | null = null;
  let closed = false;
  // Names this store's commits in their NOTIFY ("origin:from:to:channel"), so its own echo is
  // not reported as a remote commit.
  const origin = randomBytes(9).toString('base64url');

  async function listen(): Promise<void> {
    if (closed) return;
    const client = new pg.Client({ connectionString });
    client.on('error', () => {});
    client.on('end', () => {
      listener = null;
      // Reconnect the LISTEN session; notifications missed meanwhile are recovered by clients' pulls.
      if (!closed) setTimeout(() => void listen().catch(() => {}), 1000);
    });
    client.on('notification', (msg) => {
      const payload = msg.payload ?? '';
      if (msg.channel === NOTIFY_COMMIT) {
        const commit = parseCommitNote(payload);
        if (commit && commit.origin !== origin)
          for (const l of commitListeners) l(commit.channelId, commit.from, commit.to);
      } else if (msg.channel === NOTIFY_DIR) {
        for (const l of dirListeners) l(Number(payload));
      } else if (msg.channel === NOTIFY_MAIL) {
        for (const l of mailListeners) l(payload);
      }
    });
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_COMMIT}; LISTEN ${NOTIFY_DIR}; LISTEN ${NOTIFY_MAIL}`);
    listener = client;
  }
  await listen();
  await pool.query('INSERT INTO relay_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
    INCARNATION_META,
    newIncarnation(),
  ]);
  let incarnation = (
    await pool.query<{ value: string }>('SELECT value FROM relay_meta WHERE key = $1', [INCARNATION_META])
  ).rows[0]!.value;
  /** Raises declared history starts; head rows are locked in channel order, as appends lock them. */
  const raiseFloors = async (c: pg.PoolClient, throughs: ReadonlyArray<{ channel: string; through: number }>) => {
    if (throughs.length === 0) return;
    const channels = throughs.map((t) => t.channel);
    await c.query('SELECT 1 FROM channel_heads WHERE channel = ANY($1) ORDER BY channel FOR UPDATE', [channels]);
    await c.query(
      `UPDATE channel_heads h SET floor = greatest(h.floor, least(h.head, x.through))
       FROM unnest($1::text[], $2::bigint[]) AS x(channel, through) WHERE h.channel = x.channel`,
      [channels, throughs.map((t) => t.through)],
    );
  };

  async function tx<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    // The pool listens for a lost connection only while a client is idle; a server that ends the
    // connection while we hold it (a stop, pg_terminate_backend) emits 'error' on the client, and
    // unheard that is an uncaught exception that ends the relay. The query in flight fails anyway.
    let lost: Error | undefined;
    const onLost = (error: Error) => {
      lost = error;
    };
    client.on('error', onLost);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      // A lost client goes out of the pool rather than back into it.
      client.release(lost);
      // Events still to come from its closing socket must not go unheard either.
      if (!lost) client.off('error', onLost);
    }
  }

  const toBlobState = (r: Record<string, unknown>): BlobState => ({
    hash: String(r.hash),
    size: num(r.size),
    received: num(r.received),
    complete: r.complete === true,
    ownerDeviceId: String(r.owner_device),
    refs: num(r.refs),
    generation: num(r.generation),
  });
  const blobState = async (
    hash: string,
    c: pg.Pool | pg.PoolClient = pool,
    lock = false,
  ): Promise<BlobState | null> => {
    const r = await c.query(
      `SELECT hash, size, received, complete, owner_device, refs, generation FROM blobs WHERE hash = $1${lock ? ' FOR UPDATE' : ''}`,
      [hash],
    );
    return r.rows[0] ? toBlobState(r.rows[0] as Record<string, unknown>) : null;
  };
  const findClient = async (
    c: pg.Pool | pg.PoolClient,
    channelId: string,
    clientEventId: string,
    senderDeviceId: string,
  ): Promise<AppendResult | null> => {
    const r = await c.query<{ seq: string; stored_at: string; sender_device: string }>(
      'SELECT seq, stored_at, sender_device FROM events WHERE channel = $1 AND client_event_id = $2',
      [channelId, clientEventId],
    );
    const row = r.rows[0];
    if (!row) return null;
    return row.sender_device === senderDeviceId
      ? { seq: num(row.seq), duplicate: true, at: num(row.stored_at) }
      : TAKEN;
  };

  /**
   * Inserts one event inside a transaction: bumps the locked head row, stores, notifies. The
   * relay time comes from the database server's clock, so every relay process sharing it stamps
   * from one clock, and never before the channel's previous event.
   */
  const insertEvent = async (c: pg.PoolClient, item: AppendItem): Promise<{ seq: number; at: number }> => {
    // A new channel after a restore starts above every jump (store.ts, SEQ_FLOOR_META); base 0
    // marks it for the gone-range lookup. xmax = 0: the row was inserted, not updated.
    const head = await c.query<{ head: string; head_at: string; created: boolean }>(
      `INSERT INTO channel_heads (channel, head, head_at, base)
       SELECT $1, f.floor + 1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint, CASE WHEN f.floor > 0 THEN 0 END
         FROM (SELECT coalesce((SELECT value::bigint FROM relay_meta WHERE key = $2), 0) AS floor) f
       ON CONFLICT (channel) DO UPDATE SET head = channel_heads.head + 1,
         head_at = greatest(channel_heads.head_at, excluded.head_at) RETURNING head, head_at, xmax = 0 AS created`,
      [item.channelId, SEQ_FLOOR_META],
    );
    const seq = num(head.rows[0]!.head);
    const at = num(head.rows[0]!.head_at);
    if (head.rows[0]!.created && seq > 1)
      await c.query('INSERT INTO gone_ranges (channel, from_seq, to_seq) VALUES ($1, 1, $2)', [
        item.channelId,
        seq - 1,
      ]);
    const ins = await c.query(
      `INSERT INTO events (channel, seq, client_event_id, sender_device, envelope, stored_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (channel, client_event_id) DO NOTHING`,
      [item.channelId, seq, item.clientEventId, item.senderDeviceId, buf(item.envelope), at],
    );
    // A concurrent retry of the same event committed first: undo the head bump (gapless).
    if (ins.rowCount === 0) throw new DuplicateRace();
    for (const hash of new Set(item.blobHashes ?? [])) {
      await c.query('INSERT INTO event_blobs (channel, seq, hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        item.channelId,
        seq,
        hash,
      ]);
      await c.query('UPDATE blobs SET refs = refs + 1 WHERE hash = $1', [hash]);
    }
    await c.query('SELECT pg_notify($1, $2)', [NOTIFY_COMMIT, `${origin}:${seq}:${seq}:${item.channelId}`]);
    return { seq, at };
  };
  const appendOne = async (item: AppendItem): Promise<AppendResult> => {
    const known = await findClient(pool, item.channelId, item.clientEventId, item.senderDeviceId);
    if (known !== null) return known;
    try {
      return { ...(await tx((c) => insertEvent(c, item))), duplicate: false };
    } catch (error) {
      if (!(error instanceof DuplicateRace)) throw error;
      return (await findClient(pool, item.channelId, item.clientEventId, item.senderDeviceId))!;
    }
  };

  /**
   * A batch in one statement, so one round trip and its own transaction: retries are answered
   * from the stored events, each channel's head row is bumped once by the batch's count (locked in
   * channel order, so two batches never wait on each other in a cycle), the events, gone ranges
   * and blob references are inserted, and one NOTIFY per channel names the seq range. The seqs
   * of a channel follow input order. A concurrent insert of the same event fails the statement
   * (unique violation, nothing stored): then one by one, as does a deadlock.
   */
  const appendBatch = async (items: readonly AppendItem[]): Promise<AppendResult[]> => {
    const results: Array<AppendResult | undefined> = new Array(items.length);
    // The same (channel, client event id) twice in the batch: only the first goes to the database.
    const first = new Map<string, number>();
    const repeats: number[] = [];
    const send: number[] = [];
    items.forEach((item, i) => {
      const key = `${item.channelId}:${item.clientEventId}`;
      if (first.has(key)) repeats.push(i);
      else {
        first.set(key, i);
        send.push(i);
      }
    });
    const blobOrd: number[] = [];
    const blobHash: string[] = [];
    for (const i of send)
      for (const hash of new Set(items[i]!.blobHashes ?? [])) {
        blobOrd.push(i);
        blobHash.push(hash);
      }
    let rows: Array<{ ord: number; seq: string; at: string; sender: string | null }>;
    try {
      rows = (
        await pool.query<{ ord: number; seq: string; at: string; sender: string | null }>({
          name: 'kf_append_batch',
          text: APPEND_BATCH_SQL,
          values: [
            send.map((i) => items[i]!.channelId),
            send.map((i) => items[i]!.clientEventId),
            send.map((i) => items[i]!.senderDeviceId),
            send.map((i) => buf(items[i]!.envelope)),
            send,
            SEQ_FLOOR_META,
            blobOrd,
            blobHash,
            NOTIFY_COMMIT,
            origin,
          ],
        })
      ).rows;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== '23505' && code !== '40P01') throw error;
      for (let i = 0; i < items.length; i++) results[i] = await appendOne(items[i]!);
      return results as AppendResult[];
    }
    // Per event that reached the database: its seq, relay time and the device that owns it.
    const stored = new Map<number, { seq: number; at: number; owner: string }>();
    for (const row of rows) {
      const item = items[row.ord]!;
      const owner = row.sender ?? item.senderDeviceId;
      stored.set(row.ord, { seq: num(row.seq), at: num(row.at), owner });
      results[row.ord] =
        owner === item.senderDeviceId ? { seq: num(row.seq), at: num(row.at), duplicate: row.sender !== null } : TAKEN;
    }
    for (const i of repeats) {
      const original = stored.get(first.get(`${items[i]!.channelId}:${items[i]!.clientEventId}`)!)!;
      results[i] =
        original.owner === items[i]!.senderDeviceId ? { seq: original.seq, at: original.at, duplicate: true } : TAKEN;
    }
    return results as AppendResult[];
  };

  return {
    kind: 'postgres',
    escalations: postgresEscalations({ pool, tx, notifyMail: NOTIFY_MAIL }),
    async histories(channelIds) {
      const out = new Map<string, ChannelHistory>();
      if (channelIds.length === 0) return out;
      const r = await pool.query<{ channel: string; head: string; floor: string; base: string | null }>(
        'SELECT channel, head, floor, base FROM channel_heads WHERE channel = ANY($1)',
        [channelIds],
      );
      for (const row of r.rows)
        out.set(row.channel, {
          head: num(row.head),
          historyStart: num(row.floor) + 1,
          base: row.base === null ? null : num(row.base),
        });
      return out;
    },
    incarnation: () => incarnation,
    async markRestored({ jump, atLeast }) {
      const next = newIncarnation();
      await tx(async (c) => {
        await c.query('UPDATE relay_meta SET value = $1 WHERE key = $2', [next, INCARNATION_META]);
        await c.query(
          'INSERT INTO gone_ranges (channel, from_seq, to_seq) SELECT channel, head + 1, greatest(head + $1::bigint, $2::bigint) FROM channel_heads',
          [jump, atLeast],
        );
        // The SET expressions read the row as it was: the restore point is the head before the jump.
        await c.query(
          'UPDATE channel_heads SET base = least(coalesce(base, head), head), head = greatest(head + $1::bigint, $2::bigint)',
          [jump, atLeast],
        );
        await c.query(
          `INSERT INTO relay_meta (key, value) VALUES ($1, greatest($2::bigint, $3::bigint)::text)
           ON CONFLICT (key) DO UPDATE SET value = greatest(relay_meta.value::bigint + $2::bigint, $3::bigint)::text`,
          [SEQ_FLOOR_META, jump, atLeast],
        );
      });
      incarnation = next;
      return next;
    },
    async goneRanges(channelId, afterSeq, upToSeq) {
      const r = await pool.query<{ from_seq: string; to_seq: string }>(
        'SELECT from_seq, to_seq FROM gone_ranges WHERE channel = $1 AND to_seq > $2 AND from_seq <= $3 ORDER BY from_seq LIMIT $4',
        [channelId, afterSeq, upToSeq, MAX_GONE_RANGES],
      );
      return r.rows.map((row) => ({ from: num(row.from_seq), to: num(row.to_seq) }));
    },
    async logHigh() {
      const r = await pool.query<{ high: string }>('SELECT coalesce(sum(head), 0) AS high FROM channel_heads');
      return num(r.rows[0]!.high);
    },
    async seqHigh() {
      const r = await pool.query<{ high: string }>(
        'SELECT greatest((SELECT coalesce(max(head), 0) FROM channel_heads), (SELECT coalesce(max(value::bigint), 0) FROM relay_meta WHERE key = $1)) AS high',
        [SEQ_FLOOR_META],
      );
      return num(r.rows[0]!.high);
    },
    async append(channelId, clientEventId, senderDeviceId, envelope, blobHashes = []): Promise<AppendResult> {
      return (await appendBatch([{ channelId, clientEventId, senderDeviceId, envelope, blobHashes }]))[0]!;
    },
    appendBatch: (items) => appendBatch(items),
    async heads(channelIds) {
      const out = new Map<string, number>();
      if (channelIds.length === 0) return out;
      const r = await pool.query<{ channel: string; head: string }>(
        'SELECT channel, head FROM channel_heads WHERE channel = ANY($1)',
        [channelIds],
      );
      for (const row of r.rows) out.set(row.channel, num(row.head));
      return out;
    },
    async page(channelId, afterSeq, limit) {
      const r = await pool.query<{ seq: string; envelope: Buffer; stored_at: string }>(
        'SELECT seq, envelope, stored_at FROM events WHERE channel = $1 AND seq > $2 ORDER BY seq LIMIT $3',
        [channelId, afterSeq, limit],
      );
      return r.rows.map((row): StoredEvent => ({
        seq: num(row.seq),
        envelope: view(row.envelope),
        at: num(row.stored_at),
      }));
    },
    async event(channelId, seq) {
      const r = await pool.query<{ seq: string; envelope: Buffer; stored_at: string }>(
        'SELECT seq, envelope, stored_at FROM events WHERE channel = $1 AND seq = $2',
        [channelId, seq],
      );
      const row = r.rows[0];
      return row ? { seq: num(row.seq), envelope: view(row.envelope), at: num(row.stored_at) } : null;
    },
    async trim(channelId, throughSeq) {
      return tx(async (c) => {
        await raiseFloors(c, [{ channel: channelId, through: throughSeq }]);
        await c.query(
          `UPDATE blobs SET refs = refs - x.n FROM
             (SELECT hash, count(*) AS n FROM event_blobs WHERE channel = $1 AND seq <= $2 GROUP BY hash) x
           WHERE blobs.hash = x.hash`,
          [channelId, throughSeq],
        );
        await c.query('DELETE FROM event_blobs WHERE channel = $1 AND seq <= $2', [channelId, throughSeq]);
        return (
          (await c.query('DELETE FROM events WHERE channel = $1 AND seq <= $2', [channelId, throughSeq])).rowCount ?? 0
        );
      });
    },
    async expire(cutoff) {
      return tx(async (c) => {
        // Relay time never decreases along a channel's seqs, so what goes is a prefix: declare it.
        const expiring = await c.query<{ channel: string; through: string }>(
          'SELECT channel, max(seq) AS through FROM events WHERE stored_at < $1 GROUP BY channel',
          [cutoff],
        );
        await raiseFloors(
          c,
          expiring.rows.map((r) => ({ channel: r.channel, through: num(r.through) })),
        );
        await c.query(
          `UPDATE blobs SET refs = refs - x.n FROM
             (SELECT eb.hash, count(*) AS n FROM event_blobs eb JOIN events e ON e.channel = eb.channel AND e.seq = eb.seq
              WHERE e.stored_at < $1 GROUP BY eb.hash) x
           WHERE blobs.hash = x.hash`,
          [cutoff],
        );
        await c.query(
          'DELETE FROM event_blobs eb USING events e WHERE e.channel = eb.channel AND e.seq = eb.seq AND e.stored_at < $1',
          [cutoff],
        );
        const events = (await c.query('DELETE FROM events WHERE stored_at < $1', [cutoff])).rowCount ?? 0;
        const mail = (await c.query('DELETE FROM mailbox WHERE stored_at < $1', [cutoff])).rowCount ?? 0;
        return { events, mail };
      });
    },
    async mailPut(toDeviceId, messageId, fromDeviceId, payload, now, quota) {
      return tx(async (c): Promise<boolean | MailQuotaHit> => {
        const exists = await c.query('SELECT 1 FROM mailbox WHERE to_device = $1 AND message_id = $2', [
          toDeviceId,
          messageId,
        ]);
        if (exists.rowCount) return false;
        if (quota) {
          // One sender's puts one at a time (relay processes alike), so its caps hold exactly;
          // the per-recipient count may overshoot by the senders racing at that moment.
          await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MAIL_LOCK_SPACE, fromDeviceId]);
          const counts = await c.query<{ pair: string; sender: string; recipient: string }>(
            `SELECT (SELECT count(*) FROM mailbox WHERE from_device = $1 AND to_device = $2) AS pair,
                    (SELECT coalesce(max(waiting), 0) FROM mail_senders WHERE from_device = $1) AS sender,
                    (SELECT count(*) FROM mailbox WHERE to_device = $2) AS recipient`,
            [fromDeviceId, toDeviceId],
          );
          const row = counts.rows[0]!;
          if (num(row.pair) >= quota.perSenderRecipient) return 'sender_recipient_full';
          if (num(row.sender) >= quota.perSender) return 'sender_full';
          if (num(row.recipient) >= quota.perRecipient) return 'recipient_full';
        }
        const r = await c.query(
          `INSERT INTO mailbox (to_device, message_id, from_device, payload, stored_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING`,
          [toDeviceId, messageId, fromDeviceId, buf(payload), now],
        );
        if (r.rowCount === 1) await c.query('SELECT pg_notify($1, $2)', [NOTIFY_MAIL, toDeviceId]);
        return r.rowCount === 1;
      });
    },
    async mailFetch(toDeviceId, limit) {
      const r = await pool.query<{ message_id: string; from_device: string; payload: Buffer; stored_at: string }>(
        `SELECT message_id, from_device, payload, stored_at FROM mailbox WHERE to_device = $1
         ORDER BY stored_at, message_id LIMIT $2`,
        [toDeviceId, limit],
      );
      return r.rows.map((row): MailboxItem => ({
        messageId: row.message_id,
        fromDeviceId: row.from_device,
        payload: view(row.payload),
        storedAt: num(row.stored_at),
      }));
    },
    async mailExpire(cutoff) {
      return (await pool.query('DELETE FROM mailbox WHERE stored_at < $1', [cutoff])).rowCount ?? 0;
    },
    async mailCount(toDeviceId) {
      const r = await pool.query<{ n: string }>('SELECT count(*) AS n FROM mailbox WHERE to_device = $1', [toDeviceId]);
      return num(r.rows[0]?.n ?? 0);
    },
    async mailAck(toDeviceId, messageIds) {
      const r = await pool.query('DELETE FROM mailbox WHERE to_device = $1 AND message_id = ANY($2)', [
        toDeviceId,
        [...messageIds],
      ]);
      return r.rowCount ?? 0;
    },
    async blobBegin(hash, size, ownerDeviceId, now) {
      await pool.query(
        `INSERT INTO blobs (hash, size, received, complete, owner_device, created_at, generation) VALUES ($1, $2, 0, false, $3, $4, $5)
         ON CONFLICT (hash) DO NOTHING`,
        [hash, size, ownerDeviceId, now, newBlobGeneration()],
      );
      const state = (await blobState(hash))!;
      return state.size === size ? state : 'conflict';
    },
    blobState: (hash) => blobState(hash),
    async blobAppend(hash, offset, data, ownerDeviceId) {
      return tx(async (c) => {
        // As on SQLite: a chunk's commit need not wait for the WAL flush (blob_begin tells the
        // device what survived); the completion commit is synchronous and flushes everything before it.
        await c.query('SET LOCAL synchronous_commit = off');
        const state = await blobState(hash, c, true);
        if (state && ownerDeviceId !== undefined && state.ownerDeviceId !== ownerDeviceId) return 'not_owner' as const;
        if (!state || state.complete || state.received !== offset || offset + data.length > state.size)
          return 'conflict' as const;
        await c.query('INSERT INTO blob_chunks (hash, "offset", data) VALUES ($1, $2, $3)', [hash, offset, buf(data)]);
        await c.query('UPDATE blobs SET received = $2 WHERE hash = $1', [hash, offset + data.length]);
        return { ...state, received: offset + data.length };
      });
    },
    async blobAccess(hashes) {
      const out = new Map<string, BlobAccess>();
      const unique = [...new Set(hashes)];
      if (unique.length === 0) return out;
      const r = await pool.query<{ hash: string; owner_device: string; complete: boolean; channels: string[] | null }>(
        `SELECT b.hash, b.owner_device, b.complete,
                (SELECT array_agg(DISTINCT eb.channel) FROM event_blobs eb WHERE eb.hash = b.hash) AS channels
         FROM blobs b WHERE b.hash = ANY($1)`,
        [unique],
      );
      for (const row of r.rows)
        out.set(row.hash, { ownerDeviceId: row.owner_device, complete: row.complete, channels: row.channels ?? [] });
      return out;
    },
    async blobMarkComplete(hash) {
      await pool.query('UPDATE blobs SET complete = true, completed_at = $2 WHERE hash = $1', [hash, Date.now()]);
    },
    async blobRead(hash, offset, length) {
      const end = offset + length;
      const r = await pool.query<{ offset: string; data: Buffer }>(
        `SELECT "offset", data FROM blob_chunks WHERE hash = $1 AND "offset" < $2 AND "offset" + length(data) > $3 ORDER BY "offset"`,
        [hash, end, offset],
      );
      return sliceChunks(
        r.rows.map((row) => ({ offset: num(row.offset), data: view(row.data) })),
        offset,
        end,
      );
    },
    async blobUsage(ownerDeviceId) {
      const r = await pool.query<{ n: string }>(
        'SELECT coalesce(sum(size), 0) AS n FROM blobs WHERE owner_device = $1',
        [ownerDeviceId],
      );
      return num(r.rows[0]?.n ?? 0);
    },
    async blobDiscard(ownerDeviceId, hashes) {
      return tx(async (c) => {
        const r = await c.query<{ hash: string }>(
          'DELETE FROM blobs WHERE hash = ANY($1) AND owner_device = $2 AND refs <= 0 RETURNING hash',
          [[...hashes], ownerDeviceId],
        );
        const removed = r.rows.map((row) => row.hash);
        if (removed.length > 0) await c.query('DELETE FROM blob_chunks WHERE hash = ANY($1)', [removed]);
        return removed.length;
      });
    },
    async blobDelete(hash) {
      await tx(async (c) => {
        await c.query('DELETE FROM blob_chunks WHERE hash = $1', [hash]);
        await c.query('DELETE FROM blobs WHERE hash = $1', [hash]);
      });
    },
    async blobGc(unreferencedBefore, incompleteBefore) {
      return tx(async (c) => {
        const r = await c.query<{ hash: string }>(
          `DELETE FROM blobs WHERE (complete AND refs <= 0 AND completed_at < $1) OR (NOT complete AND created_at < $2) RETURNING hash`,
          [unreferencedBefore, incompleteBefore],
        );
        const hashes = r.rows.map((row) => row.hash);
        if (hashes.length > 0) await c.query('DELETE FROM blob_chunks WHERE hash = ANY($1)', [hashes]);
        return hashes;
      });
    },
    async dirPut(type, subject, dedupeKey, json) {
      // Serialised, so a reader paging by pos never sees pos n+1 before pos n commits.
      return tx(async (c) => {
        await c.query('SELECT pg_advisory_xact_lock($1)', [DIRECTORY_LOCK]);
        const found = await c.query<{ pos: string }>('SELECT pos FROM directory WHERE dedupe_key = $1', [dedupeKey]);
        if (found.rows[0]) return { pos: num(found.rows[0].pos), duplicate: true };
        const r = await c.query<{ pos: string }>(
          'INSERT INTO directory (type, subject, dedupe_key, json) VALUES ($1, $2, $3, $4) RETURNING pos',
          [type, subject, dedupeKey, json],
        );
        const pos = num(r.rows[0]!.pos);
        await c.query('SELECT pg_notify($1, $2)', [NOTIFY_DIR, String(pos)]);
        return { pos, duplicate: false };
      });
    },
    async dirList(afterPos, limit) {
      const r = await pool.query<{ pos: string; type: string; subject: string; json: string }>(
        'SELECT pos, type, subject, json FROM directory WHERE pos > $1 ORDER BY pos LIMIT $2',
        [afterPos, limit],
      );
      return r.rows.map((row): DirectoryEntry => ({
        pos: num(row.pos),
        type: row.type,
        subject: row.subject,
        json: row.json,
      }));
    },
    async noteChannelCreated(deviceId, channelId, at) {
      await pool.query(
        'INSERT INTO channel_creations (device_id, channel_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [deviceId, channelId, at],
      );
    },
    async channelsCreatedSince(deviceId, since) {
      const r = await pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM channel_creations WHERE device_id = $1 AND created_at >= $2',
        [deviceId, since],
      );
      return num(r.rows[0]?.n ?? 0);
    },
    async burnEnrolment(enrolmentId, deviceId) {
      const r = await pool.query(
        'INSERT INTO enrolments_burnt (enrolment_id, device_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [enrolmentId, deviceId],
      );
      return r.rowCount === 1;
    },
    async markSeen(rows) {
      // One statement for the lot, one row per device (an upsert may touch a row once); a row
      // older than the stored one is ignored (relay processes race).
      const latest = new Map<string, DeviceSeenRow>();
      for (const r of rows) if ((latest.get(r.deviceId)?.lastSeenAt ?? -1) <= r.lastSeenAt) latest.set(r.deviceId, r);
      if (latest.size === 0) return;
      const unique = [...latest.values()];
      await pool.query(
        `INSERT INTO device_seen (device_id, last_seen_at, online, protocol, app_version)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::boolean[], $4::integer[], $5::text[])
         ON CONFLICT (device_id) DO UPDATE SET last_seen_at = excluded.last_seen_at, online = excluded.online,
           protocol = coalesce(excluded.protocol, device_seen.protocol),
           app_version = CASE WHEN excluded.protocol IS NULL THEN device_seen.app_version ELSE excluded.app_version END
         WHERE excluded.last_seen_at >= device_seen.last_seen_at`,
        [
          unique.map((r) => r.deviceId),
          unique.map((r) => r.lastSeenAt),
          unique.map((r) => r.online),
          unique.map((r) => r.protocol ?? null),
          unique.map((r) => (r.protocol === undefined ? null : (r.appVersion ?? null))),
        ],
      );
    },
    async seenDevices() {
      const r = await pool.query<{
        device_id: string;
        last_seen_at: string;
        online: boolean;
        protocol: number | null;
        app_version: string | null;
      }>('SELECT device_id, last_seen_at, online, protocol, app_version FROM device_seen');
      return r.rows.map((row): DeviceSeenRow => ({
        deviceId: row.device_id,
        lastSeenAt: num(row.last_seen_at),
        online: row.online,
        ...(row.protocol === null ? {} : { protocol: row.protocol, appVersion: row.app_version }),
      }));
    },
    onRemoteCommit: (l) => void commitListeners.push(l),
    onRemoteDirectory: (l) => void dirListeners.push(l),
    onRemoteMail: (l) => void mailListeners.push(l),
    async metaGet(key) {
      const r = await pool.query<{ value: string }>('SELECT value FROM relay_meta WHERE key = $1', [key]);
      return r.rows[0]?.value ?? null;
    },
    async metaSetOnce(key, value) {
      await pool.query('INSERT INTO relay_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
        key,
        value,
      ]);
      const r = await pool.query<{ value: string }>('SELECT value FROM relay_meta WHERE key = $1', [key]);
      return r.rows[0]!.value;
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async probeWritable() {
      const row = (await pool.query<{ v: number | null }>('SELECT max(version) AS v FROM relay_schema')).rows[0];
      if ((row?.v ?? 0) !== POSTGRES_SCHEMA_VERSION)
        throw new Error(`database has relay schema ${row?.v ?? 0}, this relay writes ${POSTGRES_SCHEMA_VERSION}`);
      await pool.query(
        'INSERT INTO relay_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [PROBE_META, String(Date.now())],
      );
    },
    async usage() {
      const r = await pool.query<{ mail: string; bytes: string }>(
        'SELECT (SELECT count(*) FROM mailbox) AS mail, (SELECT coalesce(sum(received), 0) FROM blobs) AS bytes',
      );
      return { mailboxItems: num(r.rows[0]!.mail), blobBytes: num(r.rows[0]!.bytes) };
    },
    async close() {
      closed = true;
      await listener?.end().catch(() => {});
      await pool.end();
    },
  };
}

class DuplicateRace extends Error {}

/** The answer to a client event id another device's event in the channel holds (see AppendResult.taken). */
const TAKEN: AppendResult = { seq: 0, duplicate: false, at: 0, taken: true };
