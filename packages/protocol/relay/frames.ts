// size: every relay frame schema in one list, so the version window and the frozen-schema test see all of them.
// Wire frames between a Klinikfunk device and the relay. One JSON object per WebSocket text
// frame; every frame has a type `t`. Requests carry a client-chosen `id` (a positive integer)
// that the relay copies into its answer or error, so a client can have many requests in flight.
// Opaque bytes (envelopes, mailbox payloads, auth signatures) travel as base64url without
// padding. Why JSON: every frame is validated by the same zod schema on both ends, frames are
// readable in a packet capture without tooling, and base64's one-third overhead is small next to
// the envelope padding buckets. Blob chunks are the exception: they are bulk data, so they travel
// as binary messages with a JSON header (binary-frame.ts). See docs/relay-protocol.md for the
// sequence diagrams and the limits.
//
// The relay never looks inside envelopes, mailbox payloads or blobs: they are ciphertext.
import { z } from 'zod';
import { isBase64Url } from '../wire/bytes.ts';
import { MAX_SIGN_IN_SEALED_BYTES, signInOutcomeSchema } from '../wire/directory-sign-in.ts';

/**
 * The protocol this build speaks. The relay also serves the version before it
 * (packages/protocol/relay/version-window.ts), so relay and workstations need not be updated at once.
 * v4: `hello.app` (the device's app version) and `appVersion`/`protocol` per device in
 * `devices_seen_result`. v3: relay incarnations, declared history start, restore points.
 */
export const RELAY_PROTOCOL_VERSION = 4;

/** Largest WebSocket message the relay accepts: a JSON text, or a binary blob chunk with its header. */
export const MAX_FRAME_BYTES = 1024 * 1024 + 1024;
/** Most blobs one event may refer to: a large file's segments and its thumbnail. */
export const MAX_EVENT_BLOBS = 64;
/** Largest envelope (decoded bytes); the padded size buckets of the envelope format stay below it. */
export const MAX_ENVELOPE_BYTES = 256 * 1024;
/** Largest mailbox payload (key shares, wipe orders). */
export const MAX_MAILBOX_BYTES = 64 * 1024;
/** Blob chunk size used by uploads and downloads (the last chunk may be shorter). */
export const BLOB_CHUNK_BYTES = 1024 * 1024;
/** Largest number of envelopes in one page. */
export const MAX_PAGE = 1000;
/** Largest cursor vector in one sync request. */
export const MAX_CURSORS = 10_000;
/** Largest device list in one devices_seen_result (an organisation's devices, revoked ones included). */
export const MAX_DEVICES_SEEN = 20_000;

/** Canonical base64url without padding (wire/bytes.ts): one text per byte string, so both ends decode what the schema passed. */
const b64 = z.string().refine(isBase64Url, 'canonical base64url without padding');
const b64Max = (bytes: number) =>
  z
    .string()
    .max(Math.ceil((bytes * 4) / 3))
    .refine(isBase64Url, 'canonical base64url without padding');
/** Same alphabet and length as the ids of packages/protocol/wire records. */
export const relayIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'id: 8-64 base64url characters');
const requestId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/**
 * Relay time: when the relay accepted an event (ms since epoch), assigned in the publish
 * transaction and never decreasing along a channel's seqs. Clients decide time rules (poll
 * deadlines) by it, so no sender's clock matters (docs/collaboration.md).
 */
const relayTime = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/**
 * Relay incarnation: random per relay database, kept across restarts, new after `relay restore`
 * (docs/operations.md). Seqs are only comparable within one incarnation: a device that meets
 * another one than it last saw resets its cursors to the relay's restore points (`changed.bases`).
 */
export const incarnationSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'incarnation: 8-64 base64url characters');
/** Blob address: lowercase hex SHA-256 of the ciphertext. */
export const blobHashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'hex SHA-256');
/** A signed record of packages/protocol/wire/records.ts; the relay validates it with that module. */
const signedRecord = z.record(z.string(), z.unknown());

// ---------------------------------------------------------------------------------------------
// Device -> relay

/**
 * A device's app version as it reports it in `hello` (package version, e.g. "1.4.2" or
 * "1.5.0-rc.1"): bounded and plain, because the relay keeps it and admins see it.
 */
export const appVersionSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[0-9A-Za-z][0-9A-Za-z.+_-]*$/, 'app version: letters, digits and . + _ -');
export const helloFrame = z.strictObject({
  t: z.literal('hello'),
  v: z.number().int(),
  deviceId: relayIdSchema,
  /** Since v4: the app version of the device (absent: a v3 device, or a tool). */
  app: appVersionSchema.optional(),
});
export const authFrame = z.strictObject({
  t: z.literal('auth'),
  id: requestId,
  /** Ed25519 signature by the device key over the challenge (see docs/relay-protocol.md). */
  signature: b64Max(64),
  /** First connection after enrolment: the device certificate, uploaded and checked before auth. */
  certificate: signedRecord.optional(),
});
export const publishFrame = z.strictObject({
  t: z.literal('publish'),
  id: requestId,
  channelId: relayIdSchema,
  clientEventId: relayIdSchema,
  envelope: b64Max(MAX_ENVELOPE_BYTES).min(1),
  /**
   * Blobs the event refers to (hashes of ciphertext, nothing else). The relay counts references
   * so the GC hook can delete a blob once retention removed the last event that pointed at it.
   */
  blobs: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .max(MAX_EVENT_BLOBS)
    .optional(),
});
export const syncFrame = z.strictObject({
  t: z.literal('sync'),
  id: requestId,
  /** Last seq the device holds per channel; channels it has never seen may be left out. */
  cursors: z.record(relayIdSchema, seq).refine((c) => Object.keys(c).length <= MAX_CURSORS, 'too many cursors'),
  /** The relay incarnation these cursors belong to (absent: the device has not met this relay yet). */
  incarnation: incarnationSchema.optional(),
});
export const fetchFrame = z.strictObject({
  t: z.literal('fetch'),
  id: requestId,
  channelId: relayIdSchema,
  afterSeq: seq,
  limit: z.number().int().min(1).max(MAX_PAGE),
});
export const mailPutFrame = z.strictObject({
  t: z.literal('mail_put'),
  id: requestId,
  toDeviceId: relayIdSchema,
  /** Chosen by the sender; a retry with the same id is stored once. */
  messageId: relayIdSchema,
  payload: b64Max(MAX_MAILBOX_BYTES).min(1),
});
export const mailFetchFrame = z.strictObject({
  t: z.literal('mail_fetch'),
  id: requestId,
  limit: z.number().int().min(1).max(MAX_PAGE),
});
export const mailAckFrame = z.strictObject({
  t: z.literal('mail_ack'),
  id: requestId,
  messageIds: z.array(relayIdSchema).min(1).max(MAX_PAGE),
});
/** Most steps one escalation holds (holder re-alert excluded: backup role, supervisor, ...). */
export const MAX_ESCALATION_STEPS = 4;
/** Most sealed items one escalation step releases (the devices of a role's holders, and the sender's own). */
export const MAX_ESCALATION_ITEMS = 64;
/** Shortest and longest wait before a step is released (relay time after the relay took the escalation). */
export const MIN_ESCALATION_DELAY_MS = 1_000;
export const MAX_ESCALATION_DELAY_MS = 24 * 3600_000;
/** Bytes of an acknowledgement token and of its SHA-256 hash. */
export const ESCALATION_TOKEN_BYTES = 32;
const exactBytes = (bytes: number) =>
  z
    .string()
    .length(Math.ceil((bytes * 4) / 3))
    .refine(isBase64Url, 'canonical base64url without padding');
export const escalationItemSchema = z.strictObject({
  toDeviceId: relayIdSchema,
  /** The mailbox item's id when released (a retry of the escalation is stored once). */
  messageId: relayIdSchema,
  /** A sealed direct envelope to the device (ciphertext; the relay never opens it). */
  payload: b64Max(MAX_MAILBOX_BYTES).min(1),
});
export const escalationStepSchema = z.strictObject({
  /** Released this long after the relay took the escalation (relay clock), unless acknowledged first. */
  delayMs: z.number().int().min(MIN_ESCALATION_DELAY_MS).max(MAX_ESCALATION_DELAY_MS),
  items: z.array(escalationItemSchema).min(1).max(MAX_ESCALATION_ITEMS),
});
/**
 * Since v4: pre-sealed escalation envelopes of an urgent message (docs/relay-protocol.md,
 * "Escalations"). The relay holds them and puts each step's items into the recipients' mailboxes
 * when its deadline passes, unless a device shows the token whose SHA-256 is `tokenHash` first.
 */
export const escPutFrame = z.strictObject({
  t: z.literal('esc_put'),
  id: requestId,
  escalationId: relayIdSchema,
  tokenHash: exactBytes(ESCALATION_TOKEN_BYTES),
  steps: z
    .array(escalationStepSchema)
    .min(1)
    .max(MAX_ESCALATION_STEPS)
    .refine((s) => s.every((step, i) => i === 0 || s[i - 1]!.delayMs < step.delayMs), 'steps: ascending delays'),
});
/** Since v4: stops an escalation's pending steps; `token` is the preimage of its `tokenHash`. */
export const escAckFrame = z.strictObject({
  t: z.literal('esc_ack'),
  id: requestId,
  escalationId: relayIdSchema,
  token: exactBytes(ESCALATION_TOKEN_BYTES),
});
export const blobBeginFrame = z.strictObject({
  t: z.literal('blob_begin'),
  id: requestId,
  hash: blobHashSchema,
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});
/** Header of a binary blob_chunk message (packages/protocol/relay/binary-frame.ts); the data follows it. */
export const blobChunkHeader = z.strictObject({
  t: z.literal('blob_chunk'),
  id: requestId,
  hash: blobHashSchema,
  /** Must equal the number of bytes the relay already holds (answered by blob_begin). */
  offset: seq,
});
export type BlobChunkFrame = z.output<typeof blobChunkHeader> & { data: Uint8Array };
export const blobGetFrame = z.strictObject({
  t: z.literal('blob_get'),
  id: requestId,
  hash: blobHashSchema,
  offset: seq,
  length: z.number().int().min(1).max(BLOB_CHUNK_BYTES),
});
/**
 * Drops blobs of this device that no event names (an upload cancelled or failed before its
 * `file.share` was published), at once instead of at the relay's cleanup; a blob another device
 * owns or an event references stays. Answered `ok`. A relay that does not know the frame answers
 * `bad_frame`; its cleanup then removes them as before.
 */
export const blobDiscardFrame = z.strictObject({
  t: z.literal('blob_discard'),
  id: requestId,
  hashes: z.array(blobHashSchema).min(1).max(MAX_EVENT_BLOBS),
});
export const dirPutFrame = z.strictObject({ t: z.literal('dir_put'), id: requestId, record: signedRecord });
export const dirGetFrame = z.strictObject({
  t: z.literal('dir_get'),
  id: requestId,
  /** Records stored after this directory position (0 = all). */
  after: seq,
  limit: z.number().int().min(1).max(MAX_PAGE),
});
export const pingFrame = z.strictObject({ t: z.literal('ping'), id: requestId });
/**
 * Admin devices only (the device's user has the admin role in its org-signed user record): when
 * each device of the organisation was last connected to the relay, and whether it is now. The
 * relay knows this anyway (it sees every connection); the frame only hands it to IT.
 */
export const devicesSeenFrame = z.strictObject({ t: z.literal('devices_seen'), id: requestId });
/**
 * Before its first authentication a new device learns whom its registration key was made for:
 * after hello and challenge it proves it holds the enrolment key (signature over the challenge,
 * see enrolLookupText) and gets the org root, the user and the enrolment record back, so it can
 * sign its own device certificate. Open (unused, unexpired, unrevoked) enrolments only.
 */
export const enrolLookupFrame = z.strictObject({
  t: z.literal('enrol_lookup'),
  id: requestId,
  enrolmentId: relayIdSchema,
  signature: b64Max(64),
});

/**
 * A device that executes a remote wipe confirms it before it deletes its keys: revoked by then, it
 * cannot authenticate, so after hello and challenge it sends this one `wipe_done` record (signed
 * with its own device key, signer = the hello's device) instead of auth. The relay stores it in
 * the directory if the directory accepts it (an order for this device, not yet confirmed) and
 * answers ok; nothing else is open to the socket.
 */
export const wipeDoneFrame = z.strictObject({ t: z.literal('wipe_done'), id: requestId, record: signedRecord });

/**
 * First-run bootstrap (only while the relay is not bound to an organisation yet, on its own
 * endpoint): the first admin device sends the one-time code the relay wrote to its data
 * directory, the organisation's `org_root` record first, then the first user, enrolment and
 * device records. The relay binds itself to that organisation key for good.
 */
export const bootstrapFrame = z.strictObject({
  t: z.literal('bootstrap'),
  id: requestId,
  code: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  records: z.array(signedRecord).min(1).max(100),
});
export type BootstrapFrame = z.output<typeof bootstrapFrame>;

/**
 * Sign-in with the directory password, before a new device's first authentication (after hello
 * and challenge; docs/relay-protocol.md "Sign-in with the directory password"). `signin_info`
 * asks for the org root, the organisation's key rotations and the delegations that allow sign-in
 * (answered with dir_records); `signin_request` carries the request sealed to such a
 * delegation's key, which the relay forwards to that agent's session and answers with
 * signin_result. One signin_request per socket.
 */
export const signInInfoFrame = z.strictObject({ t: z.literal('signin_info'), id: requestId });
export const signInRequestFrame = z.strictObject({
  t: z.literal('signin_request'),
  id: requestId,
  delegationId: relayIdSchema,
  sealed: b64Max(MAX_SIGN_IN_SEALED_BYTES),
});
/** The directory agent's answer to a signin_forward (agent sessions only). */
export const signInAnswerFrame = z.strictObject({
  t: z.literal('signin_answer'),
  id: requestId,
  /** The signin_forward's rid. */
  rid: requestId,
  outcome: signInOutcomeSchema,
});

/** What the enrolment key signs in enrol_lookup: domain, the connection's nonce and the enrolment id. */
export const enrolLookupText = (nonceB64: string, enrolmentId: string): string =>
  `klinikfunk/v1/enrol-lookup\n${nonceB64}\n${enrolmentId}`;

export const clientFrame = z.discriminatedUnion('t', [
  helloFrame,
  authFrame,
  publishFrame,
  syncFrame,
  fetchFrame,
  mailPutFrame,
  mailFetchFrame,
  mailAckFrame,
  blobBeginFrame,
  blobGetFrame,
  blobDiscardFrame,
  dirPutFrame,
  dirGetFrame,
  pingFrame,
  enrolLookupFrame,
  devicesSeenFrame,
  wipeDoneFrame,
  signInInfoFrame,
  signInRequestFrame,
  signInAnswerFrame,
  escPutFrame,
  escAckFrame,
]);
/** Text frames (JSON) plus the one binary frame a device sends. */
export type ClientFrame = z.output<typeof clientFrame> | BlobChunkFrame;
export type ClientFrameType = ClientFrame['t'];

// ---------------------------------------------------------------------------------------------
// Relay -> device

export const challengeFrame = z.strictObject({
  t: z.literal('challenge'),
  v: z.number().int(),
  /** 32 random bytes, fresh per connection. */
  nonce: b64Max(32),
  relayId: z.string().max(200),
});
export const authOkFrame = z.strictObject({
  t: z.literal('auth_ok'),
  id: requestId,
  deviceId: relayIdSchema,
  userId: relayIdSchema,
  serverTime: z.number().int(),
});
export const ackFrame = z.strictObject({
  t: z.literal('ack'),
  id: requestId,
  channelId: relayIdSchema,
  seq: seq.min(1),
  /** True when this client event id was stored before: seq is the original one. */
  duplicate: z.boolean(),
  /** Relay time of the event (the original one for a duplicate). */
  at: relayTime,
  /** The incarnation the seq belongs to: the event is in this incarnation's durable store. */
  incarnation: incarnationSchema,
});
export const changedFrame = z.strictObject({
  t: z.literal('changed'),
  id: requestId,
  heads: z.record(relayIdSchema, seq),
  incarnation: incarnationSchema,
  /**
   * Only when `sync` named another incarnation: per channel of the user, the last seq that the
   * named incarnation and this one may share (restore point; 0 for channels without one). The
   * device resets its cursors above it and republishes its own events above it.
   */
  bases: z
    .record(relayIdSchema, seq)
    .refine((b) => Object.keys(b).length <= MAX_CURSORS, 'too many bases')
    .optional(),
});
export const wireEventSchema = z.strictObject({ seq: seq.min(1), envelope: b64, at: relayTime });
/** Gone ranges one page declares at most (one per restore in the database's lineage). */
export const MAX_GONE_RANGES = 64;
/** Seqs a relay restore skipped in a channel (both ends included): never served, never lost. */
export const goneRangeSchema = z
  .strictObject({ from: seq.min(1), to: seq.min(1) })
  .refine((r) => r.from <= r.to, 'gone range: from after to');
export const pageFrame = z.strictObject({
  t: z.literal('page'),
  id: requestId,
  channelId: relayIdSchema,
  events: z.array(wireEventSchema).max(MAX_PAGE),
  /** Head of the channel when the page was read. */
  head: seq,
  /**
   * Declared history start: seqs below it were deleted by retention (or trim) and will never be
   * served. A device whose cursor is below `historyStart - 1` skips to it and shows where the
   * history starts; any other missing seq is a gap the relay did not declare.
   */
  historyStart: seq.min(1),
  /**
   * Gone ranges that meet what the page covers (after the seq asked for, up to its last event,
   * or the head when the page is not full), ascending: seqs a relay restore skipped so that none
   * a device may have seen is given again (docs/relay-protocol.md). A device skips them without
   * a notice; they hide nothing. Absent from relays before them: none.
   */
  gone: z
    .array(goneRangeSchema)
    .max(MAX_GONE_RANGES)
    .refine(
      (list) => list.every((r, i) => i === 0 || list[i - 1]!.to < r.from),
      'gone ranges: ascending, not overlapping',
    )
    .optional(),
  incarnation: incarnationSchema,
});
export const pushFrame = z.strictObject({
  t: z.literal('push'),
  channelId: relayIdSchema,
  seq: seq.min(1),
  envelope: b64,
  at: relayTime,
  incarnation: incarnationSchema,
});
/**
 * Live pushes to this connection were paused because it read too slowly (backpressure) and have
 * resumed now: some were dropped, so the device must pull by seq.
 */
export const lagFrame = z.strictObject({ t: z.literal('lag') });
export const mailItemSchema = z.strictObject({
  messageId: relayIdSchema,
  fromDeviceId: relayIdSchema,
  payload: b64,
  storedAt: z.number().int(),
});
export const mailFrame = z.strictObject({ t: z.literal('mail'), id: requestId, items: z.array(mailItemSchema) });
/** Live: a mailbox item arrived for this device. */
export const mailPushFrame = z.strictObject({ t: z.literal('mail_push'), item: mailItemSchema });
export const blobStatusFrame = z.strictObject({
  t: z.literal('blob_status'),
  id: requestId,
  hash: blobHashSchema,
  size: z.number().int().min(0),
  received: z.number().int().min(0),
  complete: z.boolean(),
});
/** Header of a binary blob_data message (packages/protocol/relay/binary-frame.ts); the data follows it. */
export const blobDataHeader = z.strictObject({
  t: z.literal('blob_data'),
  id: requestId,
  hash: blobHashSchema,
  offset: seq,
  size: z.number().int().min(0),
});
export type BlobDataFrame = z.output<typeof blobDataHeader> & { data: Uint8Array };
export const dirRecordsFrame = z.strictObject({
  t: z.literal('dir_records'),
  id: requestId,
  records: z.array(z.strictObject({ pos: seq.min(1), record: signedRecord })),
});
/**
 * Org-signed wipe orders for this device, sent right before a revoked device is refused (it
 * proved its key in auth). The device verifies them against the org root before acting.
 */
export const wipeFrame = z.strictObject({ t: z.literal('wipe'), records: z.array(signedRecord).max(100) });
/** Live: the directory grew (a roster, revocation, device...); fetch with dir_get after your cursor. */
export const dirPushFrame = z.strictObject({ t: z.literal('dir_push'), pos: seq.min(1) });
/** Positive answer to a request without a payload of its own (mail_put, mail_ack, dir_put, esc_put, esc_ack). */
export const okFrame = z.strictObject({ t: z.literal('ok'), id: requestId });
export const pongFrame = z.strictObject({ t: z.literal('pong'), id: requestId, serverTime: z.number().int() });
export const deviceSeenSchema = z.strictObject({
  deviceId: relayIdSchema,
  /** Last authentication or disconnect the relay recorded (ms since epoch); null = not since recording began. */
  lastSeenAt: z.number().int().min(0).nullable(),
  /** Connected now (to this relay process, or to another one on the same database within the last minutes). */
  online: z.boolean(),
  /** Since v4: the app version the device reported at its last connection (null: none reported). */
  appVersion: appVersionSchema.nullable(),
  /** Since v4: the protocol version of its last connection (null: not since the relay records it). */
  protocol: z.number().int().min(1).max(1_000_000).nullable(),
});
export const devicesSeenResultFrame = z.strictObject({
  t: z.literal('devices_seen_result'),
  id: requestId,
  devices: z.array(deviceSeenSchema).max(MAX_DEVICES_SEEN),
});
export type DeviceSeen = z.output<typeof deviceSeenSchema>;

/** Stable error codes; the message is for logs, the code is for programs. */
export const RELAY_ERROR_CODES = [
  'bad_frame', // not JSON, unknown type, or fails its schema
  'frame_too_large',
  'unsupported_version',
  'not_authenticated',
  'auth_failed', // bad signature, unknown device, broken certificate chain
  'revoked',
  'not_member',
  'not_permitted', // an admin-only request from a device whose user is not an admin
  'rate_limited',
  'quota_exceeded',
  'too_large',
  'not_found',
  'conflict', // e.g. blob chunk at the wrong offset, same blob hash with another size
  'hash_mismatch',
  'record_rejected',
  'unavailable', // storage error or shutdown; retry later
  'internal',
] as const;
export type RelayErrorCode = (typeof RELAY_ERROR_CODES)[number];

export const errorFrame = z.strictObject({
  t: z.literal('error'),
  /** The request this answers; absent for frames that could not be read far enough to know it. */
  id: requestId.optional(),
  code: z.enum(RELAY_ERROR_CODES),
  message: z.string().max(500),
});

/** A sealed sign-in request for the directory agent (agent sessions only); answered with signin_answer. */
export const signInForwardFrame = z.strictObject({
  t: z.literal('signin_forward'),
  rid: requestId,
  /** The workstation's network address as the relay sees it, for the agent's per-workstation limit. */
  from: z.string().max(200),
  sealed: b64Max(MAX_SIGN_IN_SEALED_BYTES),
});
/** The agent's outcome, or the relay's own (not_enabled, agent_offline, rate_limited), for signin_request. */
export const signInResultFrame = z.strictObject({
  t: z.literal('signin_result'),
  id: requestId,
  outcome: signInOutcomeSchema,
});

export const serverFrame = z.discriminatedUnion('t', [
  challengeFrame,
  authOkFrame,
  ackFrame,
  changedFrame,
  pageFrame,
  pushFrame,
  lagFrame,
  mailFrame,
  mailPushFrame,
  blobStatusFrame,
  dirRecordsFrame,
  dirPushFrame,
  wipeFrame,
  okFrame,
  pongFrame,
  devicesSeenResultFrame,
  signInForwardFrame,
  signInResultFrame,
  errorFrame,
]);
/** Text frames (JSON) plus the one binary frame the relay sends. */
export type ServerFrame = z.output<typeof serverFrame> | BlobDataFrame;
export type MailItem = z.output<typeof mailItemSchema>;

/** WebSocket close codes the relay uses (4000-4999 are for applications). */
export const CLOSE_CODES = {
  /** Relay shutting down: reconnect with backoff. */
  shutdown: 1001,
  /** Sent too much that was wrong; reconnecting is fine, the bug is the client's. */
  protocolError: 1002,
  tooLarge: 1009,
  authFailed: 4001,
  revoked: 4003,
  /** Too slow to read what it asked for: the send buffer passed the hard limit. */
  tooSlow: 4008,
  /** No hello/auth in time. */
  authTimeout: 4009,
  /** The device authenticated on more sockets than the relay keeps per device: the oldest goes. Reconnect. */
  replaced: 4010,
} as const;

/** The bytes a device signs to authenticate: context, relay nonce, device id (see relay-protocol.md). */
export const AUTH_CONTEXT = `klinikfunk/v1/relay-auth`;

/**
 * The text a device signs (UTF-8) to answer a challenge. It binds the relay's fresh nonce and
 * the device id under a context string, so the signature cannot be replayed on another
 * connection or passed off as a signature over a record or an envelope.
 */
export function authChallengeText(nonce: string, deviceId: string): string {
  return `${AUTH_CONTEXT}\n${nonce}\n${deviceId}`;
}
