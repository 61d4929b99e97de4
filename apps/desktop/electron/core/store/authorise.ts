// Who may change what in a channel: one table, one pure function. Every event a client applies
// (received from the relay, or its own once queued or sent) passes `authorise` before it touches
// any state, with facts taken from the signed roster and organisation records as the local store
// holds them at that point of the log (authorise-facts.ts). A sealed envelope only proves that a
// member sent it; this table decides whether that member may do what it asks, the same way on
// every client. docs/protocol.md "Authorisation" is this table in prose.
import type { ChannelEventPayload, ChannelEventType } from '@klinikfunk/protocol/domain/events.ts';
import { declarationOf } from './content-features.ts';

/**
 * - `member`: any member (the envelope check already proved membership at the event's epoch).
 * - `channel_admin`: an admin of the channel's roster at the event's epoch; in the organisation-
 *   wide channel, whose roster only the org key signs and where everybody is a member, an
 *   organisation admin (user record role `admin`).
 * - `author`: the user who created the thing the event changes (message, poll).
 * - `author_or_channel_admin`: that user, or a channel admin (as above).
 * - `new_or_author_or_channel_admin`: anyone may create a new thing; an existing one as above.
 */
export type Authority =
  'member' | 'channel_admin' | 'author' | 'author_or_channel_admin' | 'new_or_author_or_channel_admin';

export interface Rule {
  who: Authority;
  /**
   * The message the event names must be in the store (`unknown_target` otherwise, so one opened
   * before its message waits for it, store/apply.ts), also where any member may do it.
   */
  target?: true;
  /**
   * Refused with this code when the thing the event changes is locked against it (the feature's
   * `locked`, store/content-features.ts): an urgent message somebody has acknowledged is never
   * edited (what they confirmed stays what they read).
   */
  unlessLocked?: 'acknowledged_urgent';
}

/**
 * The rows of the event types the store materialises itself. A feature folder's event types bring
 * their row with them (their `events` declaration, store/content-features.ts, registered by
 * features/store-features.ts): messages, polls, files, calendar, pins, reactions, roles.
 */
export const STORE_RULES = {
  'channel.update': { who: 'channel_admin' },
  'channel.announce': { who: 'member' },
  'channel.unannounce': { who: 'member' },
  'channel.join_request': { who: 'member' },
} as const satisfies Partial<Record<ChannelEventType, Rule>>;

/** The event types the store materialises itself; every other one is a registered feature's. */
export type StoreEventType = keyof typeof STORE_RULES;
export type StoreEventPayload = Extract<ChannelEventPayload, { type: StoreEventType }>;

export const isStoreEvent = (payload: ChannelEventPayload): payload is StoreEventPayload =>
  Object.hasOwn(STORE_RULES, payload.type);

/** The rule table's row for an event type: the store's, or the registered feature's (throws when neither has one). */
export function ruleOf(type: ChannelEventType): Rule {
  const rule: Rule | undefined = Object.hasOwn(STORE_RULES, type)
    ? STORE_RULES[type as StoreEventType]
    : declarationOf(type)?.rule;
  if (!rule) throw new Error(`no rule for event type ${type} (features/registry.ts)`);
  return rule;
}

export interface AuthorityFacts {
  senderUserId: string;
  /** The sender's role in the channel's roster at the event's epoch; null when not in it. */
  channelRole: 'admin' | 'member' | null;
  /** The channel is the organisation-wide (directory) channel. */
  orgWide: boolean;
  /** The sender's user record says role `admin` (organisation admin). */
  orgAdmin: boolean;
  /**
   * Who created the message, poll, calendar entry or pin the event changes (for `pin.add`, the
   * pinned message's sender): a user id; null when the target is not in the store; undefined for
   * event types that change no existing thing.
   */
  author?: string | null;
  /**
   * For a rule with `unlessLocked`: the thing the event changes is locked against it (an urgent
   * message acknowledged by someone other than its author).
   */
  locked?: boolean;
}

const REFUSALS = ['not_channel_admin', 'not_org_admin', 'not_author', 'unknown_target', 'acknowledged_urgent'] as const;
export type AuthorityRefusal = (typeof REFUSALS)[number];

export const isAuthorityRefusal = (reason: string): reason is AuthorityRefusal =>
  (REFUSALS as readonly string[]).includes(reason);

/** Null when the sender may do this; otherwise why not (logged, never applied). */
export function authorise(type: ChannelEventType, facts: AuthorityFacts): AuthorityRefusal | null {
  const rule = ruleOf(type);
  const admin = facts.orgWide ? facts.orgAdmin : facts.channelRole === 'admin';
  const adminRefusal: AuthorityRefusal = facts.orgWide ? 'not_org_admin' : 'not_channel_admin';
  if (rule.target && (facts.author === null || facts.author === undefined)) return 'unknown_target';
  switch (rule.who) {
    case 'member':
      return null;
    case 'channel_admin':
      return admin ? null : adminRefusal;
    case 'author':
      if (facts.author === null || facts.author === undefined) return 'unknown_target';
      if (facts.author !== facts.senderUserId) return 'not_author';
      break;
    case 'author_or_channel_admin':
      if (facts.author === null || facts.author === undefined) return 'unknown_target';
      if (facts.author !== facts.senderUserId && !admin) return 'not_author';
      break;
    case 'new_or_author_or_channel_admin':
      if (facts.author !== null && facts.author !== undefined && facts.author !== facts.senderUserId && !admin)
        return 'not_author';
      break;
  }
  if (rule.unlessLocked && facts.locked) return rule.unlessLocked;
  return null;
}
