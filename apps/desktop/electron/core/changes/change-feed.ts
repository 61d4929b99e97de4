// The change feed: change events are coalesced per turn, so a page of 500 applied events is one
// event, not 500. The composition root marks keys; this module decides when and what to emit.
// A channel's messages event carries the changed message views and the channel's next version
// (packages/protocol/api/change-events.ts), or "reload" when they cannot be named.
import type { MessagePatch } from '@klinikfunk/protocol/api/change-events.ts';
import type { ConnectionView, SessionStatus } from '@klinikfunk/protocol/api/contract.ts';
import { mergeChanges, type ChannelChange } from './channel-change.ts';
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
}

export interface ChangeFeed {
  mark(key: 'session' | 'channels' | 'connection'): void;
  /** Messages (or polls, files, calendar) of a channel changed. */
  messages(channelId: string, change: ChannelChange): void;
  /** The channel's last emitted version: a page read now holds at least that (messages.page). */
  version(channelId: string): number;
  close(): void;
}

export function createChangeFeed(deps: ChangeFeedDeps): ChangeFeed {
  const log = deps.log;
  const dirty = new Set<string>();
  const changes = new Map<string, ChannelChange>();
  const versions = new Map<string, number>();
  let flush: ReturnType<typeof setTimeout> | null = null;
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
    deps.emit('messages.changed', {
      channelId,
      version,
      messages: patch ?? { kind: 'reload' },
      collab: change.collab || patch === null,
    });
  };
  // In the order marked: the connection view reads the store, the others follow it.
  const emitChanges = async (keys: string[]) => {
    for (const k of keys) {
      if (k === 'session')
        deps
          .sessionStatus()
          .then((s) => deps.emit('session.changed', s))
          .catch((error: unknown) => log.warn('session status not sent', { error: String(error) }));
      else if (k === 'channels') deps.emit('channels.changed', {});
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
    messages: (channelId, change) => {
      const before = changes.get(channelId);
      changes.set(channelId, before ? mergeChanges(before, change) : change);
      mark(`messages:${channelId}`);
    },
    version: (channelId) => versions.get(channelId) ?? 0,
    close: () => {
      if (flush) clearTimeout(flush);
    },
  };
}
