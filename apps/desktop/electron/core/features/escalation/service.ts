// Escalation of one profile's urgent messages (docs/protocol.md "Escalation"), the part that runs:
// sending an urgent message to a channel with a policy plans and seals its steps, hands them to the
// relay (esc_put) and tells the members the token (`escalation.arm`, end to end encrypted); an
// acknowledgement seen here (own or anyone's) has the relay stop it (esc_ack); what the relay
// releases to this device is kept (the sender's notices, steps to this user's role) and a step
// notifies; the holder of an unacknowledged one is alerted again until somebody acknowledges it.
import type { EscalationArmPayload } from '@klinikfunk/protocol/domain/escalation.ts';
import { ESCALATION_CONTENT_TYPE } from '@klinikfunk/protocol/domain/escalation.ts';
import { fromBase64Url, toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';
import { selfDeviceOf } from '../../account/identity.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import { serviceKey } from '../../app/profile-services.ts';
import type { Clock } from '../../clock/clock.ts';
import { peekDirect } from '../../crypto/direct.ts';
import type { Logger } from '../../log/logger.ts';
import type { Notifier } from '../../platform/platform.ts';
import type { MailboxMessage } from '../../transport/transport.ts';
import type { EscalationOutcome, UrgentWatch } from '../kit/urgent.ts';
import { openEscalationItem, type EscalationReader } from './open.ts';
import { planEscalation, type RecipientDevice, type RoleAt } from './plan.ts';
import { ReAlerts } from './re-alert.ts';
import { escalationRepository, type ArmedEscalation, type EscalationRepository } from './repository.ts';
import { sealEscalation } from './seal.ts';
import { escalatedNotice, escalatedTitle, reAlertNotice } from './notices.ts';
import { foldEscalation, initialEscalation, phaseOf } from './state.ts';
import type { EscalatedMessage } from '@klinikfunk/protocol/api/features/escalations.ts';

type EscalationView = 'none' | 'waiting' | 'escalated' | 'acknowledged';

/** What a channel's urgent messages escalate by: its policy (a signed setting), where they went first, the roles. */
export interface EscalationSource {
  policy: { reAlertMinutes: number; escalateMinutes: number; chain: readonly string[] };
  fromName: string;
  roleAt(roleId: string, t: number): RoleAt | null;
}

export interface EscalationDeps {
  clock: Clock;
  log: Logger;
  notifier: Notifier;
  language: 'de' | 'en';
  /** The policy of a channel (a conversation with a role: the role's); null: none. */
  sourceOf(runtime: ProfileRuntime, channelId: string): EscalationSource | null;
}

export const isEscalationMail = (payload: Uint8Array): boolean => {
  const peeked = peekDirect(payload);
  return peeked.ok && peeked.header.contentType === ESCALATION_CONTENT_TYPE;
};

export class EscalationService {
  readonly #runtime: ProfileRuntime;
  readonly #deps: EscalationDeps;
  readonly #reAlerts: ReAlerts;
  readonly #off: () => void;
  /** One pass of stopping at a time (an ack and a reconnect may ask at once). */
  #stopping: Promise<void> = Promise.resolve();

  constructor(runtime: ProfileRuntime, deps: EscalationDeps) {
    this.#runtime = runtime;
    this.#deps = deps;
    this.#reAlerts = new ReAlerts(deps.notifier, deps.clock);
    // Back online: acknowledgements that could not reach the relay before are shown to it now.
    this.#off = runtime.transport.onState((state) => {
      if (state === 'online') this.#stopSoon();
    });
    // Made again after a lock or sign-in: the holder's re-alerts go on where the arms left them.
    for (const armed of this.#repo.openOfOthers(runtime.identity.userId)) this.#reAlert(armed);
  }

  get #repo(): EscalationRepository {
    return this.#runtime.profile.store.repository(escalationRepository);
  }

  /** Hands an own urgent message's escalation to the relay, then tells the members its token. */
  async arm(message: { channelId: string; messageId: string; body: string }): Promise<EscalationOutcome> {
    const runtime = this.#runtime;
    const source = this.#deps.sourceOf(runtime, message.channelId);
    if (!source) return 'none';
    const { identity, client } = runtime;
    const directory = client.directory;
    const devicesOf = (userId: string): RecipientDevice[] =>
      [...directory.devices.values()]
        .filter((d) => d.record.body.userId === userId && directory.isDeviceActive(d.record.body.deviceId))
        .map((d) => ({ deviceId: d.record.body.deviceId, userId, boxPublicKey: d.boxPublicKey }));
    const sentAt = this.#deps.clock.now();
    const plan = planEscalation({
      policy: { ...source.policy, chain: [...source.policy.chain] },
      roleAt: source.roleAt,
      sentAt,
      devicesOf,
    });
    const self = selfDeviceOf(identity);
    const sealed = sealEscalation(
      plan,
      { ...message, senderUserId: identity.userId, fromName: source.fromName, sentAt },
      {
        deviceId: identity.deviceId,
        orgIdRaw: fromBase64Url(identity.orgId)!,
        signingKey: self.signingKey,
        boxKey: self.boxKey,
        ownDevices: devicesOf(identity.userId),
      },
    );
    if (plan.unreachable.length > 0)
      this.#deps.log.warn('escalation step without anybody to reach', {
        steps: plan.unreachable.map((u) => u.step).join(','),
      });
    if (!sealed) return 'not_armed';
    try {
      await runtime.transport.putEscalation(sealed.sealed);
    } catch (error) {
      // Without the relay holding it, no token is handed out: the message stays an ordinary urgent
      // one, and the sender is told (messages.send's `escalation`).
      this.#deps.log.warn('escalation not handed to the relay', { error: loggable(error) });
      return 'not_armed';
    }
    const arm: EscalationArmPayload = {
      type: 'escalation.arm',
      messageId: message.messageId,
      escalationId: sealed.sealed.escalationId,
      token: toBase64Url(sealed.token),
      reAlertMinutes: source.policy.reAlertMinutes,
      steps: plan.steps.map((s) => ({ step: s.step, roleName: s.roleName, delayMs: s.delayMs })),
    };
    await client.send(message.channelId, arm);
    return 'armed';
  }

  /**
   * Has the relay stop every escalation somebody (other than its sender) acknowledged that this
   * device has not stopped yet: one acknowledging device is enough, but any that knows the token
   * and sees the acknowledgement does it, so an older client's acknowledgement counts once the
   * sender's or another member's device reads it. Never throws; a failure is tried again online.
   */
  stopAcknowledged(): Promise<void> {
    this.#stopSoon();
    return this.#stopping;
  }

  /** Queues a pass after the one under way; a failing pass (the store closing at sign-out) is logged. */
  #stopSoon(): void {
    this.#stopping = this.#stopping
      .then(() => this.#stopPass())
      .catch((error: unknown) => this.#deps.log.warn('escalation stop pass failed', { error: loggable(error) }));
  }

  async #stopPass(): Promise<void> {
    for (const armed of this.#repo.acknowledgedNotStopped()) {
      this.#reAlerts.forget(keyOf(armed));
      try {
        await this.#runtime.transport.ackEscalation(armed.escalationId, fromBase64Url(armed.token)!);
      } catch (error) {
        const code = (error as { code?: string } | null)?.code;
        // not_found: the relay released every step already (or never took it): nothing left to stop.
        if (code !== 'not_found') {
          this.#deps.log.warn('escalation not stopped yet', { error: loggable(error) });
          continue;
        }
      }
      this.#repo.markStopped(armed.escalationId, this.#deps.clock.now());
    }
  }

  /** Acknowledges an escalated message that reached this user's role (no membership of its conversation needed). */
  async acknowledgeStep(escalationId: string): Promise<boolean> {
    const step = this.#repo.step(escalationId);
    if (!step?.token) return false;
    await this.#runtime.transport.ackEscalation(escalationId, fromBase64Url(step.token)!);
    this.#repo.markStepAcknowledged(escalationId, this.#deps.clock.now());
    this.#reAlerts.forget(`step/${escalationId}`);
    return true;
  }

  /** Events applied here: arms of others' urgent messages start re-alerts; acknowledgements stop escalations. */
  observe(events: ReadonlyArray<{ channelId: string; senderUserId: string; payload: unknown }>): void {
    const me = this.#runtime.identity.userId;
    let acked = false;
    for (const e of events) {
      const type = (e.payload as { type?: string }).type;
      if (type === 'message.ack') acked = true;
      if (type !== 'escalation.arm' || e.senderUserId === me) continue;
      const armed = this.#repo.armed(e.channelId, (e.payload as EscalationArmPayload).messageId);
      if (armed && armed.stoppedAt === null) this.#reAlert(armed);
    }
    if (acked) this.#stopSoon();
  }

  /**
   * Items the relay released to this device (escalation content only): opened against the
   * directory, kept once, and a step notifies at once and again every re-alert interval until
   * acknowledged. A refused item is logged and dropped (it would never open later either).
   */
  async acceptReleased(items: readonly MailboxMessage[]): Promise<void> {
    const runtime = this.#runtime;
    const directory = runtime.client.directory;
    const reader: EscalationReader = {
      deviceId: runtime.identity.deviceId,
      userId: runtime.identity.userId,
      boxKey: selfDeviceOf(runtime.identity).boxKey,
      deviceKeys: (deviceId) => {
        const d = directory.devices.get(deviceId);
        if (!d || !directory.isDeviceActive(deviceId)) return null;
        return { userId: d.record.body.userId, signingPublicKey: d.signingPublicKey, boxPublicKey: d.boxPublicKey };
      },
    };
    for (const item of items) {
      const opened = openEscalationItem(item, reader);
      if (!opened.ok) {
        this.#deps.log.warn('escalation item refused', { messageId: item.messageId, reason: opened.reason });
        continue;
      }
      const c = opened.opened.content;
      const step = c.type === 'escalation.step' ? c : null;
      const kept = this.#repo.keepReleased({
        escalationId: c.escalationId,
        step: c.step,
        kind: step ? 'step' : 'notice',
        roleName: c.roleName,
        channelId: c.channelId,
        messageId: c.messageId,
        releasedAt: opened.opened.releasedAt,
        senderUserId: step?.senderUserId ?? null,
        fromName: step?.fromName ?? null,
        body: step?.body ?? null,
        sentAt: step?.sentAt ?? null,
        token: step?.token ?? null,
        acknowledgedAt: null,
      });
      if (!kept || !step || !this.#deps.notifier.isSupported()) continue;
      const request = escalatedNotice(step, opened.opened.releasedAt, this.#deps.language);
      this.#deps.notifier.show(request);
      const state = foldEscalation(initialEscalation(), { kind: 'sent', at: opened.opened.releasedAt, planned: [] });
      // The step does not carry the policy, and its receiver is not in the conversation that has it.
      this.#reAlerts.track(`step/${c.escalationId}`, state, STEP_RE_ALERT_MS, request);
    }
  }

  #reAlert(armed: ArmedEscalation): void {
    const state = foldEscalation(initialEscalation(), { kind: 'sent', at: armed.armedAt, planned: armed.steps });
    this.#reAlerts.track(keyOf(armed), state, armed.reAlertMinutes * 60_000, reAlertNotice(armed, this.#deps.language));
  }

  /** An urgent message's escalation for its details: the sender's lines from the relay's notices. */
  async ofMessage(
    channelId: string,
    messageId: string,
  ): Promise<{ phase: EscalationView; released: Array<{ roleName: string; at: number }> }> {
    const armed = this.#repo.armed(channelId, messageId);
    if (!armed) return { phase: 'none', released: [] };
    let state = foldEscalation(initialEscalation(), { kind: 'sent', at: armed.armedAt, planned: armed.steps });
    for (const r of this.#repo.releasesOf(channelId, messageId))
      if (r.kind === 'notice')
        state = foldEscalation(state, { kind: 'released', step: r.step, roleName: r.roleName, at: r.releasedAt });
    const acks = await this.#runtime.profile.store.messages.acks(channelId, messageId);
    const first = acks.find((a) => a.userId !== armed.senderUserId);
    if (first) state = foldEscalation(state, { kind: 'acknowledged', at: first.ackedAt, byUserId: first.userId });
    return { phase: phaseOf(state), released: state.released.map((r) => ({ roleName: r.roleName, at: r.at })) };
  }

  /** Escalated messages that reached this user's role, newest first. */
  async received(): Promise<EscalatedMessage[]> {
    const steps = this.#repo.steps(50);
    const names = await this.#runtime.profile.store.directory.displayNamesOf([
      ...new Set(steps.map((s) => s.senderUserId ?? '')),
    ]);
    return steps.map((s) => ({
      escalationId: s.escalationId,
      step: s.step,
      roleName: s.roleName,
      title: escalatedTitle(s.fromName ?? s.roleName, s.sentAt ?? s.releasedAt, s.releasedAt, this.#deps.language),
      body: s.body ?? '',
      senderName: names.get(s.senderUserId ?? '') ?? '?',
      sentAt: s.sentAt ?? s.releasedAt,
      releasedAt: s.releasedAt,
      acknowledgedAt: s.acknowledgedAt,
    }));
  }

  /** Re-alerts pending (tests, the connection view). */
  get reAlertsPending(): number {
    return this.#reAlerts.pending;
  }

  async dispose(): Promise<void> {
    this.#off();
    this.#reAlerts.stop();
    await this.#stopping;
  }
}

/** How often an escalated message is alerted again on a device it reached, until acknowledged there. */
const STEP_RE_ALERT_MS = 5 * 60_000;

const keyOf = (armed: { channelId: string; messageId: string }) => `${armed.channelId}/${armed.messageId}`;

const SERVICE = serviceKey<EscalationService>('escalation');

/** The profile's escalation service, made once per sign-in (it goes with the runtime). */
export function escalationService(runtime: ProfileRuntime, deps: EscalationDeps): EscalationService {
  return runtime.services.get(SERVICE, () => new EscalationService(runtime, deps));
}

/** The messages feature's port (features/kit/urgent.ts) onto this one. */
export function urgentWatch(deps: EscalationDeps): UrgentWatch {
  return {
    sent: async (runtime, message) => {
      try {
        return await escalationService(runtime, deps).arm(message);
      } catch (error) {
        deps.log.warn('escalation not armed', { error: loggable(error) });
        return 'not_armed';
      }
    },
    acknowledged: (runtime) => escalationService(runtime, deps).stopAcknowledged(),
  };
}
