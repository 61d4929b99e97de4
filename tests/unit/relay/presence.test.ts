// Presence bookkeeping of the relay (apps/relay/presence.ts): few writes (online, offline, one
// refresh per period while connected), and what devices_seen answers from them.
import { describe, expect, it } from 'vitest';
import { silentLog } from '../../../apps/relay/log.ts';
import { Presence } from '../../../apps/relay/presence.ts';
import type { DeviceSeenRow, RelayStore } from '../../../apps/relay/store/store.ts';

function fakeStore(failing = false) {
  const rows = new Map<string, DeviceSeenRow>();
  const writes: DeviceSeenRow[][] = [];
  const store = {
    async markSeen(batch: readonly DeviceSeenRow[]) {
      if (failing) throw new Error('database gone');
      writes.push([...batch]);
      for (const r of batch) if ((rows.get(r.deviceId)?.lastSeenAt ?? -1) <= r.lastSeenAt) rows.set(r.deviceId, r);
    },
    async seenDevices() {
      return [...rows.values()];
    },
  } as unknown as RelayStore;
  return { store, rows, writes };
}

const v4 = { protocol: 4, appVersion: '1.2.0' };
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('relay presence', () => {
  it('writes once online, once offline, and refreshes a connected device at most once per period', async () => {
    let now = 1_000_000;
    const { store, writes } = fakeStore();
    const presence = new Presence({ store, log: silentLog, now: () => now, refreshMs: 60_000 });
    presence.connected('devnurse1', v4);
    presence.connected('devnurse1', v4); // a second connection of the same device
    for (let i = 0; i < 100; i++) {
      now += 1_000;
      presence.refresh(); // the timer ticks; a busy device sends frames meanwhile, which cost nothing here
    }
    presence.disconnected('devnurse1'); // one connection left: still online
    now += 1_000;
    presence.disconnected('devnurse1');
    await presence.stop();
    expect(writes).toEqual([
      [{ deviceId: 'devnurse1', lastSeenAt: 1_000_000, online: true, ...v4 }],
      [{ deviceId: 'devnurse1', lastSeenAt: 1_060_000, online: true, ...v4 }],
      [{ deviceId: 'devnurse1', lastSeenAt: 1_101_000, online: false }],
    ]);
  });

  it('answers connected devices as online now, others from their rows, stale "online" rows as offline', async () => {
    let now = 5_000_000;
    const { store, rows } = fakeStore();
    rows.set('devgone01', {
      deviceId: 'devgone01',
      lastSeenAt: now - 10_000,
      online: false,
      protocol: 3,
      appVersion: null,
    });
    rows.set('devother1', { deviceId: 'devother1', lastSeenAt: now - 30_000, online: true, ...v4 }); // on another relay process
    rows.set('devcrash1', { deviceId: 'devcrash1', lastSeenAt: now - 600_000, online: true }); // its relay crashed
    const presence = new Presence({ store, log: silentLog, now: () => now, refreshMs: 60_000 });
    presence.connected('devhere01', v4);
    now += 5;
    expect(await presence.snapshot(['devhere01', 'devgone01', 'devother1', 'devcrash1', 'devnever1'])).toEqual([
      { deviceId: 'devhere01', lastSeenAt: now, online: true, ...v4 },
      { deviceId: 'devgone01', lastSeenAt: 4_990_000, online: false, protocol: 3, appVersion: null },
      { deviceId: 'devother1', lastSeenAt: 4_970_000, online: true, ...v4 },
      { deviceId: 'devcrash1', lastSeenAt: 4_400_000, online: false, protocol: null, appVersion: null },
      { deviceId: 'devnever1', lastSeenAt: null, online: false, protocol: null, appVersion: null },
    ]);
    await presence.stop();
  });

  it('writes again when a device connects with another version, and not for the same one', async () => {
    let now = 2_000_000;
    const { store, writes } = fakeStore();
    const presence = new Presence({ store, log: silentLog, now: () => now, refreshMs: 60_000 });
    presence.connected('devnurse1', { protocol: 3, appVersion: null });
    now += 1_000;
    presence.connected('devnurse1', { protocol: 3, appVersion: null }); // a second socket, same build
    now += 1_000;
    presence.connected('devnurse1', v4); // updated while the old socket lingers
    await settle();
    expect(writes).toEqual([
      [{ deviceId: 'devnurse1', lastSeenAt: 2_000_000, online: true, protocol: 3, appVersion: null }],
      [{ deviceId: 'devnurse1', lastSeenAt: 2_002_000, online: true, ...v4 }],
    ]);
    expect((await presence.snapshot(['devnurse1']))[0]).toMatchObject(v4);
    await presence.stop();
  });

  it('records devices still connected as offline on shutdown, and ignores what comes after', async () => {
    const { store, writes } = fakeStore();
    const presence = new Presence({ store, log: silentLog, now: () => 7, refreshMs: 60_000 });
    presence.connected('devadmin1', v4);
    await presence.stop();
    presence.disconnected('devadmin1');
    presence.connected('devlate01', v4);
    await settle();
    expect(writes.at(-1)).toEqual([{ deviceId: 'devadmin1', lastSeenAt: 7, online: false }]);
    expect(writes).toHaveLength(2);
  });

  it('a failing store costs the record, never an exception', async () => {
    const { store } = fakeStore(true);
    const warnings: string[] = [];
    const log = { ...silentLog, warn: (message: string) => void warnings.push(message) };
    const presence = new Presence({ store, log, refreshMs: 60_000 });
    presence.connected('devnurse1', v4);
    await presence.stop();
    expect(warnings).toEqual(['presence not recorded', 'presence not recorded']);
  });
});
