// Keeps the local copy of the organisation directory: verified signed records from the relay,
// replayed into the crypto Directory at start, and projected into the users, devices and
// channel tables the UI reads. A record the Directory refuses is logged and never stored.
import { signedRecordSchema, type SignedRecord } from '@klinikfunk/protocol/wire/records.ts';
import { recordHash } from '@klinikfunk/crypto/records.ts';
import type { Directory } from '@klinikfunk/crypto/directory.ts';
import type { Logger } from '../log/logger.ts';
import type { StoredRecord } from '../store/directory.ts';
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
  readonly #kept: () => void;

  /** A channel's roster changed (a verified new version kept): its member lines and counts change. */
  readonly #onRoster: (channelId: string) => void;

  /** `kept`: a record was kept (users, devices, rosters changed): the views reading them are told. */
  constructor(
    directory: Directory,
    store: ProfileStore,
    log: Logger,
    kept: () => void = () => {},
    onRoster: (channelId: string) => void = () => {},
  ) {
    this.#directory = directory;
    this.#store = store;
    this.#log = log;
    this.#kept = kept;
    this.#onRoster = onRoster;
  }

  /** Replays the stored records (already verified once, read by `store.directory.records()`) into the Directory at start. */
  replay(stored: readonly StoredRecord[]): void {
    for (const row of stored) {
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
  async refresh(
    transport: Pick<Transport, 'getRecords'>,
    seen?: (record: Record<string, unknown>) => void,
  ): Promise<number> {
    let position = (await this.#store.getSetting<number>(POSITION_KEY)) ?? 0;
    let added = 0;
    for (;;) {
      const page = await transport.getRecords(position, 500);
      if (page.records.length === 0) break;
      for (const { pos, record } of page.records) {
        position = Math.max(position, pos);
        seen?.(record);
        if (await this.ingest(record)) added++;
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
    const held = (await this.#store.directory.records()).map((r) => r.record);
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
        if (!(error instanceof TransportError) || (error.code !== 'record_rejected' && error.code !== 'quota_exceeded'))
          throw error;
        this.#log.info('record not given back to the restored relay', {
          type: record.type,
          reason: error.message.slice(0, 200),
        });
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
  async ingest(record: unknown): Promise<boolean> {
    const sig = (record as { sig?: unknown } | null)?.sig;
    if (typeof sig === 'string' && this.#held.has(sig)) return false;
    const verdict = this.#directory.ingest(record);
    if (!verdict.ok) {
      // Already known records come back on every full refresh (a device's own certificate, signed
      // with the enrolment it used up, among them); only real refusals are news.
      const deviceId = (record as { body?: { deviceId?: unknown } } | null)?.body?.deviceId;
      const ownCertificateAgain =
        verdict.detail === 'enrolment already used' &&
        typeof deviceId === 'string' &&
        this.#directory.devices.has(deviceId);
      const known =
        verdict.reason === 'chain_broken' || verdict.detail === 'device id already certified' || ownCertificateAgain;
      if (!known) {
        this.#log.warn('directory record refused', { reason: verdict.reason, detail: verdict.detail });
      }
      return false;
    }
    await this.#project(verdict.record);
    this.#kept();
    return true;
  }

  async #project(record: SignedRecord): Promise<void> {
    const body = record.body as Record<string, unknown>;
    // The newest user record by issuedAt decides (two admins may upload out of order).
    const currentUser = record.type === 'user' ? this.#directory.users.get(String(body.userId))?.body : undefined;
    // Held before the write returns: a second copy arriving meanwhile (a refresh beside a publish) is not kept twice.
    this.#held.add(record.sig);
    try {
      await this.#store.directory.keep(
        record,
        subjectOf(record),
        {
          ...(currentUser ? { currentUser: currentUser as unknown as Record<string, unknown> } : {}),
          orgWideChannelId: directoryChannelId(this.#directory.orgId),
          orgWideName: ORG_WIDE_NAME,
        },
        Date.now(),
      );
    } catch (error) {
      this.#held.delete(record.sig);
      throw error;
    }
    if (record.type === 'roster') this.#onRoster(String(body.channelId));
  }
}

function subjectOf(record: SignedRecord): string {
  const body = record.body as Record<string, unknown>;
  return String(
    body.userId ??
      body.deviceId ??
      body.channelId ??
      body.enrolmentId ??
      body.orderId ??
      body.delegationId ??
      body.orgId ??
      '',
  );
}
