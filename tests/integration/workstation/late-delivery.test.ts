// "geschrieben 04:01 · zugestellt 04:03" marks a message the relay took a good while after it was
// written (an outage), on every workstation, and never because a sender's clock is wrong: the
// sender's PC here runs 90 s behind. Online, nothing is marked (the old rule compared the relay's
// time with the sender's clock and marked every message of this PC). A message queued while the
// relay is away (the relay process stopped, the threshold shortened to 3 s for the test) is
// marked on both sides, with the time of writing converted to the relay's clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type Clock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import type { MessageView } from '@klinikfunk/protocol/api/contract.ts';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

const SKEW_MS = -90_000;
const LATE_MS = 3_000;

describe('late delivery, judged on the relay clock', () => {
  let relay: ClinicRelay;
  let sender: CoreClient;
  let receiver: CoreClient;
  let channelId: string;

  const behind: Clock = { now: () => Date.now() + SKEW_MS, after: (ms, fn) => systemClock.after(ms, fn) };
  const online = (client: CoreClient, name: string) =>
    eventually(async () => (await client.value('connection.status', {})).state === 'online', 20_000, `${name} online`);
  const message = async (client: CoreClient, body: string): Promise<MessageView | undefined> =>
    (await client.value('messages.page', { channelId })).messages.find((m) => m.body === body);
  const delivered = async (body: string): Promise<{ mine: MessageView; theirs: MessageView }> => {
    await eventually(async () => (await message(sender, body))?.delivery === 'sent', 30_000, `${body} acknowledged`);
    await eventually(async () => (await message(receiver, body)) !== undefined, 30_000, `${body} received`);
    return { mine: (await message(sender, body))!, theirs: (await message(receiver, body))! };
  };

  beforeAll(async () => {
    relay = await startClinicRelay({ verbose: !!process.env.KF_DEBUG });
    sender = await startCoreClient({ clock: behind, lateDeliveryMs: LATE_MS });
    receiver = await startCoreClient({ lateDeliveryMs: LATE_MS });
    await sender.value('org.create', {
      orgName: 'Klinikum Mitte',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: 'Sonnenblume-Station-3',
    });
    await online(sender, 'sender');
    const { userId } = await sender.value('admin.addUser', { displayName: 'Bernd Pflege', role: 'member', ward: '3B' });
    const letter = await sender.value('admin.createRegistrationKey', { userId });
    await receiver.value('org.join', {
      registrationKey: letter.registrationKey,
      relayUrl: relay.url,
      passphrase: 'Kaffeepause-Bernd-Nachtdienst',
    });
    await receiver.value('session.setPin', { pin: '482915' });
    await online(receiver, 'receiver');
    channelId = (await sender.value('channels.list', {})).find((c) => c.name === 'Allgemein')!.channelId;
    await eventually(
      async () => (await receiver.value('channels.list', {})).some((c) => c.channelId === channelId),
      20_000,
      'receiver sees Allgemein',
    );
  }, 120_000);

  afterAll(async () => {
    await Promise.all([sender?.close(), receiver?.close()]);
    await relay?.relay.dispose();
  });

  it('a sender whose clock runs 90 s behind, online: no message is marked late', async () => {
    for (const body of ['Übergabe Zimmer 3', 'Übergabe Zimmer 4', 'Übergabe Zimmer 5']) {
      await sender.value('messages.send', { channelId, body });
      const { mine, theirs } = await delivered(body);
      // The relay took it 90 s after the sender's clock said it was written: no outage for all that.
      expect(mine.deliveredAt! - mine.createdAt).toBeGreaterThanOrEqual(-SKEW_MS - 5_000);
      expect(mine.late).toBeNull();
      expect(theirs.late).toBeNull();
    }
  }, 60_000);

  it('a message queued through an outage shows both times, on the relay clock, on both sides', async () => {
    await relay.relay.stop();
    await eventually(
      async () => (await sender.value('connection.status', {})).state !== 'online',
      20_000,
      'sender offline',
    );
    const writtenAt = Date.now();
    await sender.value('messages.send', { channelId, body: 'Notfall Zimmer 12' });
    // The outage lasts longer than the (shortened) threshold.
    await new Promise((resolve) => setTimeout(resolve, LATE_MS + 1_500));
    await relay.relay.restart();
    const { mine, theirs } = await delivered('Notfall Zimmer 12');
    for (const view of [mine, theirs]) {
      expect(view.late).not.toBeNull();
      expect(view.late!.deliveredAt).toBe(view.deliveredAt);
      expect(view.late!.deliveredAt - view.late!.writtenAt).toBeGreaterThanOrEqual(LATE_MS);
      // Written at the real time of writing (the relay's clock), not the sender's 90 s behind.
      expect(Math.abs(view.late!.writtenAt - writtenAt)).toBeLessThan(5_000);
      expect(view.createdAt).toBeLessThan(writtenAt + SKEW_MS + 5_000);
    }
    // Sent after the outage: unmarked again.
    await sender.value('messages.send', { channelId, body: 'Arzt ist da' });
    const after = await delivered('Arzt ist da');
    expect(after.mine.late).toBeNull();
    expect(after.theirs.late).toBeNull();
  }, 90_000);
});
