// Reloads a channel's collaboration data whenever the core reports changes in the channel (polls,
// files and calendar events arrive as channel events, like messages), coalesced per frame.
import { listen } from '../../lib/api.ts';

export function reloadOnChange(channelId: string, reload: () => Promise<void> | void): () => void {
  let queued = false;
  const stop = listen('messages.changed', (change) => {
    if (change.channelId !== channelId || queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      // Not awaited: reload() shows its own failure (its calls return Results, never reject).
      void reload();
    });
  });
  // The first load, not awaited for the same reason.
  void reload();
  return stop;
}
