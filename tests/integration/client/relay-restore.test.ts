// Restoring the relay from a backup, as docs/operations.md says: an online SQLite backup while
// the relay runs, messages sent after it, stop, `node server/main.ts restore --from`, start. Every
// message sent before and after the restore reaches every member exactly once, also a member
// whose device first connects after the restore; the sender sees each as sent.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelay, TestOrg, type TestRelay } from '../../harness/relay.ts';
import { ClientWorld, eventually, type Workstation } from './client-world.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

let org: TestOrg;
let relay: TestRelay;
const world = new ClientWorld();
const open: Workstation[] = [];

beforeAll(async () => {
  org = await TestOrg.create();
});
afterEach(async () => {
  for (const ws of open.splice(0)) await ws.shutdown().catch(() => {});
  await relay?.dispose();
});
afterAll(() => world.dispose());

async function bodies(ws: Workstation, channelId: string): Promise<string[]> {
  return (await ws.store.messages.page(channelId)).map((m) => m.body).reverse();
}

/** The documented online backup of a running relay (sqlite3 .backup). */
async function backup(dataDir: string, file: string): Promise<void> {
  await run('sqlite3', [join(dataDir, 'relay.db'), `.backup '${file}'`]);
}

/** `node server/main.ts restore --from <backup> --data-dir <dir>`; returns its log lines. */
async function restoreCommand(dataDir: string, from: string, port: number): Promise<Array<Record<string, unknown>>> {
  const { stderr } = await run(process.execPath, [join(repoRoot, 'server', 'main.ts'), 'restore', '--from', from, '--data-dir', dataDir, '--port', String(port)]);
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('relay restored from a backup (SQLite, relay as a process)', () => {
  it('every message sent before and after the restore reaches every member exactly once', async () => {
    const anna = org.addUser('Anna');
    const ben = org.addUser('Ben');
    const carl = org.addUser('Carl');
    const annaDevice = org.addDevice(anna);
    const benDevice = org.addDevice(ben);
    const carlDevice = org.addDevice(carl);
    relay = await startTestRelay({ org, mode: 'process', envelopeCheck: true });
    const a = await world.workstation(org, relay.url, annaDevice);
    const b = await world.workstation(org, relay.url, benDevice);
    open.push(a, b);

    const channelId = await a.client.createChannel({ kind: 'conversation', name: 'Station 4', memberUserIds: [ben, carl] });
    await a.client.sendMessage(channelId, 'vor der Sicherung');
    await eventually(async () => (await bodies(b, channelId)).includes('vor der Sicherung'), 10_000, 'first message');

    const backupFile = join(relay.dataDir, 'backup.db');
    await backup(relay.dataDir, backupFile);

    await a.client.sendMessage(channelId, 'nach der Sicherung');
    await eventually(async () => (await bodies(b, channelId)).includes('nach der Sicherung'), 10_000, 'second message');
    await eventually(async () => (await a.store.messages.page(channelId)).every((m) => m.delivery === 'sent'), 10_000, 'sent');

    await relay.stop();
    const log = await restoreCommand(relay.dataDir, backupFile, relay.port);
    const restored = log.find((l) => l.msg === 'relay restored');
    expect(restored).toBeDefined();
    expect(restored!.incarnation).not.toBe(restored!.previousIncarnation);
    await relay.restart();

    await eventually(() => a.transport.state() === 'online' && b.transport.state() === 'online', 15_000, 'reconnected');
    await a.client.sendMessage(channelId, 'nach der Wiederherstellung');
    await b.client.sendMessage(channelId, 'Ben nach der Wiederherstellung');

    const all = ['vor der Sicherung', 'nach der Sicherung', 'nach der Wiederherstellung', 'Ben nach der Wiederherstellung'];
    const sorted = [...all].sort();
    await eventually(async () => (await bodies(b, channelId)).length === 4 && (await bodies(a, channelId)).length === 4, 15_000, 'both have four');
    expect((await bodies(b, channelId)).sort()).toEqual(sorted);
    expect((await bodies(a, channelId)).sort()).toEqual(sorted);

    // Carl's device connects for the first time: the relay lost "nach der Sicherung", Anna sent it again.
    const c = await world.workstation(org, relay.url, carlDevice);
    open.push(c);
    await eventually(async () => (await bodies(c, channelId)).length >= 4, 15_000, 'carl has four');
    expect((await bodies(c, channelId)).sort()).toEqual(sorted);

    // Shown as sent: each is in the restored relay's store, once.
    await eventually(async () => (await a.store.messages.page(channelId)).every((m) => m.delivery === 'sent'), 10_000, 'anna: all sent');
    await eventually(async () => (await b.store.messages.page(channelId)).every((m) => m.delivery === 'sent'), 10_000, 'ben: all sent');
    await relay.stop();
    await run('sqlite3', [join(relay.dataDir, 'relay.db'), 'PRAGMA wal_checkpoint;']).catch(() => {});
    const { stdout } = await run('sqlite3', [join(relay.dataDir, 'relay.db'), `SELECT count(*), count(DISTINCT client_event_id) FROM events WHERE channel = '${channelId}'`]);
    const [events, distinct] = stdout.trim().split('|').map(Number);
    expect(events).toBe(distinct);
  });
});
