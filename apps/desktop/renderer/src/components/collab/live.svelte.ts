// Reloads a channel's collaboration data whenever the core reports that its polls, files or
// calendar changed (they arrive as channel events, like messages; a plain message does not
// reload them), coalesced per frame.
import { listen } from '../../lib/api.ts';

export function reloadOnChange(channelId: string, reload: () => Promise<void> | void): () => void {
  let queued = false;
  const stop = listen('messages.changed', (change) => {
    if (change.channelId !== channelId || !change.collab || queued) return;
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
