// Files sent together give one notification. The attach tray sends a `file.share` per file and
// then the `file.group` naming them (features/files/service.ts shareTogether); they reach another
// workstation one by one (each relay push is applied on its own), so a notification per event
// would be one per file. A share from someone else therefore waits a moment for its group: the
// group takes the waiting shares it names and they notify once, as "Anna Pflege hat 3 Dateien
// geteilt". A share no group claims notifies on its own when the wait is over (HOLD_MS after
// that person's last share in that channel, so the shares of one tray, pushed back to back,
// wait together). Everything else notifies at once. Whatever notifies goes through the same
// `show`, so the content rule, and any rule about whom to disturb, applies to all alike.
import type { ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import type { Clock, Timer } from '../clock/clock.ts';
import type { DecryptedEvent } from '../sync/ports.ts';
import type { Notifiable } from './notifications.ts';

/** How long a share waits for its group after the sender's last share in the channel. */
export const HOLD_MS = 1500;

type FileShare = Extract<ChannelEventPayload, { type: 'file.share' }>;

interface Waiting {
  profileId: string;
  channelId: string;
  senderUserId: string;
  shares: Array<{ eventId: string; payload: FileShare }>;
  timer: Timer;
}

export class NotificationHold {
  readonly #clock: Clock;
  readonly #show: (profileId: string, items: Notifiable[]) => void;
  readonly #waiting = new Map<string, Waiting>();

  constructor(clock: Clock, show: (profileId: string, items: Notifiable[]) => void) {
    this.#clock = clock;
    this.#show = show;
  }

  /** Events from others that may notify, in the order they were applied. */
  add(profileId: string, events: readonly DecryptedEvent[]): void {
    const now: Notifiable[] = [];
    for (const event of events) {
      const payload = event.payload as ChannelEventPayload;
      if (payload.type === 'file.share') this.#wait(profileId, event, payload);
      else if (payload.type === 'file.group') now.push(...this.#claim(profileId, event, payload.fileIds));
      else now.push(event);
    }
    if (now.length > 0) this.#show(profileId, now);
  }

  #wait(profileId: string, event: DecryptedEvent, payload: FileShare): void {
    const key = keyOf(profileId, event.channelId, event.senderUserId);
    const waiting = this.#waiting.get(key);
    waiting?.timer.cancel();
    const entry: Waiting = waiting ?? {
      profileId,
      channelId: event.channelId,
      senderUserId: event.senderUserId,
      shares: [],
      timer: { cancel() {} },
    };
    entry.shares.push({ eventId: event.eventId, payload });
    entry.timer = this.#clock.after(HOLD_MS, () => this.#release(key));
    this.#waiting.set(key, entry);
  }

  /** The group's shares that wait notify as one; shares it does not name wait on. */
  #claim(profileId: string, event: DecryptedEvent, fileIds: readonly string[]): Notifiable[] {
    const key = keyOf(profileId, event.channelId, event.senderUserId);
    const waiting = this.#waiting.get(key);
    if (!waiting) return [];
    const named = new Set(fileIds);
    const files = fileIds.flatMap((id) => waiting.shares.filter((s) => s.eventId === id).map((s) => s.payload));
    waiting.shares = waiting.shares.filter((s) => !named.has(s.eventId));
    if (waiting.shares.length === 0) {
      waiting.timer.cancel();
      this.#waiting.delete(key);
    }
    return files.length === 0 ? [] : [{ channelId: event.channelId, senderUserId: event.senderUserId, files }];
  }

  #release(key: string): void {
    const waiting = this.#waiting.get(key);
    if (!waiting) return;
    this.#waiting.delete(key);
    this.#show(
      waiting.profileId,
      waiting.shares.map((s) => ({
        channelId: waiting.channelId,
        senderUserId: waiting.senderUserId,
        files: [s.payload],
      })),
    );
  }
}

const keyOf = (profileId: string, channelId: string, senderUserId: string) =>
  `${profileId}\n${channelId}\n${senderUserId}`;
