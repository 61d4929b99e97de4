// The repetitions the event form offers, as RRULE values (RFC 5545); ical.js in the core expands them.
export const REPEATS = ['none', 'daily', 'weekdays', 'weekly', 'biweekly', 'monthly'] as const;
export type Repeat = (typeof REPEATS)[number];

const RULES: Record<Exclude<Repeat, 'none'>, string> = {
  daily: 'FREQ=DAILY',
  weekdays: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
  weekly: 'FREQ=WEEKLY',
  biweekly: 'FREQ=WEEKLY;INTERVAL=2',
  monthly: 'FREQ=MONTHLY',
};

export function toRrule(repeat: Repeat, count: number | null): string {
  if (repeat === 'none') return '';
  return count ? `${RULES[repeat]};COUNT=${count}` : RULES[repeat];
}

/** Reads back what the form wrote; an imported rule it does not know stays as it is ('custom'). */
export function fromRrule(rrule: string): { repeat: Repeat | 'custom'; count: number | null } {
  if (!rrule) return { repeat: 'none', count: null };
  const count = /(?:^|;)COUNT=(\d+)/.exec(rrule);
  const base = rrule
    .split(';')
    .filter((p) => !p.startsWith('COUNT='))
    .sort()
    .join(';');
  for (const [repeat, rule] of Object.entries(RULES))
    if (rule.split(';').sort().join(';') === base)
      return { repeat: repeat as Repeat, count: count ? Number(count[1]) : null };
  return { repeat: 'custom', count: null };
}
