// Occurrences of an event between two instants, following the RRULE on Europe/Berlin wall time,
// with single occurrences changed or cancelled on their own (overrides) applied on top. Whether
// an override names a real occurrence is decided here, on the series as it is now, never when
// the override is applied (calendar/calendar-events.ts): so every client shows the same from the
// same set of events, whatever order they arrived in.
import ICAL from 'ical.js';
import { dateOnly, toUtcMs, zonedTime } from './ical-zone.ts';
import type { CalendarEvent, ChangedOccurrence } from './model.ts';

export interface Occurrence {
  uid: string;
  start: number;
  end: number;
  /** Where the series puts this occurrence (iCalendar RECURRENCE-ID); null for a single event. */
  recurrenceId: number | null;
  /** Present when this occurrence was changed on its own. */
  changed?: ChangedOccurrence;
}

/** A hard cap on the steps of one walk keeps a hostile rule (many occurrences a day, no end) from spinning. */
const MAX_STEPS = 100_000;

/**
 * How far after its start a series can have a changed or cancelled occurrence: 10 years. Overrides
 * outside [start, start + horizon] are ignored without walking the rule, so checking one costs at
 * most 10 years of the rule, however far off its recurrence id is.
 */
export const OVERRIDE_HORIZON_MS = 3653 * 86_400_000;

/** Counts walks of a rule and their steps, so tests can check that a series is walked once, not once per override. */
export interface WalkCounter {
  walks: number;
  steps: number;
}

export const inOverrideHorizon = (event: CalendarEvent, recurrenceId: number): boolean =>
  recurrenceId >= event.start && recurrenceId <= event.start + OVERRIDE_HORIZON_MS;

function ruleIterator(event: CalendarEvent & { rrule: string }, counter?: WalkCounter): ICAL.RecurIterator {
  if (counter) counter.walks++;
  return ICAL.Recur.fromString(event.rrule).iterator(event.allDay ? dateOnly(event.start) : zonedTime(event.start));
}

/** The series as its rule gives it, overrides ignored: at most `limit` occurrences overlapping [from, to). */
export function seriesOccurrences(
  event: CalendarEvent,
  from: number,
  to: number,
  limit = 500,
  counter?: WalkCounter,
): Occurrence[] {
  const duration = event.end - event.start;
  if (!event.rrule)
    return event.start < to && event.end > from
      ? [{ uid: event.uid, start: event.start, end: event.end, recurrenceId: null }]
      : [];
  const iterator = ruleIterator({ ...event, rrule: event.rrule }, counter);
  const result: Occurrence[] = [];
  for (let i = 0; i < MAX_STEPS && result.length < limit; i++) {
    const next = iterator.next();
    if (counter) counter.steps++;
    if (!next) break;
    const start = toUtcMs(next);
    if (start >= to) break;
    if (start + duration > from) result.push({ uid: event.uid, start, end: start + duration, recurrenceId: start });
  }
  return result;
}

/**
 * The occurrence starts of a series, walked once per series version (rule, start, all-day) and
 * continued where the last caller stopped: checking many overrides of one series, in one call or
 * in many (views, reminders every 30 s, import), walks its rule once. A few series are kept.
 */
interface IdWalk {
  iterator: ICAL.RecurIterator;
  ids: Set<number>;
  reached: number;
  steps: number;
  done: boolean;
}
const idWalks = new Map<string, IdWalk>();
const MAX_CACHED_SERIES = 16;

/** The series' occurrence starts, complete up to `upTo` (or to where the rule or the step cap ends). */
function idsUpTo(event: CalendarEvent & { rrule: string }, upTo: number, counter?: WalkCounter): Set<number> {
  const key = `${event.rrule}\n${event.start}\n${event.allDay}`;
  let walk = idWalks.get(key);
  if (!walk) {
    walk = { iterator: ruleIterator(event, counter), ids: new Set(), reached: -Infinity, steps: 0, done: false };
    if (idWalks.size >= MAX_CACHED_SERIES) idWalks.delete(idWalks.keys().next().value!);
    idWalks.set(key, walk);
  }
  while (!walk.done && walk.reached < upTo) {
    const next = walk.steps < MAX_STEPS ? walk.iterator.next() : null;
    walk.steps++;
    if (counter) counter.steps++;
    if (!next) {
      walk.done = true;
      break;
    }
    walk.reached = toUtcMs(next);
    walk.ids.add(walk.reached);
  }
  return walk.ids;
}

/** Which of `ids` the series (as it is now) has as occurrences, within the override horizon: one walk for all of them. */
export function occurrenceIds(event: CalendarEvent, ids: readonly number[], counter?: WalkCounter): Set<number> {
  if (!event.rrule) return new Set();
  const candidates = ids.filter((id) => inOverrideHorizon(event, id));
  if (candidates.length === 0) return new Set();
  const all = idsUpTo(
    { ...event, rrule: event.rrule },
    candidates.reduce((a, b) => Math.max(a, b)),
    counter,
  );
  return new Set(candidates.filter((id) => all.has(id)));
}

/** Whether the series (as it is now) has an occurrence starting at `recurrenceId`, within the override horizon. */
export function isOccurrence(event: CalendarEvent, recurrenceId: number, counter?: WalkCounter): boolean {
  return occurrenceIds(event, [recurrenceId], counter).has(recurrenceId);
}

/**
 * At most `limit` occurrences that overlap [from, to), in time order. A single event yields itself
 * if it overlaps. A cancelled occurrence is left out (as an EXDATE would); a changed one appears at
 * its new time, also when only the new time lies in the range. Overrides whose recurrence id the
 * series does not have (its time or rule changed since, or never had it) or that lie outside the
 * override horizon are ignored, and come back if the series returns to that time.
 */
export function occurrences(
  event: CalendarEvent,
  from: number,
  to: number,
  limit = 500,
  counter?: WalkCounter,
): Occurrence[] {
  if (event.cancelled) return [];
  const overrides = event.rrule ? (event.overrides ?? []).filter((o) => inOverrideHorizon(event, o.recurrenceId)) : [];
  const series = seriesOccurrences(event, from, to, limit, counter);
  if (overrides.length === 0) return series;
  const byId = new Map(overrides.map((o) => [o.recurrenceId, o]));
  const overlaps = (o: { start: number; end: number }) => o.start < to && o.end > from;
  const result: Occurrence[] = [];
  const seen = new Set<number>();
  for (const occurrence of series) {
    seen.add(occurrence.start);
    const override = byId.get(occurrence.start);
    if (!override) result.push(occurrence);
    else if (!override.cancelled && overlaps(override))
      result.push({ ...occurrence, start: override.start, end: override.end, changed: override });
  }
  // Occurrences moved into the range from outside it, all checked against one walk of the rule.
  const movedIn = overrides.filter(
    (o): o is ChangedOccurrence => !o.cancelled && !seen.has(o.recurrenceId) && overlaps(o),
  );
  const real = occurrenceIds(
    event,
    movedIn.map((o) => o.recurrenceId),
    counter,
  );
  for (const override of movedIn) {
    if (real.has(override.recurrenceId))
      result.push({
        uid: event.uid,
        start: override.start,
        end: override.end,
        recurrenceId: override.recurrenceId,
        changed: override,
      });
  }
  return result.sort((a, b) => a.start - b.start).slice(0, limit);
}

/**
 * The occurrence at `recurrenceId` as `occurrences` shows it: at its new time when changed on its
 * own, null when cancelled on its own or when the series (as it is now) has no occurrence there.
 * For a change event that names one occurrence (features/calendar/calendar-changes.ts).
 */
export function occurrenceAt(event: CalendarEvent, recurrenceId: number, counter?: WalkCounter): Occurrence | null {
  if (event.cancelled || !event.rrule || !isOccurrence(event, recurrenceId, counter)) return null;
  const override = (event.overrides ?? []).find((o) => o.recurrenceId === recurrenceId);
  if (override?.cancelled) return null;
  if (override) return { uid: event.uid, start: override.start, end: override.end, recurrenceId, changed: override };
  return { uid: event.uid, start: recurrenceId, end: recurrenceId + (event.end - event.start), recurrenceId };
}
