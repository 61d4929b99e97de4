// The alerts to this user and the dashboards of this user's own, read again when the directory
// channel (which carries alerts and acknowledgements) has an event, or the directory changed: so
// an acknowledgement shows on the sender's dashboard as it arrives, with no polling.
import type { AlertDashboardView, AlertView } from '@klinikfunk/protocol/api/features/alerts.ts';
import { call, listen } from './api.ts';
import { errorText } from './errors.ts';

export class AlertFeed {
  received = $state.raw<AlertView[]>([]);
  sent = $state.raw<AlertDashboardView[]>([]);
  maySend = $state.raw<{ everyone: boolean; departments: string[] }>({ everyone: false, departments: [] });
  error = $state('');
  loaded = $state(false);
  // One read at a time; an event during a read asks for one more after it.
  #reading: Promise<void> | null = null;
  #again = false;

  /** Starts following; `isDirectory` tells the directory channel (the org-wide one) by id. */
  start(isDirectory: (channelId: string) => boolean): () => void {
    void this.load();
    const stops = [
      listen('messages.changed', ({ channelId }) => {
        if (isDirectory(channelId)) void this.load();
      }),
      listen('channels.changed', ({ directory }) => {
        if (directory) void this.load();
      }),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }

  load(): Promise<void> {
    if (this.#reading) {
      this.#again = true;
      return this.#reading;
    }
    this.#reading = this.#read().finally(() => {
      this.#reading = null;
      if (this.#again) {
        this.#again = false;
        void this.load();
      }
    });
    return this.#reading;
  }

  async #read(): Promise<void> {
    const result = await call('alerts.list', {});
    if (!result.ok) return void (this.error = errorText(result.error));
    this.error = '';
    this.received = result.value.received;
    this.sent = result.value.sent;
    this.maySend = result.value.maySend;
    this.loaded = true;
  }
}
