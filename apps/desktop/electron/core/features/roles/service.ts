// Function roles for one signed-in profile: the roles with their holders now (the fold of the
// directory channel's role events, cached until one arrives or a directory record changes), and
// the events that define, hold and schedule them. What every client's fold would refuse is refused
// here at once with the same reason; the fold that counts is every receiver's own.
import type { RoleView, RosterRowView } from '@klinikfunk/protocol/api/contract.ts';
import type { RoleConversationView } from '@klinikfunk/protocol/api/features/roles.ts';
import { AppError } from '@klinikfunk/protocol/api/result.ts';
import type { RoleDefinePayload, RolePayload, RoleSchedulePayload } from '@klinikfunk/protocol/domain/role-events.ts';
import { roleDefine, roleEscalation, roleSchedule } from '@klinikfunk/protocol/domain/role-events.ts';
import type { EscalationPolicy } from '@klinikfunk/protocol/domain/escalation.ts';
import { randomBytes } from 'node:crypto';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { serviceKey } from '../../app/profile-services.ts';
import type { ProfileRuntime } from '../../app/profile-runtime.ts';
import type { Clock } from '../../clock/clock.ts';
import { nameLookup } from '../kit/channel-access.ts';
import { conversationHolding, roleFoldOf } from './conversations.ts';
import { roleRepository, type RoleRepository } from './repository.ts';
import { adminRefusal, holdingAt, holdRefusal, isEligible, type RoleFold, type RoleOp } from './resolve.ts';
import { parseRoster, type RosterFormat } from './roster-import.ts';
import { scheduleChunks } from './schedule-chunks.ts';

interface RosterRequest {
  roleId: string;
  format: RosterFormat;
  text: string;
  fileName: string;
}

export class RoleService {
  readonly #runtime: ProfileRuntime;
  readonly #clock: Clock;

  constructor(runtime: ProfileRuntime, clock: Clock) {
    this.#runtime = runtime;
    this.#clock = clock;
  }

  get #repo(): RoleRepository {
    return this.#runtime.profile.store.repository(roleRepository);
  }

  /** The fold of every kept role event, recomputed only when its inputs changed. */
  fold(): RoleFold {
    return roleFoldOf(this.#runtime.profile.store).fold;
  }

  /** This user's next event as the fold would judge it, were it in force now. */
  #asOp(payload: RolePayload): RoleOp {
    const now = this.#clock.now();
    const { userId, deviceId } = this.#runtime.identity;
    return {
      eventId: 'local-check',
      seq: null,
      relayAt: now,
      createdAt: now,
      senderUserId: userId,
      senderDeviceId: deviceId,
      payload,
    };
  }

  async list(): Promise<{ roles: RoleView[]; mayDefine: boolean; departments: string[] | null }> {
    const fold = this.fold();
    const repo = this.#repo;
    const name = await nameLookup(this.#runtime.profile.store);
    const now = this.#clock.now();
    const { userId, deviceId } = this.#runtime.identity;
    const orgAdmin = repo.isOrgAdmin(userId, now);
    const delegated = repo.delegatedDepartments(deviceId, now);
    const roles: RoleView[] = [];
    for (const [roleId, state] of fold.roles) {
      const d = state.definition;
      if (d.retired) continue;
      const holding = holdingAt(repo, state, now);
      roles.push({
        roleId,
        name: d.name,
        department: d.department,
        eligible: d.eligible,
        backupRoleId: d.backupRoleId,
        backupRoleName: d.backupRoleId ? (fold.roles.get(d.backupRoleId)?.definition.name ?? null) : null,
        holders: holding.userIds.map(name),
        since: holding.since,
        source: holding.source,
        nextHandover: holding.nextHandover,
        takeRefusal: holdRefusal(fold, repo, {
          ...this.#asOp({ type: 'role.hold', roleId, userId }),
          payload: { type: 'role.hold', roleId, userId },
        }),
        heldByMe: holding.userIds.includes(userId),
        mayAdminister: adminRefusal(fold, repo, this.#asOp({ ...d })) === null,
        escalation: state.escalation,
      });
    }
    roles.sort((a, b) => a.department.localeCompare(b.department, 'de') || a.name.localeCompare(b.name, 'de'));
    const departments = orgAdmin ? null : delegated === 'all' ? null : [...delegated];
    return { roles, mayDefine: orgAdmin || delegated === 'all' || delegated.length > 0, departments };
  }

  /** Per role, a conversation being made right now: a second Enter or click waits for it. */
  readonly #opening = new Map<string, Promise<string>>();

  /** The caller's conversation with the role: kept while they are in it, else a new one. */
  openConversation(roleId: string): Promise<string> {
    // Until its link is applied, a conversation just made is not found below: a second call
    // meanwhile (Enter pressed twice in the quick switcher) would make another one.
    let opening = this.#opening.get(roleId);
    if (!opening) {
      opening = this.#openConversation(roleId).finally(() => this.#opening.delete(roleId));
      this.#opening.set(roleId, opening);
    }
    return opening;
  }

  async #openConversation(roleId: string): Promise<string> {
    const state = this.fold().roles.get(roleId);
    if (!state || state.definition.retired) throw new AppError('not_found', 'No such role.');
    const { client, profile } = this.#runtime;
    const me = this.#runtime.identity.userId;
    const repo = this.#repo;
    const left = await profile.store.channels.leftIds();
    const mine = repo
      .conversations()
      .find(
        (c) =>
          c.roleId === roleId &&
          c.callerUserId === me &&
          !left.has(c.channelId) &&
          client.directory.isMember(c.channelId, me),
      );
    if (mine) return mine.channelId;
    const holders = holdingAt(repo, state, this.#clock.now()).userIds;
    const channelId = await client.createChannel({
      kind: 'conversation',
      name: state.definition.name,
      memberUserIds: holders,
      historyForNewMembers: true,
      everyoneAdmin: true,
    });
    await client.send(channelId, { type: 'role.conversation', roleId });
    return channelId;
  }

  /** The conversation's role with its holders now, for its header; null for any other conversation. */
  async conversation(channelId: string): Promise<RoleConversationView | null> {
    const row = this.#repo.conversation(channelId);
    if (!row) return null;
    const name = await nameLookup(this.#runtime.profile.store);
    const state = this.fold().roles.get(row.roleId);
    const holding = conversationHolding(this.#runtime.profile.store, row, this.#clock.now());
    return {
      roleId: row.roleId,
      name: state?.definition.name ?? null,
      holders: holding.userIds.map(name),
      since: holding.since,
      caller: name(row.callerUserId),
    };
  }

  async define(input: Omit<RoleDefinePayload, 'type' | 'roleId'> & { roleId?: string | undefined }): Promise<string> {
    const roleId = input.roleId ?? toBase64Url(new Uint8Array(randomBytes(16)));
    if (input.roleId !== undefined && !this.fold().roles.has(roleId)) throw new AppError('not_found', 'No such role.');
    const payload = roleDefine.parse({ ...input, type: 'role.define', roleId });
    await this.#send(payload);
    return roleId;
  }

  async take(roleId: string): Promise<void> {
    await this.#send({ type: 'role.hold', roleId, userId: this.#runtime.identity.userId });
  }

  async handOver(roleId: string, userId: string | null): Promise<void> {
    await this.#send({ type: 'role.hold', roleId, userId });
  }

  /** The role's escalation policy, a signed setting every client folds alike (null: none). */
  async setEscalation(roleId: string, policy: EscalationPolicy | null): Promise<void> {
    if (!this.fold().roles.has(roleId)) throw new AppError('not_found', 'No such role.');
    await this.#send(roleEscalation.parse({ type: 'role.escalation', roleId, policy }));
  }

  async previewRoster(request: RosterRequest): Promise<{ rows: RosterRowView[]; importable: number }> {
    const state = this.fold().roles.get(request.roleId);
    if (!state) throw new AppError('not_found', 'No such role.');
    const users = (await this.#runtime.profile.store.directory.users()).filter((u) => u.active);
    const name = await nameLookup(this.#runtime.profile.store);
    const now = this.#clock.now();
    const rows = parseRoster(request.format, request.text, users).map((r): RosterRowView => {
      const notEligible =
        r.error === null && r.userId !== null && !isEligible(this.#repo, state.definition, r.userId, now);
      return {
        row: r.row,
        person: r.person,
        holder: r.userId === null ? null : name(r.userId),
        start: r.start,
        end: r.end,
        error: notEligible ? 'not_eligible' : r.error,
      };
    });
    return { rows, importable: rows.filter((r) => r.error === null).length };
  }

  /** Sends the roster as the role's schedule, in chunks that each fit one event; all rows must be good. */
  async importRoster(request: RosterRequest): Promise<number> {
    const { rows } = await this.previewRoster(request);
    const bad = rows.find((r) => r.error !== null);
    if (bad) throw new AppError('invalid_input', `row ${bad.row}: ${bad.error}`);
    if (rows.length === 0) throw new AppError('invalid_input', 'The roster has no entries.');
    const entries = rows.map((r) => ({ userId: r.holder!.userId, start: r.start!, end: r.end! }));
    const chunks: RoleSchedulePayload[] = scheduleChunks(entries).map((chunk) =>
      roleSchedule.parse({ type: 'role.schedule', roleId: request.roleId, ...chunk, source: request.fileName }),
    );
    for (const chunk of chunks) this.#check(chunk);
    for (const chunk of chunks) await this.#runtime.client.send(this.#runtime.client.directoryChannelId, chunk);
    return entries.length;
  }

  #check(payload: RolePayload): void {
    const fold = this.fold();
    const op = this.#asOp(payload);
    const refusal =
      payload.type === 'role.hold'
        ? holdRefusal(fold, this.#repo, { ...op, payload })
        : adminRefusal(fold, this.#repo, op);
    if (refusal === 'unknown_role') throw new AppError('not_found', 'No such role.');
    if (refusal) throw new AppError('not_permitted', `role: ${refusal}`);
  }

  async #send(payload: RolePayload): Promise<void> {
    if (!this.#runtime.client.inDirectory())
      throw new AppError('unavailable', 'The organisation-wide channel is not available on this device yet.');
    this.#check(payload);
    await this.#runtime.client.send(this.#runtime.client.directoryChannelId, payload);
  }
}

const ROLES = serviceKey<RoleService>('roles');

/** The profile's role service, made once per sign-in (it goes with the runtime). */
export function roleService(runtime: ProfileRuntime, clock: Clock): RoleService {
  return runtime.services.get(ROLES, () => new RoleService(runtime, clock));
}
