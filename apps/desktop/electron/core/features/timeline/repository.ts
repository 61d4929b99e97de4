// The SQL of the channel timeline's shared things: which files, polls, calendar entries and
// channel changes of a channel lie in a sort-key range of its log, and the member lines of its
// verified roster chain (member-lines.ts). Read from the event log by seq
// (index events_timeline, migration 0210), each joined to what its feature materialised, so an
// event the rules refused (kept in the log without its content) never shows: only files that
// are in the file store, polls that exist, the put that created a calendar entry. Files sent as
// one group (`file.group`) are one item, at the place of the group's first file.
import type { Db } from '../../store/database.ts';
import { sql } from '../../store/statements.ts';
import { memberChanges, type RosterVersion } from './member-lines.ts';

/** Sort keys of events still being sent: above every seq, as messages (store/apply.ts). */
const PENDING_BASE = 2 ** 50;

export interface TimelineRange {
  /** Whose member lines to add (member-lines.ts); none without. */
  viewerUserId?: string;
  /** Exclusive; null: from the start. */
  afterSortKey: number | null;
  /** Inclusive; null: to the live end, with the events still being sent. */
  upToSortKey: number | null;
  limit: number;
}

interface EventRow {
  event_pk: number;
  event_id: string;
  seq: number | null;
  type: 'file.share' | 'poll.create' | 'calendar.put' | 'channel.update';
  sender_user_id: string;
  created_at: number;
  payload: string;
}

export type TimelineRow =
  | (RowBase & { kind: 'members'; members: MemberFacts })
  | (RowBase & { kind: 'file'; file: FileFacts; group: FileGroupFacts | null })
  | (RowBase & { kind: 'poll'; poll: { pollId: string; question: string } })
  | (RowBase & { kind: 'calendar'; calendar: CalendarFacts })
  | (RowBase & { kind: 'change'; change: ChangeFacts });

interface RowBase {
  eventId: string;
  seq: number | null;
  sortKey: number;
  senderUserId: string;
  createdAt: number;
}
interface FileFacts {
  fileId: string;
  name: string;
  mimeType: string;
  size: number;
  hasThumbnail: boolean;
  caption: string;
}
interface FileGroupFacts {
  /** The group's files that are here, in the group's order (the first is `file`). */
  files: FileFacts[];
  /** How many files the group named: more than `files` while some have not arrived (or never will). */
  count: number;
}
interface FileRecord {
  file_id: string;
  name: string;
  mime_type: string;
  size: number;
  thumbnail_blob_id: string | null;
  caption: string;
  group_id: string | null;
  group_count: number | null;
}
interface CalendarFacts {
  uid: string;
  title: string;
  start: number;
  end: number;
  allDay: boolean;
  recurring: boolean;
  cancelled: boolean;
}
interface MemberFacts {
  added: string[];
  removed: string[];
  left: boolean;
  channelKind: RosterVersion['kind'];
}
interface ChangeFacts {
  renamedTo: string | null;
  retentionChanged: boolean;
  retentionDays: number | null;
}

const TYPES = `type IN ('file.share', 'poll.create', 'calendar.put', 'channel.update')`;
const COLUMNS = 'event_pk, event_id, seq, type, sender_user_id, created_at, payload';

type ChannelSettings = { name?: string; retentionDays?: number | null };

export function timelineRepository(db: Db) {
  const inRange = sql(
    db,
    `SELECT ${COLUMNS} FROM events WHERE channel_id = ? AND ${TYPES} AND seq > ? AND seq <= ?
     ORDER BY seq DESC LIMIT ?`,
  );
  const byId = sql(db, `SELECT ${COLUMNS} FROM events WHERE channel_id = ? AND event_id = ? AND ${TYPES}`);
  const byPk = sql(db, `SELECT ${COLUMNS} FROM events WHERE event_pk = ?`);
  const pending = sql(
    db,
    `SELECT ${COLUMNS} FROM events WHERE channel_id = ? AND ${TYPES} AND seq IS NULL ORDER BY event_pk DESC LIMIT ?`,
  );
  const FILE_COLUMNS = 'file_id, name, mime_type, size, thumbnail_blob_id, caption, group_id, group_count';
  const file = sql(db, `SELECT ${FILE_COLUMNS} FROM files WHERE channel_id = ? AND file_id = ?`);
  // Index files_by_group (migration 0270).
  const groupFiles = sql(
    db,
    `SELECT ${FILE_COLUMNS} FROM files WHERE channel_id = ? AND group_id = ? ORDER BY group_index`,
  );
  const facts = (f: FileRecord): FileFacts => ({
    fileId: f.file_id,
    name: f.name,
    mimeType: f.mime_type,
    size: f.size,
    hasThumbnail: f.thumbnail_blob_id !== null,
    caption: f.caption,
  });
  const poll = sql(db, 'SELECT definition FROM polls WHERE channel_id = ? AND poll_id = ?');
  const calendar = sql(db, 'SELECT data, cancelled FROM calendar_events WHERE channel_id = ? AND uid = ?');
  // The entry's first put in the relay's order (index events_calendar_by_uid, migration 0170); a
  // refused put kept no uid. Not calendar_events.created_seq: an own entry is created before the
  // relay gives its put a seq, and keeps none there.
  const firstPut = sql(
    db,
    `SELECT event_pk FROM events WHERE channel_id = ? AND type LIKE 'calendar.%' AND json_extract(payload, '$.uid') = ?
       AND type = 'calendar.put' ORDER BY seq IS NULL, seq, event_pk LIMIT 1`,
  ).pluck();
  const settingsBefore = sql(
    db,
    `SELECT payload FROM events WHERE channel_id = ? AND type = 'channel.update' AND seq < ?
       AND json_extract(payload, '$.name') IS NOT NULL ORDER BY seq DESC LIMIT 1`,
  );

  const rosterRecords = sql(
    db,
    `SELECT record FROM directory_records WHERE type = 'roster' AND subject = ? ORDER BY record_pk`,
  ).pluck();
  const userOfDevice = sql(db, 'SELECT user_id FROM devices WHERE device_id = ?').pluck();
  const orgWide = sql(db, 'SELECT org_wide FROM channels WHERE channel_id = ?').pluck();
  // The first sequenced message at or after a sort key, with the relay's time (messages_page index).
  const messageFrom = sql(
    db,
    `SELECT m.sort_key, coalesce(e.relay_at, m.created_at) AS at FROM messages m
       LEFT JOIN events e ON e.channel_id = m.channel_id AND e.event_id = m.message_id
     WHERE m.channel_id = ? AND m.sort_key >= ? AND m.sort_key < ? ORDER BY m.sort_key LIMIT 1`,
  );
  const messageBefore = sql(db, 'SELECT max(sort_key) FROM messages WHERE channel_id = ? AND sort_key < ?').pluck();
  // The newest seq this device applied in the channel (its cursor), messages and items alike.
  const cursorSeq = sql(db, 'SELECT seq FROM sync_cursors WHERE channel_id = ?').pluck();
  // The first shared thing after a seq that the relay accepted after a time (index events_timeline).
  const itemAfter = sql(
    db,
    `SELECT seq FROM events WHERE channel_id = ? AND ${TYPES} AND seq > ? AND seq < ?
       AND coalesce(relay_at, created_at) > ? ORDER BY seq LIMIT 1`,
  ).pluck();
  const heldBefore = sql(db, 'SELECT 1 FROM messages WHERE channel_id = ? AND sort_key < ? LIMIT 1').pluck();
  const heldAfter = sql(db, 'SELECT 1 FROM messages WHERE channel_id = ? AND sort_key > ? LIMIT 1').pluck();

  /** The channel's verified roster chain as this device keeps it (directory_records, chain order). */
  function rosters(channelId: string): RosterVersion[] {
    return (rosterRecords.all(channelId) as string[]).map((json) => {
      // Verified when kept (client/directory-sync.ts): the shape is the roster record's.
      const record = JSON.parse(json) as {
        signer?: { kind: string; id: string };
        body: Partial<Omit<RosterVersion, 'signerUserId'>> & { epoch: number };
      };
      const signer = record.signer?.kind === 'device' ? record.signer.id : null;
      return {
        epoch: record.body.epoch,
        kind: record.body.kind ?? 'channel',
        members: record.body.members ?? [],
        issuedAt: record.body.issuedAt ?? 0,
        signerUserId: signer === null ? null : ((userOfDevice.get(signer) as string | undefined) ?? null),
      };
    });
  }

  /**
   * Where a roster change issued at `time` stands: half a seq before the first message or shared
   * thing the relay accepted after it (relay times rise with seq: a binary search over the
   * channel's messages, then the items between the message before and that one), or half a seq
   * after the newest seq applied. The same on every device: seq and relay time are the relay's.
   */
  function placeAfter(channelId: string, time: number): number {
    let low = 0;
    let high = PENDING_BASE;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      const found = messageFrom.get(channelId, middle, PENDING_BASE) as { sort_key: number; at: number } | undefined;
      if (found && found.at > time) high = middle;
      else if (found) low = found.sort_key + 1;
      else high = middle;
    }
    const first = messageFrom.get(channelId, low, PENDING_BASE) as { sort_key: number; at: number } | undefined;
    const next = first && first.at > time ? first.sort_key : PENDING_BASE;
    // A file, poll or appointment between the message before and that one may be later still.
    const previous = (messageBefore.get(channelId, next) as number | null) ?? -1;
    const item = itemAfter.get(channelId, previous, next, time) as number | undefined;
    if (item !== undefined) return item - 0.5;
    if (next < PENDING_BASE) return next - 0.5;
    return Math.max(previous, (cursorSeq.get(channelId) as number | undefined) ?? 0) + 0.5;
  }

  /**
   * The member lines of a channel a viewer sees: those of the time they were in it, and others only
   * where this device holds the channel's messages from both sides of the line (history shared
   * with new members; not what happened after the viewer left).
   */
  function memberLines(channelId: string, viewerUserId: string): TimelineRow[] {
    if (orgWide.get(channelId) === 1) return [];
    return memberChanges(rosters(channelId), viewerUserId).flatMap((change): TimelineRow[] => {
      const sortKey = placeAfter(channelId, change.issuedAt);
      const held = heldBefore.get(channelId, sortKey) !== undefined && heldAfter.get(channelId, sortKey) !== undefined;
      if (!change.viewerIn && !held) return [];
      return [
        {
          eventId: `roster-${channelId}-${change.epoch}`,
          seq: null,
          sortKey,
          senderUserId: change.actorUserId,
          createdAt: change.issuedAt,
          kind: 'members',
          members: { added: change.added, removed: change.removed, left: change.left, channelKind: change.kind },
        },
      ];
    });
  }

  function toRow(channelId: string, r: EventRow): TimelineRow | null {
    const base: RowBase = {
      eventId: r.event_id,
      seq: r.seq,
      sortKey: r.seq ?? PENDING_BASE + r.event_pk,
      senderUserId: r.sender_user_id,
      createdAt: r.created_at,
    };
    if (r.type === 'file.share') {
      const f = file.get(channelId, r.event_id) as FileRecord | undefined;
      if (!f) return null;
      if (f.group_id === null) return { ...base, kind: 'file', file: facts(f), group: null };
      // The group is one item, where its first file is; its other files show no item of their own.
      const members = groupFiles.all(channelId, f.group_id) as FileRecord[];
      if (members[0]?.file_id !== f.file_id) return null;
      // One file of it here (the others in an earlier group, or not arrived): a file like any other.
      if (members.length < 2) return { ...base, kind: 'file', file: facts(f), group: null };
      const files = members.map(facts);
      return { ...base, kind: 'file', file: files[0]!, group: { files, count: f.group_count ?? files.length } };
    }
    if (r.type === 'poll.create') {
      const p = poll.get(channelId, r.event_id) as { definition: string } | undefined;
      if (!p) return null;
      const definition = JSON.parse(p.definition) as { question?: string };
      return { ...base, kind: 'poll', poll: { pollId: r.event_id, question: definition.question ?? '' } };
    }
    const payload = JSON.parse(r.payload) as { uid?: string } & ChannelSettings;
    if (r.type === 'calendar.put') {
      if (!payload.uid) return null;
      const c = calendar.get(channelId, payload.uid) as { data: string; cancelled: number } | undefined;
      // Only the put that created the entry is an item; later changes update it in place.
      if (!c || firstPut.get(channelId, payload.uid) !== r.event_pk) return null;
      const data = JSON.parse(c.data) as Partial<CalendarFacts> & { rrule?: string };
      return {
        ...base,
        kind: 'calendar',
        calendar: {
          uid: payload.uid,
          title: data.title ?? '',
          start: data.start ?? 0,
          end: data.end ?? 0,
          allDay: data.allDay ?? false,
          recurring: typeof data.rrule === 'string' && data.rrule !== '',
          cancelled: c.cancelled === 1,
        },
      };
    }
    // channel.update: a refused one kept no name. The first one named the new channel: no change.
    if (payload.name === undefined || r.seq === null) return null;
    const previousRow = settingsBefore.get(channelId, r.seq) as { payload: string } | undefined;
    if (!previousRow) return null;
    const previous = JSON.parse(previousRow.payload) as ChannelSettings;
    const renamedTo = payload.name !== previous.name ? payload.name : null;
    const retentionChanged = (payload.retentionDays ?? null) !== (previous.retentionDays ?? null);
    if (renamedTo === null && !retentionChanged) return null;
    return {
      ...base,
      kind: 'change',
      change: { renamedTo, retentionChanged, retentionDays: payload.retentionDays ?? null },
    };
  }

  return {
    /**
     * Whether the event is a timeline item: a file, poll or appointment the rules let through
     * (the put that created the entry, not a change of it), a visible channel change. What the
     * notifications of shared things ask (core/wiring.ts): a refused or changing event names
     * nothing new. A file of a group counts: it shows, in its group's item (whose notification
     * app/notification-hold.ts makes one).
     */
    isItem(channelId: string, eventId: string): boolean {
      const r = byId.get(channelId, eventId) as EventRow | undefined;
      if (r?.type === 'file.share') return file.get(channelId, eventId) !== undefined;
      return r !== undefined && toRow(channelId, r) !== null;
    },
    /**
     * The items of these events and of these calendar entries (by the put that created them), as
     * they stand now, for a change event (timeline-changes.ts); an event that is no item is left out.
     */
    itemsOf(channelId: string, eventIds: readonly string[], uids: readonly string[]): TimelineRow[] {
      // Each item once: a put named by its id and by its entry's uid is one item.
      const rows = new Map<string, TimelineRow>();
      for (const eventId of eventIds) {
        const r = byId.get(channelId, eventId) as EventRow | undefined;
        const row = r && toRow(channelId, r);
        if (row) rows.set(row.eventId, row);
      }
      for (const uid of uids) {
        const pk = firstPut.get(channelId, uid) as number | undefined;
        const r = pk === undefined ? undefined : (byPk.get(pk) as EventRow | undefined);
        const row = r && toRow(channelId, r);
        if (row) rows.set(row.eventId, row);
      }
      return [...rows.values()];
    },
    /** The range's items, oldest first: the newest `limit` of them, and whether more were left out. */
    inRange(channelId: string, range: TimelineRange): { rows: TimelineRow[]; truncated: boolean } {
      const read: EventRow[] = [];
      if (range.upToSortKey === null || range.upToSortKey >= PENDING_BASE)
        read.push(...(pending.all(channelId, range.limit + 1) as EventRow[]));
      const upTo = range.upToSortKey === null ? PENDING_BASE : Math.min(range.upToSortKey, PENDING_BASE);
      const after = range.afterSortKey ?? -1;
      if (read.length <= range.limit)
        read.push(...(inRange.all(channelId, after, upTo, range.limit + 1 - read.length) as EventRow[]));
      const truncated = read.length > range.limit;
      const rows: TimelineRow[] = [];
      for (const r of read.slice(0, range.limit).reverse()) {
        const row = toRow(channelId, r);
        if (!row || (range.afterSortKey !== null && row.sortKey <= range.afterSortKey)) continue;
        rows.push(row);
      }
      if (range.viewerUserId === undefined) return { rows, truncated };
      // Member lines are few and not counted against the limit; with the oldest items left out,
      // those below them come with the older page. That page reads up to one below the oldest
      // item shown (item sort keys are whole numbers), so a line right before it (half a seq
      // below) comes with this one: else neither page would hold it.
      const floor = truncated && rows[0] ? Math.max(after, rows[0].sortKey - 1) : after;
      const lines = memberLines(channelId, range.viewerUserId).filter(
        (l) => l.sortKey > floor && l.sortKey <= (range.upToSortKey ?? Infinity),
      );
      if (lines.length === 0) return { rows, truncated };
      return { rows: [...rows, ...lines].sort((a, b) => a.sortKey - b.sortKey), truncated };
    },
  };
}

export type TimelineRepository = ReturnType<typeof timelineRepository>;
