// Schemas of the collaboration API part (polls, files, calendar): inputs are strict objects with
// bounded strings and arrays, so a hostile or buggy renderer is refused before any logic runs.
import { z } from 'zod';
import { RECURRENCE_ID_MAX, RECURRENCE_ID_MIN } from '../../domain/events.ts';
import { bytes } from '../bytes.ts';
import { channelId, userId } from '../messaging-schemas.ts';

const objectId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'id');
const person = z.object({ userId: z.string(), displayName: z.string() });

// ── polls ────────────────────────────────────────────────────────────────────────────────────────
export const pollId = objectId;
const optionId = z.string().min(1).max(16);

export const pollCreateInput = z.strictObject({
  channelId,
  question: z.string().trim().min(1).max(500),
  options: z.array(z.string().trim().min(1).max(200)).min(2).max(20),
  multipleChoice: z.boolean(),
  /** UTC ms; null = open until the creator closes it. */
  deadline: z.number().int().positive().nullable(),
  hideVoters: z.boolean(),
});

export const pollVoteInput = z.strictObject({
  channelId,
  pollId,
  /** Empty withdraws the vote. */
  optionIds: z.array(optionId).max(20),
});

export const pollRef = z.strictObject({ channelId, pollId });

export const pollViewSchema = z.object({
  pollId: z.string(),
  question: z.string(),
  creator: person,
  createdAt: z.number(),
  multipleChoice: z.boolean(),
  hideVoters: z.boolean(),
  deadline: z.number().nullable(),
  /** `closed` by the creator, `deadline` passed (display; votes after it are refused by the log), or open. */
  state: z.enum(['open', 'closed', 'deadline']),
  totalVoters: z.number().int(),
  /** The options this user chose in the accepted log (empty: not voted). */
  myOptionIds: z.array(z.string()),
  /** A vote of this user is still on its way to the relay. */
  myVotePending: z.boolean(),
  canClose: z.boolean(),
  options: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      count: z.number().int(),
      /** Null when the poll hides voter names. */
      voters: z.array(person).nullable(),
    }),
  ),
});

// ── files ────────────────────────────────────────────────────────────────────────────────────────
export const fileId = objectId;
export const transferId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'transfer id');
/** Upload and export chunks: the harness bridge carries frames up to 1 MiB, its base64 tag adds a third. */
export const FILE_CHUNK_MAX_BYTES = 512 * 1024;
/** Largest thumbnail the renderer draws and sends with a file. */
export const THUMBNAIL_MAX_BYTES = 300_000;
/** Largest decrypted file one call returns (the in-app preview's limit, files/file-kinds.ts). */
export const FILE_BYTES_MAX = 25 * 1024 * 1024;

export const filePolicySchema = z.object({
  maxUploadBytes: z.number().int(),
  maxUploadMegabytes: z.number().int(),
  blockedTypes: z.array(z.string()),
  allowedTypes: z.array(z.string()),
  /** Largest file the in-app preview opens (decrypted into memory only). */
  maxPreviewBytes: z.number().int(),
});

export const uploadBeginInput = z.strictObject({
  channelId,
  name: z.string().trim().min(1).max(255),
  mimeType: z.string().max(128),
  size: z.number().int().nonnegative(),
});

export const uploadRefusal = z.enum(['too_large', 'blocked_type', 'not_allowed_type']);
export const uploadBeginSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('started'), uploadId: transferId }),
  z.object({
    status: z.literal('refused'),
    reason: uploadRefusal,
    maxUploadMegabytes: z.number().int(),
    extension: z.string(),
  }),
]);

export const uploadChunkInput = z.strictObject({
  uploadId: transferId,
  /** Position of this chunk in the plaintext: chunks must arrive in order. */
  offset: z.number().int().nonnegative(),
  data: bytes(FILE_CHUNK_MAX_BYTES),
});

export const uploadFinishInput = z.strictObject({
  uploadId: transferId,
  caption: z.string().max(2000).default(''),
  /** A JPEG/PNG thumbnail the renderer drew from the (redacted) image; encrypted with the file key. */
  thumbnail: bytes(THUMBNAIL_MAX_BYTES).nullable().default(null),
});

export const uploadFinishSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('sent'), fileId: z.string() }),
  z.object({ status: z.literal('cancelled') }),
]);

export const fileKindFilter = z.enum(['all', 'image', 'pdf', 'document', 'other']);
export const fileListInput = z.strictObject({
  channelId,
  sort: z.enum(['newest', 'oldest', 'name', 'size']).default('newest'),
  kind: fileKindFilter.default('all'),
  query: z.string().max(200).default(''),
});

export const fileViewSchema = z.object({
  fileId: z.string(),
  name: z.string(),
  mimeType: z.string(),
  size: z.number().int(),
  uploader: person,
  createdAt: z.number(),
  caption: z.string(),
  hasThumbnail: z.boolean(),
  /** The ciphertext is in this workstation's encrypted cache. */
  cached: z.boolean(),
  own: z.boolean(),
});

export const fileRef = z.strictObject({ channelId, fileId });
export const fileTransferInput = z.strictObject({ channelId, fileId, transferId: transferId.optional() });

export const fileBytesSchema = z.object({ mimeType: z.string(), data: bytes(FILE_BYTES_MAX) });

export const exportOpenSchema = z.object({
  exportId: transferId,
  name: z.string(),
  mimeType: z.string(),
  size: z.number().int(),
});
export const exportReadSchema = z.object({ data: bytes(FILE_CHUNK_MAX_BYTES), done: z.boolean() });

export const transferProgressSchema = z.object({
  transferId: z.string(),
  direction: z.enum(['up', 'down']),
  /** encrypting: reading the file in; transfer: bytes to or from the relay. */
  phase: z.enum(['encrypting', 'transfer', 'done', 'failed', 'cancelled']),
  done: z.number(),
  total: z.number(),
});

// ── calendar ─────────────────────────────────────────────────────────────────────────────────────
export const calendarUid = objectId;
const rrule = z
  .string()
  .max(500)
  .regex(
    /^FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;[A-Z]+=[A-Za-z0-9,+-]+)*$/,
    'RRULE: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY;...',
  );

export const calendarPutInput = z
  .strictObject({
    channelId,
    /** Omitted for a new entry; the entry's uid to edit it. */
    uid: calendarUid.optional(),
    title: z.string().trim().min(1).max(300),
    start: z.number().int(),
    end: z.number().int(),
    allDay: z.boolean(),
    location: z.string().max(300).default(''),
    description: z.string().max(5000).default(''),
    meetingUrl: z
      .union([z.literal(''), z.string().url().startsWith('https://', 'meeting link: https only').max(2000)])
      .default(''),
    rrule: z.union([z.literal(''), rrule]).default(''),
    attendeeUserIds: z.array(userId).max(500).default([]),
  })
  .refine((e) => e.end >= e.start, { message: 'end before start', path: ['end'] });

export const calendarRef = z.strictObject({ channelId, uid: calendarUid });
/** Where the series puts an occurrence (iCalendar RECURRENCE-ID): the `recurrenceId` of its occurrence view. */
const recurrenceId = z.number().int().min(RECURRENCE_ID_MIN).max(RECURRENCE_ID_MAX);
export const calendarOccurrenceRef = z.strictObject({ channelId, uid: calendarUid, recurrenceId });
export const calendarOccurrencePutInput = z
  .strictObject({
    channelId,
    uid: calendarUid,
    recurrenceId,
    title: z.string().trim().min(1).max(300),
    start: z.number().int(),
    end: z.number().int(),
    location: z.string().max(300).default(''),
    description: z.string().max(5000).default(''),
  })
  .refine((e) => e.end >= e.start, { message: 'end before start', path: ['end'] });
export const calendarRsvpInput = z.strictObject({ channelId, uid: calendarUid, rsvp: z.enum(['yes', 'no', 'maybe']) });

const attendeeView = z.object({
  userId: z.string(),
  displayName: z.string(),
  rsvp: z.enum(['yes', 'no', 'maybe', 'pending']),
});
export const calendarEntrySchema = z.object({
  uid: z.string(),
  title: z.string(),
  start: z.number(),
  end: z.number(),
  allDay: z.boolean(),
  location: z.string(),
  description: z.string(),
  meetingUrl: z.string(),
  rrule: z.string(),
  attendees: z.array(attendeeView),
  organizer: person,
  cancelled: z.boolean(),
  /** This user's answer; null when not invited. */
  myRsvp: z.enum(['yes', 'no', 'maybe', 'pending']).nullable(),
  /** Whether this user may change or cancel the entry (its creator or a channel admin; the rule every client applies). */
  mayChange: z.boolean(),
});

export const calendarRangeInput = z
  .strictObject({ channelId, from: z.number().int(), to: z.number().int() })
  .refine((r) => r.to > r.from && r.to - r.from <= 400 * 86_400_000, {
    message: 'range: to after from, at most 400 days',
  });

export const occurrenceSchema = z.object({
  uid: z.string(),
  start: z.number(),
  end: z.number(),
  /** The occurrence's place in its series (iCalendar RECURRENCE-ID); null for an entry that does not repeat. */
  recurrenceId: z.number().nullable(),
  /** True when this occurrence was changed on its own; title, location and description are then its own. */
  changed: z.boolean(),
  title: z.string(),
  location: z.string(),
  description: z.string(),
});
export const calendarRangeSchema = z.object({
  entries: z.array(calendarEntrySchema),
  occurrences: z.array(occurrenceSchema),
});

export const icsExportInput = z.strictObject({ channelId, uid: calendarUid.optional() });
export const icsSchema = z.object({ fileName: z.string(), text: z.string() });
export const icsImportInput = z.strictObject({ channelId, text: z.string().max(5 * 1024 * 1024) });
export const icsImportSchema = z.object({
  imported: z.number().int(),
  problems: z.array(z.object({ uid: z.string().nullable(), reason: z.string() })),
});

export type PollView = z.output<typeof pollViewSchema>;
export type FileView = z.output<typeof fileViewSchema>;
export type FilePolicyView = z.output<typeof filePolicySchema>;
export type TransferProgress = z.output<typeof transferProgressSchema>;
export type CalendarEntryView = z.output<typeof calendarEntrySchema>;
export type OccurrenceView = z.output<typeof occurrenceSchema>;
export type UploadRefusal = z.output<typeof uploadRefusal>;
