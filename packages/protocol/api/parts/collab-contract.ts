// API part for polls, files and calendar (issue 7): methods and events with their schemas and doc comments. Merged into
// contract.ts; the names are listed in ./collab-names.ts. Every method acts on the visible, unlocked profile (`locked`
// otherwise) and on channels this user is a member of (`not_found` otherwise). Everything written travels as an
// encrypted channel event; the reducers in apps/desktop/electron/core/collab decide what it does, identically on every client.
import { z } from 'zod';
import { event, method, type EventSpec, type MethodSpec } from '../define.ts';
import { channelId } from '../messaging-schemas.ts';
import {
  calendarOccurrencePutInput,
  calendarOccurrenceRef,
  calendarPutInput,
  calendarRangeInput,
  calendarRangeSchema,
  calendarRef,
  calendarRsvpInput,
  exportOpenSchema,
  exportReadSchema,
  fileBytesSchema,
  fileListInput,
  filePolicySchema,
  fileRef,
  fileTransferInput,
  fileViewSchema,
  icsExportInput,
  icsImportInput,
  icsImportSchema,
  icsSchema,
  pollCreateInput,
  pollRef,
  pollViewSchema,
  pollVoteInput,
  transferId,
  transferProgressSchema,
  uploadBeginInput,
  uploadBeginSchema,
  uploadChunkInput,
  uploadFinishInput,
  uploadFinishSchema,
} from './collab-schemas.ts';

const done = z.object({ done: z.literal(true) });

export const collabMethods = {
  'polls.list': method({
    requires: 'member',
    channelField: 'channelId',
    input: z.strictObject({ channelId }),
    output: z.array(pollViewSchema),
    doc: 'Open and closed polls of a channel, newest first, with live results as the ordered log decided them.',
  }),
  'polls.create': method({
    requires: 'member',
    channelField: 'channelId',
    input: pollCreateInput,
    output: z.object({ pollId: z.string() }),
    doc: 'Creates a poll (2-20 options, single or multiple choice, optional deadline, optional hidden voters). `invalid_input` for duplicate options or a deadline in the past.',
  }),
  'polls.vote': method({
    requires: 'member',
    channelField: 'channelId',
    input: pollVoteInput,
    output: done,
    doc: 'Votes or changes the vote (an empty choice withdraws it). `not_permitted` when the poll is closed or past its deadline here; the reducer on every client decides the same for a vote that was in flight.',
  }),
  'polls.close': method({
    requires: 'member',
    channelField: 'channelId',
    input: pollRef,
    output: done,
    doc: 'Closes a poll early. Only its creator: `not_permitted` for anyone else (and refused by every client).',
  }),
  'files.policy': method({
    input: z.strictObject({}),
    output: filePolicySchema,
    doc: 'What machine policy allows to send: largest file and allowed/blocked extensions, so the UI can explain a refusal before reading the file.',
  }),
  'files.list': method({
    requires: 'member',
    channelField: 'channelId',
    input: fileListInput,
    output: z.array(fileViewSchema),
    doc: 'The channel file store: every shared file with name, type, size, uploader and date; sorted, filtered by kind and searched by name.',
  }),
  'files.beginUpload': method({
    requires: 'member',
    channelField: 'channelId',
    input: uploadBeginInput,
    output: uploadBeginSchema,
    doc: 'Starts an upload: checks size and type against policy (answers `refused` with the reason) and opens a streaming encryptor into the encrypted cache.',
  }),
  'files.uploadChunk': method({
    input: uploadChunkInput,
    output: z.object({ received: z.number().int() }),
    doc: 'The next plaintext chunk (up to 512 KiB, in order); it is encrypted at once and never written in clear. `invalid_input` for a chunk out of order or beyond the announced size, `not_found` for an unknown upload.',
  }),
  'files.finishUpload': method({
    input: uploadFinishInput,
    output: uploadFinishSchema,
    doc: 'Uploads the ciphertext to the relay (progress as `files.progress`) and shares the file in the channel. Answers `cancelled` after `files.cancel`; `relay_unreachable` when the relay cannot be reached in time.',
  }),
  'files.cancel': method({
    input: z.strictObject({ transferId }),
    output: done,
    doc: 'Cancels an upload or download in progress; its partial ciphertext is deleted.',
  }),
  'files.thumbnail': method({
    requires: 'member',
    channelField: 'channelId',
    input: fileRef,
    output: fileBytesSchema.nullable(),
    doc: 'The image thumbnail of a shared file, decrypted in memory (null when it has none). Fetched once and cached encrypted.',
  }),
  'files.preview': method({
    requires: 'member',
    channelField: 'channelId',
    input: fileTransferInput,
    output: fileBytesSchema,
    doc: 'An image or PDF decrypted into memory for the in-app preview; plaintext never touches the disk. `unavailable` for other types or files above the preview limit.',
  }),
  'files.download': method({
    requires: 'member',
    channelField: 'channelId',
    input: fileTransferInput,
    output: z.object({ size: z.number().int() }),
    doc: 'Fetches the ciphertext into the encrypted cache (progress as `files.progress`) and checks its hash.',
  }),
  'files.exportOpen': method({
    requires: 'member',
    channelField: 'channelId',
    input: fileRef,
    output: exportOpenSchema,
    doc: '"Save as": opens a decrypting reader over the cached file (download first). Electron main may instead write the same stream to a path chosen in a save dialog (apps/desktop/electron/core/files/export.ts).',
  }),
  'files.exportRead': method({
    input: z.strictObject({ exportId: transferId }),
    output: exportReadSchema,
    doc: 'The next up to 512 KiB of decrypted bytes of an export; `done` after the last. A file whose ciphertext was tampered with fails as `internal` before its end.',
  }),
  'files.exportClose': method({
    input: z.strictObject({ exportId: transferId }),
    output: done,
    doc: 'Ends an export early and frees its reader.',
  }),
  'calendar.range': method({
    requires: 'member',
    channelField: 'channelId',
    input: calendarRangeInput,
    output: calendarRangeSchema,
    doc: 'Calendar entries of a channel and their occurrences in [from, to), recurring ones expanded on Europe/Berlin wall time, with single changed occurrences applied and cancelled ones left out.',
  }),
  'calendar.put': method({
    requires: 'member',
    channelField: 'channelId',
    input: calendarPutInput,
    output: z.object({ uid: z.string() }),
    doc: 'Creates or edits an entry (the whole new version; the later one in the channel order wins everywhere). `invalid_input` for an RRULE ical.js cannot read.',
  }),
  'calendar.cancel': method({
    requires: 'member',
    channelField: 'channelId',
    input: calendarRef,
    output: done,
    doc: 'Cancels an entry for everyone.',
  }),
  'calendar.putOccurrence': method({
    requires: 'member',
    channelField: 'channelId',
    input: calendarOccurrencePutInput,
    output: done,
    doc: 'Changes one occurrence of a recurring entry on its own (time, title, location, description); the rest of the series stays. The later change of the same occurrence in the channel order wins everywhere. `not_found` when the series has no occurrence at `recurrenceId`, `invalid_input` for an entry that does not repeat, `not_permitted` for a cancelled series.',
  }),
  'calendar.cancelOccurrence': method({
    requires: 'member',
    channelField: 'channelId',
    input: calendarOccurrenceRef,
    output: done,
    doc: 'Cancels one occurrence of a recurring entry for everyone (it disappears from the views, an EXDATE in exports); the same refusals as `calendar.putOccurrence`.',
  }),
  'calendar.rsvp': method({
    requires: 'member',
    channelField: 'channelId',
    input: calendarRsvpInput,
    output: done,
    doc: 'Answers an invitation: yes, no or maybe. `not_permitted` when this user is not an attendee.',
  }),
  'calendar.exportIcs': method({
    requires: 'member',
    channelField: 'channelId',
    input: icsExportInput,
    output: icsSchema,
    doc: 'iCalendar (RFC 5545) text of one entry or the whole channel calendar, with the Europe/Berlin VTIMEZONE, for Outlook and Thunderbird.',
  }),
  'calendar.importIcs': method({
    requires: 'member',
    channelField: 'channelId',
    input: icsImportInput,
    output: icsImportSchema,
    doc: 'Imports the events of an .ics file into the channel calendar and lists what it skipped. `invalid_input` when the file as a whole is empty or not iCalendar.',
  }),
} satisfies Record<string, MethodSpec>;

export const collabEvents = {
  'files.progress': event({
    payload: transferProgressSchema,
    doc: 'Progress of an upload or download of the visible profile.',
  }),
} satisfies Record<string, EventSpec>;
