// When each device was last connected, for the admin's device list (devices_seen). The relay
// sees every connection anyway; this keeps one row per device in the store so the answer survives
// a restart and covers every relay process on one PostgreSQL.
//
// Writes are few on purpose: one when a device comes online (its first connection in this
// process), one when it goes offline (its last connection closed), and while it stays connected
// one refresh per `refreshMs` at most, batched for all devices. Frames a busy device sends cost
// nothing here. A crashed relay leaves rows saying "online": a row counts as online only while it
// is fresher than STALE_FACTOR refresh periods, so such a row turns into "last seen" by itself.
import type { DeviceSeen } from '@klinikfunk/protocol/relay/frames.ts';
import type { RelayLog } from './log.ts';
import type { DeviceSeenRow, RelayStore } from './store/store.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export const DEFAULT_PRESENCE_REFRESH_MS = 60_000;

/** What a device said in hello: its protocol version and app version (kept with its row, for the admin's list). */
export interface DeviceRelease {
  protocol: number;
  appVersion: string | null;
}
const STALE_FACTOR = 3;

export interface PresenceOptions {
  store: RelayStore;
  log: RelayLog;
  now?: () => number;
  /** Connected devices' rows are rewritten at most this often (default one minute). */
  refreshMs?: number;
}

export class Presence {
  readonly #store: RelayStore;
  readonly #log: RelayLog;
  readonly #now: () => number;
  readonly #refreshMs: number;
  /** Devices connected to this process: open connections and when their row was last written. */
  readonly #connected = new Map<string, { connections: number; writtenAt: number } & DeviceRelease>();
  #writes: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(options: PresenceOptions) {
    this.#store = options.store;
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
    this.#refreshMs = options.refreshMs ?? DEFAULT_PRESENCE_REFRESH_MS;
  }

  /** Starts the refresh timer (a quarter of the refresh period, so no row gets much older than it). */
  start(): void {
    this.#timer = setInterval(() => this.refresh(), Math.max(10, this.#refreshMs / 4));
    this.#timer.unref();
  }

  /**
   * A connection of the device authenticated. The newest connection's versions count (a device
   * updated while an old socket lingers says its new version at once).
   */
  connected(deviceId: string, release: DeviceRelease): void {
    if (this.#stopped) return;
    const entry = this.#connected.get(deviceId);
    const now = this.#now();
    if (entry) {
      entry.connections++;
      if (entry.protocol === release.protocol && entry.appVersion === release.appVersion) return;
      Object.assign(entry, release, { writtenAt: now });
    } else {
      this.#connected.set(deviceId, { connections: 1, writtenAt: now, ...release });
    }
    this.#write([{ deviceId, lastSeenAt: now, online: true, ...release }]);
  }

  /** An authenticated connection of the device closed. */
  disconnected(deviceId: string): void {
    if (this.#stopped) return;
    const entry = this.#connected.get(deviceId);
    if (!entry || --entry.connections > 0) return;
    this.#connected.delete(deviceId);
    this.#write([{ deviceId, lastSeenAt: this.#now(), online: false }]);
  }

  /** Rewrites the rows of connected devices written longer than a refresh period ago (one batch). */
  refresh(): void {
    if (this.#stopped) return;
    const now = this.#now();
    const due: DeviceSeenRow[] = [];
    for (const [deviceId, entry] of this.#connected) {
      if (now - entry.writtenAt < this.#refreshMs) continue;
      entry.writtenAt = now;
      due.push({ deviceId, lastSeenAt: now, online: true, protocol: entry.protocol, appVersion: entry.appVersion });
    }
    if (due.length > 0) this.#write(due);
  }

  /** Presence of the given devices: connected here, or as the store has it (fresh rows only count as online). */
  async snapshot(deviceIds: readonly string[]): Promise<DeviceSeen[]> {
    const now = this.#now();
    const rows = new Map((await this.#store.seenDevices()).map((r) => [r.deviceId, r]));
    return deviceIds.map((deviceId): DeviceSeen => {
      const here = this.#connected.get(deviceId);
      if (here)
        return { deviceId, lastSeenAt: now, online: true, appVersion: here.appVersion, protocol: here.protocol };
      const row = rows.get(deviceId);
      if (!row) return { deviceId, lastSeenAt: null, online: false, appVersion: null, protocol: null };
      const fresh = now - row.lastSeenAt < STALE_FACTOR * this.#refreshMs;
      return {
        deviceId,
        lastSeenAt: row.lastSeenAt,
        online: row.online && fresh,
        appVersion: row.appVersion ?? null,
        protocol: row.protocol ?? null,
      };
    });
  }

  /** Shutdown: every device still connected is recorded as gone now; resolves when written. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (!this.#stopped) {
      const now = this.#now();
      const rows = [...this.#connected.keys()].map((deviceId) => ({ deviceId, lastSeenAt: now, online: false }));
      if (rows.length > 0) this.#write(rows);
      this.#connected.clear();
      this.#stopped = true;
    }
    await this.#writes;
  }

  /** Writes one after another; a failure is logged and dropped (presence is best effort, never a frame error). */
  #write(rows: DeviceSeenRow[]): void {
    this.#writes = this.#writes.then(() =>
      this.#store.markSeen(rows).catch((error: unknown) => {
        this.#log.warn('presence not recorded', { devices: rows.length, error: loggable(error) });
      }),
    );
  }
}
