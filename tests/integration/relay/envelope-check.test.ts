// The relay reads the envelope header (never the ciphertext) and files an envelope only under
// the organisation, channel, sender device and client event id its header names.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { encodeHeader, ENVELOPE_KIND_CHANNEL, ENVELOPE_VERSION } from '@klinikfunk/protocol/wire/envelope-layout.ts';
import type { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import {
  deviceTransport,
  startTestRelay,
  TestOrg,
  testId,
  type TestDevice,
  type TestRelay,
} from '../../harness/relay.ts';

function envelope(fields: {
  orgIdRaw: Uint8Array;
  channelId: string;
  senderDeviceId: string;
  clientEventId: Uint8Array;
}): Uint8Array {
  const header = encodeHeader({
    version: ENVELOPE_VERSION,
    kind: ENVELOPE_KIND_CHANNEL,
    epoch: 1,
    generation: 0,
    index: 0,
    contentType: 'message',
    prevHash: new Uint8Array(32),
    ...fields,
  });
  const length = new Uint8Array([header.length >> 8, header.length & 0xff]);
  // nonce, ciphertext of the smallest bucket + tag, signature: the relay checks none of them.
  return concatBytes(length, header, randomBytes(24), randomBytes(256 + 4 + 16), randomBytes(64));
}

describe('relay envelope header check', () => {
  let org: TestOrg;
  let relay: TestRelay;
  let a: TestDevice;
  let alice: RelayTransport;
  let channelId: string;
  let other: string;
  let orgIdRaw: Uint8Array;

  beforeAll(async () => {
    org = await TestOrg.create();
    const ua = org.addUser();
    a = org.addDevice(ua);
    channelId = testId('chan');
    other = testId('chan');
    org.setRoster(channelId, [ua]);
    org.setRoster(other, [ua]);
    orgIdRaw = fromBase64Url(org.orgId)!;
    relay = await startTestRelay({ org, envelopeCheck: true });
    alice = deviceTransport(relay.url, a);
    await alice.connect();
  });
  afterAll(async () => {
    await alice.close();
    await relay.dispose();
  });

  const eventId = () => new Uint8Array(randomBytes(16));

  it('stores an envelope whose header matches its publish', async () => {
    const id = eventId();
    const env = envelope({ orgIdRaw, channelId, senderDeviceId: a.deviceId, clientEventId: id });
    expect((await alice.publish(channelId, toBase64Url(id), env)).seq).toBeGreaterThan(0);
  });

  it('refuses envelopes filed under another channel, sender, event id or organisation, and garbage', async () => {
    const id = eventId();
    const cases: Array<[Uint8Array, string]> = [
      [envelope({ orgIdRaw, channelId: other, senderDeviceId: a.deviceId, clientEventId: id }), 'another channel'],
      [
        envelope({ orgIdRaw, channelId, senderDeviceId: 'devsomebodyelse', clientEventId: id }),
        'another sender device',
      ],
      [
        envelope({ orgIdRaw, channelId, senderDeviceId: a.deviceId, clientEventId: eventId() }),
        'another client event id',
      ],
      [
        envelope({ orgIdRaw: new Uint8Array(32), channelId, senderDeviceId: a.deviceId, clientEventId: id }),
        'another organisation',
      ],
      [new Uint8Array(randomBytes(400)), 'envelope header'],
    ];
    for (const [env, reason] of cases) {
      await expect(alice.publish(channelId, toBase64Url(id), env)).rejects.toMatchObject({
        code: 'bad_frame',
        message: expect.stringContaining(reason),
      });
    }
  });
});
