import { describe, expect, it } from 'vitest';
import { dayLabel, daysBetween, sinceLabel } from '../../../apps/desktop/renderer/src/lib/dates.ts';

const words = { today: 'Heute', yesterday: 'Gestern' };

describe('renderer day labels', () => {
  const now = new Date(2026, 11, 3, 9, 30).getTime();

  it('says Heute and Gestern', () => {
    expect(dayLabel(new Date(2026, 11, 3, 0, 5).getTime(), now, 'de-DE', words)).toBe('Heute');
    expect(dayLabel(new Date(2026, 11, 2, 23, 55).getTime(), now, 'de-DE', words)).toBe('Gestern');
  });

  it('names older days in German, with the year only when it differs', () => {
    expect(dayLabel(new Date(2026, 10, 30, 12).getTime(), now, 'de-DE', words)).toBe('Montag, 30. November');
    expect(dayLabel(new Date(2025, 2, 3, 12).getTime(), now, 'de-DE', words)).toBe('Montag, 3. März 2025');
  });

  it('counts calendar days, not 24-hour periods', () => {
    expect(daysBetween(new Date(2026, 2, 28, 23).getTime(), new Date(2026, 2, 29, 1).getTime())).toBe(1);
  });

  it('says how long ago a device was online: minutes within the hour, then date and time', () => {
    expect(sinceLabel(now - 20_000, now, 'de-DE')).toBe('vor 1 Minute');
    expect(sinceLabel(now - 5 * 60_000, now, 'de-DE')).toBe('vor 5 Minuten');
    expect(sinceLabel(now - 59 * 60_000, now, 'en-GB')).toBe('59 minutes ago');
    expect(sinceLabel(new Date(2026, 11, 1, 14, 5).getTime(), now, 'de-DE')).toBe('01.12.2026, 14:05');
  });
});
