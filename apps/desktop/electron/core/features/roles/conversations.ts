// Conversations with a function role ("Dienstarzt Innere"): a channel whose roster is its caller
// and whoever holds the role now, all of them its admins, so that any member device online at a
// handover (or first online after it) can sign the next roster: the new holders in, the old ones
// out. The relay signs nothing and adds nobody; it forwards the rosters member devices signed
// (docs/protocol.md "Conversations with a role"). The device that signs the handover mails the
// history to the new holders' devices; a removed holder's device deletes the conversation's
// content and keys unless the organisation lets previous holders keep what they handled
// (org setting roleHistoryForPreviousHolders, off by default).
import type { ChannelKeeper, KeeperContext, KeptRoster } from '../../client/channel-keepers.ts';
import type { ProfileStore } from '../../store/profile-store.ts';
import { roleRepository, type RoleConversationRow, type RoleRepository } from './repository.ts';
import { foldRoles, holdingAt, type Holding, type RoleFold } from './resolve.ts';

type Member = KeptRoster['members'][number];

/** The roster a conversation with a role should have: its caller and the holders, each an admin. */
export function roleConversationMembers(callerUserId: string, holderUserIds: readonly string[]): Member[] {
  return [...new Set([callerUserId, ...holderUserIds])].sort().map((userId) => ({ userId, role: 'admin' as const }));
}

const folds = new WeakMap<ProfileStore, { version: string; fold: RoleFold }>();

/** The fold of the profile's role events, recomputed only when they or the directory changed. */
export function roleFoldOf(store: ProfileStore): { repo: RoleRepository; fold: RoleFold } {
  const repo = store.repository(roleRepository);
  const version = repo.version();
  let cached = folds.get(store);
  if (cached?.version !== version) {
    cached = { version, fold: foldRoles(repo.ops(), repo) };
    folds.set(store, cached);
  }
  return { repo, fold: cached.fold };
}

/** Who holds the conversation's role at `now`; nobody for a role unknown here or retired. */
export function conversationHolding(store: ProfileStore, row: RoleConversationRow, now: number): Holding {
  const { repo, fold } = roleFoldOf(store);
  const state = fold.roles.get(row.roleId);
  if (!state || state.definition.retired) return { userIds: [], since: null, source: 'none', nextHandover: null };
  return holdingAt(repo, state, now);
}

// Named by the signed roster (whatever the member gate says): the old holder's device still signs the handover.
const isMember = (ctx: KeeperContext, channelId: string) => ctx.directory.isListed(channelId, ctx.self.userId);
const wasMember = (ctx: KeeperContext, channelId: string) =>
  ctx.directory.rosters.get(channelId)?.records.some((r) => r.body.members.some((m) => m.userId === ctx.self.userId)) ??
  false;

export const roleConversationKeeper: ChannelKeeper = {
  name: 'role conversations',
  wakesOn: ['role.conversation'],
  rosters(ctx) {
    const repo = ctx.store.repository(roleRepository);
    const plans: KeptRoster[] = [];
    for (const row of repo.conversations()) {
      if (!isMember(ctx, row.channelId)) continue;
      // Held again after a removal: a later removal deletes again.
      if (row.droppedAt !== null) repo.clearDropped(row.channelId);
      const holding = conversationHolding(ctx.store, row, ctx.now);
      plans.push({ channelId: row.channelId, members: roleConversationMembers(row.callerUserId, holding.userIds) });
    }
    return plans;
  },
  // Only the caller and whoever holds the role now: a member (every one is a channel admin) who
  // signs a roster naming anyone else extends the chain, but no honest device gives that person
  // a key, takes theirs or answers their key request; the member devices sign caller + holders
  // over it at their next run.
  admits(ctx, channelId, userId) {
    const row = ctx.store.repository(roleRepository).conversation(channelId);
    if (!row || userId === row.callerUserId) return true;
    return conversationHolding(ctx.store, row, ctx.now).userIds.includes(userId);
  },
  toForget(ctx) {
    if (ctx.directory.orgSettings?.body.roleHistoryForPreviousHolders === true) return [];
    return ctx.store
      .repository(roleRepository)
      .conversations()
      .filter((row) => row.droppedAt === null && !isMember(ctx, row.channelId) && wasMember(ctx, row.channelId))
      .map((row) => row.channelId);
  },
  forgotten(ctx, channelId) {
    ctx.store.repository(roleRepository).markDropped(channelId, ctx.now);
  },
  nextChange(ctx) {
    let next: number | null = null;
    for (const row of ctx.store.repository(roleRepository).conversations()) {
      if (!isMember(ctx, row.channelId)) continue;
      const at = conversationHolding(ctx.store, row, ctx.now).nextHandover;
      if (at !== null && (next === null || at < next)) next = at;
    }
    return next;
  },
};
