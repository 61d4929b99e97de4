// Escalations in the PostgreSQL store (escalation-store.ts). Several relay processes release from
// one database: each takes due rows with FOR UPDATE SKIP LOCKED and deletes them in the
// transaction that puts them into the mailbox, so every item is released once; an
// acknowledgement locks the escalation row and deletes what is left in its own transaction.
import type pg from 'pg';
import {
  sameHash,
  type EscalationAckResult,
  type EscalationPutResult,
  type EscalationStore,
  type ReleasedEscalationItem,
} from './escalation-store.ts';

const num = (v: unknown): number => Number(v);
const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const buf = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));
/** Serialises one sender's escalation puts (transaction-scoped), so its pending cap holds exactly. */
const ESCALATION_LOCK_SPACE = 0x6b66_0004;

const RELEASE_SQL = `
WITH due AS (
  DELETE FROM escalation_items WHERE ctid IN (
    SELECT ctid FROM escalation_items WHERE deadline <= $1 ORDER BY deadline LIMIT $2 FOR UPDATE SKIP LOCKED
  ) RETURNING escalation_id, step, to_device, message_id, from_device, deadline, payload
), mailed AS (
  INSERT INTO mailbox (to_device, message_id, from_device, payload, stored_at)
  SELECT to_device, message_id, from_device, payload, $1 FROM due
  ON CONFLICT DO NOTHING RETURNING to_device, message_id
)
SELECT d.* FROM due d JOIN mailed m ON m.to_device = d.to_device AND m.message_id = d.message_id`;

export interface PostgresParts {
  pool: pg.Pool;
  tx<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T>;
  /** NOTIFY channel other relay processes listen on for mailbox deliveries. */
  notifyMail: string;
}

export function postgresEscalations({ pool, tx, notifyMail }: PostgresParts): EscalationStore {
  return {
    put(input, maxPending) {
      return tx(async (c): Promise<EscalationPutResult> => {
        await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ESCALATION_LOCK_SPACE, input.fromDeviceId]);
        const known = await c.query<{ from_device: string }>(
          'SELECT from_device FROM escalations WHERE escalation_id = $1',
          [input.escalationId],
        );
        if (known.rows[0]) return known.rows[0].from_device === input.fromDeviceId ? 'duplicate' : 'taken';
        const pending = await c.query<{ n: string }>(
          'SELECT count(DISTINCT escalation_id) AS n FROM escalation_items WHERE from_device = $1',
          [input.fromDeviceId],
        );
        if (num(pending.rows[0]?.n ?? 0) >= maxPending) return 'sender_full';
        const inserted = await c.query(
          `INSERT INTO escalations (escalation_id, from_device, token_hash, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING`,
          [input.escalationId, input.fromDeviceId, buf(input.tokenHash), input.createdAt],
        );
        // Another sender's put of the same id won the race after our check: theirs it is.
        if (inserted.rowCount !== 1) return 'taken';
        const items = input.steps.flatMap((step, i) =>
          step.items.map((item) => ({ ...item, step: i, deadline: step.deadline })),
        );
        await c.query(
          `INSERT INTO escalation_items (escalation_id, step, to_device, message_id, from_device, deadline, payload)
           SELECT $1, s, t, m, $2, d, p FROM unnest($3::int[], $4::text[], $5::text[], $6::bigint[], $7::bytea[]) AS x(s, t, m, d, p)
           ON CONFLICT DO NOTHING`,
          [
            input.escalationId,
            input.fromDeviceId,
            items.map((i) => i.step),
            items.map((i) => i.toDeviceId),
            items.map((i) => i.messageId),
            items.map((i) => i.deadline),
            items.map((i) => buf(i.payload)),
          ],
        );
        return 'stored';
      });
    },
    ack(escalationId, tokenHash, now) {
      return tx(async (c): Promise<EscalationAckResult> => {
        const r = await c.query<{ token_hash: Buffer; acked_at: string | null }>(
          'SELECT token_hash, acked_at FROM escalations WHERE escalation_id = $1 FOR UPDATE',
          [escalationId],
        );
        const row = r.rows[0];
        if (!row) return { result: 'not_found' };
        if (!sameHash(view(row.token_hash), tokenHash)) return { result: 'bad_token' };
        if (row.acked_at !== null) return { result: 'already' };
        await c.query('UPDATE escalations SET acked_at = $1 WHERE escalation_id = $2', [now, escalationId]);
        const dropped = await c.query('DELETE FROM escalation_items WHERE escalation_id = $1', [escalationId]);
        return { result: 'stopped', dropped: dropped.rowCount ?? 0 };
      });
    },
    releaseDue(now, limit) {
      return tx(async (c): Promise<ReleasedEscalationItem[]> => {
        const r = await c.query<{
          escalation_id: string;
          step: number;
          to_device: string;
          message_id: string;
          from_device: string;
          deadline: string;
          payload: Buffer;
        }>(RELEASE_SQL, [now, limit]);
        for (const to of new Set(r.rows.map((row) => row.to_device)))
          await c.query('SELECT pg_notify($1, $2)', [notifyMail, to]);
        return r.rows.map((row) => ({
          toDeviceId: row.to_device,
          messageId: row.message_id,
          fromDeviceId: row.from_device,
          payload: view(row.payload),
          storedAt: now,
          escalationId: row.escalation_id,
          step: num(row.step),
          deadline: num(row.deadline),
        }));
      });
    },
    async nextDeadline() {
      const r = await pool.query<{ d: string | null }>('SELECT min(deadline) AS d FROM escalation_items');
      const d = r.rows[0]?.d ?? null;
      return d === null ? null : num(d);
    },
    async pendingItems() {
      const r = await pool.query<{ n: string }>('SELECT count(*) AS n FROM escalation_items');
      return num(r.rows[0]?.n ?? 0);
    },
    async expire(cutoff) {
      const r = await pool.query(
        `DELETE FROM escalations e WHERE e.created_at < $1
         AND NOT EXISTS (SELECT 1 FROM escalation_items i WHERE i.escalation_id = e.escalation_id)`,
        [cutoff],
      );
      return r.rowCount ?? 0;
    },
  };
}
