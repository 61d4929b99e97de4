// Escalations in the embedded store (escalation-store.ts): one relay process per file, so a
// release is a plain IMMEDIATE transaction that moves due items into the mailbox.
import type Database from 'better-sqlite3-multiple-ciphers';
import {
  sameHash,
  type EscalationAckResult,
  type EscalationInput,
  type EscalationPutResult,
  type EscalationStore,
  type ReleasedEscalationItem,
} from './escalation-store.ts';

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const view = (v: unknown): Uint8Array => {
  const b = v as Buffer;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
};
const buf = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

export function sqliteEscalations(db: Database.Database): EscalationStore {
  const q = {
    find: db.prepare('SELECT from_device, token_hash, acked_at FROM escalations WHERE escalation_id = ?'),
    pendingOf: db.prepare('SELECT count(DISTINCT escalation_id) FROM escalation_items WHERE from_device = ?').pluck(),
    insert: db.prepare(
      'INSERT INTO escalations (escalation_id, from_device, token_hash, created_at) VALUES (?, ?, ?, ?)',
    ),
    insertItem: db.prepare(
      `INSERT OR IGNORE INTO escalation_items (escalation_id, step, to_device, message_id, from_device, deadline, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    stop: db.prepare('UPDATE escalations SET acked_at = ? WHERE escalation_id = ?'),
    dropItems: db.prepare('DELETE FROM escalation_items WHERE escalation_id = ?'),
    due: db.prepare(
      `SELECT rowid, escalation_id, step, to_device, message_id, from_device, deadline, payload
       FROM escalation_items WHERE deadline <= ? ORDER BY deadline LIMIT ?`,
    ),
    toMailbox: db.prepare(
      'INSERT OR IGNORE INTO mailbox (to_device, message_id, from_device, payload, stored_at) VALUES (?, ?, ?, ?, ?)',
    ),
    dropItem: db.prepare('DELETE FROM escalation_items WHERE rowid = ?'),
    next: db.prepare('SELECT min(deadline) FROM escalation_items').pluck(),
    count: db.prepare('SELECT count(*) FROM escalation_items').pluck(),
    expire: db.prepare(
      `DELETE FROM escalations WHERE created_at < ?
       AND NOT EXISTS (SELECT 1 FROM escalation_items i WHERE i.escalation_id = escalations.escalation_id)`,
    ),
  };

  const putTx = db.transaction((input: EscalationInput, maxPending: number): EscalationPutResult => {
    const known = q.find.get(input.escalationId) as Row | undefined;
    if (known) return String(known.from_device) === input.fromDeviceId ? 'duplicate' : 'taken';
    if (num(q.pendingOf.get(input.fromDeviceId)) >= maxPending) return 'sender_full';
    q.insert.run(input.escalationId, input.fromDeviceId, buf(input.tokenHash), input.createdAt);
    input.steps.forEach((step, i) => {
      for (const item of step.items)
        q.insertItem.run(
          input.escalationId,
          i,
          item.toDeviceId,
          item.messageId,
          input.fromDeviceId,
          step.deadline,
          buf(item.payload),
        );
    });
    return 'stored';
  });

  const ackTx = db.transaction((escalationId: string, tokenHash: Uint8Array, now: number): EscalationAckResult => {
    const row = q.find.get(escalationId) as Row | undefined;
    if (!row) return { result: 'not_found' };
    if (!sameHash(view(row.token_hash), tokenHash)) return { result: 'bad_token' };
    if (row.acked_at !== null) return { result: 'already' };
    q.stop.run(now, escalationId);
    return { result: 'stopped', dropped: q.dropItems.run(escalationId).changes };
  });

  const releaseTx = db.transaction((now: number, limit: number): ReleasedEscalationItem[] => {
    const out: ReleasedEscalationItem[] = [];
    for (const r of q.due.all(now, limit) as Row[]) {
      q.dropItem.run(r.rowid);
      const payload = view(r.payload);
      // A message id the recipient's mailbox holds already (a released copy not yet fetched): kept once.
      if (q.toMailbox.run(r.to_device, r.message_id, r.from_device, buf(payload), now).changes === 0) continue;
      out.push({
        toDeviceId: String(r.to_device),
        messageId: String(r.message_id),
        fromDeviceId: String(r.from_device),
        payload: new Uint8Array(payload),
        storedAt: now,
        escalationId: String(r.escalation_id),
        step: num(r.step),
        deadline: num(r.deadline),
      });
    }
    return out;
  });

  return {
    async put(input, maxPending) {
      return putTx.immediate(input, maxPending);
    },
    async ack(escalationId, tokenHash, now) {
      return ackTx.immediate(escalationId, tokenHash, now);
    },
    async releaseDue(now, limit) {
      return releaseTx.immediate(now, limit);
    },
    async nextDeadline() {
      const v = q.next.get();
      return v === null || v === undefined ? null : num(v);
    },
    async pendingItems() {
      return num(q.count.get());
    },
    async expire(cutoff) {
      return q.expire.run(cutoff).changes;
    },
  };
}
