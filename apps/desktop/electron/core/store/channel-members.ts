// Who is in a channel, with the names and read positions the views show next to them.
import type { Db } from './database.ts';
import { sql } from './statements.ts';

export interface NamedMember {
  userId: string;
  role: 'admin' | 'member';
  /** Null while the user is not in the local directory yet. */
  displayName: string | null;
  ward: string | null;
}

export interface MemberReadPosition {
  userId: string;
  displayName: string | null;
  upToSeq: number | null;
  readAt: number | null;
}

export class ChannelMembersRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** The user is a member and has not left the channel on this device. */
  async isActiveMember(channelId: string, userId: string): Promise<boolean> {
    return (
      sql(
        this.#db,
        'SELECT 1 FROM channel_members m JOIN channels c USING (channel_id) WHERE m.channel_id = ? AND m.user_id = ? AND c.left_at IS NULL',
      ).get(channelId, userId) !== undefined
    );
  }

  /** Channels the user is an active member of. */
  async activeChannelIds(userId: string): Promise<string[]> {
    return sql(
      this.#db,
      'SELECT m.channel_id FROM channel_members m JOIN channels c USING (channel_id) WHERE m.user_id = ? AND c.left_at IS NULL',
    )
      .pluck()
      .all(userId) as string[];
  }

  /** Admins first, then by name. */
  async withNames(channelId: string): Promise<NamedMember[]> {
    const rows = sql(
      this.#db,
      'SELECT m.user_id, m.role, u.display_name, u.ward FROM channel_members m LEFT JOIN users u USING (user_id) WHERE m.channel_id = ? ORDER BY m.role, u.display_name COLLATE NOCASE',
    ).all(channelId) as Array<{
      user_id: string;
      role: 'admin' | 'member';
      display_name: string | null;
      ward: string | null;
    }>;
    return rows.map((m) => ({ userId: m.user_id, role: m.role, displayName: m.display_name, ward: m.ward }));
  }

  /** Members' names in the table's order (null: not in the directory yet). */
  async names(channelId: string): Promise<Map<string, string | null>> {
    const rows = sql(
      this.#db,
      'SELECT m.user_id, u.display_name FROM channel_members m LEFT JOIN users u USING (user_id) WHERE m.channel_id = ?',
    ).all(channelId) as Array<{
      user_id: string;
      display_name: string | null;
    }>;
    return new Map(rows.map((r) => [r.user_id, r.display_name]));
  }

  /** Every other member's read receipt position, by name. */
  async readPositions(channelId: string, exceptUserId: string): Promise<MemberReadPosition[]> {
    const rows = sql(
      this.#db,
      'SELECT m.user_id, u.display_name, r.up_to_seq, r.read_at FROM channel_members m LEFT JOIN users u USING (user_id) LEFT JOIN read_receipts r ON r.channel_id = m.channel_id AND r.user_id = m.user_id WHERE m.channel_id = ? AND m.user_id != ? ORDER BY u.display_name COLLATE NOCASE',
    ).all(channelId, exceptUserId) as Array<{
      user_id: string;
      display_name: string | null;
      up_to_seq: number | null;
      read_at: number | null;
    }>;
    return rows.map((r) => ({
      userId: r.user_id,
      displayName: r.display_name,
      upToSeq: r.up_to_seq,
      readAt: r.read_at,
    }));
  }

  /** Names of the other members of the reader's direct chats, by chat, sorted. */
  async directChatNames(myUserId: string): Promise<Map<string, string[]>> {
    const rows = sql(
      this.#db,
      `SELECT m.channel_id, u.display_name FROM channel_members m JOIN channels c USING (channel_id) JOIN users u USING (user_id)
       WHERE c.kind = 'direct' AND m.user_id != ? AND m.channel_id IN (SELECT channel_id FROM channel_members WHERE user_id = ?)
       ORDER BY u.display_name COLLATE NOCASE`,
    ).all(myUserId, myUserId) as Array<{ channel_id: string; display_name: string }>;
    const names = new Map<string, string[]>();
    for (const row of rows) names.set(row.channel_id, [...(names.get(row.channel_id) ?? []), row.display_name]);
    return names;
  }

  /** For each channel given, the names of everyone ever in it besides the reader (its roster history), sorted. */
  async formerNames(channelIds: readonly string[], myUserId: string): Promise<Map<string, string[]>> {
    const names = sql(
      this.#db,
      `SELECT DISTINCT u.display_name FROM directory_records r, json_each(r.record, '$.body.members') m JOIN users u ON u.user_id = json_extract(m.value, '$.userId')
       WHERE r.type = 'roster' AND r.subject = ? AND u.user_id != ? ORDER BY u.display_name COLLATE NOCASE`,
    ).pluck();
    return new Map(channelIds.map((channelId) => [channelId, names.all(channelId, myUserId) as string[]]));
  }
}
