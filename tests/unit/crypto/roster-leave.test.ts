// Who may sign a roster: a channel admin's device anything; a member's device only the current
// roster without themselves (leaving needs no admin online); the org key anything.
import { beforeEach, describe, expect, it } from 'vitest';
import type { RecordBody } from '@klinikfunk/protocol/wire/records.ts';
import { recordHash, signRecord } from '@klinikfunk/crypto/records.ts';
import { newId, World, type TestDevice } from './world.ts';

let world: World;
let anna: string;
let ben: string;
let cara: string;
let annaPc: TestDevice;
let benPc: TestDevice;
const channel = newId('chn');

beforeEach(async () => {
  world = await World.create();
  anna = world.addUser('Anna', 'admin');
  ben = world.addUser('Ben');
  cara = world.addUser('Cara');
  annaPc = world.addDevice(anna);
  benPc = world.addDevice(ben);
  world.setRoster(
    channel,
    [
      { userId: anna, role: 'admin' },
      { userId: ben, role: 'member' },
      { userId: cara, role: 'member' },
    ],
    annaPc,
  );
});

/** The next roster of the channel, signed by a device, checked by a fresh directory. */
function next(
  device: TestDevice,
  members: RecordBody<'roster'>['members'],
  change: Partial<RecordBody<'roster'>> = {},
) {
  const directory = world.newDirectory();
  const state = directory.rosters.get(channel)!;
  const body: RecordBody<'roster'> = {
    ...state.current,
    epoch: state.current.epoch + 1,
    prevHash: recordHash(state.records.at(-1)!),
    members,
    issuedAt: world.now,
    ...change,
  };
  return directory.ingest(
    signRecord('roster', body, { kind: 'device', id: device.self.deviceId }, device.self.signingKey),
  );
}

describe('leaving a channel', () => {
  it('a member signs the roster without themselves', () => {
    expect(
      next(benPc, [
        { userId: anna, role: 'admin' },
        { userId: cara, role: 'member' },
      ]),
    ).toMatchObject({ ok: true });
  });

  it('a member cannot remove someone else, add someone, promote themselves or change a setting on the way out', () => {
    const refused = { ok: false, reason: 'not_permitted' };
    expect(
      next(benPc, [
        { userId: anna, role: 'admin' },
        { userId: ben, role: 'member' },
      ]),
    ).toMatchObject(refused);
    expect(next(benPc, [{ userId: anna, role: 'admin' }])).toMatchObject(refused);
    expect(
      next(benPc, [
        { userId: anna, role: 'admin' },
        { userId: cara, role: 'admin' },
      ]),
    ).toMatchObject(refused);
    expect(
      next(benPc, [
        { userId: anna, role: 'admin' },
        { userId: ben, role: 'admin' },
        { userId: cara, role: 'member' },
      ]),
    ).toMatchObject(refused);
    expect(
      next(
        benPc,
        [
          { userId: anna, role: 'admin' },
          { userId: cara, role: 'member' },
        ],
        { historyForNewMembers: true },
      ),
    ).toMatchObject(refused);
    expect(
      next(
        benPc,
        [
          { userId: anna, role: 'admin' },
          { userId: cara, role: 'member' },
        ],
        { kind: 'channel' },
      ),
    ).toMatchObject(refused);
  });

  it('a non-member cannot use the rule, and an admin may still change anything', () => {
    const dora = world.addUser('Dora');
    const doraPc = world.addDevice(dora);
    expect(
      next(doraPc, [
        { userId: anna, role: 'admin' },
        { userId: ben, role: 'member' },
        { userId: cara, role: 'member' },
      ]),
    ).toMatchObject({ ok: false, reason: 'not_permitted' });
    expect(
      next(annaPc, [
        { userId: anna, role: 'admin' },
        { userId: dora, role: 'member' },
      ]),
    ).toMatchObject({ ok: true });
  });
});
