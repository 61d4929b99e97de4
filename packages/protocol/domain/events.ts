// Decrypted channel event payloads: what travels inside an envelope and what the store
// materialises. Every payload has a `type`; the envelope's content type names the family
// (message, poll, file, calendar, receipt). Schemas are strict, so an unknown field from a newer
// client is refused rather than half-applied; a newer client bumps the type's version instead.
import { z } from 'zod';
import { alertAck, alertSend, templateDefine } from './alert-events.ts';
import { roleConversation, roleDefine, roleEscalation, roleHold, roleSchedule } from './role-events.ts';
import { escalationArm } from './escalation.ts';
import { availabilityForward, availabilitySet } from './availability-events.ts';

const id = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);
const text = (max: number) => z.string().max(max);

export const messageCreate = z.strictObject({
  type: z.literal('message.create'),
  body: text(20_000),
  /** User ids mentioned with @ (resolved by the sender from the directory). */
  mentions: z.array(id).max(200).default([]),
  replyTo: id.nullable().default(null),
  /** Urgent messages must be acknowledged by every member. */
  urgent: z.boolean().default(false),
});

export const messageEdit = z.strictObject({
  type: z.literal('message.edit'),
  messageId: id,
  body: text(20_000),
  mentions: z.array(id).max(200).default([]),
});
export const messageDelete = z.strictObject({ type: z.literal('message.delete'), messageId: id });
export const messageAck = z.strictObject({ type: z.literal('message.ack'), messageId: id });
export const readReceipt = z.strictObject({ type: z.literal('read.receipt'), upToSeq: z.number().int().nonnegative() });
/**
 * Pins a message to the channel's list of pinned messages (any member); `pin.remove` takes the pin
 * off (the member who pinned it, or a channel admin). Rules: apps/desktop/electron/core/store/authorise.ts.
 */
export const pinAdd = z.strictObject({ type: z.literal('pin.add'), messageId: id });
export const pinRemove = z.strictObject({ type: z.literal('pin.remove'), messageId: id });
/**
 * The fixed quick reactions (no free text: the TI-Messenger rules allow reactions only from a set
 * the clinic's clients all know). A value outside it fails the schema, so the event is refused.
 */
export const REACTIONS = ['👍', '✅', '👀', '🙏'] as const;
export const reactionValue = z.enum(REACTIONS);
/**
 * Adds the sender's reaction to a message (any member; the message must be here); `reaction.remove`
 * takes the sender's own reaction off again. Rules: apps/desktop/electron/core/store/authorise.ts.
 */
export const reactionAdd = z.strictObject({ type: z.literal('reaction.add'), messageId: id, reaction: reactionValue });
export const reactionRemove = z.strictObject({
  type: z.literal('reaction.remove'),
  messageId: id,
  reaction: reactionValue,
});

export const pollCreate = z.strictObject({
  type: z.literal('poll.create'),
  question: text(500).min(1),
  options: z
    .array(z.strictObject({ id: z.string().min(1).max(16), label: text(200).min(1) }))
    .min(2)
    .max(20),
  multipleChoice: z.boolean(),
  deadline: z.number().int().nullable(),
  hideVoters: z.boolean(),
});
export const pollVote = z.strictObject({
  type: z.literal('poll.vote'),
  pollId: id,
  optionIds: z.array(z.string().max(16)).max(20),
});
export const pollClose = z.strictObject({ type: z.literal('poll.close'), pollId: id });

/** With the thumbnail, one below the relay's MAX_EVENT_BLOBS; segments grow with the file instead. */
export const MAX_FILE_PARTS = 63;
export const fileShare = z.strictObject({
  type: z.literal('file.share'),
  name: text(255).min(1),
  mimeType: text(128),
  size: z.number().int().nonnegative(),
  /** The ciphertext's address in the relay's blob store (hex SHA-256); with `parts`, the parts' id (blob-cache.ts partsId). */
  blobId: z.string().min(8).max(128),
  /**
   * Large files: the relay blobs (hex SHA-256 each) that hold the ciphertext, in order, uploaded
   * while the file was still being encrypted. Absent: the one blob `blobId`.
   */
  parts: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .min(2)
    .max(MAX_FILE_PARTS)
    .optional(),
  /** base64url of the 32-byte file key, and of the ciphertext's hash: BLAKE2b-256 for one blob, the 32 bytes of blobId (partsId) for a file in parts. */
  keyB64: z.string().length(43),
  hashB64: z.string().length(43),
  /** Encrypted thumbnail blob, for images. */
  thumbnailBlobId: z.string().max(128).nullable().default(null),
  caption: text(2000).default(''),
});

/** Most files one `file.group` names: a tray with more is sent as several groups. */
export const MAX_FILE_GROUP = 20;
/**
 * Several files sent together with one caption (the attach tray): sent right after their
 * `file.share` events, it names them in order, so a workstation shows them as one item with the
 * caption once. It names only the sender's own shares (others are ignored). A workstation from
 * before it refuses the unknown type and still shows each file, the caption under the first, so
 * the shares themselves carry nothing new.
 */
export const fileGroup = z.strictObject({
  type: z.literal('file.group'),
  fileIds: z
    .array(id)
    .min(2)
    .max(MAX_FILE_GROUP)
    .refine((ids) => new Set(ids).size === ids.length, 'a file is named twice'),
});

const rsvp = z.enum(['yes', 'no', 'maybe']);
export const calendarPut = z.strictObject({
  type: z.literal('calendar.put'),
  uid: id,
  title: text(300).min(1),
  start: z.number().int(),
  end: z.number().int(),
  allDay: z.boolean(),
  timeZone: text(64),
  location: text(300).optional(),
  description: text(5000).optional(),
  meetingUrl: z.string().url().startsWith('https://').max(2000).optional(),
  rrule: text(500).optional(),
  attendees: z.array(z.strictObject({ userId: id, name: text(200) })).max(500),
});
export const calendarCancel = z.strictObject({ type: z.literal('calendar.cancel'), uid: id });
export const calendarRsvp = z.strictObject({ type: z.literal('calendar.rsvp'), uid: id, rsvp });
/**
 * Bounds of a recurrence id that need no other event to check (1900 to 2200), so every client
 * decides alike whatever else it has seen. The bound that keeps expansion cheap is relative to
 * the series (at most 10 years after its start) and is applied when the series is expanded
 * (apps/desktop/electron/core/calendar/recurrence.ts), since the series may change or arrive later.
 */
export const RECURRENCE_ID_MIN = Date.UTC(1900, 0, 1);
export const RECURRENCE_ID_MAX = Date.UTC(2200, 0, 1);
/** Where the series puts the occurrence (iCalendar RECURRENCE-ID): its start, UTC ms; all-day series: midnight UTC. */
const recurrenceId = z.number().int().min(RECURRENCE_ID_MIN).max(RECURRENCE_ID_MAX);
/** One occurrence of a recurring entry changed on its own: its whole new version (attendees, link and all-day stay the series'). */
export const calendarOccurrencePut = z.strictObject({
  type: z.literal('calendar.occurrence.put'),
  uid: id,
  recurrenceId,
  title: text(300).min(1),
  start: z.number().int(),
  end: z.number().int(),
  location: text(300).optional(),
  description: text(5000).optional(),
});
/** One occurrence of a recurring entry called off; the rest of the series stays (an EXDATE in iCalendar). */
export const calendarOccurrenceCancel = z.strictObject({
  type: z.literal('calendar.occurrence.cancel'),
  uid: id,
  recurrenceId,
});

/** Channel name, topic and settings travel encrypted: the relay never sees them. */
export const channelUpdate = z.strictObject({
  type: z.literal('channel.update'),
  name: text(100).min(1),
  topic: text(500).default(''),
  historyForNewMembers: z.boolean(),
  retentionDays: z.number().int().min(0).max(3650).nullable(),
});

/**
 * Channel discovery (docs/protocol.md "Discoverable channels"). These three travel only in the
 * organisation's directory channel, whose roster is every active user, so the relay sees neither
 * the name nor which channel is announced. An announcement counts only while its sender is an
 * admin of the announced channel's signed roster (checked when listing, not when applying, because
 * the roster record may arrive after the event).
 */
export const channelAnnounce = z.strictObject({
  type: z.literal('channel.announce'),
  channelId: id,
  name: text(100).min(1),
  topic: text(500).default(''),
  kind: z.literal('channel'),
  historyForNewMembers: z.boolean().default(false),
});
export const channelUnannounce = z.strictObject({ type: z.literal('channel.unannounce'), channelId: id });
/**
 * A user asks to join an announced channel. `knownEpoch` is the channel's roster epoch the
 * requester saw: the request is fulfilled once the requester is in any roster after it, so an old
 * request never re-adds someone who has left since (no clocks involved).
 */
export const channelJoinRequest = z.strictObject({
  type: z.literal('channel.join_request'),
  channelId: id,
  knownEpoch: z.number().int().min(0).max(0xffffffff),
});

export const channelEventPayload = z.discriminatedUnion('type', [
  channelUpdate,
  channelAnnounce,
  channelUnannounce,
  channelJoinRequest,
  messageCreate,
  messageEdit,
  messageDelete,
  messageAck,
  readReceipt,
  pinAdd,
  pinRemove,
  reactionAdd,
  reactionRemove,
  pollCreate,
  pollVote,
  pollClose,
  fileShare,
  fileGroup,
  calendarPut,
  calendarCancel,
  calendarRsvp,
  calendarOccurrencePut,
  calendarOccurrenceCancel,
  roleDefine,
  roleSchedule,
  roleHold,
  roleConversation,
  templateDefine,
  alertSend,
  alertAck,
  roleEscalation,
  escalationArm,
  availabilitySet,
  availabilityForward,
]);

export type ChannelEventPayload = z.output<typeof channelEventPayload>;
export type ChannelEventType = ChannelEventPayload['type'];

/** A decrypted, verified event as the sync engine hands it to the store. */
export interface ChannelEvent {
  /** The sender's client event id (base64url of 16 bytes): unique per channel. */
  eventId: string;
  channelId: string;
  /** The relay's sequence number in the channel; null while a local send is pending. */
  seq: number | null;
  senderUserId: string;
  senderDeviceId: string;
  /** The sender's clock (UTC ms), signed inside the envelope (`sentAt`); what the UI shows. */
  createdAt: number;
  /**
   * When the relay accepted it (UTC ms, the relay's clock): time rules such as poll deadlines
   * decide by it, so no sender's clock matters. Null or absent while a local send is pending, and
   * for events from before relays stamped them (then createdAt stands in).
   */
  relayAt?: number | null;
  /**
   * When it was written, in relay time: the sender's `sentAt` moved by the offset to the relay's
   * clock it learned from its acks (signed `writtenAtRelay`). Compared with relayAt it tells a
   * delivery delayed by an outage from a sender's wrong clock. Null or absent from older senders.
   */
  writtenAtRelay?: number | null;
  /**
   * The roster epoch the envelope was sealed in (signed in its header): the roster that decides
   * what the sender may do (apps/desktop/electron/core/store/authorise.ts). Absent for events queued on this
   * device; then the current roster decides.
   */
  epoch?: number | null;
  payload: ChannelEventPayload;
}
