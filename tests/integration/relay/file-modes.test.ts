// Files at rest: the relay's data directory is 0700 and every file in it 0600 (the database with
// its -wal and -shm, the high-water mark, the lock, a restored backup), also when the directory
// was made by hand with looser modes and whatever umask the relay was started with.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { deviceTransport, startTestRelay, TestOrg, testId } from '../../harness/relay.ts';
import { until } from '../transport/contract.ts';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const mode = (path: string) => statSync(path).mode & 0o777;
/** Every entry of the folder with its mode, for one readable assertion. */
const modes = (dir: string) => Object.fromEntries(readdirSync(dir).map((name) => [name, mode(join(dir, name))]));

describe('relay files at rest', () => {
  it(
    'makes a hand-made 0755 data directory 0700 and every file in it 0600, the SQLite files included',
    { timeout: 60_000 },
    async () => {
      const org = await TestOrg.create();
      const user = org.addUser();
      const device = org.addDevice(user);
      const channelId = testId('chan');
      org.setRoster(channelId, [user]);
      const parent = await mkdtemp(join(tmpdir(), 'kf-modes-'));
      const dataDir = join(parent, 'data');
      mkdirSync(dataDir, { mode: 0o755 });
      chmodSync(dataDir, 0o755);
      writeFileSync(join(dataDir, 'notes.txt'), 'left by an admin\n', { mode: 0o644 });
      const relay = await startTestRelay({ org, mode: 'process', dataDir });
      try {
        const t = deviceTransport(relay.url, device);
        await t.connect();
        await t.publish(channelId, testId('evt'), new Uint8Array([1]));
        await t.close();
        expect(mode(dataDir)).toBe(0o700);
        const running = modes(dataDir);
        // The harness wrote import-records.json with the test's umask before the start.
        for (const name of [
          'relay.db',
          'relay.db-wal',
          'relay.db-shm',
          'relay.lock',
          'relay-high-water.json',
          'import-records.json',
          'notes.txt',
        ])
          expect(running[name], name).toBe(0o600);
        expect(Object.values(running).every((m) => m === 0o600)).toBe(true);
        await relay.stop();
        expect(Object.values(modes(dataDir)).every((m) => m === 0o600)).toBe(true);
        expect(mode(dataDir)).toBe(0o700);
      } finally {
        await relay.dispose();
        await rm(parent, { recursive: true, force: true });
      }
    },
  );

  it(
    'restores a backup copied with mode 0644 as a 0600 relay.db in a new 0700 data directory',
    { timeout: 60_000 },
    async () => {
      const org = await TestOrg.create();
      org.addDevice(org.addUser());
      const relay = await startTestRelay({ org, mode: 'process' });
      const parent = await mkdtemp(join(tmpdir(), 'kf-restore-modes-'));
      try {
        await relay.stop();
        const backup = join(parent, 'relay-backup.db');
        copyFileSync(join(relay.dataDir, 'relay.db'), backup);
        chmodSync(backup, 0o644);
        const dataDir = join(parent, 'restored');
        await run(process.execPath, [
          join(repoRoot, 'apps', 'relay', 'main.ts'),
          'restore',
          '--from',
          backup,
          '--data-dir',
          dataDir,
          '--port',
          '1',
        ]);
        expect(mode(dataDir)).toBe(0o700);
        expect(modes(dataDir)).toEqual({ 'relay.db': 0o600, 'relay-high-water.json': 0o600 });
      } finally {
        await relay.dispose();
        await rm(parent, { recursive: true, force: true });
      }
    },
  );

  // Needs root to start the relay as another user (nobody) than the directory's owner.
  it.skipIf(process.getuid?.() !== 0)(
    "starts on a data directory it may write but not chmod (root's, group-writable), and says so",
    { timeout: 60_000 },
    async () => {
      const org = await TestOrg.create();
      const parent = await mkdtemp(join(tmpdir(), 'kf-foreign-dir-'));
      chmodSync(parent, 0o755);
      // As an admin makes it: owned by root, writable by the service account's group (here
      // everyone: the relay runs as nobody).
      const dataDir = join(parent, 'data');
      mkdirSync(dataDir);
      chmodSync(dataDir, 0o777);
      const relay = spawn(
        process.execPath,
        [
          join(repoRoot, 'apps', 'relay', 'main.ts'),
          '--host',
          '127.0.0.1',
          '--port',
          '0',
          '--data-dir',
          dataDir,
          `--org-public-key=${org.orgPublicKey}`,
        ],
        {
          uid: 65534,
          gid: 65534,
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, RELAY_DATABASE_URL: '' },
        },
      );
      let log = '';
      relay.stderr!.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
      let exit: number | null = null;
      relay.once('exit', (code) => (exit = code ?? -1));
      try {
        await until(() => /"msg":"relay listening"/.test(log) || exit !== null, 30_000);
        expect(log).not.toMatch(/relay failed to start/);
        expect(log).toMatch(/"level":"warn","msg":"data directory: mode not set to 0700"/);
        // What the relay creates is its own and private all the same.
        expect(mode(join(dataDir, 'relay.db'))).toBe(0o600);
      } finally {
        relay.kill('SIGKILL');
        await rm(parent, { recursive: true, force: true });
      }
    },
  );
});
