// The sender's escalation lines tell the time the way the acknowledgement list above them and the
// message list do (the workstation's zone), not in another zone: on a workstation outside Berlin
// (CI runs in UTC) "04:05 weitergeleitet" next to "03:07 bestätigt" would put the steps in the wrong order.
import { expect, it } from 'vitest';
import { de } from '../../../apps/desktop/renderer/src/i18n/de.ts';
import { en } from '../../../apps/desktop/renderer/src/i18n/en.ts';
import { timeLabel } from '../../../apps/desktop/renderer/src/lib/dates.ts';
import { escalationLines } from '../../../apps/desktop/renderer/src/lib/escalation-lines.ts';

const words =
  (dict: Record<string, string>) =>
  (key: string, params: Record<string, string>): string =>
    dict[key]!.replace(/\{(\w+)\}/g, (_, name: string) => params[name]!);

it('words each released step with the clock of the message list, open or acknowledged, in German and English', () => {
  const at = Date.UTC(2026, 11, 7, 3, 5);
  const local = new Date(at);
  const clock = `${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}`;
  expect(timeLabel(at, 'de-DE')).toBe(clock);
  const released = [{ roleName: 'Hintergrund Innere', at }];
  expect(escalationLines(released, true, 'de-DE', words(de))).toEqual([
    `${clock} an Hintergrund Innere weitergeleitet, noch nicht bestätigt`,
  ]);
  expect(escalationLines(released, false, 'de-DE', words(de))).toEqual([
    `${clock} an Hintergrund Innere weitergeleitet`,
  ]);
  expect(escalationLines(released, true, 'en-GB', words(en))).toEqual([
    `${clock} forwarded to Hintergrund Innere, not yet acknowledged`,
  ]);
});
