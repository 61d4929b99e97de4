// Everyone's availability for the main view ("im Dienst", "nicht stören" with a cover, "abwesend
// bis …"): read when the view starts, again when something arrives (a status travels as an event
// of the organisation-wide channel, so it comes with `messages.changed`) and each half minute, as
// an "abwesend bis" ends by itself. Made per main view, so it is dropped on lock or sign-out.
import { getContext, setContext } from 'svelte';
import type { AvailabilityView } from '@klinikfunk/protocol/api/contract.ts';
import { t } from '../i18n/i18n.svelte.ts';
import { call, listen } from './api.ts';
import { dateTimeLabel } from './dates.ts';

export class Availability {
  enabled = $state(false);
  statuses = $state.raw<AvailabilityView[]>([]);
  peers = $state.raw<Array<{ channelId: string; userId: string }>>([]);
  // Fresh Maps per answer, never mutated, so no SvelteMap is needed.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  byUser = $derived(new Map(this.statuses.map((s) => [s.userId, s])));
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  peerOf = $derived(new Map(this.peers.map((p) => [p.channelId, p.userId])));
  #reading = 0;

  /** `isDirectory`: whether a channel is the organisation-wide one, where statuses travel. */
  start(isDirectory: (channelId: string) => boolean): () => void {
    void this.load();
    const timer = setInterval(() => void this.load(), 30_000);
    const stops = [
      listen('messages.changed', ({ channelId }) => {
        if (isDirectory(channelId)) void this.load();
      }),
      // A new direct conversation (its peer), a new colleague, changed organisation settings.
      listen('channels.changed', () => void this.load()),
    ];
    return () => {
      clearInterval(timer);
      for (const stop of stops) stop();
    };
  }

  async load(): Promise<void> {
    const reading = ++this.#reading;
    const result = await call('availability.list', {});
    // An older answer arriving after a newer one is not shown.
    if (!result.ok || reading !== this.#reading) return;
    this.enabled = result.value.enabled;
    this.statuses = result.value.statuses;
    this.peers = result.value.peers;
  }

  /** The status of the other person of a direct conversation, if they have one. */
  ofChannel(channelId: string): AvailabilityView | null {
    const userId = this.peerOf.get(channelId);
    return userId === undefined ? null : (this.byUser.get(userId) ?? null);
  }
}

/** "nicht stören", "abwesend bis 07.12.2026, 18:00" as shown next to a name. */
export function statusWords(status: AvailabilityView, locale: string): string {
  const state = t(`availability.state.${status.state}`);
  return status.until === null
    ? state
    : `${state} ${t('availability.untilShort', { time: dateTimeLabel(status.until, locale) })}`;
}

/** What a screen reader says: "Status: nicht stören, Vertretung: Dr. Berg". */
export function statusLabel(status: AvailabilityView, locale: string): string {
  const state = t(`availability.state.${status.state}`);
  if (status.cover) return t('availability.labelCover', { status: state, name: status.cover.name });
  if (status.until !== null)
    return t('availability.labelUntil', { status: state, time: dateTimeLabel(status.until, locale) });
  return t('availability.label', { status: state });
}

const KEY = Symbol('availability');

export function provideAvailability(availability: Availability): void {
  setContext(KEY, availability);
}

/** Null outside the main view (a component used elsewhere shows no status). */
export function useAvailability(): Availability | null {
  return getContext<Availability | undefined>(KEY) ?? null;
}
