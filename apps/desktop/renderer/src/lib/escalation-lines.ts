// The sender's escalation lines of an urgent message ("04:12 an Oberarzt Innere weitergeleitet,
// noch nicht bestätigt"): the clock in the workstation's time zone, the same rule as the message
// list and the acknowledgement times listed right above them, so the two never disagree.
import { timeLabel } from './dates.ts';

export interface ReleasedStep {
  roleName: string;
  /** The relay's release time. */
  at: number;
}

type Words = (
  key: 'escalation.details.forwarded' | 'escalation.details.forwardedOpen',
  params: Record<string, string>,
) => string;

export function escalationLines(released: readonly ReleasedStep[], open: boolean, tag: string, words: Words): string[] {
  return released.map((r) =>
    words(open ? 'escalation.details.forwardedOpen' : 'escalation.details.forwarded', {
      time: timeLabel(r.at, tag),
      role: r.roleName,
    }),
  );
}
