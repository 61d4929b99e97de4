// IPC handlers for directory, channels, messages and search. Each acts on the visible, unlocked
// profile only (SessionService.visible() throws `locked` otherwise).
import type { MessagePage } from '../../../shared/api/contract.ts';
import { AppError } from '../../../shared/api/result.ts';
import type { Handlers } from '../../ipc/router.ts';
import type { Clock } from '../clock/clock.ts';
import { toMessageViews } from './message-views.ts';
import type { SessionService } from './session-service.ts';

type MessagingMethods =
  | 'directory.users'
  | 'channels.list'
  | 'channels.get'
  | 'channels.create'
  | 'channels.setMembers'
  | 'channels.leave'
  | 'channels.markRead'
  | 'messages.page'
  | 'messages.send'
  | 'messages.edit'
  | 'messages.delete'
  | 'messages.ack'
  | 'messages.acks'
  | 'messages.retry'
  | 'search.query';

const UNKNOWN = 'Unbekannt';
const done = { done: true as const };

interface UserRow {
  user_id: string;
  display_name: string;
  role: 'admin' | 'member';
  ward: string | null;
  active: number;
}

export function messagingHandlers(sessions: SessionService, clock: Clock): Pick<Handlers, MessagingMethods> {
  const visible = () => sessions.visible();

  const requireChannel = (channelId: string) => {
    const runtime = visible();
    const member = runtime.profile.store.db
      .prepare('SELECT 1 FROM channel_members m JOIN channels c USING (channel_id) WHERE m.channel_id = ? AND m.user_id = ? AND c.left_at IS NULL')
      .get(channelId, runtime.identity.userId);
    if (!member) throw new AppError('not_found', 'No such channel for this user.');
    return runtime;
  };

  const requireOwnMessage = async (channelId: string, messageId: string) => {
    const runtime = requireChannel(channelId);
    const row = await runtime.profile.store.messages.get(channelId, messageId);
    if (!row) throw new AppError('not_found', 'No such message.');
    if (row.senderUserId !== runtime.identity.userId) throw new AppError('not_permitted', 'Only the sender can change a message.');
    if (row.deletedAt !== null) throw new AppError('not_found', 'The message was deleted.');
    return { runtime, row };
  };

  return {
    'directory.users': () => {
      const rows = visible().profile.store.db.prepare('SELECT * FROM users ORDER BY display_name COLLATE NOCASE').all() as UserRow[];
      return rows.map((r) => ({ userId: r.user_id, displayName: r.display_name, role: r.role, ward: r.ward, active: r.active === 1 }));
    },

    'channels.list': async () => {
      const runtime = visible();
      const rows = await runtime.profile.store.channels.listFor(runtime.identity.userId);
      // A channel whose name has not arrived yet (roster known, first event not) is not shown.
      return rows
        .filter((c) => c.name !== '')
        .map((c) => ({
          channelId: c.channelId,
          kind: c.kind,
          name: c.name,
          topic: c.topic,
          unreadCount: c.unreadCount,
          mentionCount: c.mentionCount,
          historyForNewMembers: c.historyForNewMembers,
        }));
    },

    'channels.get': async ({ channelId }) => {
      const runtime = requireChannel(channelId);
      const db = runtime.profile.store.db;
      const c = db.prepare('SELECT * FROM channels WHERE channel_id = ?').get(channelId) as Record<string, unknown>;
      const members = db
        .prepare('SELECT m.user_id, m.role, u.display_name, u.ward FROM channel_members m LEFT JOIN users u USING (user_id) WHERE m.channel_id = ? ORDER BY m.role, u.display_name COLLATE NOCASE')
        .all(channelId) as Array<{ user_id: string; role: 'admin' | 'member'; display_name: string | null; ward: string | null }>;
      const summary = (await runtime.profile.store.channels.listFor(runtime.identity.userId)).find((s) => s.channelId === channelId);
      return {
        channelId,
        kind: c.kind as 'channel' | 'conversation' | 'direct',
        name: c.name as string,
        topic: c.topic as string,
        unreadCount: summary?.unreadCount ?? 0,
        mentionCount: summary?.mentionCount ?? 0,
        historyForNewMembers: c.history_for_new_members === 1,
        members: members.map((m) => ({ userId: m.user_id, displayName: m.display_name ?? UNKNOWN, role: m.role, ward: m.ward })),
        canManage: members.some((m) => m.user_id === runtime.identity.userId && m.role === 'admin'),
      };
    },

    'channels.create': async (input) => {
      const runtime = visible();
      const channelId = await runtime.client.createChannel({
        kind: input.kind,
        name: input.name,
        topic: input.topic,
        memberUserIds: input.memberUserIds,
        historyForNewMembers: input.historyForNewMembers,
      });
      return { channelId };
    },

    'channels.setMembers': async ({ channelId, memberUserIds }) => {
      const runtime = requireChannel(channelId);
      const current = await runtime.profile.store.channels.members(channelId);
      const me = runtime.identity.userId;
      if (!current.some((m) => m.userId === me && m.role === 'admin')) throw new AppError('not_permitted', 'Only channel admins change members.');
      const admins = new Set(current.filter((m) => m.role === 'admin').map((m) => m.userId));
      const next = [...new Set([me, ...memberUserIds])].map((userId) => ({ userId, role: admins.has(userId) ? ('admin' as const) : ('member' as const) }));
      await runtime.client.setMembers(channelId, next);
      return done;
    },

    'channels.leave': async ({ channelId }) => {
      const runtime = requireChannel(channelId);
      const me = runtime.identity.userId;
      const current = await runtime.profile.store.channels.members(channelId);
      const rest = current.filter((m) => m.userId !== me).map((m) => ({ userId: m.userId, role: m.role as 'admin' | 'member' }));
      // The last admin hands the channel to the remaining members rather than orphaning it.
      if (rest.length > 0 && !rest.some((m) => m.role === 'admin')) rest[0]!.role = 'admin';
      if (rest.length > 0) await runtime.client.setMembers(channelId, rest);
      runtime.profile.store.db.prepare('UPDATE channels SET left_at = ? WHERE channel_id = ?').run(clock.now(), channelId);
      return done;
    },

    'channels.markRead': async ({ channelId, upToSortKey }) => {
      const runtime = requireChannel(channelId);
      await runtime.profile.store.channels.markRead(channelId, upToSortKey, clock.now());
      return done;
    },

    'messages.page': async (input) => {
      const runtime = requireChannel(input.channelId);
      const repo = runtime.profile.store.messages;
      const { channelId, limit } = input;
      let rows;
      let hasOlder: boolean;
      let hasNewer: boolean;
      if (input.aroundSortKey !== undefined) {
        const half = Math.ceil(limit / 2);
        const older = await repo.page(channelId, { beforeSortKey: input.aroundSortKey, limit: half + 1 });
        const newer = await repo.pageAfter(channelId, input.aroundSortKey, half + 1, { inclusive: true });
        hasOlder = older.length > half;
        hasNewer = newer.length > half;
        rows = [...older.slice(0, half).reverse(), ...newer.slice(0, half)];
      } else if (input.afterSortKey !== undefined) {
        const newer = await repo.pageAfter(channelId, input.afterSortKey, limit + 1);
        hasNewer = newer.length > limit;
        hasOlder = true;
        rows = newer.slice(0, limit);
      } else {
        const older = await repo.page(channelId, { ...(input.beforeSortKey !== undefined ? { beforeSortKey: input.beforeSortKey } : {}), limit: limit + 1 });
        hasOlder = older.length > limit;
        hasNewer = input.beforeSortKey !== undefined;
        rows = older.slice(0, limit).reverse();
      }
      const page: MessagePage = {
        messages: toMessageViews({ db: runtime.profile.store.db, myUserId: runtime.identity.userId, unknownName: UNKNOWN }, channelId, rows),
        hasOlder,
        hasNewer,
        total: await repo.count(channelId),
      };
      return page;
    },

    'messages.send': async (input) => {
      const runtime = requireChannel(input.channelId);
      const messageId = await runtime.client.sendMessage(input.channelId, input.body, { mentions: input.mentions, replyTo: input.replyTo, urgent: input.urgent });
      return { messageId };
    },

    'messages.edit': async ({ channelId, messageId, body, mentions }) => {
      const { runtime } = await requireOwnMessage(channelId, messageId);
      await runtime.client.send(channelId, { type: 'message.edit', messageId, body, mentions });
      return done;
    },

    'messages.delete': async ({ channelId, messageId }) => {
      const { runtime } = await requireOwnMessage(channelId, messageId);
      await runtime.client.send(channelId, { type: 'message.delete', messageId });
      return done;
    },

    'messages.ack': async ({ channelId, messageId }) => {
      const runtime = requireChannel(channelId);
      const row = await runtime.profile.store.messages.get(channelId, messageId);
      if (!row?.urgent) throw new AppError('not_found', 'No urgent message to acknowledge.');
      const already = (await runtime.profile.store.messages.acks(channelId, messageId)).some((a) => a.userId === runtime.identity.userId);
      if (!already) await runtime.client.send(channelId, { type: 'message.ack', messageId });
      return done;
    },

    'messages.acks': async ({ channelId, messageId }) => {
      const runtime = requireChannel(channelId);
      const store = runtime.profile.store;
      const row = await store.messages.get(channelId, messageId);
      if (!row) throw new AppError('not_found', 'No such message.');
      const acks = await store.messages.acks(channelId, messageId);
      const names = new Map(
        (store.db.prepare('SELECT m.user_id, u.display_name FROM channel_members m LEFT JOIN users u USING (user_id) WHERE m.channel_id = ?').all(channelId) as Array<{ user_id: string; display_name: string | null }>).map((r) => [
          r.user_id,
          r.display_name ?? UNKNOWN,
        ]),
      );
      const ackedIds = new Set(acks.map((a) => a.userId));
      return {
        acked: acks.filter((a) => a.userId !== row.senderUserId).map((a) => ({ userId: a.userId, displayName: names.get(a.userId) ?? UNKNOWN, at: a.ackedAt })),
        pending: [...names.entries()].filter(([userId]) => userId !== row.senderUserId && !ackedIds.has(userId)).map(([userId, displayName]) => ({ userId, displayName })),
      };
    },

    'messages.retry': async ({ channelId, messageId }) => {
      const runtime = requireChannel(channelId);
      const db = runtime.profile.store.db;
      const changed = db.transaction(() => {
        const queued = db.prepare('UPDATE outbox SET next_attempt_at = ?, attempts = 0 WHERE client_event_id = ? AND channel_id = ?').run(clock.now(), messageId, channelId);
        db.prepare(`UPDATE messages SET delivery = 'sending' WHERE channel_id = ? AND message_id = ? AND delivery = 'failed'`).run(channelId, messageId);
        return queued.changes;
      })();
      if (changed === 0) throw new AppError('not_found', 'Nothing to send again: the message was sent already.');
      void runtime.client.engine.notifyQueued().catch(() => {});
      return done;
    },

    'search.query': async ({ text, channelId, limit }) => {
      const runtime = visible();
      const store = runtime.profile.store;
      if (channelId) requireChannel(channelId);
      const hits = await store.search({ text, ...(channelId ? { channelId } : {}), limit });
      const mine = new Map((await store.channels.listFor(runtime.identity.userId)).map((c) => [c.channelId, c.name]));
      const sender = store.db.prepare('SELECT u.display_name FROM messages m LEFT JOIN users u ON u.user_id = m.sender_user_id WHERE m.channel_id = ? AND m.message_id = ?').pluck();
      return hits
        .filter((h) => mine.has(h.channelId))
        .map((h) => ({
          kind: h.kind,
          channelId: h.channelId,
          channelName: mine.get(h.channelId) ?? '',
          id: h.id,
          sortKey: h.sortKey,
          createdAt: h.createdAt,
          senderName: h.kind === 'message' ? ((sender.get(h.channelId, h.id) as string | null) ?? UNKNOWN) : '',
          snippet: h.snippet,
          highlights: h.highlights,
        }));
    },
  };
}
