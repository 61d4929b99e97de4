// Keeps the local copy of the organisation directory: verified signed records from the relay,
// replayed into the crypto Directory at start, and projected into the users, devices and
// channel tables the UI reads. A record the Directory refuses is logged and never stored.
import { signedRecordSchema, type SignedRecord } from '../../../shared/protocol/records.ts';
import { recordHash } from '../crypto/records.ts';
import type { Directory } from '../crypto/directory.ts';
import type { Logger } from '../log/logger.ts';
import type { ProfileStore } from '../store/profile-store.ts';
import { TransportError, type Transport } from '../transport/transport.ts';
import { directoryChannelId } from './channel-directory.ts';

const POSITION_KEY = 'directory.position';
/** Set while the directory must be read whole and given back to a restored relay (`afterRestore`). */
const RESTORE_PENDING_KEY = 'directory.restorePending';
/** Default name of the organisation-wide channel (channel names are data, shown as stored). */
export const ORG_WIDE_NAME = 'Allgemein';

export class DirectorySync {
  readonly #directory: Directory;
  readonly #store: ProfileStore;
  readonly #log: Logger;
  /**
   * Signatures of the records kept (unique per record, as the relay's trust counts them). The
   * Directory takes a user, enrolment, revocation or settings record it has again: read anew (from
   * the start after a restore, or one this device signed coming back from the relay), it would be
   * stored and projected once more each time.
   */
  readonly #held = new Set<string>();

  constructor(directory: Directory, store: ProfileStore, log: Logger) {
    this.#directory = directory;
    this.#store = store;
    this.#log = log;
  }

  /** Replays the stored records (already verified once) into the Directory at start. */
  loadFromStore(): void {
    const rows = this.#store.db.prepare('SELECT record FROM directory_records ORDER BY record_pk').all() as Array<{ record: string }>;
    for (const row of rows) {
      const record = JSON.parse(row.record) as { sig?: unknown };
      if (typeof record.sig === 'string') {
        if (this.#held.has(record.sig)) continue;
        this.#held.add(record.sig);
      }
      const verdict = this.#directory.ingest(record);
      if (!verdict.ok) this.#log.warn('stored directory record no longer verifies', { reason: verdict.reason });
    }
  }

  /** Fetches records the relay stored since last time. Returns how many were added. */
  async refresh(transport: Pick<Transport, 'getRecords'>, seen?: (record: Record<string, unknown>) => void): Promise<number> {
    let position = (await this.#store.getSetting<number>(POSITION_KEY)) ?? 0;
    let added = 0;
    for (;;) {
      const page = await transport.getRecords(position, 500);
      if (page.records.length === 0) break;
      for (const { pos, record } of page.records) {
        position = Math.max(position, pos);
        seen?.(record);
        if (this.ingest(record)) added++;
      }
      await this.#store.setSetting(POSITION_KEY, position);
      if (page.records.length < 500) break;
    }
    return added;
  }

  /**
   * The relay was restored from a backup (another incarnation): it lost the records stored since
   * the backup, and its positions started again below this device's, so new records there would
   * sit below the position this device asks after and never be read. Reads the whole directory
   * again and gives the relay back every record this device holds and it lacks, in the order this
   * device learned them (a user before their devices), so a device enrolled since the backup can
   * sign in again and every device learns who was added. Kept pending across a lost connection or
   * a restart until done; records the relay refuses (superseded meanwhile) are logged and skipped.
   */
  afterRestore(transport: Pick<Transport, 'getRecords' | 'putRecord'>): Promise<{ uploaded: number }> {
    // One run at a time: the new incarnation and a directory refresh may both ask for it, and a
    // second run beside the first would upload every record twice (and spend the tokens twice).
    this.#restoring ??= this.#giveBack(transport).finally(() => (this.#restoring = null));
    return this.#restoring;
  }

  #restoring: Promise<{ uploaded: number }> | null = null;

  async #giveBack(transport: Pick<Transport, 'getRecords' | 'putRecord'>): Promise<{ uploaded: number }> {
    await this.#store.setSetting(RESTORE_PENDING_KEY, true);
    await this.#store.setSetting(POSITION_KEY, 0);
    const relayHas = new Set<string>();
    await this.refresh(transport, (record) => {
      const parsed = signedRecordSchema.safeParse(record);
      if (parsed.success) relayHas.add(recordHash(parsed.data as SignedRecord));
    });
    const held = this.#store.db.prepare('SELECT record FROM directory_records ORDER BY record_pk').pluck().all() as string[];
    let uploaded = 0;
    for (const json of held) {
      const record = JSON.parse(json) as SignedRecord;
      if (relayHas.has(recordHash(record))) continue;
      try {
        await transport.putRecord(record as unknown as Record<string, unknown>);
        uploaded++;
      } catch (error) {
        // Refused for good (superseded meanwhile, or a quota): skipped, the rest still goes back.
        // A rate limit or a lost connection ends the run; it is still pending and runs again.
        if (!(error instanceof TransportError) || (error.code !== 'record_rejected' && error.code !== 'quota_exceeded')) throw error;
        this.#log.info('record not given back to the restored relay', { type: record.type, reason: error.message.slice(0, 200) });
      }
    }
    await this.#store.setSetting(RESTORE_PENDING_KEY, false);
    if (uploaded > 0) this.#log.info('directory records given back to the restored relay', { uploaded });
    return { uploaded };
  }

  /** An `afterRestore` cut short (connection lost, app closed) is still to be done. */
  async restorePending(): Promise<boolean> {
    return (await this.#store.getSetting<boolean>(RESTORE_PENDING_KEY)) === true;
  }

  /** Verifies and keeps one record (from the relay, or one this device just signed). */
  ingest(record: unknown): boolean {
    const sig = (record as { sig?: unknown } | null)?.sig;
    if (typeof sig === 'string' && this.#held.has(sig)) return false;
    const verdict = this.#directory.ingest(record);
    if (!verdict.ok) {
      // Already known records come back on every full refresh (a device's own certificate, signed
      // with the enrolment it used up, among them); only real refusals are news.
      const deviceId = (record as { body?: { deviceId?: unknown } } | null)?.body?.deviceId;
      const ownCertificateAgain = verdict.detail === 'enrolment already used' && typeof deviceId === 'string' && this.#directory.devices.has(deviceId);
      const known = verdict.reason === 'chain_broken' || verdict.detail === 'device id already certified' || ownCertificateAgain;
      if (!known) {
        this.#log.warn('directory record refused', { reason: verdict.reason, detail: verdict.detail });
      }
      return false;
    }
    this.#project(verdict.record);
    return true;
  }

  #project(record: SignedRecord): void {
    const db = this.#store.db;
    db.transaction(() => {
      const subject = subjectOf(record);
      db.prepare('INSERT INTO directory_records (type, subject, record, received_at) VALUES (?, ?, ?, ?)').run(record.type, subject, JSON.stringify(record), Date.now());
      const body = record.body as Record<string, unknown>;
      switch (record.type) {
        case 'user': {
          // The newest record by issuedAt decides (two admins may upload out of order).
          const current = this.#directory.users.get(String(body.userId))?.body ?? (body as Record<string, unknown>);
          db.prepare(
            `INSERT INTO users VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, role = excluded.role, ward = excluded.ward, active = excluded.active`,
          ).run(current.userId, current.displayName, current.role, current.ward, current.active ? 1 : 0);
          break;
        }
        case 'device':
          db.prepare('INSERT OR IGNORE INTO devices VALUES (?, ?, ?, 0)').run(body.deviceId, body.userId, body.label);
          break;
        case 'revocation': {
          const target = body.target as { kind: string; deviceId?: string; userId?: string };
          if (target.kind === 'device') db.prepare('UPDATE devices SET revoked = 1 WHERE device_id = ?').run(target.deviceId);
          if (target.kind === 'user') db.prepare('UPDATE users SET active = 0 WHERE user_id = ?').run(target.userId);
          break;
        }
        case 'roster': {
          const members = body.members as Array<{ userId: string; role: string }>;
          db.prepare(
            `INSERT INTO channels (channel_id, kind, name, history_for_new_members, created_at) VALUES (?, ?, '', ?, ?)
             ON CONFLICT (channel_id) DO UPDATE SET kind = excluded.kind, history_for_new_members = excluded.history_for_new_members`,
          ).run(body.channelId, body.kind, body.historyForNewMembers ? 1 : 0, body.issuedAt);
          db.prepare('DELETE FROM channel_members WHERE channel_id = ?').run(body.channelId);
          const add = db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)');
          for (const m of members) add.run(body.channelId, m.userId, m.role);
          // The org-wide channel has no name event (nobody administers it): it is "Allgemein"
          // until a member renames it, and discovery events count only there.
          if (body.channelId === directoryChannelId(this.#directory.orgId)) {
            db.prepare(`UPDATE channels SET org_wide = 1, name = CASE WHEN name = '' THEN ? ELSE name END WHERE channel_id = ?`).run(ORG_WIDE_NAME, body.channelId);
          }
          break;
        }
        // Kept in the Directory only (and in directory_records): no table of their own.
        case 'enrolment':
        case 'org_root':
        case 'org_settings':
        case 'wipe':
        case 'wipe_done':
          break;
        default: {
          const _unhandled: never = record.type;
        }
      }
    })();
    this.#held.add(record.sig);
  }
}

function subjectOf(record: SignedRecord): string {
  const body = record.body as Record<string, unknown>;
  return String(body.userId ?? body.deviceId ?? body.channelId ?? body.enrolmentId ?? body.orderId ?? body.orgId ?? '');
}
