// The port through which a feature folder (apps/desktop/electron/core/features/<name>/) takes part
// in applying channel events without the store importing it: the feature registers what it
// materialises (features/registry.ts, called once by the composition root, core/wiring.ts, and by
// tests that open a store), and applyEvents dispatches the feature's event types to it inside its
// transaction. The store keeps the order, the log, idempotency by event id and the rule table; the
// feature keeps its tables' SQL (its repository.ts).
import type { ChannelEvent, ChannelEventType } from '@klinikfunk/protocol/domain/events.ts';
import type { Db } from './database.ts';

export interface ContentFeature {
  name: string;
  /** The event types whose effect this feature materialises. */
  types: readonly ChannelEventType[];
  /** Inside applyEvents' transaction, after the rule table passed it: null when applied, else why not. */
  apply(db: Db, event: ChannelEvent): string | null;
  /**
   * Who created the thing one of its events changes or names (the rule table's `author`): a user
   * id, null when it is not in the store, undefined when the event names nothing existing.
   */
  author(db: Db, event: ChannelEvent): string | null | undefined;
  /**
   * A feature whose verdicts depend on the order of its events (pins): its events are decided
   * again from the log when their place is known, see `OrderedFeature`. Absent for one whose
   * events the store decides again by applying them once more (polls, files).
   */
  ordered?: OrderedFeature;
}

export interface OrderedFeature {
  /**
   * Inside a transaction: recompute from the log, in the relay's order with the rule table, what
   * this event changed: when the relay ordered an own event (its seq; SqliteSyncStore.markSent)
   * or refused it for good (store/own-refused.ts), and for an event opened late (`openedLate`).
   * Returns each replayed event's verdict by event id (null: applied, else why not).
   */
  recompute(db: Db, event: ChannelEvent): ReadonlyMap<string, string | null>;
  /**
   * This event (logged already) was opened after a later one changing the same thing (its key
   * came late): applyEvents decides it by `recompute`, as a device that opened them in order did.
   */
  openedLate(db: Db, event: ChannelEvent): boolean;
  /** Its event types that name a message (`messageId`) and wait in the log when opened before it. */
  waitsForMessage: readonly ChannelEventType[];
  /**
   * Its events carry no text, so one the rule table refuses keeps its payload in the log (apply.ts):
   * `recompute` replays them in the relay's order, where one refused only because of an own event
   * still queued here (its effect shown at once) may be accepted, as on every other client.
   */
  keepsRefusedPayload: true;
}

const byType = new Map<ChannelEventType, ContentFeature>();

/** Idempotent per feature; two features claiming one event type is a wiring bug. */
export function registerContentFeature(feature: ContentFeature): void {
  for (const type of feature.types) {
    const owner = byType.get(type);
    if (owner && owner.name !== feature.name)
      throw new Error(`event type ${type} is claimed by ${owner.name} and ${feature.name}`);
    byType.set(type, feature);
  }
}

/** The feature that materialises this type; throws when none registered it (the wiring forgot one). */
export function contentFeatureOf(type: ChannelEventType): ContentFeature {
  const feature = byType.get(type);
  if (!feature) throw new Error(`no feature registered for event type ${type} (features/registry.ts)`);
  return feature;
}

/** The order-dependent part of the feature materialising this type (pins), if it has one. */
export function orderedFeatureFor(type: string): OrderedFeature | undefined {
  return byType.get(type as ChannelEventType)?.ordered;
}

/** Whether a refused event of this type keeps its payload in the log (an ordered feature's, see above). */
export function keepsRefusedPayload(type: string): boolean {
  return orderedFeatureFor(type)?.keepsRefusedPayload === true;
}

/** Event types of registered features that wait for their message (store/apply.ts WaitingForTarget). */
export function typesWaitingForMessage(): string[] {
  return [...new Set([...byType.values()].flatMap((f) => f.ordered?.waitsForMessage ?? []))];
}
