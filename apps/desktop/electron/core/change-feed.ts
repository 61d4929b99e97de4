// The change feed: change events are coalesced per turn, so a page of 500 applied events is one
// reload, not 500. The composition root marks keys; this module decides when and what to emit.
import type { ConnectionView, SessionStatus } from '@klinikfunk/protocol/api/contract.ts';
import type { EventSink } from './compose.ts';
import type { Logger } from './log/logger.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export interface ChangeFeedDeps {
  emit: EventSink;
  log: Logger;
  sessionStatus: () => Promise<SessionStatus>;
  connectionView: () => Promise<ConnectionView | null>;
}

export interface ChangeFeed {
  mark(key: string): void;
  close(): void;
}

export function createChangeFeed(deps: ChangeFeedDeps): ChangeFeed {
  const log = deps.log;
  const dirty = new Set<string>();
  let flush: ReturnType<typeof setTimeout> | null = null;
  const mark = (key: string) => {
    dirty.add(key);
    flush ??= setTimeout(() => {
      flush = null;
      const keys = [...dirty];
      dirty.clear();
      emitChanges(keys).catch((error: unknown) => log.warn('change events not sent', { error: loggable(error) }));
    }, 10);
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
      } else deps.emit('messages.changed', { channelId: k.slice('messages:'.length) });
    }
  };
  return {
    mark,
    close: () => {
      if (flush) clearTimeout(flush);
    },
  };
}
