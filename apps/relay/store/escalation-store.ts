// What the relay keeps of urgent messages' escalations (docs/relay-protocol.md, "Escalations"):
// per escalation the SHA-256 of its acknowledgement token, and its pre-sealed items with the
// relay time each step is due. Items are ciphertext the relay cannot open; released ones become
// ordinary mailbox items. Both stores implement it (sqlite-escalations.ts, postgres-escalations.ts)
// and run one contract test (tests/integration/relay/escalation-store.test.ts).
import { timingSafeEqual } from 'node:crypto';
import type { MailboxItem } from './store.ts';

export interface EscalationItemInput {
  toDeviceId: string;
  messageId: string;
  payload: Uint8Array;
}

export interface EscalationInput {
  escalationId: string;
  fromDeviceId: string;
  /** SHA-256 of the acknowledgement token (32 bytes). */
  tokenHash: Uint8Array;
  /** Relay time the relay took it. */
  createdAt: number;
  /** Steps in order, each with its deadline (relay time). */
  steps: ReadonlyArray<{ deadline: number; items: readonly EscalationItemInput[] }>;
}

/**
 * stored: new. duplicate: the same sender sent this escalation id before (a retry; nothing
 * changes). taken: another device's escalation has the id. sender_full: the sender has
 * `maxPending` escalations with steps still pending.
 */
export type EscalationPutResult = 'stored' | 'duplicate' | 'taken' | 'sender_full';

/**
 * stopped: the token matched and the escalation's pending items were dropped (`dropped` of them;
 * 0 when every step had been released already). already: stopped before (an acknowledgement
 * sent again). bad_token: the token is not this escalation's. not_found: no such escalation.
 */
export type EscalationAckResult =
  { result: 'stopped'; dropped: number } | { result: 'already' | 'bad_token' | 'not_found' };

/** A released item: now in `toDeviceId`'s mailbox, stamped with the release time. */
export interface ReleasedEscalationItem extends MailboxItem {
  toDeviceId: string;
  escalationId: string;
  step: number;
  /** When it was due (relay time): storedAt - deadline is how late the release was. */
  deadline: number;
}

export interface EscalationStore {
  put(input: EscalationInput, maxPending: number): Promise<EscalationPutResult>;
  /** Stops the escalation if `tokenHash` is its token's hash; checked and applied in one transaction. */
  ack(escalationId: string, tokenHash: Uint8Array, now: number): Promise<EscalationAckResult>;
  /**
   * Moves up to `limit` items due at `now` (deadline <= now, earliest first) into their recipients'
   * mailboxes, stamped `now`, in one transaction; each item is released once, whichever relay
   * process gets to it (PostgreSQL: rows taken with SKIP LOCKED).
   */
  releaseDue(now: number, limit: number): Promise<ReleasedEscalationItem[]>;
  /** The earliest pending deadline (null: nothing pending). */
  nextDeadline(): Promise<number | null>;
  /** Items pending in all (metrics, the bench). */
  pendingItems(): Promise<number>;
  /** Deletes escalations created before `cutoff` with nothing pending (mail expiry). */
  expire(cutoff: number): Promise<number>;
}

/** Constant-time comparison of two token hashes (both 32 bytes; another length never matches). */
export function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
