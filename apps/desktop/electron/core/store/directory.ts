// The local copy of the organisation directory: the signed records as received, and their
// projection into the users, devices, channels and channel_members tables the views read. Which
// records are kept is the crypto Directory's decision (client/directory-sync.ts); this keeps them.
import type { SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import type { Db } from './database.ts';
import { sql } from './statements.ts';

export interface DirectoryUser {
  userId: string;
  displayName: string;
  role: 'admin' | 'member';
  ward: string | null;
  active: boolean;
}

export interface DirectoryDevice {
  deviceId: string;
  userId: string;
  label: string;
  revoked: boolean;
  /** The user's name, null while the user record is not here yet. */
  userName: string | null;
}

export interface StoredRecord {
  recordPk: number;
  type: string;
  /** The signed record as JSON, as it arrived. */
  record: string;
}

/** What the projection needs to know besides the record itself. */
export interface Projection {
  /** The newest user body by issuedAt (the Directory's), for a user record. */
  currentUser?: Record<string, unknown>;
  /** The organisation-wide channel, named `orgWideName` until a member renames it. */
  orgWideChannelId: string;
  orgWideName: string;
}

export class DirectoryRepository {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  /** Every user, by name (the people picker). */
  async users(): Promise<DirectoryUser[]> {
    const rows = sql(this.#db, 'SELECT * FROM users ORDER BY display_name COLLATE NOCASE').all() as Array<{
      user_id: string;
      display_name: string;
      role: 'admin' | 'member';
      ward: string | null;
      active: number;
    }>;
    return rows.map((r) => ({
      userId: r.user_id,
      displayName: r.display_name,
      role: r.role,
      ward: r.ward,
      active: r.active === 1,
    }));
  }

  async user(userId: string): Promise<DirectoryUser | null> {
    const r = sql(this.#db, 'SELECT display_name, role, ward, active FROM users WHERE user_id = ?').get(userId) as
      { display_name: string; role: 'admin' | 'member'; ward: string | null; active: number } | undefined;
    return r ? { userId, displayName: r.display_name, role: r.role, ward: r.ward, active: r.active === 1 } : null;
  }

  /** Display names by user id, all in one read (views name many people at once). */
  async displayNames(): Promise<Map<string, string>> {
    const rows = sql(this.#db, 'SELECT user_id, display_name FROM users').all() as Array<{
      user_id: string;
      display_name: string;
    }>;
    return new Map(rows.map((r) => [r.user_id, r.display_name]));
  }

  /** Display names of just these users (the senders of a batch of notifications). */
  async displayNamesOf(userIds: readonly string[]): Promise<Map<string, string>> {
    const rows = sql(
      this.#db,
      'SELECT user_id, display_name FROM users WHERE user_id IN (SELECT value FROM json_each(?))',
    ).all(JSON.stringify(userIds)) as Array<{
      user_id: string;
      display_name: string;
    }>;
    return new Map(rows.map((r) => [r.user_id, r.display_name]));
  }

  /** Every certified device with its user's name, by name and label. */
  async devices(): Promise<DirectoryDevice[]> {
    const rows = sql(
      this.#db,
      'SELECT d.device_id, d.user_id, d.label, d.revoked, u.display_name FROM devices d LEFT JOIN users u USING (user_id) ORDER BY u.display_name COLLATE NOCASE, d.label',
    ).all() as Array<{
      device_id: string;
      user_id: string;
      label: string;
      revoked: number;
      display_name: string | null;
    }>;
    return rows.map((r) => ({
      deviceId: r.device_id,
      userId: r.user_id,
      label: r.label,
      revoked: r.revoked === 1,
      userName: r.display_name,
    }));
  }

  /** One device's revocation state, null for a device not in the directory. */
  async device(deviceId: string): Promise<{ revoked: boolean } | null> {
    const row = sql(this.#db, 'SELECT revoked FROM devices WHERE device_id = ?').get(deviceId) as
      { revoked: number } | undefined;
    return row ? { revoked: row.revoked === 1 } : null;
  }

  async deviceLabels(): Promise<Map<string, string>> {
    const rows = sql(this.#db, 'SELECT device_id, label FROM devices').all() as Array<{
      device_id: string;
      label: string;
    }>;
    return new Map(rows.map((d) => [d.device_id, d.label]));
  }

  /** The kept records in the order this device learned them (a user before their devices), optionally of some types only. */
  async records(types?: readonly string[]): Promise<StoredRecord[]> {
    const rows = (
      types === undefined
        ? sql(this.#db, 'SELECT record_pk, type, record FROM directory_records ORDER BY record_pk').all()
        : sql(
            this.#db,
            'SELECT record_pk, type, record FROM directory_records WHERE type IN (SELECT value FROM json_each(?)) ORDER BY record_pk',
          ).all(JSON.stringify(types))
    ) as Array<{ record_pk: number; type: string; record: string }>;
    return rows.map((r) => ({ recordPk: r.record_pk, type: r.type, record: r.record }));
  }

  /** Keeps a record the Directory accepted and projects it, in one transaction. */
  async keep(record: SignedRecord, subject: string, projection: Projection, receivedAt: number): Promise<void> {
    const db = this.#db;
    db.transaction(() => {
      sql(db, 'INSERT INTO directory_records (type, subject, record, received_at) VALUES (?, ?, ?, ?)').run(
        record.type,
        subject,
        JSON.stringify(record),
        receivedAt,
      );
      const body = record.body as Record<string, unknown>;
      switch (record.type) {
        case 'user': {
          const current = projection.currentUser ?? body;
          sql(
            db,
            `INSERT INTO users VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role, ward = excluded.ward, active = excluded.active`,
          ).run(current.userId, current.displayName, current.role, current.ward, current.active ? 1 : 0);
          break;
        }
        case 'device':
          sql(db, 'INSERT OR IGNORE INTO devices VALUES (?, ?, ?, 0)').run(body.deviceId, body.userId, body.label);
          break;
        case 'revocation': {
          const target = body.target as { kind: string; deviceId?: string; userId?: string };
          if (target.kind === 'device')
            sql(db, 'UPDATE devices SET revoked = 1 WHERE device_id = ?').run(target.deviceId);
          if (target.kind === 'user') sql(db, 'UPDATE users SET active = 0 WHERE user_id = ?').run(target.userId);
          break;
        }
        case 'roster': {
          const members = body.members as Array<{ userId: string; role: string }>;
          sql(
            db,
            `INSERT INTO channels (channel_id, kind, name, history_for_new_members, created_at) VALUES (?, ?, '', ?, ?)
             ON CONFLICT (channel_id) DO UPDATE SET kind = excluded.kind, history_for_new_members = excluded.history_for_new_members`,
          ).run(body.channelId, body.kind, body.historyForNewMembers ? 1 : 0, body.issuedAt);
          sql(db, 'DELETE FROM channel_members WHERE channel_id = ?').run(body.channelId);
          const add = sql(db, 'INSERT INTO channel_members VALUES (?, ?, ?)');
          for (const m of members) add.run(body.channelId, m.userId, m.role);
          // The org-wide channel has no name event (nobody administers it): it keeps its default
          // name until a member renames it, and discovery events count only there.
          if (body.channelId === projection.orgWideChannelId) {
            sql(
              db,
              `UPDATE channels SET org_wide = 1, name = CASE WHEN name = '' THEN ? ELSE name END WHERE channel_id = ?`,
            ).run(projection.orgWideName, body.channelId);
          }
          break;
        }
        // Kept in the Directory only (and in directory_records): no table of their own.
        case 'enrolment':
        case 'org_root':
        case 'org_settings':
        case 'wipe':
        case 'wipe_done':
        case 'delegation':
        case 'delegation_revocation':
        case 'org_rotation':
          break;
        default: {
          const _unhandled: never = record.type;
        }
      }
    })();
  }
}
