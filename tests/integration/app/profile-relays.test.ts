// Setting up a second profile on a PC offers the relay of the profiles already there: the session
// status names each profile's relay (no secret), kept beside the profile folders across restarts;
// a damaged file only loses the offer.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';

describe('relay of the profiles on this workstation', () => {
  let relay: ClinicRelay;
  let station: CoreClient;
  let dataDir: string;

  beforeAll(async () => {
    relay = await startClinicRelay({ verbose: !!process.env.KF_DEBUG });
    dataDir = await mkdtemp(join(tmpdir(), 'kf-relays-'));
    station = await startCoreClient({ dataDir });
  }, 60_000);

  afterAll(async () => {
    await station?.close();
    await relay?.relay.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('names the relay of a profile once it is set up, also after a restart', async () => {
    expect((await station.value('session.status', {})).profiles).toEqual([]);
    const { profileId } = await station.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: 'Sonnenblume-Station-3',
    });
    const status = await station.value('session.status', {});
    expect(status.profiles).toMatchObject([{ profileId, relayUrl: relay.url }]);
    // Only the address is kept outside the encrypted store.
    expect(JSON.parse(await readFile(join(dataDir, 'profile-relays.json'), 'utf8'))).toEqual({
      [profileId]: { url: relay.url, at: expect.any(Number) },
    });

    await station.close();
    station = await startCoreClient({ dataDir });
    expect((await station.value('session.status', {})).profiles).toMatchObject([{ profileId, relayUrl: relay.url }]);
  }, 60_000);

  it('a damaged file loses only the offer', async () => {
    await writeFile(join(dataDir, 'profile-relays.json'), '{"not-a-profile": {"url": "http://evil"}}');
    await station.close();
    station = await startCoreClient({ dataDir });
    const status = await station.value('session.status', {});
    expect(status.profiles).toHaveLength(1);
    expect(status.profiles[0]!.relayUrl).toBeNull();
  }, 60_000);
});
