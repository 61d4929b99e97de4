// The relay's cap on channels one device creates per day (issue 14, item 9) reaches staff as a
// stable code with its own sentence (error.channelCreate.not_permitted), not as `internal`, and
// nothing is created locally.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

describe('channels per device and day', () => {
  let relay: ClinicRelay;
  let admin: CoreClient;

  beforeAll(async () => {
    relay = await startClinicRelay({ limits: { channelsPerDevicePerDay: 4 } });
    admin = await startCoreClient();
    await admin.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: 'Sonnenblume-Station-3',
    });
    await eventually(
      async () => (await admin.value('connection.status', {})).state === 'online',
      15_000,
      'admin online',
    );
  }, 60_000);

  afterAll(async () => {
    await admin?.close();
    await relay?.relay.dispose();
  });

  it('a create past the relay cap answers not_permitted and leaves the channel list as it was', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 6 && !answers.includes('not_permitted'); i++) {
      const before = (await admin.value('channels.list', {})).length;
      const result = await admin.call('channels.create', {
        kind: 'channel',
        name: `Station ${i}`,
        topic: '',
        memberUserIds: [],
      });
      answers.push(result.ok ? 'ok' : result.error.code);
      if (!result.ok) expect((await admin.value('channels.list', {})).length).toBe(before);
    }
    expect(answers.at(-1)).toBe('not_permitted');
    expect(answers.slice(0, -1).every((a) => a === 'ok')).toBe(true);
  });
});
