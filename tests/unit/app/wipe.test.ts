// A wipe order deletes a profile, so only one the organisation key signed for this very device
// counts; everything else is ignored.
import { beforeAll, describe, expect, it } from 'vitest';
import { signWipe } from '../../../apps/desktop/electron/core/account/admin.ts';
import type { Identity } from '../../../apps/desktop/electron/core/account/identity.ts';
import { createOrganisation } from '../../../apps/desktop/electron/core/account/org-setup.ts';
import { verifyWipeOrders } from '../../../apps/desktop/electron/core/app/wipe.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';

let mine: Identity;
let foreign: Identity;

beforeAll(async () => {
  await readySodium();
  const make = (orgName: string) =>
    createOrganisation({
      orgName,
      displayName: 'Admin',
      relayUrl: 'ws://127.0.0.1:1',
      deviceLabel: 'PC',
      now: Date.now(),
    }).identity;
  mine = make('Klinikum Nord');
  foreign = make('Fremde Klinik');
});

const asRecords = (...records: unknown[]) => records as Array<Record<string, unknown>>;

describe('wipe orders', () => {
  it('accepts an order signed by the own org key for this device', () => {
    expect(verifyWipeOrders(mine, asRecords(signWipe(mine, mine.deviceId, Date.now())), Date.now())).toMatchObject({
      ok: true,
    });
  });

  it('ignores an order for another device', () => {
    expect(verifyWipeOrders(mine, asRecords(signWipe(mine, 'devSOMEONEELSE01', Date.now())), Date.now()).ok).toBe(
      false,
    );
  });

  it('ignores an order signed by another organisation, even one that names this device', () => {
    const forged = signWipe(foreign, mine.deviceId, Date.now());
    const claimingMine = {
      ...forged,
      signer: { kind: 'org', id: mine.orgId },
      body: { ...forged.body, orgId: mine.orgId },
    };
    expect(verifyWipeOrders(mine, asRecords(forged, claimingMine), Date.now()).ok).toBe(false);
  });

  it('ignores an unsigned or mangled order', () => {
    const order = signWipe(mine, mine.deviceId, Date.now());
    expect(
      verifyWipeOrders(
        mine,
        asRecords({ ...order, sig: 'A'.repeat(86) }, { type: 'wipe', body: order.body }),
        Date.now(),
      ).ok,
    ).toBe(false);
  });
});
