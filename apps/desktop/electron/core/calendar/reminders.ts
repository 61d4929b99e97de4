// Reminders through the platform's notifications: an occurrence is due when its start minus the
// lead time falls into the window since the last check, so a reminder is shown once even when
// checks are late, and never again for the same window. Only entries this user organises or is
// invited to (and has not declined) remind. A single changed occurrence reminds at its own time
// with its own title; a cancelled one not at all.
import type { CalendarEvent } from './model.ts';
import { occurrences } from './recurrence.ts';

export const REMINDER_LEAD_MS = 15 * 60_000;

export interface DueReminder {
  uid: string;
  title: string;
  start: number;
}

export function dueReminders(
  entries: readonly CalendarEvent[],
  creators: ReadonlyMap<string, string>,
  myUserId: string,
  window: { from: number; to: number },
  leadMs = REMINDER_LEAD_MS,
): DueReminder[] {
  const due: DueReminder[] = [];
  for (const entry of entries) {
    if (entry.cancelled || entry.allDay) continue;
    const mine =
      creators.get(entry.uid) === myUserId || entry.attendees.some((a) => a.userId === myUserId && a.rsvp !== 'no');
    if (!mine) continue;
    // Occurrences whose start lies in (from + lead, to + lead]: their reminder time is in the window.
    for (const o of occurrences(entry, window.from + leadMs + 1, window.to + leadMs + 1, 20)) {
      if (o.start > window.from + leadMs && o.start <= window.to + leadMs)
        due.push({ uid: entry.uid, title: o.changed?.title ?? entry.title, start: o.start });
    }
  }
  return due.sort((a, b) => a.start - b.start);
}
