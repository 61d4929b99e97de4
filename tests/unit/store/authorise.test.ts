// The rule table (authorise.ts) as a pure function, then through the store: a refused event
// changes nothing and leaves no content in the log, the roster of the event's epoch decides, and
// a lowered channel retention deletes only what came after it.
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChannelEvent, ChannelEventPayload, ChannelEventType } from '@klinikfunk/protocol/domain/events.ts';
import { authorise, ruleOf, type AuthorityFacts } from '../../../apps/desktop/electron/core/store/authorise.ts';
import { applyEvents } from '../../../apps/desktop/electron/core/store/apply.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { applyRetention } from '../../../apps/desktop/electron/core/store/retention.ts';
import { randomKey, tempDir } from './helpers.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

const ANNA = 'usr-anna-0001';
const BEN = 'usr-ben-00001';
const member: AuthorityFacts = { senderUserId: BEN, channelRole: 'member', orgWide: false, orgAdmin: false };
const admin: AuthorityFacts = { ...member, channelRole: 'admin' };

describe('the rule table', () => {
  it('names a rule for every event type', () => {
    const types: ChannelEventType[] = [
      'channel.update',
      'message.edit',
      'message.delete',
      'poll.close',
      'calendar.put',
      'calendar.cancel',
      'calendar.occurrence.put',
      'calendar.occurrence.cancel',
    ];
    for (const type of types) expect(ruleOf(type).who).not.toBe('member');
  });

  it('channel settings: a channel admin only; in the organisation-wide channel an org admin only', () => {
    expect(authorise('channel.update', member)).toBe('not_channel_admin');
    expect(authorise('channel.update', admin)).toBeNull();
    expect(authorise('channel.update', { ...member, channelRole: null })).toBe('not_channel_admin');
    // Roster roles count for nothing in the org-wide channel: only the org key signs its roster.
    expect(authorise('channel.update', { ...admin, orgWide: true })).toBe('not_org_admin');
    expect(authorise('channel.update', { ...member, orgWide: true, orgAdmin: true })).toBeNull();
  });

  it('messages: only the author edits or deletes, even a channel admin not; an acknowledged urgent message is not edited', () => {
    expect(authorise('message.edit', { ...member, author: ANNA })).toBe('not_author');
    expect(authorise('message.edit', { ...admin, author: ANNA })).toBe('not_author');
    expect(authorise('message.delete', { ...admin, author: ANNA })).toBe('not_author');
    expect(authorise('message.edit', { ...member, author: null })).toBe('unknown_target');
    expect(authorise('message.edit', { ...member, author: BEN })).toBeNull();
    expect(authorise('message.edit', { ...member, author: BEN, locked: true })).toBe('acknowledged_urgent');
    expect(authorise('message.delete', { ...member, author: BEN, locked: true })).toBeNull();
  });

  it('polls: only the creator closes; calendar entries: the creator or a channel admin changes and cancels, anyone creates', () => {
    expect(authorise('poll.close', { ...admin, author: ANNA })).toBe('not_author');
    expect(authorise('poll.close', { ...member, author: BEN })).toBeNull();
    expect(authorise('calendar.put', { ...member, author: ANNA })).toBe('not_author');
    expect(authorise('calendar.put', { ...member, author: null })).toBeNull();
    expect(authorise('calendar.put', { ...admin, author: ANNA })).toBeNull();
    expect(authorise('calendar.cancel', { ...member, author: ANNA })).toBe('not_author');
    expect(authorise('calendar.cancel', { ...member, author: null })).toBe('unknown_target');
    expect(authorise('calendar.occurrence.cancel', { ...member, author: ANNA })).toBe('not_author');
    // An override before its series: nobody to compare with yet (checked when the series arrives).
    expect(authorise('calendar.occurrence.put', { ...member, author: null })).toBeNull();
  });

  it('everything else: any member', () => {
    for (const type of [
      'message.create',
      'message.ack',
      'read.receipt',
      'poll.create',
      'poll.vote',
      'file.share',
      'calendar.rsvp',
    ] as const) {
      expect(authorise(type, { ...member, channelRole: null })).toBeNull();
    }
  });
});

const CH = 'chn-station-3b';
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 7, 12);
let store: ProfileStore;
let seq = 0;

function rosterRecord(
  epoch: number,
  members: Array<{ userId: string; role: 'admin' | 'member' }>,
  issuedAt?: number,
): void {
  // directory_records holds verified records (directory-sync.ts); the store trusts them as such.
  testDatabase(store)
    .prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES ('roster', ?, ?, 0)`)
    .run(
      CH,
      JSON.stringify({
        v: 1,
        type: 'roster',
        body: { channelId: CH, epoch, members, ...(issuedAt !== undefined ? { issuedAt } : {}) },
      }),
    );
  testDatabase(store).prepare('DELETE FROM channel_members WHERE channel_id = ?').run(CH);
  for (const m of members)
    testDatabase(store).prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(CH, m.userId, m.role);
}

function apply(
  from: string,
  payload: ChannelEventPayload,
  options: { epoch?: number; createdAt?: number; relayAt?: number } = {},
) {
  seq++;
  const event: ChannelEvent = {
    eventId: `evt${String(seq).padStart(8, '0')}`,
    channelId: CH,
    seq,
    senderUserId: from,
    senderDeviceId: `dev-${from}`,
    createdAt: options.createdAt ?? NOW,
    epoch: options.epoch ?? 1,
    ...(options.relayAt !== undefined ? { relayAt: options.relayAt } : {}),
    payload,
  };
  const result = testDatabase(store).transaction(() => applyEvents(testDatabase(store), [event]))();
  return { eventId: event.eventId, refused: result.refused.map((r) => r.reason) };
}

const settings = (
  over: Partial<Extract<ChannelEventPayload, { type: 'channel.update' }>> = {},
): ChannelEventPayload => ({
  type: 'channel.update',
  name: 'Station 3B',
  topic: '',
  historyForNewMembers: false,
  retentionDays: null,
  ...over,
});
const channelRow = () =>
  testDatabase(store).prepare('SELECT name, retention_days FROM channels WHERE channel_id = ?').get(CH);

describe('authorisation through the store', () => {
  beforeEach(() => {
    seq = 0;
    store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
    testDatabase(store)
      .prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', '', 0)`)
      .run(CH);
    rosterRecord(1, [
      { userId: ANNA, role: 'admin' },
      { userId: BEN, role: 'member' },
    ]);
    apply(ANNA, settings());
  });

  it("a member's channel.update changes nothing and leaves no trace of its content", () => {
    const { eventId, refused } = apply(BEN, settings({ name: 'Gekapert', retentionDays: 1 }));
    expect(refused).toEqual(['not_channel_admin']);
    expect(channelRow()).toEqual({ name: 'Station 3B', retention_days: null });
    const logged = testDatabase(store)
      .prepare('SELECT payload FROM events WHERE event_id = ?')
      .pluck()
      .get(eventId) as string;
    expect(JSON.parse(logged)).toEqual({ type: 'channel.update' });
    // Delivered again: a duplicate, not a second refusal.
    const again = testDatabase(store).transaction(() =>
      applyEvents(testDatabase(store), [
        {
          eventId,
          channelId: CH,
          seq: 99,
          senderUserId: BEN,
          senderDeviceId: 'd',
          createdAt: NOW,
          epoch: 1,
          payload: settings({ name: 'Gekapert' }),
        },
      ]),
    )();
    expect(again).toMatchObject({ duplicates: 1, refused: [] });
  });

  it('the roster of the event’s epoch decides, not the one in force when it is applied', () => {
    // Ben becomes admin in epoch 2; his update sealed in epoch 1 (applied late) still counts for nothing.
    rosterRecord(2, [
      { userId: ANNA, role: 'admin' },
      { userId: BEN, role: 'admin' },
    ]);
    expect(apply(BEN, settings({ name: 'Alt' }), { epoch: 1 }).refused).toEqual(['not_channel_admin']);
    expect(apply(BEN, settings({ name: 'Station 3B Nord' }), { epoch: 2 }).refused).toEqual([]);
    expect(channelRow()).toMatchObject({ name: 'Station 3B Nord' });
  });

  it('a demoted admin cannot pick the epoch it is judged by: the roster in force at the relay’s time decides when it is newer', () => {
    // Ben was admin in epoch 2 and was demoted in epoch 3. His client still holds its epoch-2 chain
    // and seals a rename in epoch 2 after the demotion (the header epoch is the sender's choice).
    rosterRecord(
      2,
      [
        { userId: ANNA, role: 'admin' },
        { userId: BEN, role: 'admin' },
      ],
      NOW - 2 * DAY,
    );
    expect(apply(BEN, settings({ name: 'Als Admin' }), { epoch: 2, relayAt: NOW - DAY }).refused).toEqual([]);
    rosterRecord(
      3,
      [
        { userId: ANNA, role: 'admin' },
        { userId: BEN, role: 'member' },
      ],
      NOW - 60_000,
    );
    expect(
      apply(BEN, settings({ name: 'Nach der Herabstufung', retentionDays: 1 }), { epoch: 2, relayAt: NOW }).refused,
    ).toEqual(['not_channel_admin']);
    expect(channelRow()).toEqual({ name: 'Als Admin', retention_days: null });
  });

  it('organisation admin status is the user record in force at the relay’s time, not whatever record this device holds now', () => {
    const ORG = 'chn-org-wide-01';
    testDatabase(store)
      .prepare(
        `INSERT INTO channels (channel_id, kind, name, created_at, org_wide) VALUES (?, 'channel', 'Allgemein', 0, 1)`,
      )
      .run(ORG);
    const userRecord = (role: 'admin' | 'member', issuedAt: number, active = true) => {
      testDatabase(store)
        .prepare(`INSERT INTO directory_records (type, subject, record, received_at) VALUES ('user', ?, ?, 0)`)
        .run(BEN, JSON.stringify({ v: 1, type: 'user', body: { userId: BEN, role, active, issuedAt } }));
      testDatabase(store)
        .prepare('INSERT OR REPLACE INTO users VALUES (?, ?, ?, NULL, ?)')
        .run(BEN, 'Ben', role, active ? 1 : 0);
    };
    const rename = (name: string, relayAt: number) => {
      seq++;
      const event: ChannelEvent = {
        eventId: `evt-org-${String(seq).padStart(6, '0')}`,
        channelId: ORG,
        seq,
        senderUserId: BEN,
        senderDeviceId: 'dev-ben',
        createdAt: relayAt,
        relayAt,
        payload: settings({ name }),
      };
      return testDatabase(store)
        .transaction(() => applyEvents(testDatabase(store), [event]))()
        .refused.map((r) => r.reason);
    };
    userRecord('admin', NOW - 3 * DAY);
    userRecord('member', NOW - DAY);
    // A device that catches up now holds the demotion already: the rename Ben made while he was
    // an admin counts there as it did on the devices that applied it back then.
    expect(rename('Allgemein (Klinik)', NOW - 2 * DAY)).toEqual([]);
    // His rename after the demotion counts nowhere, also where the users table still said admin.
    testDatabase(store).prepare(`UPDATE users SET role = 'admin' WHERE user_id = ?`).run(BEN);
    expect(rename('Bens Kanal', NOW)).toEqual(['not_org_admin']);
    expect(testDatabase(store).prepare('SELECT name FROM channels WHERE channel_id = ?').pluck().get(ORG)).toBe(
      'Allgemein (Klinik)',
    );
  });

  it('an older channel.update applied late never undoes a newer one', () => {
    apply(ANNA, settings({ name: 'Neu' }));
    const late = testDatabase(store).transaction(() =>
      applyEvents(testDatabase(store), [
        {
          eventId: 'evt-late-00001',
          channelId: CH,
          seq: 1,
          senderUserId: ANNA,
          senderDeviceId: 'd',
          createdAt: NOW,
          epoch: 1,
          payload: settings({ name: 'Uralt' }),
        },
      ]),
    )();
    expect(late.refused.map((r) => r.reason)).toEqual(['stale']);
    expect(channelRow()).toMatchObject({ name: 'Neu' });
  });

  it('a refused foreign edit leaves its text nowhere, not even in the search vocabulary', () => {
    const { eventId: messageId } = apply(ANNA, {
      type: 'message.create',
      body: 'Übergabe Zimmer 12',
      mentions: [],
      replyTo: null,
      urgent: false,
    });
    expect(
      apply(BEN, { type: 'message.edit', messageId, body: 'Fälschungsversuch Zimmer 16', mentions: [] }).refused,
    ).toEqual(['not_author']);
    expect(
      testDatabase(store).prepare(`SELECT count(*) FROM events WHERE payload LIKE '%Fälschungsversuch%'`).pluck().get(),
    ).toBe(0);
    expect(
      testDatabase(store).prepare(`SELECT count(*) FROM search_terms WHERE term = 'falschungsversuch'`).pluck().get(),
    ).toBe(0);
  });

  it('an acknowledged urgent message is not edited, by its author either', () => {
    const { eventId: messageId } = apply(ANNA, {
      type: 'message.create',
      body: 'Zimmer 12',
      mentions: [],
      replyTo: null,
      urgent: true,
    });
    expect(apply(ANNA, { type: 'message.edit', messageId, body: 'Zimmer 14', mentions: [] }).refused).toEqual([]);
    apply(BEN, { type: 'message.ack', messageId });
    expect(apply(ANNA, { type: 'message.edit', messageId, body: 'Zimmer 16', mentions: [] }).refused).toEqual([
      'acknowledged_urgent',
    ]);
    expect(testDatabase(store).prepare('SELECT body FROM messages WHERE message_id = ?').pluck().get(messageId)).toBe(
      'Zimmer 14',
    );
  });

  it('lowering a channel’s retention deletes only what came after the change', () => {
    const old = apply(
      BEN,
      { type: 'message.create', body: 'vor der Änderung', mentions: [], replyTo: null, urgent: false },
      { createdAt: NOW - 10 * DAY },
    );
    apply(ANNA, settings({ retentionDays: 1 }));
    const after = apply(
      BEN,
      { type: 'message.create', body: 'nach der Änderung', mentions: [], replyTo: null, urgent: false },
      { createdAt: NOW - 2 * DAY },
    );
    const result = applyRetention(testDatabase(store), 0, NOW);
    expect(result.messages).toBe(1);
    const left = testDatabase(store).prepare('SELECT message_id FROM messages').pluck().all();
    expect(left).toEqual([old.eventId]);
    expect(left).not.toContain(after.eventId);
    // The organisation's retention still applies to everything.
    expect(applyRetention(testDatabase(store), 5, NOW).messages).toBe(1);
  });
});

describe('verdicts do not depend on the order envelopes are opened in', () => {
  // A device opens an envelope late when its key came late (pending envelopes, a new member reading
  // history): the log is the same, the order of applying it is not.
  // Applied as the sync store does: the cursor moves past each batch (a late envelope is below it).
  const at = (
    eventSeq: number,
    from: string,
    payload: ChannelEventPayload,
    eventId = `evt-seq-${String(eventSeq).padStart(6, '0')}`,
  ) =>
    testDatabase(store).transaction(() => {
      const result = applyEvents(testDatabase(store), [
        {
          eventId,
          channelId: CH,
          seq: eventSeq,
          senderUserId: from,
          senderDeviceId: `dev-${from}`,
          createdAt: NOW,
          relayAt: NOW,
          payload,
        },
      ]);
      testDatabase(store)
        .prepare(
          'INSERT INTO sync_cursors (channel_id, seq) VALUES (?, ?) ON CONFLICT (channel_id) DO UPDATE SET seq = max(seq, excluded.seq)',
        )
        .run(CH, eventSeq);
      return result;
    })();
  const create = (body: string, urgent = false): ChannelEventPayload => ({
    type: 'message.create',
    body,
    mentions: [],
    replyTo: null,
    urgent,
  });
  const message = (id: string) =>
    testDatabase(store)
      .prepare('SELECT body, deleted_at IS NOT NULL AS deleted FROM messages WHERE message_id = ?')
      .get(id);

  beforeEach(() => {
    store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
    testDatabase(store)
      .prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', '', 0)`)
      .run(CH);
    rosterRecord(1, [
      { userId: ANNA, role: 'admin' },
      { userId: BEN, role: 'member' },
    ]);
  });

  it('a delete for everyone opened before its message still deletes it, and leaves no text', () => {
    const id = 'evt-seq-000001';
    at(2, ANNA, { type: 'message.delete', messageId: id });
    at(1, ANNA, create('Patient Quastenflosser Zimmer 12'), id);
    expect(message(id)).toEqual({ body: '', deleted: 1 });
    expect(
      testDatabase(store).prepare(`SELECT count(*) FROM events WHERE payload LIKE '%Quastenflosser%'`).pluck().get(),
    ).toBe(0);
  });

  it('an edit opened before its message is in force once the message is there; a foreign one is refused then', () => {
    const id = 'evt-seq-000001';
    at(3, BEN, { type: 'message.edit', messageId: id, body: 'Fälschung', mentions: [] });
    at(2, ANNA, { type: 'message.edit', messageId: id, body: 'Zimmer 16', mentions: [] });
    at(1, ANNA, create('Zimmer 12'), id);
    expect(message(id)).toEqual({ body: 'Zimmer 16', deleted: 0 });
    expect(
      testDatabase(store)
        .prepare(`SELECT count(*) FROM events WHERE payload LIKE '%Fälschung%' OR payload LIKE '%Zimmer 12%'`)
        .pluck()
        .get(),
    ).toBe(0);
  });

  it('of two edits the later one in the log is in force, whichever was opened first', () => {
    const id = 'evt-seq-000001';
    at(1, ANNA, create('Zimmer 12'), id);
    at(3, ANNA, { type: 'message.edit', messageId: id, body: 'Zimmer 16', mentions: [] });
    expect(
      at(2, ANNA, { type: 'message.edit', messageId: id, body: 'Zimmer 14', mentions: [] }).refused.map(
        (r) => r.reason,
      ),
    ).toEqual(['stale']);
    expect(message(id)).toEqual({ body: 'Zimmer 16', deleted: 0 });
    expect(
      testDatabase(store).prepare(`SELECT count(*) FROM events WHERE payload LIKE '%Zimmer 14%'`).pluck().get(),
    ).toBe(0);
  });

  it('a poll closed by its creator before the poll was opened here is closed', () => {
    const pollId = 'evt-seq-000001';
    at(2, ANNA, { type: 'poll.close', pollId });
    at(
      1,
      ANNA,
      {
        type: 'poll.create',
        question: 'Teamessen?',
        options: [
          { id: 'o1', label: 'Ja' },
          { id: 'o2', label: 'Nein' },
        ],
        multipleChoice: false,
        deadline: null,
        hideVoters: false,
      },
      pollId,
    );
    expect(testDatabase(store).prepare('SELECT closed_seq FROM polls WHERE poll_id = ?').pluck().get(pollId)).toBe(2);
  });

  it('an acknowledgement counts against edits after it in the log, not against an earlier edit opened late', () => {
    const id = 'evt-seq-000001';
    at(1, ANNA, create('Zimmer 12', true), id);
    at(3, BEN, { type: 'message.ack', messageId: id });
    expect(at(2, ANNA, { type: 'message.edit', messageId: id, body: 'Zimmer 14', mentions: [] }).refused).toEqual([]);
    expect(
      at(4, ANNA, { type: 'message.edit', messageId: id, body: 'Zimmer 16', mentions: [] }).refused.map(
        (r) => r.reason,
      ),
    ).toEqual(['acknowledged_urgent']);
    expect(message(id)).toEqual({ body: 'Zimmer 14', deleted: 0 });
  });
});
