// Each search hit carries the snippet of its own row: messages that share the searched word but
// differ elsewhere must come back with their own text, never the first hit's.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { randomKey, tempDir } from './helpers.ts';

it('gives every hit its own snippet and highlight', async () => {
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  const CH = 'chn-snippets-01';
  await store.channels.upsert(
    {
      channelId: CH,
      kind: 'channel',
      name: 'Station',
      topic: '',
      historyForNewMembers: false,
      retentionDays: null,
      createdAt: 1,
    },
    [{ userId: 'usr-anna-0001', role: 'admin' }],
  );
  const events = [1, 2, 3, 4].map((i) => ({
    eventId: `evtsnippet${i}000`,
    channelId: CH,
    seq: i,
    senderUserId: 'usr-anna-0001',
    senderDeviceId: 'dev-anna-0001',
    createdAt: 1_000 * i,
    contentType: 'message',
    payload: {
      type: 'message.create',
      body: `Blutzucker Nummer ${i} gemessen`,
      mentions: [],
      replyTo: null,
      urgent: false,
    },
  }));
  await store.sync.applyBatch(CH, { events, pending: [], newCursor: 4 });
  const hits = await store.search({ text: 'Blutzucker' });
  expect(hits.map((h) => h.snippet)).toEqual([4, 3, 2, 1].map((i) => `Blutzucker Nummer ${i} gemessen`));
  for (const hit of hits) expect(hit.snippet.slice(hit.highlights[0]![0], hit.highlights[0]![1])).toBe('Blutzucker');
  store.close();
});
