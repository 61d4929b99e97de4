// The change feed: change events are coalesced per turn, so a page of 500 applied events is one
// event, not 500. The composition root marks keys; this module decides when and what to emit.
// A channel's messages event carries the changed message views and the channel's next version
// (packages/protocol/api/change-events.ts), or "reload" when they cannot be named; the sidebar's
// event the changed channels' rows and the ids no longer listed (api/features/channels.ts), or
// "reload" for a change of every channel (a new session, a reconnect, a directory change).
import { EMPTY_SHARED_PATCH, type MessagePatch, type SharedPatch } from '@klinikfunk/protocol/api/change-events.ts';
import { MAX_PATCH_CHANNELS, type ChannelSummaryView } from '@klinikfunk/protocol/api/features/channels.ts';
import type { ConnectionView, SessionStatus } from '@klinikfunk/protocol/api/contract.ts';
import { mergeChanges, type ChannelChange, type SharedIds } from './channel-change.ts';
import type { EventPayload } from '@klinikfunk/protocol/api/contract.ts';
import type { EventName } from '@klinikfunk/protocol/api/names.ts';
import type { Logger } from '../log/logger.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

/** Delivers an event to the renderer (webContents.send in Electron, a WebSocket in the harness). */
export type EventSink = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface ChangeFeedDeps {
  emit: EventSink;
  log: Logger;
  sessionStatus: () => Promise<SessionStatus>;
  connectionView: () => Promise<ConnectionView | null>;
  /** The views of what changed in a channel's messages; null: too many, reload. */
  messagePatch: (channelId: string, change: ChannelChange) => Promise<MessagePatch | null>;
  /** The timeline items and poll views of what changed among a channel's shared things. */
  sharedPatch: (channelId: string, shared: SharedIds) => Promise<SharedPatch>;
  /** The sidebar rows of these channels, and those of them no longer listed. */
  channelsPatch: (channelIds: string[]) => Promise<{ upserted: ChannelSummaryView[]; removed: string[] }>;
}

export interface ChangeFeed {
  mark(key: 'session' | 'connection'): void;
  /** The sidebar rows of these channels changed; 'all': any (a reload). `directory`: users too. */
  channels(channelIds: readonly string[] | 'all', directory?: boolean): void;
  /** Messages (or polls, files, calendar) of a channel changed. */
  messages(channelId: string, change: ChannelChange): void;
  /** The channel's last emitted version: a page read now holds at least that (messages.page). */
  version(channelId: string): number;
  /**
   * Another profile is shown, or none (a lock): what was marked for the one before, waiting or
   * being read, never reaches the renderer (the new screen reads its own state anyway).
   */
  forget(): void;
  close(): void;
}

const namesNothing = (s: SharedIds) =>
  s.items.length + s.uids.length + s.polls.length + s.files.length + s.occurrences.length === 0 && !s.overviews;

export function createChangeFeed(deps: ChangeFeedDeps): ChangeFeed {
  const log = deps.log;
  const dirty = new Set<string>();
  const changes = new Map<string, ChannelChange>();
  const versions = new Map<string, number>();
  // The sidebar's changes since the last event: these channels, or every one (then a reload).
  const sidebar = { ids: new Set<string>(), all: false, directory: false };
  let flush: ReturnType<typeof setTimeout> | null = null;
  // Which screen a change was marked for: forget() starts a new one.
  let screen = 0;
  // One flush at a time: a channel's events leave in version order even when reading views is slow.
  let flushing: Promise<void> = Promise.resolve();
  const mark = (key: string) => {
    dirty.add(key);
    flush ??= setTimeout(() => {
      flush = null;
      const keys = [...dirty];
      dirty.clear();
      flushing = flushing
        .then(() => emitChanges(keys))
        .catch((error: unknown) => log.warn('change events not sent', { error: loggable(error) }));
    }, 10);
  };
  // The version goes up before the views are read: a page read after this point carries the new
  // version and holds at least what the event holds (changes marked later get the next version).
  const emitMessages = async (channelId: string) => {
    const change = changes.get(channelId);
    changes.delete(channelId);
    if (!change) return;
    const markedFor = screen;
    const version = (versions.get(channelId) ?? 0) + 1;
    versions.set(channelId, version);
    // Called inside the promise chain: a dependency that throws at once (no profile visible any
    // more: a lock in the same turn) must not skip the session event behind it in this flush.
    const patch = change.reload
      ? null
      : await Promise.resolve()
          .then(() => deps.messagePatch(channelId, change))
          .catch((error: unknown) => {
            log.warn('changed messages not read; the window reloads', { error: String(error) });
            return null;
          });
    const { shared } = change;
    const sharedViews =
      shared === null
        ? null
        : namesNothing(shared)
          ? EMPTY_SHARED_PATCH
          : await Promise.resolve()
              .then(() => deps.sharedPatch(channelId, shared))
              .catch((error: unknown) => {
                log.warn('changed shared things not read; the timeline reloads', { error: String(error) });
                return null;
              });
    if (markedFor !== screen) return;
    deps.emit('messages.changed', {
      channelId,
      version,
      messages: patch ?? { kind: 'reload' },
      collab: change.collab || patch === null,
      shared: sharedViews ?? { kind: 'reload' },
    });
  };
  const emitChannels = async () => {
    const { ids, all, directory } = sidebar;
    sidebar.ids = new Set();
    sidebar.all = sidebar.directory = false;
    const markedFor = screen;
    const patch =
      all || ids.size > MAX_PATCH_CHANNELS
        ? null
        : await Promise.resolve()
            .then(() => deps.channelsPatch([...ids]))
            .catch((error: unknown) => {
              log.warn('changed channels not read; the sidebar reloads', { error: String(error) });
              return null;
            });
    // Rows read for the screen before: the new one is told to read its list (forget marks 'all').
    if (markedFor !== screen) return;
    deps.emit('channels.changed', patch ? { reload: false, directory, ...patch } : { reload: true, directory });
  };
  // In the order marked, the sidebar before the messages: the connection view reads the store, the
  // others follow it, and a channel's first messages find the channel listed already.
  const emitChanges = async (marked: string[]) => {
    const keys = [
      ...marked.filter((k) => !k.startsWith('messages:')),
      ...marked.filter((k) => k.startsWith('messages:')),
    ];
    for (const k of keys) {
      if (k === 'session')
        deps
          .sessionStatus()
          .then((s) => deps.emit('session.changed', s))
          .catch((error: unknown) => log.warn('session status not sent', { error: String(error) }));
      else if (k === 'channels') await emitChannels();
      else if (k === 'connection') {
        const view = await deps.connectionView().catch((error: unknown) => {
          log.warn('connection view not sent', { error: String(error) });
          return null;
        });
        if (view) deps.emit('connection.changed', view);
      } else await emitMessages(k.slice('messages:'.length));
    }
  };
  return {
    mark,
    channels: (channelIds, directory = false) => {
      if (channelIds === 'all') sidebar.all = true;
      else if (!sidebar.all && sidebar.ids.size <= MAX_PATCH_CHANNELS) for (const id of channelIds) sidebar.ids.add(id);
      sidebar.directory ||= directory;
      mark('channels');
    },
    messages: (channelId, change) => {
      const before = changes.get(channelId);
      changes.set(channelId, before ? mergeChanges(before, change) : change);
      mark(`messages:${channelId}`);
    },
    version: (channelId) => versions.get(channelId) ?? 0,
    forget: () => {
      screen++;
      changes.clear();
      for (const key of [...dirty]) if (key.startsWith('messages:')) dirty.delete(key);
      // The new screen's list is read whole: rows of the one before must not patch it.
      sidebar.ids = new Set();
      sidebar.all = true;
      sidebar.directory = true;
      mark('channels');
    },
    close: () => {
      if (flush) clearTimeout(flush);
    },
  };
}
