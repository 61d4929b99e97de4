// The discovery rules every device computes alike: which announcement is in force, when a join
// request is open, what an admin device accepts. Rosters here are plain data (no signatures).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  currentAnnouncement,
  directoryChannelId,
  directoryMembers,
  joinsToAccept,
  requestFulfilled,
  requestPending,
  type AnnouncementRow,
  type JoinRequestRow,
  type RosterHistory,
} from '../../../apps/desktop/electron/core/client/channel-directory.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';

const ANNA = 'usr-anna-0001';
const BEN = 'usr-ben-00001';
const CARA = 'usr-cara-0001';
const C = 'chn-hygiene-01';

type Members = Array<{ userId: string; role: 'admin' | 'member' }>;
/** A roster history from a list of member lists, epoch 1 first. */
const history = (...epochs: Members[]): RosterHistory => {
  const records = epochs.map((members, i) => ({ body: { epoch: i + 1, members } }));
  return { current: records.at(-1)!.body, records };
};
const announce = (over: Partial<AnnouncementRow> = {}): AnnouncementRow => ({
  channelId: C,
  announcerUserId: ANNA,
  seq: 1,
  listed: true,
  name: 'Hygiene',
  topic: '',
  historyForNewMembers: false,
  ...over,
});
const request = (over: Partial<JoinRequestRow> = {}): JoinRequestRow => ({
  channelId: C,
  userId: BEN,
  seq: 5,
  knownEpoch: 1,
  ...over,
});
const annaAdmin: Members = [{ userId: ANNA, role: 'admin' }];

beforeAll(async () => {
  await readySodium();
});

describe('the directory channel', () => {
  it('has an id derived from the organisation, different per organisation and valid as a channel id', () => {
    const id = directoryChannelId('org-aaaaaaaaaaaa');
    expect(id).toBe(directoryChannelId('org-aaaaaaaaaaaa'));
    expect(id).not.toBe(directoryChannelId('org-bbbbbbbbbbbb'));
    expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  });

  it('holds every active, unrevoked user as a member, sorted, nobody as admin', () => {
    const members = directoryMembers(
      [
        { userId: CARA, active: true },
        { userId: ANNA, active: true },
        { userId: BEN, active: false },
        { userId: 'usr-dora-0001', active: true },
      ],
      new Set(['usr-dora-0001']),
    );
    expect(members).toEqual([
      { userId: ANNA, role: 'member' },
      { userId: CARA, role: 'member' },
    ]);
  });
});

describe('announcements', () => {
  it('count only while their sender is an admin of the current roster', () => {
    const roster = history(annaAdmin).current;
    expect(currentAnnouncement(roster, [announce()])?.name).toBe('Hygiene');
    expect(currentAnnouncement(roster, [announce({ announcerUserId: BEN })])).toBeNull();
    // Anna handed the channel to Ben and left: her announcement no longer counts.
    expect(currentAnnouncement(history(annaAdmin, [{ userId: BEN, role: 'admin' }]).current, [announce()])).toBeNull();
    expect(currentAnnouncement(undefined, [announce()])).toBeNull();
  });

  it('the newest by seq among admins wins: a withdrawal after an announcement hides the channel, a later announcement shows it again', () => {
    const roster = history([...annaAdmin, { userId: CARA, role: 'admin' }]).current;
    const first = announce({ seq: 1 });
    const withdrawn = announce({ announcerUserId: CARA, seq: 2, listed: false, name: '' });
    expect(currentAnnouncement(roster, [first, withdrawn])).toBeNull();
    expect(currentAnnouncement(roster, [withdrawn, announce({ seq: 3, name: 'Hygiene neu' })])?.name).toBe(
      'Hygiene neu',
    );
    // A member's later withdrawal changes nothing.
    expect(
      currentAnnouncement(history([...annaAdmin, { userId: BEN, role: 'member' }]).current, [
        first,
        announce({ announcerUserId: BEN, seq: 9, listed: false }),
      ])?.name,
    ).toBe('Hygiene');
  });
});

describe('join requests', () => {
  it('are fulfilled once the requester is in a roster after the epoch they named', () => {
    const joinedAndLeft = history(annaAdmin, [...annaAdmin, { userId: BEN, role: 'member' }], annaAdmin);
    expect(requestFulfilled(joinedAndLeft, request({ knownEpoch: 1 }))).toBe(true);
    // Asked again after leaving (epoch 3): open again.
    expect(requestFulfilled(joinedAndLeft, request({ knownEpoch: 3 }))).toBe(false);
    expect(requestPending(joinedAndLeft, request({ knownEpoch: 3 }))).toBe(true);
    expect(requestPending(joinedAndLeft, request({ knownEpoch: 1 }))).toBe(false);
    expect(requestPending(joinedAndLeft, undefined)).toBe(false);
  });

  const accept = (
    rosters: Map<string, RosterHistory>,
    requests: JoinRequestRow[],
    announcements = [announce()],
    active = () => true,
  ) => joinsToAccept({ selfUserId: ANNA, rosters, announcements, requests, isActiveUser: active });

  it('an admin device accepts open requests for listed channels, in relay order, once per user', () => {
    const plan = accept(new Map([[C, history(annaAdmin)]]), [
      request({ userId: CARA, seq: 9 }),
      request({ seq: 4 }),
      request({ seq: 11 }),
    ]);
    expect(plan).toEqual(new Map([[C, [BEN, CARA]]]));
  });

  it('accepts nothing it must not: not an admin, not listed, inactive, already a member, fulfilled, or an epoch not seen yet', () => {
    const benAdmin = history([
      { userId: BEN, role: 'admin' },
      { userId: ANNA, role: 'member' },
    ]);
    expect(
      accept(new Map([[C, benAdmin]]), [request({ userId: CARA })], [announce({ announcerUserId: BEN })]).size,
    ).toBe(0);
    expect(accept(new Map([[C, history(annaAdmin)]]), [request()], [announce({ listed: false })]).size).toBe(0);
    expect(accept(new Map([[C, history(annaAdmin)]]), [request()], [], () => true).size).toBe(0);
    expect(accept(new Map([[C, history(annaAdmin)]]), [request()], undefined, () => false).size).toBe(0);
    expect(accept(new Map([[C, history([...annaAdmin, { userId: BEN, role: 'member' }])]]), [request()]).size).toBe(0);
    const left = history(annaAdmin, [...annaAdmin, { userId: BEN, role: 'member' }], annaAdmin);
    expect(accept(new Map([[C, left]]), [request({ knownEpoch: 1 })]).size).toBe(0);
    expect(accept(new Map([[C, history(annaAdmin)]]), [request({ knownEpoch: 7 })]).size).toBe(0);
    expect(accept(new Map(), [request()]).size).toBe(0);
    // Control: the same request, open and valid, is accepted.
    expect(accept(new Map([[C, left]]), [request({ knownEpoch: 3 })])).toEqual(new Map([[C, [BEN]]]));
  });

  it('two admin devices compute the same plan from the same log', () => {
    const rosters = new Map([[C, history([...annaAdmin, { userId: CARA, role: 'admin' }])]]);
    const requests = [request({ userId: 'usr-emil-0001', seq: 3 }), request({ seq: 2 })];
    const byAnna = joinsToAccept({
      selfUserId: ANNA,
      rosters,
      announcements: [announce()],
      requests,
      isActiveUser: () => true,
    });
    const byCara = joinsToAccept({
      selfUserId: CARA,
      rosters,
      announcements: [announce()],
      requests: [...requests].reverse(),
      isActiveUser: () => true,
    });
    expect(byAnna).toEqual(byCara);
  });
});
