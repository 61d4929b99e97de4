// Members added or removed as quiet timeline lines, derived from the channel's verified roster
// chain (directory_records) through the store: each change against the version before it, by the
// admin who signed it (or the member who left), placed before the first message the relay accepted
// after it was issued, and shown to a viewer for the time they were in the channel, or where this
// device holds the history around it.
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';
import { registerStoreFeatures } from '../../../apps/desktop/electron/core/features/registry.ts';
import { timelineRepository } from '../../../apps/desktop/electron/core/features/timeline/repository.ts';
import { randomKey, tempDir } from '../store/helpers.ts';

const ANNA = 'usr-anna-0001'; // channel admin
const BEN = 'usr-ben-00001';
const CARLA = 'usr-carla-001';
const DIETER = 'usr-dieter-01';
const CH = 'chn-station-3b';
let store: ProfileStore;

type Member = { userId: string; role: 'admin' | 'member' };
const admin = (userId: string): Member => ({ userId, role: 'admin' });
const member = (userId: string): Member => ({ userId, role: 'member' });

function roster(epoch: number, members: Member[], issuedAt: number, signedBy: string, kind = 'channel') {
  testDatabase(store)
    .prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES ('roster', ?, ?, 0)`)
    .run(
      CH,
      JSON.stringify({
        v: 1,
        type: 'roster',
        body: {
          orgId: 'org-klinikum-1',
          channelId: CH,
          epoch,
          prevHash: null,
          kind,
          members,
          historyForNewMembers: false,
          issuedAt,
        },
        signer: { kind: 'device', id: `dev-${signedBy}` },
        sig: 'x',
      }),
    );
}

/** A message the relay accepted at `relayAt` as seq `seq`. */
function message(seq: number, relayAt: number): ChannelEvent {
  return {
    eventId: `msg${String(seq).padStart(8, '0')}`,
    channelId: CH,
    seq,
    senderUserId: ANNA,
    senderDeviceId: `dev-${ANNA}`,
    createdAt: relayAt - 100,
    relayAt,
    epoch: 1,
    payload: { type: 'message.create', body: `Nachricht ${seq}`, mentions: [], replyTo: null, urgent: false },
  };
}

function apply(...events: ChannelEvent[]) {
  const db = testDatabase(store);
  return db.transaction(() => applyEvents(db, events))();
}

const lines = (viewerUserId: string) =>
  store
    .repository(timelineRepository)
    .inRange(CH, { afterSortKey: null, upToSortKey: null, limit: 200, viewerUserId })
    .rows.flatMap((r) =>
      r.kind === 'members'
        ? [
            {
              at: r.sortKey,
              by: r.senderUserId,
              added: r.members.added,
              removed: r.members.removed,
              left: r.members.left,
            },
          ]
        : [],
    );

describe('member lines from the roster chain', () => {
  beforeAll(() => registerStoreFeatures());

  beforeEach(() => {
    store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
    const db = testDatabase(store);
    db.prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', 'Station', 0)`).run(CH);
    for (const userId of [ANNA, BEN, CARLA, DIETER]) {
      db.prepare(`INSERT INTO users VALUES (?, ?, 'member', NULL, 1)`).run(userId, userId);
      db.prepare(`INSERT INTO devices (device_id, user_id, label, revoked) VALUES (?, ?, 'PC', 0)`).run(
        `dev-${userId}`,
        userId,
      );
    }
    // The chain as every device verified it, and the messages around its changes.
    roster(1, [admin(ANNA), member(BEN)], 1_000, ANNA); // creation: no line
    roster(2, [admin(ANNA), member(BEN), member(DIETER)], 2_000, ANNA);
    roster(3, [admin(ANNA), member(BEN), member(DIETER), member(CARLA)], 3_000, ANNA);
    roster(4, [admin(ANNA), member(DIETER), member(CARLA)], 4_000, BEN); // Ben leaves
    roster(5, [admin(ANNA), admin(DIETER), member(CARLA)], 5_000, ANNA); // a role only: no line
    roster(6, [admin(ANNA), admin(DIETER)], 6_000, DIETER); // Dieter removes Carla
  });

  it('each change once, by its signer, before the first message the relay took after it', () => {
    apply(message(1, 1_500), message(2, 2_500), message(3, 3_500), message(4, 4_500));
    expect(lines(ANNA)).toEqual([
      { at: 1.5, by: ANNA, added: [DIETER], removed: [], left: false },
      { at: 2.5, by: ANNA, added: [CARLA], removed: [], left: false },
      { at: 3.5, by: BEN, added: [], removed: [BEN], left: true },
      // After the newest message: at the live end.
      { at: 4.5, by: DIETER, added: [], removed: [CARLA], left: false },
    ]);
  });

  it('a file or poll the relay took after the change, before the next message, comes after the line', () => {
    const fileAt = (seq: number, relayAt: number): ChannelEvent => ({
      ...message(seq, relayAt),
      eventId: `fil${String(seq).padStart(8, '0')}`,
      payload: {
        type: 'file.share',
        name: `Befund ${seq}.pdf`,
        mimeType: 'application/pdf',
        size: 1,
        blobId: 'a'.repeat(64),
        keyB64: 'k'.repeat(43),
        hashB64: 'h'.repeat(43),
        thumbnailBlobId: null,
        caption: '',
      },
    });
    // Message 1, a file before the change, a file after it; no message follows yet.
    apply(message(1, 1_500), fileAt(2, 1_800), fileAt(3, 2_200));
    // As the sync store keeps it: the newest seq applied in the channel.
    testDatabase(store).prepare('INSERT INTO sync_cursors (channel_id, seq) VALUES (?, 3)').run(CH);
    // Dieter's line before the later file; the changes after the newest seq sit at the live end.
    expect(lines(ANNA).map((l) => [l.at, ...l.added, ...l.removed])).toEqual([
      [2.5, DIETER],
      [3.5, CARLA],
      [3.5, BEN],
      [3.5, CARLA],
    ]);
  });

  it('the lines sit between the messages and items by sort key', () => {
    apply(message(1, 1_500), message(2, 2_500));
    const rows = store
      .repository(timelineRepository)
      .inRange(CH, { afterSortKey: 1, upToSortKey: 2, limit: 200, viewerUserId: ANNA }).rows;
    expect(rows.map((r) => [r.kind, r.sortKey])).toEqual([['members', 1.5]]);
  });

  it('a member added later sees the lines from their joining on, not what came before', () => {
    // Carla's device holds the channel from her joining (history not shared): messages 3 and 4.
    apply(message(3, 3_500), message(4, 4_500));
    expect(lines(CARLA).map((l) => l.added.concat(l.removed))).toEqual([[CARLA], [BEN], [CARLA]]);
  });

  it('with the history shared, the earlier lines show too', () => {
    apply(message(1, 1_500), message(2, 2_500), message(3, 3_500), message(4, 4_500));
    expect(lines(CARLA)).toHaveLength(4);
  });

  it('a direct chat has no member lines', () => {
    testDatabase(store).prepare(`DELETE FROM directory_records`).run();
    roster(1, [admin(ANNA), admin(BEN)], 1_000, ANNA, 'direct');
    roster(2, [admin(ANNA)], 2_000, BEN, 'direct');
    apply(message(1, 1_500), message(2, 2_500));
    expect(lines(ANNA)).toEqual([]);
  });
  it('paged as the timeline reads a long range (the oldest page left out), each line comes once', () => {
    const pollAt = (seq: number, relayAt: number): ChannelEvent => ({
      ...message(seq, relayAt),
      eventId: `pol${String(seq).padStart(8, '0')}`,
      payload: {
        type: 'poll.create',
        question: `Frage ${seq}?`,
        options: [
          { id: 'ja', label: 'Ja' },
          { id: 'nein', label: 'Nein' },
        ],
        multipleChoice: false,
        deadline: null,
        hideVoters: false,
      },
    });
    // Dieter is added (2_000) right before the poll at seq 2: his line stands at 1.5.
    apply(pollAt(1, 1_500), pollAt(2, 2_200), pollAt(3, 2_300));
    testDatabase(store).prepare('INSERT INTO sync_cursors (channel_id, seq) VALUES (?, 3)').run(CH);
    const timeline = store.repository(timelineRepository);
    const page = (upToSortKey: number | null) =>
      timeline.inRange(CH, { afterSortKey: null, upToSortKey, limit: 2, viewerUserId: ANNA });
    const newest = page(null);
    expect(newest.truncated).toBe(true);
    // The renderer's next page (lib/channel-timeline.svelte.ts): up to the whole sort key below
    // the oldest thing shown.
    const older = page(Math.ceil(newest.rows[0]!.sortKey) - 1);
    const both = [...older.rows, ...newest.rows];
    const dieter = both.filter((r) => r.kind === 'members' && r.members.added.includes(DIETER));
    expect(dieter.map((r) => r.sortKey)).toEqual([1.5]);
    // Every poll once, the line right before the second.
    expect(both.filter((r) => r.kind !== 'members' || r === dieter[0]).map((r) => r.sortKey)).toEqual([1, 1.5, 2, 3]);
  });
});
