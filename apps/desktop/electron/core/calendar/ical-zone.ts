// Registers the embedded zone with ical.js once, and converts between UTC instants and ical.js
// times in that zone.
import ICAL from 'ical.js';
import { BERLIN_VTIMEZONE } from './berlin-zone.ts';
import { DEFAULT_TIME_ZONE } from './model.ts';

let berlin: ICAL.Timezone | null = null;

export function berlinZone(): ICAL.Timezone {
  if (!berlin) {
    const component = new ICAL.Component(ICAL.parse(BERLIN_VTIMEZONE) as unknown as unknown[]);
    berlin = new ICAL.Timezone(component);
    ICAL.TimezoneService.register(berlin, DEFAULT_TIME_ZONE);
  }
  return berlin;
}

/** An ical.js time in Europe/Berlin wall-clock for a UTC instant. */
export function zonedTime(utcMs: number): ICAL.Time {
  const utc = ICAL.Time.fromJSDate(new Date(utcMs), true);
  return utc.convertToZone(berlinZone());
}

/** A date-only ical.js time for an all-day event stored as midnight UTC. */
export function dateOnly(utcMs: number): ICAL.Time {
  const d = new Date(utcMs);
  return ICAL.Time.fromData({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    isDate: true,
  });
}

/** The UTC instant of an ical.js time; floating times are read as Europe/Berlin. */
export function toUtcMs(time: ICAL.Time): number {
  if (time.isDate) return Date.UTC(time.year, time.month - 1, time.day);
  if (time.zone === ICAL.Timezone.localTimezone || !time.zone) {
    const pinned = ICAL.Time.fromData(
      { year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second },
      berlinZone(),
    );
    return pinned.toUnixTime() * 1000;
  }
  return time.toUnixTime() * 1000;
}
