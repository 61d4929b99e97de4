// Two workstations of one organisation on a real relay process, joined through a registration
// key exactly as staff do it, with a shared channel: the set-up of the collaboration tests.
import type { RelayLimits } from '../../../apps/relay/limits.ts';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import type { Clock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import type { EffectivePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';
import { eventually } from '../client/client-world.ts';

export interface TwoWorkstations {
  relay: ClinicRelay;
  admin: CoreClient;
  nurse: CoreClient;
  channelId: string;
  adminUserId: string;
  nurseUserId: string;
  close(): Promise<void>;
}

/** `nurseClock`: the nurse's workstation clock (a test makes it wrong); `relayLimits`: the relay's (a tiny blob quota). */
export async function twoWorkstations(
  options: { policy?: EffectivePolicy; nurseClock?: Clock; relayLimits?: Partial<RelayLimits> } = {},
): Promise<TwoWorkstations> {
  const relay = await startClinicRelay({
    verbose: !!process.env.KF_DEBUG,
    ...(options.relayLimits ? { limits: options.relayLimits } : {}),
  });
  const admin = await startCoreClient(options.policy ? { policy: options.policy } : {});
  const nurse = await startCoreClient({
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.nurseClock ? { clock: options.nurseClock } : {}),
  });
  await admin.value('org.create', {
    orgName: 'Klinikum Nord',
    displayName: 'Anna Admin',
    relayUrl: relay.url,
    setupCode: relay.setupCode,
    passphrase: 'Sonnenblume-Station-3',
  });
  await eventually(async () => (await admin.value('connection.status', {})).state === 'online', 15_000, 'admin online');
  const { userId: nurseUserId } = await admin.value('admin.addUser', {
    displayName: 'Bernd Pflege',
    role: 'member',
    ward: 'Station 3B',
  });
  const letter = await admin.value('admin.createRegistrationKey', { userId: nurseUserId });
  await nurse.value('org.join', {
    registrationKey: letter.registrationKey,
    relayUrl: relay.url,
    passphrase: 'Kaffeepause-Nachtdienst',
  });
  await eventually(async () => (await nurse.value('connection.status', {})).state === 'online', 15_000, 'nurse online');
  await eventually(
    async () => (await admin.value('directory.users', {})).some((u) => u.userId === nurseUserId),
    10_000,
    'directory has nurse',
  );
  const { channelId } = await admin.value('channels.create', {
    kind: 'channel',
    name: 'Station 3B',
    topic: '',
    memberUserIds: [nurseUserId],
  });
  // Membership as the collaboration methods check it (the roster has reached the nurse's store).
  await eventually(async () => (await nurse.call('polls.list', { channelId })).ok, 15_000, 'channel at nurse');
  const adminUserId = (await admin.value('session.me', {})).userId;
  return {
    relay,
    admin,
    nurse,
    channelId,
    adminUserId,
    nurseUserId,
    async close() {
      await admin.close();
      await nurse.close();
      await relay.relay.dispose();
    },
  };
}
