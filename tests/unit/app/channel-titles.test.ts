// A direct chat is named after the other member(s) for the reader (channel-titles.ts). Its stored
// name is what the creator typed, i.e. the recipient's own name on the recipient's side, so it must
// never be the fallback there: a chat whose creator left is still named after him.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { channelTitles } from '../../../apps/desktop/electron/core/features/kit/channel-titles.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { randomKey, tempDir } from '../store/helpers.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

const ANNA = 'usr-anna-0001';
const BEN = 'usr-ben-00001';
const CARLA = 'usr-carla-001';

function storeOf(): ProfileStore {
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  for (const [id, name, active] of [
    [ANNA, 'Anna Admin', 1],
    [BEN, 'Ben Pflege', 1],
    [CARLA, 'Carla Arzt', 0],
  ] as const)
    testDatabase(store).prepare(`INSERT INTO users VALUES (?, ?, 'member', NULL, ?)`).run(id, name, active);
  return store;
}

function direct(
  store: ProfileStore,
  channelId: string,
  storedName: string,
  rosters: string[][],
): { channelId: string; kind: string; name: string } {
  testDatabase(store)
    .prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'direct', ?, 0)`)
    .run(channelId, storedName);
  rosters.forEach((members, i) =>
    testDatabase(store)
      .prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES ('roster', ?, ?, 0)`)
      .run(
        channelId,
        JSON.stringify({
          v: 1,
          type: 'roster',
          body: { channelId, epoch: i + 1, members: members.map((userId) => ({ userId, role: 'admin' })), issuedAt: i },
        }),
      ),
  );
  for (const userId of rosters.at(-1) ?? [])
    testDatabase(store).prepare(`INSERT INTO channel_members VALUES (?, ?, 'admin')`).run(channelId, userId);
  return { channelId, kind: 'direct', name: storedName };
}

it('names a direct chat after the other members, sorted, a deactivated one included', async () => {
  const store = storeOf();
  const group = direct(store, 'chn-group', 'Ben Pflege, Carla Arzt', [[ANNA, BEN, CARLA]]);
  expect((await channelTitles(store, BEN, [group]))(group)).toBe('Anna Admin, Carla Arzt');
  store.close();
});

it('a direct chat whose creator left is still named after him, never after the reader', async () => {
  const store = storeOf();
  // Anna created it (stored name: what she typed, Ben's name) and left.
  const chat = direct(store, 'chn-left', 'Ben Pflege', [[ANNA, BEN], [BEN]]);
  expect((await channelTitles(store, BEN, [chat]))(chat)).toBe('Anna Admin');
  store.close();
});

it('a direct chat with oneself keeps its stored name', async () => {
  const store = storeOf();
  const self = direct(store, 'chn-self', 'Notizen', [[BEN]]);
  expect((await channelTitles(store, BEN, [self]))(self)).toBe('Notizen');
  store.close();
});
