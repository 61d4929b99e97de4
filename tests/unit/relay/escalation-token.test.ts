// The relay's token check: the hash the sender hands over is SHA-256 of the token (the client's
// and the relay's functions agree), compared in constant time, and an acknowledgement stops one
// escalation once: the wrong token, another's token, or an unknown id change nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { tokenHashOf } from '../../../apps/relay/escalation-requests.ts';
import { sameHash } from '../../../apps/relay/store/escalation-store.ts';
import { openSqliteStore } from '../../../apps/relay/store/sqlite.ts';
import type { RelayStore } from '../../../apps/relay/store/store.ts';
import { escalationTokenHash } from '../../../apps/desktop/electron/core/features/escalation/seal.ts';

await readySodium();
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('escalation token check', () => {
  it('hashes a token as the sender did and compares hashes exactly', () => {
    const token = bytes(32, 9);
    expect([...tokenHashOf(token)]).toEqual([...escalationTokenHash(token)]);
    expect(sameHash(tokenHashOf(token), escalationTokenHash(token))).toBe(true);
    expect(sameHash(tokenHashOf(token), tokenHashOf(bytes(32, 8)))).toBe(false);
    expect(sameHash(tokenHashOf(token), tokenHashOf(token).subarray(0, 31))).toBe(false);
  });

  describe('in the store', () => {
    let dir: string;
    let store: RelayStore;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'kf-esc-'));
      store = openSqliteStore(join(dir, 'relay.db'));
    });
    afterEach(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });
    const put = (id: string, token: Uint8Array) =>
      store.escalations.put(
        {
          escalationId: id,
          fromDeviceId: 'devsender1',
          tokenHash: tokenHashOf(token),
          createdAt: 1000,
          steps: [
            { deadline: 2000, items: [{ toDeviceId: 'devbackup1', messageId: `${id}-1`, payload: bytes(4, 1) }] },
            { deadline: 3000, items: [{ toDeviceId: 'devsuperv1', messageId: `${id}-2`, payload: bytes(4, 2) }] },
          ],
        },
        10,
      );

    it('stops once with its own token and never with another', async () => {
      const a = bytes(32, 1);
      const b = bytes(32, 2);
      expect(await put('escaaaaa1', a)).toBe('stored');
      expect(await put('escbbbbb1', b)).toBe('stored');
      expect(await store.escalations.ack('escbbbbb1', tokenHashOf(a), 1500)).toEqual({ result: 'bad_token' });
      expect(await store.escalations.ack('escnosuch', tokenHashOf(a), 1500)).toEqual({ result: 'not_found' });
      expect(await store.escalations.ack('escaaaaa1', tokenHashOf(a), 1500)).toEqual({ result: 'stopped', dropped: 2 });
      expect(await store.escalations.ack('escaaaaa1', tokenHashOf(a), 1600)).toEqual({ result: 'already' });
      expect(await store.escalations.ack('escbbbbb1', tokenHashOf(a), 1600)).toEqual({ result: 'bad_token' });
      const released = await store.escalations.releaseDue(5000, 100);
      expect(released.map((r) => [r.escalationId, r.step, r.toDeviceId, r.storedAt, r.deadline])).toEqual([
        ['escbbbbb1', 0, 'devbackup1', 5000, 2000],
        ['escbbbbb1', 1, 'devsuperv1', 5000, 3000],
      ]);
      expect(await store.escalations.pendingItems()).toBe(0);
      // Released into the mailbox: the ack after the fact finds nothing left to drop.
      expect((await store.mailFetch('devsuperv1', 10)).map((m) => m.messageId)).toEqual(['escbbbbb1-2']);
      expect(await store.escalations.ack('escbbbbb1', tokenHashOf(b), 6000)).toEqual({ result: 'stopped', dropped: 0 });
    });
  });
});
