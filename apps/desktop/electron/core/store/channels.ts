import type { Db } from './database.ts';
import { sql } from './statements.ts';

/** Rows of the directory channel's announcements (migration 0095), every announcer's newest. */
export function readAnnouncements(
  db: Db,
  channelId?: string,
): Array<{
  channelId: string;
  announcerUserId: string;
  seq: number;
  listed: boolean;
  name: string;
  topic: string;
  historyForNewMembers: boolean;
}> {
  const rows = (
    channelId === undefined
      ? sql(db, 'SELECT * FROM channel_announcements').all()
      : sql(db, 'SELECT * FROM channel_announcements WHERE channel_id = ? ORDER BY seq DESC').all(channelId)
  ) as Array<{
    channel_id: string;
    announcer_user_id: string;
    seq: number;
    listed: number;
    name: string;
    topic: string;
    history_for_new_members: number;
  }>;
  return rows.map((r) => ({
    channelId: r.channel_id,
    announcerUserId: r.announcer_user_id,
    seq: r.seq,
    listed: r.listed === 1,
    name: r.name,
    topic: r.topic,
    historyForNewMembers: r.history_for_new_members === 1,
  }));
}

/** Join requests in relay order (each user's newest per channel). */
export function readJoinRequests(
  db: Db,
): Array<{ channelId: string; userId: string; seq: number; knownEpoch: number }> {
  return sql(
    db,
    'SELECT channel_id AS channelId, user_id AS userId, seq, known_epoch AS knownEpoch FROM join_requests ORDER BY seq',
  ).all() as Array<{
    channelId: string;
    userId: string;
    seq: number;
    knownEpoch: number;
  }>;
}

export type ChannelKind = 'channel' | 'conversation' | 'direct';

export interface ChannelRow {
  channelId: string;
  kind: ChannelKind;
  name: string;
  topic: string;
  historyForNewMembers: boolean;
  retentionDays: number | null;
  createdAt: number;
}

/** A channel's own row: its settings as the last name event left them. */
export interface ChannelSettings {
  kind: ChannelKind;
  name: string;
  topic: string;
  historyForNewMembers: boolean;
  retentionDays: number | null;
  orgWide: boolean;
}

export interface ChannelSummary extends ChannelRow {
  orgWide: boolean;
  unreadCount: number;
  mentionCount: number;
  lastSortKey: number;
  /** When the newest message was written (the channel's creation when it has none): the sidebar's order. */
  lastActivityAt: number;
}

export class ChannelsRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  async upsert(channel: ChannelRow, members: Array<{ userId: string; role: 'admin' | 'member' }>): Promise<void> {
    this.#db.transaction(() => {
      sql(
        this.#db,
        `INSERT INTO channels (channel_id, kind, name, topic, history_for_new_members, retention_days, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (channel_id) DO UPDATE SET name = excluded.name, topic = excluded.topic, history_for_new_members = excluded.history_for_new_members, retention_days = excluded.retention_days`,
      ).run(
        channel.channelId,
        channel.kind,
        channel.name,
        channel.topic,
        channel.historyForNewMembers ? 1 : 0,
        channel.retentionDays,
        channel.createdAt,
      );
      sql(this.#db, 'DELETE FROM channel_members WHERE channel_id = ?').run(channel.channelId);
      const add = sql(this.#db, 'INSERT INTO channel_members VALUES (?, ?, ?)');
      for (const m of members) add.run(channel.channelId, m.userId, m.role);
    })();
  }

  /**
   * The sidebar: channels of a user with unread and mention counts; only `channelIds` when given
   * (the rows a change event carries, features/channels/channel-changes.ts).
   */
  async listFor(userId: string, channelIds?: readonly string[]): Promise<ChannelSummary[]> {
    const only = channelIds ? 'AND c.channel_id IN (SELECT value FROM json_each(?))' : '';
    const rows = sql(
      this.#db,
      `SELECT c.*,
           coalesce((SELECT read_up_to FROM read_state r WHERE r.channel_id = c.channel_id), 0) AS read_up_to,
           coalesce((SELECT max(sort_key) FROM messages m WHERE m.channel_id = c.channel_id), 0) AS last_sort_key,
           -- Sort keys are per channel, so the sidebar orders by the newest message's time (messages_page index).
           coalesce((SELECT m.created_at FROM messages m WHERE m.channel_id = c.channel_id ORDER BY m.sort_key DESC LIMIT 1), c.created_at) AS last_activity_at
         FROM channel_members mem JOIN channels c USING (channel_id)
         WHERE mem.user_id = ? AND c.left_at IS NULL ${only}`,
    ).all(...(channelIds ? [userId, JSON.stringify(channelIds)] : [userId])) as Array<Record<string, unknown>>;
    const unread = sql(
      this.#db,
      'SELECT count(*) AS n FROM messages WHERE channel_id = ? AND sort_key > ? AND sender_user_id != ? AND deleted_at IS NULL',
    );
    const mentions = sql(
      this.#db,
      'SELECT count(*) AS n FROM message_mentions WHERE user_id = ? AND channel_id = ? AND sort_key > ?',
    );
    return rows
      .map((r) => ({
        channelId: r.channel_id as string,
        kind: r.kind as ChannelKind,
        name: r.name as string,
        topic: r.topic as string,
        historyForNewMembers: r.history_for_new_members === 1,
        retentionDays: r.retention_days as number | null,
        createdAt: r.created_at as number,
        orgWide: r.org_wide === 1,
        lastSortKey: r.last_sort_key as number,
        lastActivityAt: r.last_activity_at as number,
        unreadCount: (unread.get(r.channel_id, r.read_up_to, userId) as { n: number }).n,
        mentionCount: (mentions.get(userId, r.channel_id, r.read_up_to) as { n: number }).n,
      }))
      .sort((a, b) => b.lastActivityAt - a.lastActivityAt || a.name.localeCompare(b.name, 'de'));
  }

  /**
   * Marks read up to a sort key, but never past the newest relay-ordered message at or below it:
   * an own message still being sent has a provisional key above every ordered one (apply.ts), and
   * a mark up to it counted every later message of the channel as read, for good. A mark left past
   * all ordered messages that way (by earlier versions) is replaced instead of kept by max().
   */
  async markRead(channelId: string, upToSortKey: number, now: number): Promise<void> {
    const ordered = sql(
      this.#db,
      'SELECT max(sort_key) FROM messages WHERE channel_id = ? AND sort_key <= ? AND seq IS NOT NULL',
    )
      .pluck()
      .get(channelId, upToSortKey) as number | null;
    if (ordered === null) return;
    sql(
      this.#db,
      `INSERT INTO read_state VALUES (?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET
           read_up_to = CASE WHEN read_up_to > (SELECT max(sort_key) FROM messages WHERE channel_id = excluded.channel_id AND seq IS NOT NULL)
             THEN excluded.read_up_to ELSE max(read_up_to, excluded.read_up_to) END,
           updated_at = excluded.updated_at`,
    ).run(channelId, ordered, now);
  }

  async members(channelId: string): Promise<Array<{ userId: string; role: string }>> {
    return sql(this.#db, 'SELECT user_id AS userId, role FROM channel_members WHERE channel_id = ?').all(
      channelId,
    ) as Array<{ userId: string; role: string }>;
  }
  async settings(channelId: string): Promise<ChannelSettings | null> {
    const r = sql(
      this.#db,
      'SELECT kind, name, topic, history_for_new_members, retention_days, org_wide FROM channels WHERE channel_id = ?',
    ).get(channelId) as
      | {
          kind: ChannelKind;
          name: string;
          topic: string;
          history_for_new_members: number;
          retention_days: number | null;
          org_wide: number;
        }
      | undefined;
    return r
      ? {
          kind: r.kind,
          name: r.name,
          topic: r.topic,
          historyForNewMembers: r.history_for_new_members === 1,
          retentionDays: r.retention_days,
          orgWide: r.org_wide === 1,
        }
      : null;
  }

  /** Names of the channels that have one (a channel known from its roster only has none yet). */
  async names(): Promise<Map<string, string>> {
    const rows = sql(this.#db, "SELECT channel_id, name FROM channels WHERE name != ''").all() as Array<{
      channel_id: string;
      name: string;
    }>;
    return new Map(rows.map((r) => [r.channel_id, r.name]));
  }

  /** Messages per channel, counted only (no body is read). */
  async messageCounts(): Promise<Map<string, number>> {
    const rows = sql(this.#db, 'SELECT channel_id, count(*) AS n FROM messages GROUP BY channel_id').all() as Array<{
      channel_id: string;
      n: number;
    }>;
    return new Map(rows.map((r) => [r.channel_id, r.n]));
  }

  /** This user left the channel at `at` (hidden from the sidebar), or null: shown again. */
  async setLeft(channelId: string, at: number | null): Promise<void> {
    sql(this.#db, 'UPDATE channels SET left_at = ? WHERE channel_id = ?').run(at, channelId);
  }

  async leftIds(): Promise<Set<string>> {
    return new Set(
      sql(this.#db, 'SELECT channel_id FROM channels WHERE left_at IS NOT NULL').pluck().all() as string[],
    );
  }

  /** A store from before discovery existed has the org-wide channel unmarked. */
  async markOrgWide(channelId: string): Promise<void> {
    sql(this.#db, 'UPDATE channels SET org_wide = 1 WHERE channel_id = ? AND org_wide = 0').run(channelId);
  }

  async announcements(channelId?: string): Promise<ReturnType<typeof readAnnouncements>> {
    return readAnnouncements(this.#db, channelId);
  }

  async joinRequests(): Promise<ReturnType<typeof readJoinRequests>> {
    return readJoinRequests(this.#db);
  }
}
