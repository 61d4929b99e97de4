// The time of writing in relay time (`writtenAtRelay`, docs/protocol.md "Two clocks"): learned
// from publish acks, sealed and signed with the event, schema-checked when opened, and what a
// late delivery is judged by. Events of older senders (without it) fall back to a wide margin.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  lateDelivery,
  LATE_DELIVERY_MS,
  LATE_WITHOUT_RELAY_TIME_MS,
} from '../../../apps/desktop/electron/core/app/late-delivery.ts';
import { clientEventIdBytes, createSyncCrypto } from '../../../apps/desktop/electron/core/client/sync-crypto.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import type { OutboxItem } from '../../../apps/desktop/electron/core/sync/ports.ts';
import { RelayClock } from '../../../apps/desktop/electron/core/sync/relay-clock.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { eventId, newId, text, World, type TestDevice } from '../crypto/world.ts';

let world: World;
let anna: TestDevice;
let ben: TestDevice;
let channelId: string;

beforeEach(async () => {
  world = await World.create();
  const annaId = world.addUser('Anna Berger', 'admin');
  const benId = world.addUser('Ben Öztürk');
  anna = world.addDevice(annaId);
  ben = world.addDevice(benId);
  channelId = newId('chn');
  world.setRoster(
    channelId,
    [
      { userId: annaId, role: 'admin' },
      { userId: benId, role: 'member' },
    ],
    anna,
  );
});

const { logger } = createMemoryLogger('error');
function syncCryptoOf(device: TestDevice, relayClock?: RelayClock) {
  return createSyncCrypto({
    crypto: device.crypto,
    directory: device.directory,
    transport: { sendMail: async (to, _id, envelope) => world.deliver([{ recipientDeviceId: to, envelope }]) },
    log: logger,
    ...(relayClock ? { relayClock } : {}),
  });
}
const item = (createdAt: number): OutboxItem => ({
  clientEventId: toBase64Url(eventId()),
  channelId,
  contentType: 'message.create',
  payload: { type: 'message.create', body: 'Zimmer 12', mentions: [], replyTo: null, urgent: false },
  createdAt,
  attempts: 0,
  nextAttemptAt: 0,
  sealed: null,
});

describe('writtenAtRelay', () => {
  it('a sender 90 s behind the relay seals the time of writing in relay time; the reader gets it signed', async () => {
    const clock = new RelayClock();
    // Sent at 1_000 and answered at 1_040 on the sender's clock; the relay stamped 91_020.
    clock.observe({ sentAt: 1_000, ackAt: 1_040, relayAt: 91_020 });
    const sealed = await syncCryptoOf(anna, clock).seal(item(5_000));
    expect(sealed.writtenAtRelay).toBe(95_000);
    const opened = await syncCryptoOf(ben).open({ channelId, seq: 1, envelope: sealed.envelope, at: 95_300 });
    expect(opened.kind).toBe('event');
    if (opened.kind !== 'event') return;
    expect(opened.event).toMatchObject({ createdAt: 5_000, writtenAtRelay: 95_000, relayAt: 95_300 });
    // Online with a skewed clock: the relay took it 90 s after the sender's clock, but no delay.
    expect(lateDelivery({ createdAt: 5_000, relayAt: 95_300, writtenAtRelay: 95_000 })).toBeNull();
    // Queued through a 2-minute outage on the same skewed clock: marked, both times on the relay's clock.
    expect(lateDelivery({ createdAt: 5_000, relayAt: 215_000, writtenAtRelay: 95_000 })).toEqual({
      writtenAt: 95_000,
      deliveredAt: 215_000,
    });
  });

  it('before the first ack the field is left out, and the reader falls back to the sender clock with a wide margin', async () => {
    const sealed = await syncCryptoOf(anna, new RelayClock()).seal(item(5_000));
    expect(sealed.writtenAtRelay).toBeUndefined();
    const opened = await syncCryptoOf(ben).open({ channelId, seq: 1, envelope: sealed.envelope, at: 95_000 });
    expect(opened.kind === 'event' && opened.event.writtenAtRelay).toBeNull();
    expect(lateDelivery({ createdAt: 5_000, relayAt: 95_000, writtenAtRelay: null })).toBeNull();
    expect(
      lateDelivery({ createdAt: 5_000, relayAt: 5_000 + LATE_WITHOUT_RELAY_TIME_MS, writtenAtRelay: null }),
    ).toEqual({ writtenAt: 5_000, deliveredAt: 5_000 + LATE_WITHOUT_RELAY_TIME_MS });
    expect(lateDelivery({ createdAt: 5_000, relayAt: null, writtenAtRelay: null })).toBeNull();
  });

  it('a member sealing a malformed writtenAtRelay is refused with a reason, not applied', async () => {
    for (const bad of ['soon', -1, 1.5, Number.MAX_SAFE_INTEGER + 2]) {
      if (anna.crypto.needsNewChain(channelId)) world.deliver(anna.crypto.rotate(channelId));
      const plaintext = text(
        JSON.stringify({
          sentAt: 5_000,
          writtenAtRelay: bad,
          payload: { type: 'message.create', body: 'x', mentions: [], replyTo: null, urgent: false },
        }),
      );
      const { envelope } = anna.crypto.seal(
        channelId,
        'message.create',
        clientEventIdBytes(toBase64Url(eventId())),
        plaintext,
      );
      expect(await syncCryptoOf(ben).open({ channelId, seq: 1, envelope })).toEqual({
        kind: 'rejected',
        reason: 'bad writtenAtRelay',
      });
    }
  });

  it('the offset is smoothed, and slow or impossible round trips are not learned from', () => {
    const clock = new RelayClock();
    expect(clock.toRelay(0)).toBeNull();
    clock.observe({ sentAt: 0, ackAt: 6_000, relayAt: 500_000 });
    clock.observe({ sentAt: 10, ackAt: 0, relayAt: 500_000 });
    expect(clock.offset()).toBeNull();
    clock.observe({ sentAt: 0, ackAt: 20, relayAt: 90_010 });
    expect(clock.offset()).toBe(90_000);
    // One ack stamped late (the relay busy) moves the estimate by a quarter only.
    clock.observe({ sentAt: 0, ackAt: 20, relayAt: 94_010 });
    expect(clock.offset()).toBe(91_000);
    expect(LATE_DELIVERY_MS).toBe(60_000);
  });

  it('the estimate is remembered when it changes by a second or more, and a new run starts from it', () => {
    const kept: number[] = [];
    const clock = new RelayClock({ remember: (offset) => kept.push(offset) });
    clock.observe({ sentAt: 0, ackAt: 20, relayAt: 90_010 });
    clock.observe({ sentAt: 0, ackAt: 20, relayAt: 90_410 });
    clock.observe({ sentAt: 0, ackAt: 20, relayAt: 96_010 });
    expect(kept).toEqual([90_000, 91_575]);
    // Signed in again during an outage: the first message is sealed in relay time all the same.
    expect(new RelayClock({ initial: kept.at(-1)! }).toRelay(5_000)).toBe(96_575);
  });
});
