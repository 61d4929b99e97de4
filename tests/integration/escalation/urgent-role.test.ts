// An urgent message to a role that nobody acknowledges escalates, end to end through the core and
// the real relay (issue 20 item 4): the role's escalation policy is a signed setting; the caller's
// urgent message to "Dienstarzt Innere" plans, seals and hands the steps to the relay and tells
// the members the token; the caller signs out (the workstation is off); the relay's clock passes
// the deadlines and the standby role ("Rufdienst Innere"), then the supervisor ("Oberarzt
// Innere") get the message with a distinct notification; the holder is alerted again meanwhile;
// the caller, back, sees each step. An acknowledgement before the deadline stops it everywhere;
// a forged or another escalation's token does not, and no member but the sender can arm it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { escalationRepository } from '../../../apps/desktop/electron/core/features/escalation/repository.ts';
import { startTestRelay, TestOrg, type TestRelay } from '../../harness/relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { JumpClock } from '../../harness/jump-clock.ts';
import { eventually } from '../client/client-world.ts';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

type Who = 'caller' | 'nora' | 'bernd' | 'olga';
const WHO: readonly Who[] = ['caller', 'nora', 'bernd', 'olga'];
const MINUTE = 60_000;
const PASSPHRASE = 'Sonnenblume-Station-3';

describe('an urgent message to a role that nobody acknowledges', () => {
  let relay: TestRelay;
  const relayClock = new JumpClock();
  const clocks = { caller: new JumpClock(), nora: new JumpClock(), bernd: new JumpClock(), olga: new JumpClock() };
  const c = {} as Record<Who, CoreClient>;
  const ids = {} as Record<Who, string>;
  const roles = { dienst: '', rufdienst: '', oberarzt: '' };
  let channelId = '';
  let profileId = '';

  beforeAll(async () => {
    relay = await startTestRelay({
      org: await TestOrg.create(),
      bootstrap: true,
      now: () => relayClock.now(),
      escalationTickMs: 50,
    });
    const setupCode = (await readFile(join(relay.dataDir, 'bootstrap-code'), 'utf8')).trim();
    c.caller = await startCoreClient({ clock: clocks.caller });
    await c.caller.value('org.create', {
      orgName: 'Klinikum Nord',
      displayName: 'Anna Admin',
      relayUrl: relay.url,
      setupCode,
      passphrase: PASSPHRASE,
    });
    ({ userId: ids.caller, profileId } = await c.caller.value('session.me', {}));
    for (const [who, displayName] of [
      ['nora', 'Dr. Nora Innere'],
      ['bernd', 'Dr. Bernd Rufdienst'],
      ['olga', 'Dr. Olga Oberärztin'],
    ] as const) {
      const { userId } = await c.caller.value('admin.addUser', { displayName, role: 'member', ward: 'Innere' });
      ids[who] = userId;
      const letter = await c.caller.value('admin.createRegistrationKey', { userId });
      c[who] = await startCoreClient({ clock: clocks[who] });
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
    roles.dienst = await define('Dienstarzt Innere');
    roles.rufdienst = await define('Rufdienst Innere');
    roles.oberarzt = await define('Oberarzt Innere');
    await eventually(
      async () => (await c.olga.value('roles.list', {})).roles.length === 3,
      30_000,
      'the roles at Olga',
    );
    await c.nora.value('roles.take', { roleId: roles.dienst });
    await c.bernd.value('roles.take', { roleId: roles.rufdienst });
    await c.olga.value('roles.take', { roleId: roles.oberarzt });
    await c.caller.value('roles.setEscalation', {
      roleId: roles.dienst,
      policy: { reAlertMinutes: 1, escalateMinutes: 2, chain: [roles.rufdienst, roles.oberarzt] },
    });
    await eventually(
      async () => {
        const list = (await c.caller.value('roles.list', {})).roles;
        return (
          list.find((r) => r.roleId === roles.dienst)?.escalation?.chain.length === 2 &&
          list.every((r) => r.holders.length === 1)
        );
      },
      30_000,
      'the policy and the holders at the caller',
    );
    ({ channelId } = await c.caller.value('roles.openConversation', { roleId: roles.dienst }));
  }, 240_000);
  afterAll(async () => {
    for (const client of Object.values(c)) await client?.close();
    await relay?.dispose();
  });

  const runtime = (who: Who) => c[who].core.sessions.visible();
  const escalations = (who: Who) => runtime(who).profile.store.repository(escalationRepository);
  const steps = (who: Who) => escalations(who).steps(20);
  const sounds = (who: Who) => c[who].platform.notifier.shown.filter((n) => n.sound === 'escalation');
  const sendUrgent = async (body: string) => {
    const { messageId } = await c.caller.value('messages.send', { channelId, body, urgent: true });
    for (const who of ['caller', 'nora'] as const)
      await eventually(() => escalations(who).armed(channelId, messageId) !== null, 30_000, `the arm at ${who}`);
    return { messageId, armed: escalations('caller').armed(channelId, messageId)! };
  };

  it('escalates to the standby role, then the supervisor, while the caller is signed out; the caller then sees both steps', async () => {
    const { messageId, armed } = await sendUrgent('Zimmer 12: Patient krampft, bitte sofort kommen');
    expect(armed.steps.map((s) => [s.step, s.roleName])).toEqual([
      [1, 'Rufdienst Innere'],
      [2, 'Oberarzt Innere'],
    ]);
    // The relay holds the steps; what it learned is no text: the token's hash, deadlines, mailboxes.
    await eventually(async () => (await relay.store!.escalations.pendingItems()) > 0, 20_000, 'the relay holds it');
    await c.caller.value('session.signOut', {});

    // The holder is alerted again every minute (its workstation's clock), with the escalation's sound.
    const before = sounds('nora').length;
    clocks.nora.jump(MINUTE + 1_000);
    await eventually(() => sounds('nora').length > before, 20_000, 'the re-alert at Nora');
    expect(sounds('nora').at(-1)).toMatchObject({
      title: 'Dringende Nachricht – noch nicht bestätigt',
      tag: channelId,
      urgent: true,
    });

    relayClock.jump(2 * MINUTE);
    await eventually(() => steps('bernd').length === 1, 30_000, 'step 1 at Bernd (Rufdienst)');
    expect(steps('bernd')[0]).toMatchObject({
      step: 1,
      roleName: 'Rufdienst Innere',
      fromName: 'Dienstarzt Innere',
      body: 'Zimmer 12: Patient krampft, bitte sofort kommen',
      channelId,
      messageId,
    });
    await eventually(() => sounds('bernd').length === 1, 20_000, 'the notification at Bernd');
    expect(sounds('bernd')[0]).toMatchObject({
      title: 'Eskaliert von Dienstarzt Innere – nicht bestätigt seit 2 Min.',
      urgent: true,
    });
    expect(steps('olga')).toEqual([]);

    relayClock.jump(2 * MINUTE);
    await eventually(() => steps('olga').length === 1, 30_000, 'step 2 at Olga (Oberarzt)');
    expect(steps('olga')[0]).toMatchObject({ step: 2, roleName: 'Oberarzt Innere', fromName: 'Dienstarzt Innere' });
    expect(sounds('olga')[0]?.title).toBe('Eskaliert von Dienstarzt Innere – nicht bestätigt seit 4 Min.');

    // The caller's workstation is back: its notices came while it was away, timed by the relay.
    await c.caller.value('session.signIn', { profileId, passphrase: PASSPHRASE });
    await eventually(
      () => escalations('caller').releasesOf(channelId, messageId).length === 2,
      30_000,
      'the notices at the caller',
    );
    const view = await c.caller.value('escalations.ofMessage', { channelId, messageId });
    expect(view.phase).toBe('escalated');
    expect(view.released.map((r) => r.roleName)).toEqual(['Rufdienst Innere', 'Oberarzt Innere']);
    // The relay's release times (the renderer words them in the workstation's time).
    const relayTimes = escalations('caller')
      .releasesOf(channelId, messageId)
      .map((r) => r.releasedAt);
    expect(view.released.map((r) => r.at).sort()).toEqual(relayTimes.sort());
  }, 180_000);

  it('stops on every device when the holder acknowledges before the deadline; a forged or replayed token did not stop it, and only the sender arms it', async () => {
    const first = await sendUrgent('Zimmer 3: Sättigung 84 %');
    const second = await sendUrgent('Zimmer 5: Blutzucker 30 mg/dl');
    // A member who is not the sender cannot hand out another token for the message.
    await expect(
      runtime('nora').client.send(channelId, {
        type: 'escalation.arm',
        messageId: second.messageId,
        escalationId: 'forgedescalation0001',
        token: 'A'.repeat(43),
        reAlertMinutes: 1,
        steps: [],
      }),
    ).rejects.toThrow();
    expect(escalations('nora').armed(channelId, second.messageId)?.token).toBe(second.armed.token);
    // A made-up token, and the first escalation's, do not silence the second.
    await expect(
      runtime('nora').transport.ackEscalation(second.armed.escalationId, new Uint8Array(randomBytes(32))),
    ).rejects.toMatchObject({ code: 'not_permitted' });
    await expect(
      runtime('nora').transport.ackEscalation(second.armed.escalationId, fromBase64Url(first.armed.token)!),
    ).rejects.toMatchObject({ code: 'not_permitted' });

    // Nora acknowledges the first: its escalation stops at the relay for every device.
    await c.nora.value('messages.ack', { channelId, messageId: first.messageId });
    await eventually(
      () => escalations('nora').armed(channelId, first.messageId)?.stoppedAt !== null,
      20_000,
      'the first stopped',
    );
    const bernd = steps('bernd').length;
    const olga = steps('olga').length;
    relayClock.jump(2 * MINUTE);
    // The second (not acknowledged) goes on to Bernd; the first does not.
    await eventually(() => steps('bernd').length === bernd + 1, 30_000, 'step 1 of the second at Bernd');
    expect(steps('bernd')[0]).toMatchObject({ messageId: second.messageId });
    relayClock.jump(30 * MINUTE);
    await relay.relay!.escalations.releaseNow();
    await eventually(() => steps('olga').length === olga + 1, 30_000, 'step 2 of the second at Olga');
    expect(steps('olga').map((s) => s.messageId)).not.toContain(first.messageId);
    expect(steps('bernd').map((s) => s.messageId)).not.toContain(first.messageId);
    // The caller's own view: the first acknowledged without any step, the second escalated twice.
    expect((await c.caller.value('escalations.ofMessage', { channelId, messageId: first.messageId })).released).toEqual(
      [],
    );
  }, 180_000);

  // Last: it stops the relay. Without the relay holding the steps the message is an ordinary urgent
  // one; the sender is told so when sending (not only a log line), and no token is handed out.
  it('tells the sender when the relay could not take the escalation', async () => {
    await relay.stop();
    await eventually(() => runtime('caller').transport.state() !== 'online', 30_000, 'the caller offline');
    const sent = await c.caller.value('messages.send', { channelId, body: 'Zimmer 8: Sturz', urgent: true });
    expect(sent.escalation).toBe('not_armed');
    expect(escalations('caller').armed(channelId, sent.messageId)).toBeNull();
    // A message to a channel without a policy has no escalation to miss.
    const plain = await c.caller.value('messages.send', { channelId, body: 'Danke', urgent: false });
    expect(plain.escalation).toBe('none');
  }, 60_000);
});
