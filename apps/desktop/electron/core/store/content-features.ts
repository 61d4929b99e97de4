// The port through which a feature folder (apps/desktop/electron/core/features/<name>/) takes part
// in applying channel events without the store importing it: the feature registers what it
// materialises (features/registry.ts, called once by the composition root, core/wiring.ts, and by
// tests that open a store), and applyEvents dispatches the feature's event types to it inside its
// transaction. The store keeps the order, the log, idempotency by event id and the rule table; the
// feature keeps its tables' SQL (its repository.ts).
import type { z } from 'zod';
import { channelEventPayload, type ChannelEvent, type ChannelEventType } from '@klinikfunk/protocol/domain/events.ts';
import type { Rule } from './authorise.ts';
import type { Db } from './database.ts';

/**
 * What a feature declares once for each of its event types: the payload schema (the one in the
 * protocol's union, channelEventPayload, which every received payload is parsed with), who may
 * send it (its row of the rule table, store/authorise.ts) and the envelope's content type
 * (MessagingClient). Registering checks the schema is the union's, so a type missing from any of
 * them is found when the core starts (tests/unit/features/registry.test.ts).
 */
export interface EventDeclaration {
  schema: z.ZodType;
  rule: Rule;
  contentType: string;
  /**
   * The event changes a thing another event creates (an edit its message, a close its poll): the
   * payload's `field` holds that event's id. Opened before it (its key came later), the event
   * waits in the log and is decided when the target arrives (store/apply.ts WaitingForTarget), as
   * on a device that opened them in order.
   */
  waitsFor?: { type: ChannelEventType; field: string };
  /**
   * The payload field with the text search finds (a message's body, a file's name, a poll's
   * question, an appointment's title): its words enter the search vocabulary when the event is
   * accepted. `scrubbed`: the text lives in the log only, so the store takes it out of the log
   * (a refused event, retention) and reconsiders its words then; without it the feature's table
   * keeps the text and its triggers report it gone (search_texts_gone, migration 0260).
   */
  searchText?: { field: string; scrubbed?: true };
}

export type FeatureEvents = Partial<Record<ChannelEventType, EventDeclaration>>;

export interface ContentFeature {
  name: string;
  /** The event types whose effect this feature materialises, each declared once. */
  events: FeatureEvents;
  /**
   * Inside applyEvents' transaction, after the rule table passed it: null when applied, else why
   * not. `forget` collects the words of texts the event took out of the store (an edit, a delete),
   * which the search vocabulary drops after the batch unless another text still holds them.
   */
  apply(db: Db, event: ChannelEvent, forget: Set<string>): string | null;
  /**
   * Who created the thing one of its events changes or names (the rule table's `author`): a user
   * id, null when it is not in the store, undefined when the event names nothing existing.
   */
  author(db: Db, event: ChannelEvent): string | null | undefined;
  /**
   * For an event type whose rule has `unlessLocked`: the thing it changes is locked against it by
   * what others did before it in the log (an urgent message somebody acknowledged is never edited).
   */
  locked?(db: Db, event: ChannelEvent): boolean;
  /**
   * A feature whose verdicts depend on the order of its events (pins): its events are decided
   * again from the log when their place is known, see `OrderedFeature`. Absent for one whose
   * events the store decides again by applying them once more (polls, files).
   */
  ordered?: OrderedFeature;
  /**
   * A feature whose things are recomputed whole from the log when one of their events was opened
   * late (calendar entries), once per thing and batch; see `ReplayedFeature`.
   */
  replayed?: ReplayedFeature;
  /**
   * What happens to an own event of this feature that took effect when queued, once the relay
   * ordered it (store/sync-store.ts markSent) or refused it for good (store/own-refused.ts).
   * Absent: applying it again with its seq is all it needs, and a withdrawn one is undone by
   * `ordered.recompute` (pins) or leaves nothing behind.
   */
  own?: OwnEventSteps;
}

/** An own event as the outbox knows it: its payload's type, its channel and its id. */
export interface OwnEvent {
  type: string;
  channelId: string;
  eventId: string;
}

export interface OwnEventSteps {
  /**
   * Inside markSent's transaction, before anything else: an own event whose queued apply stands
   * once the relay ordered it (a message, which applying again would add twice) gets its place
   * here (its seq: the message's sort key, shown as sent) and true; the store then gives the logged
   * event its seq and relay time without applying it again. False: applied again with them.
   */
  onOwnPlaced?(db: Db, own: OwnEvent & { seq: number }): boolean;
  /**
   * Before the store takes an own event the relay refused for good out of the log: true when the
   * feature keeps it there and in its tables instead (a message stays, marked not sent with the
   * relay's `code`, so its text is not lost and can be sent again).
   */
  keepWithdrawn?(db: Db, event: ChannelEvent, code: string): boolean;
  /**
   * The outbox's state of an own event changed (queued again, failing after a few attempts, taken
   * already): a feature that shows it (a message's delivery mark) records it, in the caller's
   * transaction.
   */
  onDelivery?(db: Db, own: OwnEvent, delivery: 'sending' | 'failed' | 'sent'): void;
  /**
   * When the relay took an own event: false when the sent log (store/sync-history.ts) keeps no copy
   * of it for a relay restored from a backup (a message its sender deleted for everyone since, and
   * its edits: a restored relay gets only the delete). `payload` is the queued one.
   */
  keepForResend?(db: Db, own: OwnEvent & { payload: unknown }): boolean;
  /**
   * Inside markSent's transaction, the own event applied again with its seq and relay time was not
   * undone: give what its queued apply wrote without a seq (a poll's creation, close, vote) its seq.
   */
  onOwnSent?(db: Db, event: ChannelEvent & { seq: number }): void;
  /**
   * Undo the queued effect of an own event that every receiver refuses: `sent`, the relay ordered
   * it and its seq or time refused it when applied again (markSent); `withdrawn`, the relay refused it for good
   * and it is out of the log already (own-refused.ts). True when its state was recomputed or
   * undone; false when it stays as applied (refused only as applied already: it lacks its seq).
   */
  onOwnRefused(db: Db, event: ChannelEvent, how: 'sent' | 'withdrawn'): boolean;
}

export interface ReplayedFeature {
  /** The thing an event changes (a calendar entry's uid), recomputed as one. */
  entryOf(event: ChannelEvent): string;
  /**
   * This event (logged already) was opened after a later one of its entry, and the log still
   * holds everything the entry's state came from: applyEvents recomputes the entry by `replay`
   * after the batch, with the batch's later events of that entry.
   */
  replays(db: Db, event: ChannelEvent): boolean;
  /** Recomputes one entry from its log in seq order: each replayed event's verdict by event id. */
  replay(db: Db, channelId: string, entry: string): ReadonlyMap<string, string | null>;
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
  /**
   * Its events carry no text, so one the rule table refuses keeps its payload in the log (apply.ts):
   * `recompute` replays them in the relay's order, where one refused only because of an own event
   * still queued here (its effect shown at once) may be accepted, as on every other client.
   */
  keepsRefusedPayload: true;
}

const byType = new Map<ChannelEventType, ContentFeature>();

/** The payload schemas of the protocol's union, by event type. */
const unionSchemas = new Map<string, z.ZodType>(
  channelEventPayload.options.map((schema) => [schema.shape.type.value, schema]),
);

/** The event types a feature declares (in its `events`). */
export const typesOf = (feature: ContentFeature): ChannelEventType[] =>
  Object.keys(feature.events) as ChannelEventType[];

/**
 * Idempotent per feature. Two features claiming one event type, or a declared schema that is not
 * the protocol union's for that type, is a wiring bug.
 */
export function registerContentFeature(feature: ContentFeature): void {
  for (const [type, declared] of Object.entries(feature.events) as Array<[ChannelEventType, EventDeclaration]>) {
    if (unionSchemas.get(type) !== declared.schema)
      throw new Error(`event type ${type} of ${feature.name} is not the protocol's (channelEventPayload)`);
  }
  for (const type of typesOf(feature)) {
    const owner = byType.get(type);
    if (owner && owner.name !== feature.name)
      throw new Error(`event type ${type} is claimed by ${owner.name} and ${feature.name}`);
  }
  for (const type of typesOf(feature)) byType.set(type, feature);
  waitingCache.clear();
}

/** What the feature registered for this type declared (rule, content type); undefined when none did. */
export function declarationOf(type: string): EventDeclaration | undefined {
  return byType.get(type as ChannelEventType)?.events[type as ChannelEventType];
}

/** The registered features (for the check that every event type has one owner). */
export function registeredFeatures(): ContentFeature[] {
  return [...new Set(byType.values())];
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

/** The replayed part of the feature materialising this type (calendar) and the feature's name, if it has one. */
export function replayedFeatureFor(type: string): { name: string; replayed: ReplayedFeature } | undefined {
  const feature = byType.get(type as ChannelEventType);
  return feature?.replayed ? { name: feature.name, replayed: feature.replayed } : undefined;
}

/** The own-event steps of the feature materialising this type (polls, files, calendar), if it declares them. */
export function ownStepsFor(type: string): OwnEventSteps | undefined {
  return byType.get(type as ChannelEventType)?.own;
}

/** The outbox state of an own event changed: the feature that shows it records it (`onDelivery`). */
export function ownDelivery(db: Db, own: OwnEvent, delivery: 'sending' | 'failed' | 'sent'): void {
  ownStepsFor(own.type)?.onDelivery?.(db, own, delivery);
}

/**
 * Whether a refused event of this type keeps its payload in the log: an ordered feature's (see
 * above) or a replayed one's, whose payloads hold no message text and reach no search index.
 */
export function keepsRefusedPayload(type: string): boolean {
  return orderedFeatureFor(type)?.keepsRefusedPayload === true || replayedFeatureFor(type) !== undefined;
}

/** What an event of this type waits for when opened before it (its declaration's `waitsFor`), if anything. */
export function targetOf(type: string): { type: ChannelEventType; field: string } | undefined {
  return declarationOf(type)?.waitsFor;
}

/** The registered event types that wait for an event of this type (a message's edits, pins...), with the payload field naming it. */
export function waitingFor(targetType: string): ReadonlyArray<{ type: ChannelEventType; field: string }> {
  let waiting = waitingCache.get(targetType);
  if (!waiting) {
    waiting = [];
    for (const feature of registeredFeatures())
      for (const type of typesOf(feature)) {
        const target = feature.events[type]!.waitsFor;
        if (target?.type === targetType) waiting.push({ type, field: target.field });
      }
    waitingCache.set(targetType, waiting);
  }
  return waiting;
}

/** Every registered event type that can wait for its target, with the payload field naming it. */
export function everyWaiting(): Array<{ type: ChannelEventType; field: string }> {
  return registeredFeatures().flatMap((feature) =>
    typesOf(feature).flatMap((type) => {
      const target = feature.events[type]!.waitsFor;
      return target ? [{ type, field: target.field }] : [];
    }),
  );
}

/**
 * The registered event types whose search text lives in the log alone (their declaration's
 * `searchText.scrubbed`: a message, its edits, a shared file): what deletion reads for the words
 * it takes out of the vocabulary (retention.ts).
 */
export function typesWithLoggedText(): ChannelEventType[] {
  return registeredFeatures().flatMap((feature) =>
    typesOf(feature).filter((type) => feature.events[type]!.searchText?.scrubbed === true),
  );
}

/**
 * Of those, the ones that change a thing another event creates (a message's edits), with the
 * payload field naming it: a thing deleted from this device takes their texts with it.
 */
export function loggedTextsAbout(): Array<{ type: ChannelEventType; field: string }> {
  return registeredFeatures().flatMap((feature) =>
    typesOf(feature).flatMap((type) => {
      const { waitsFor, searchText } = feature.events[type]!;
      return waitsFor && searchText?.scrubbed ? [{ type, field: waitsFor.field }] : [];
    }),
  );
}

/** waitingFor's answers (it runs for every event applied), dropped when a feature registers. */
const waitingCache = new Map<string, Array<{ type: ChannelEventType; field: string }>>();

/** The texts of an event payload that search finds (its declaration's `searchText`); `scrubbedOnly`: those kept in the log alone. */
export function searchTextsOf(payload: { type?: unknown } & Record<string, unknown>, scrubbedOnly = false): string[] {
  if (typeof payload.type !== 'string') return [];
  const text = declarationOf(payload.type)?.searchText;
  if (!text || (scrubbedOnly && !text.scrubbed)) return [];
  const value = payload[text.field];
  return typeof value === 'string' ? [value] : [];
}
