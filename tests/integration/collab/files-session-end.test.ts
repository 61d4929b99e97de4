// An upload belongs to one sitting of its profile: when the profile signs out or its screen locks,
// the upload is discarded (partial ciphertext deleted) and cannot be continued afterwards, not even
// by the same user signing in again; the same holds for an open "save as" reader.
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_CHUNK_MAX_BYTES } from '@klinikfunk/protocol/api/features/files.ts';
import type { CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from './two-workstations.ts';

const PASSPHRASE = 'Sonnenblume-Station-3';
const PIN = '593017';

async function begunUpload(client: CoreClient, channelId: string): Promise<string> {
  const begun = await client.value('files.beginUpload', {
    channelId,
    name: 'befund.bin',
    mimeType: 'application/octet-stream',
    size: 2 * FILE_CHUNK_MAX_BYTES,
  });
  if (begun.status !== 'started') throw new Error('refused');
  await client.value('files.uploadChunk', {
    uploadId: begun.uploadId,
    offset: 0,
    data: randomBytes(FILE_CHUNK_MAX_BYTES),
  });
  return begun.uploadId;
}

async function leftovers(client: CoreClient, uploadId: string): Promise<string[]> {
  return (await readdir(client.dataDir, { recursive: true })).map(String).filter((f) => f.includes(`.up-${uploadId}`));
}

describe('uploads end with the sitting of their profile', () => {
  let w: TwoWorkstations;
  let profileId: string;
  beforeAll(async () => {
    w = await twoWorkstations();
    profileId = (await w.admin.value('session.me', {})).profileId;
    await w.admin.value('session.setPin', { pin: PIN });
  }, 90_000);
  afterAll(async () => w?.close());

  it('a sign-out discards the upload: after signing in again it cannot be continued, its ciphertext is gone', async () => {
    const { admin, channelId } = w;
    const uploadId = await begunUpload(admin, channelId);
    expect(await leftovers(admin, uploadId)).not.toEqual([]);
    await admin.value('session.signOut', {});
    await eventually(async () => (await leftovers(admin, uploadId)).length === 0, 15_000, 'partial upload deleted');
    expect((await admin.value('session.signIn', { profileId, passphrase: PASSPHRASE })).state).toBe('unlocked');
    await admin.value('session.setPin', { pin: PIN });
    expect(
      await admin.call('files.uploadChunk', {
        uploadId,
        offset: FILE_CHUNK_MAX_BYTES,
        data: randomBytes(FILE_CHUNK_MAX_BYTES),
      }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await admin.call('files.finishUpload', { uploadId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('a lock discards the upload: after unlocking it cannot be finished, its ciphertext is gone', async () => {
    const { admin, channelId } = w;
    const uploadId = await begunUpload(admin, channelId);
    await admin.value('session.lock', {});
    await eventually(async () => (await leftovers(admin, uploadId)).length === 0, 15_000, 'partial upload deleted');
    expect(await admin.value('session.unlock', { profileId, pin: PIN })).toEqual({ kind: 'unlocked' });
    expect(await admin.call('files.finishUpload', { uploadId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
