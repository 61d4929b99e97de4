// An urgent message to a role with an escalation policy whose holder is on "nicht stören": both
// steps after the send work together (the escalation is armed with the relay and the cover gets
// the message at once), through the core and the real relay.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escalationRepository } from '../../../apps/desktop/electron/core/features/escalation/repository.ts';
import { startTestRelay, TestOrg, type TestRelay } from '../../harness/relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';

type Who = 'caller' | 'nora' | 'bernd';
const WHO: readonly Who[] = ['caller', 'nora', 'bernd'];

describe('an urgent message to a role with an escalation policy, its holder on "nicht stören"', () => {
  let relay: TestRelay;
  const c = {} as Record<Who, CoreClient>;
  const ids = {} as Record<Who, string>;
  let channelId = '';

  beforeAll(async () => {
    relay = await startTestRelay({ org: await TestOrg.create(), bootstrap: true });
    const setupCode = (await readFile(join(relay.dataDir, 'bootstrap-code'), 'utf8')).trim();
    c.caller = await startCoreClient();
    await c.caller.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode,
      passphrase: 'Sonnenblume-Station-3',
    });
    ids.caller = (await c.caller.value('session.me', {})).userId;
    for (const [who, displayName] of [
      ['nora', 'Dr. Nora Innere'],
      ['bernd', 'Dr. Bernd Rufdienst'],
    ] as const) {
      const { userId } = await c.caller.value('admin.addUser', { displayName, role: 'member', ward: 'Innere' });
      ids[who] = userId;
      const letter = await c.caller.value('admin.createRegistrationKey', { userId });
      c[who] = await startCoreClient();
      await c[who].value('org.join', {
        registrationKey: letter.registrationKey,
        relayUrl: relay.url,
        passphrase: 'Kaffeepause-Nachtdienst',
      });
    }
    for (const who of WHO)
      await eventually(() => runtime(who).client.inDirectory(), 30_000, `${who} in the directory channel`);
    const define = async (name: string) =>
      (
        await c.caller.value('roles.define', {
          name,
          department: 'Innere',
          eligible: { userIds: [], departments: ['Innere'] },
          backupRoleId: null,
        })
      ).roleId;
    const dienst = await define('Dienstarzt Innere');
    const rufdienst = await define('Rufdienst Innere');
    await eventually(
      async () => (await c.bernd.value('roles.list', {})).roles.length === 2,
      30_000,
      'the roles at Bernd',
    );
    await c.nora.value('roles.take', { roleId: dienst });
    await c.bernd.value('roles.take', { roleId: rufdienst });
    await c.caller.value('roles.setEscalation', {
      roleId: dienst,
      policy: { reAlertMinutes: 1, escalateMinutes: 2, chain: [rufdienst] },
    });
    const { org } = await c.caller.value('org.settings', {});
    await c.caller.value('admin.setOrgSettings', { ...org, availability: true });
    await eventually(
      async () => {
        const list = (await c.caller.value('roles.list', {})).roles;
        return (
          list.find((r) => r.roleId === dienst)?.escalation?.chain.length === 1 &&
          list.every((r) => r.holders.length === 1)
        );
      },
      30_000,
      'the policy and the holders at the caller',
    );
    await eventually(
      async () => (await c.nora.value('availability.list', {})).enabled,
      30_000,
      'availability on at Nora',
    );
    await c.nora.value('availability.set', { state: 'dnd', cover: { kind: 'user', userId: ids.bernd } });
    await eventually(
      async () =>
        (await c.caller.value('availability.list', {})).statuses.find((s) => s.userId === ids.nora)?.state === 'dnd',
      30_000,
      'Nora "nicht stören" at the caller',
    );
    ({ channelId } = await c.caller.value('roles.openConversation', { roleId: dienst }));
  }, 240_000);
  afterAll(async () => {
    for (const client of Object.values(c)) await client?.close();
    await relay?.dispose();
  });

  const runtime = (who: Who) => c[who].core.sessions.visible();

  it('is escalated and goes to the cover, and the sender is told', async () => {
    const body = 'Zimmer 4: Blutung, bitte sofort';
    const sent = await c.caller.value('messages.send', { channelId, body, urgent: true });
    expect(sent.forwarded).toEqual([
      {
        absentUserId: ids.nora,
        absentName: 'Dr. Nora Innere',
        coverNames: ['Dr. Bernd Rufdienst'],
        coverRoleName: null,
      },
    ]);
    for (const who of ['caller', 'nora'] as const)
      await eventually(
        () => runtime(who).profile.store.repository(escalationRepository).armed(channelId, sent.messageId) !== null,
        30_000,
        `the escalation armed at ${who}`,
      );
    await eventually(
      async () => {
        for (const ch of await c.bernd.value('channels.list', {})) {
          if (ch.kind !== 'direct') continue;
          const page = await c.bernd.value('messages.page', { channelId: ch.channelId, limit: 20 });
          if (page.messages.some((m) => m.body === body && m.urgent)) return true;
        }
        return false;
      },
      30_000,
      'the copy at the cover',
    );
  }, 120_000);
});
