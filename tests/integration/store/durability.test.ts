import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEncryptStream, generateFileKey } from '../../../apps/desktop/electron/core/crypto/file-crypto.ts';
import { testing } from '../../../apps/desktop/electron/core/crypto/kdf.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { ProfileManager } from '../../../apps/desktop/electron/core/session/profiles.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { randomKey, tempDir } from '../../unit/store/helpers.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { fileRepository } from '../../../apps/desktop/electron/core/features/files/repository.ts';

const SECRETS = ['Patientin Müller Zimmer 12', 'Hämoglobin 7,9 g/dl', 'Dienstplan Weihnachten', 'Verdacht auf Sepsis'];

beforeAll(async () => {
  await readySodium();
});

describe('data at rest', () => {
  it('the database, its WAL and every cached file contain no plaintext and no SQLite header', async () => {
    testing.allowWeakKdf = true;
    const root = tempDir();
    const profiles = new ProfileManager({
      rootDir: root,
      kdf: { alg: 'argon2id13', opsLimit: 1, memLimitBytes: 8 << 20 },
    });
    const profile = await profiles.create({ displayName: 'Anna', passphrase: 'geheim geheim' });
    const channelId = 'chn-rest-00001';
    await profile.store.channels.upsert(
      {
        channelId,
        kind: 'channel',
        name: SECRETS[2]!,
        topic: '',
        historyForNewMembers: false,
        retentionDays: null,
        createdAt: 0,
      },
      [{ userId: 'usr-anna-0001', role: 'admin' }],
    );
    await profile.store.sync.applyBatch(channelId, {
      events: SECRETS.map((body, i) => ({
        eventId: `evt-rest-${i}aaaa`,
        channelId,
        seq: i + 1,
        senderUserId: 'usr-anna-0001',
        senderDeviceId: 'dev-anna-0001',
        createdAt: 1,
        contentType: 'message',
        payload: { type: 'message.create', body, mentions: [], replyTo: null, urgent: false },
      })),
      pending: [],
      newCursor: SECRETS.length,
    });
    // A file name and a caption are content too.
    await profile.store.sync.applyBatch(channelId, {
      events: [
        {
          eventId: 'evt-rest-file0',
          channelId,
          seq: SECRETS.length + 1,
          senderUserId: 'usr-anna-0001',
          senderDeviceId: 'dev-anna-0001',
          createdAt: 1,
          contentType: 'message',
          payload: {
            type: 'file.share',
            name: `${SECRETS[0]}.pdf`,
            mimeType: 'application/pdf',
            size: 10,
            blobId: 'blob-0001',
            keyB64: 'k'.repeat(43),
            hashB64: 'h'.repeat(43),
            thumbnailBlobId: null,
            caption: SECRETS[1]!,
          },
        },
      ],
      pending: [],
      newCursor: SECRETS.length + 1,
    });
    expect((await profile.store.repository(fileRepository).files(channelId)).map((f) => f.caption)).toEqual([
      SECRETS[1],
    ]);
    // A cached attachment: stored exactly as it arrives, encrypted.
    await pipeline(
      Readable.from([Buffer.from(SECRETS.join('\n'))]),
      createEncryptStream(generateFileKey()),
      createWriteStream(join(profile.filesDir, 'blob-0001')),
    );
    const dir = join(root, profile.summary.profileId);
    const storeFiles = () =>
      readdirSync(dir)
        .filter((f) => f.startsWith('store.db'))
        .map((f) => join(dir, f));
    const cached = () => readdirSync(profile.filesDir).map((f) => join(profile.filesDir, f));
    const checkNoPlaintext = (files: string[]) => {
      for (const file of files) {
        const bytes = readFileSync(file);
        expect(bytes.includes('SQLite format 3'), file).toBe(false);
        for (const secret of SECRETS) {
          expect(bytes.includes(Buffer.from(secret, 'utf8')), `${file}: ${secret}`).toBe(false);
          expect(bytes.includes(Buffer.from(secret, 'utf16le')), `${file}: ${secret} (utf16)`).toBe(false);
        }
      }
    };
    // While the store is open the WAL holds the recent pages.
    expect(storeFiles().some((f) => f.endsWith('-wal'))).toBe(true);
    expect(cached()).toHaveLength(1);
    checkNoPlaintext([...storeFiles(), ...cached()]);
    profiles.close(profile);
    // After close the WAL is folded into the database file: every page is there now.
    expect(statSync(join(dir, 'store.db')).size).toBeGreaterThan(8192);
    checkNoPlaintext([...storeFiles(), ...cached(), join(dir, 'profile.json')]);
    testing.allowWeakKdf = false;
  });

  it('a wrong raw key is a typed error and leaves the files as they were', () => {
    const dir = tempDir();
    const path = join(dir, 'store.db');
    const store = ProfileStore.open(path, randomKey(), { create: true });
    testDatabase(store).prepare(`INSERT INTO settings VALUES ('marker', '"x"')`).run();
    store.close();
    const snapshot = () => readdirSync(dir).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]);
    const before = snapshot();
    expect(() => ProfileStore.open(path, randomKey(), { create: false })).toThrow(
      expect.objectContaining({ name: 'StoreError', code: 'unreadable' }),
    );
    expect(snapshot()).toEqual(before);
  });
});

describe('crash safety', () => {
  it('after SIGKILL mid-write, every committed batch is there, nothing half-written, cursor consistent', async () => {
    const path = join(tempDir(), 'store.db');
    const key = randomKey();
    const channelId = 'chn-crash-0001';
    const setup = ProfileStore.open(path, key, { create: true });
    await setup.channels.upsert(
      {
        channelId,
        kind: 'channel',
        name: 'Crash',
        topic: '',
        historyForNewMembers: false,
        retentionDays: null,
        createdAt: 0,
      },
      [{ userId: 'usr-crash-0001', role: 'admin' }],
    );
    setup.close();

    const child = spawn(
      process.execPath,
      [
        join(import.meta.dirname, '../../fixtures/store/crash-writer.ts'),
        path,
        Buffer.from(key).toString('hex'),
        channelId,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let lastCommitted = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (data: Buffer) => {
        for (const line of data.toString().split('\n')) {
          const match = /^committed (\d+)$/.exec(line);
          if (match) lastCommitted = Number(match[1]);
        }
        if (lastCommitted >= 30) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code, signal) =>
        signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited ${code}: ${stderr}`)),
      );
    });
    await new Promise((r) => child.on('close', r));

    const store = ProfileStore.open(path, key, { create: false });
    const cursor = (await store.sync.cursors())[channelId]!;
    const count = testDatabase(store)
      .prepare('SELECT count(*) AS c, max(seq) AS m FROM messages WHERE channel_id = ?')
      .get(channelId) as { c: number; m: number };
    expect(cursor).toBeGreaterThanOrEqual(lastCommitted * 10);
    expect(cursor % 10).toBe(0); // whole batches only
    expect(count).toEqual({ c: cursor, m: cursor });
    expect(testDatabase(store).pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
  }, 60_000);
});
