// Inputs that pass the schema but name something that does not exist, or carry nothing to read,
// answer a stable code (which the renderer turns into a sentence), never `internal`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

describe('stable error codes for unknown people and empty calendar files', () => {
  let relay: ClinicRelay;
  let admin: CoreClient;
  let channelId: string;

  beforeAll(async () => {
    relay = await startClinicRelay();
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
    ({ channelId } = await admin.value('channels.create', {
      kind: 'channel',
      name: 'Leitung',
      topic: '',
      memberUserIds: [],
    }));
  }, 60_000);

  afterAll(async () => {
    await admin?.close();
    await relay?.relay.dispose();
  });

  it('channels.create with a user id nobody in the organisation has is not_found, and nothing is created', async () => {
    const before = (await admin.value('channels.list', {})).length;
    for (const kind of ['channel', 'direct'] as const) {
      const result = await admin.call('channels.create', {
        kind,
        name: 'Geister',
        topic: '',
        memberUserIds: ['usrNotInDirectory1'],
      });
      expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    expect((await admin.value('channels.list', {})).length).toBe(before);
  });

  it('channels.setMembers with an unknown user id is not_found too', async () => {
    const result = await admin.call('channels.setMembers', { channelId, memberUserIds: ['usrNotInDirectory1'] });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it.each([
    ['empty', ''],
    ['blank lines', ' \r\n\n  '],
    ['not a calendar', 'kein kalender'],
    ['no VCALENDAR', 'BEGIN:VTODO\r\nEND:VTODO'],
  ])('calendar.importIcs of a file that is %s is invalid_input', async (_name, text) => {
    const result = await admin.call('calendar.importIcs', { channelId, text });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
