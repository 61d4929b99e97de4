// The channel calendar between two workstations through the core and the real relay: a weekly
// event with an attendee, RSVP, edits and cancellation converge, .ics export parses back with
// ical.js and imports into another channel.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from './two-workstations.ts';

const DAY = 86_400_000;
// Monday 2 November 2026, 07:00 in Berlin (CET, UTC+1).
const MONDAY_0700 = Date.UTC(2026, 10, 2, 6);

describe('calendar through the core', () => {
  let w: TwoWorkstations;
  let uid: string;
  beforeAll(async () => {
    w = await twoWorkstations();
  }, 90_000);
  afterAll(async () => w?.close());

  const range = { from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 11, 1) };

  it('refuses bad entries', async () => {
    const { admin, channelId } = w;
    const base = { channelId, title: 'X', start: MONDAY_0700, end: MONDAY_0700 + 3_600_000, allDay: false };
    expect(await admin.call('calendar.put', { ...base, end: MONDAY_0700 - 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await admin.call('calendar.put', { ...base, meetingUrl: 'http://jitsi.example' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await admin.call('calendar.put', { ...base, rrule: 'FREQ=SECONDLY' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await admin.call('calendar.put', { ...base, rrule: 'FREQ=WEEKLY;COUNT=abc' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await admin.call('calendar.put', { ...base, attendeeUserIds: ['usrNotInDirectory1'] })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });

  it('a weekly handover reaches the attendee, who accepts; both see the same occurrences', async () => {
    const { admin, nurse, channelId, nurseUserId } = w;
    ({ uid } = await admin.value('calendar.put', {
      channelId,
      title: 'Schichtübergabe',
      start: MONDAY_0700,
      end: MONDAY_0700 + 30 * 60_000,
      allDay: false,
      location: 'Stationszimmer 3B',
      meetingUrl: 'https://jitsi.klinikum-nord.example/uebergabe',
      rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=6',
      attendeeUserIds: [nurseUserId],
    }));
    const atNurse = await eventually(
      async () => {
        const r = await nurse.value('calendar.range', { channelId, ...range });
        return r.entries.length === 1 ? r : null;
      },
      15_000,
      'entry at nurse',
    );
    expect(atNurse.entries[0]).toMatchObject({
      title: 'Schichtübergabe',
      organizer: { displayName: 'Anna Admin' },
      myRsvp: 'pending',
      rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=6',
      mayChange: false,
    });
    // The organiser (an admin) may change it; the invited nurse is told so instead of offered a button that would be refused.
    expect((await admin.value('calendar.range', { channelId, ...range })).entries[0]!.mayChange).toBe(true);
    // November 2026 has Mondays 2, 9, 16, 23, 30; always 07:00 Berlin time.
    expect(atNurse.occurrences.map((o) => new Date(o.start).toISOString())).toEqual(
      [2, 9, 16, 23, 30].map((d) => new Date(Date.UTC(2026, 10, d, 6)).toISOString()),
    );

    expect(await admin.call('calendar.rsvp', { channelId, uid, rsvp: 'yes' })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    await nurse.value('calendar.rsvp', { channelId, uid, rsvp: 'yes' });
    const accepted = await eventually(
      async () =>
        (await admin.value('calendar.range', { channelId, ...range })).entries.find(
          (e) => e.attendees[0]?.rsvp === 'yes',
        ),
      15_000,
      'rsvp at admin',
    );
    expect(accepted.attendees).toEqual([{ userId: nurseUserId, displayName: 'Bernd Pflege', rsvp: 'yes' }]);
  }, 40_000);

  it('exports .ics that ical.js parses back, and imports it into another channel', async () => {
    const { admin, nurse, channelId } = w;
    const ics = await nurse.value('calendar.exportIcs', { channelId, uid });
    expect(ics.fileName).toBe('Schichtübergabe.ics');
    const root = new ICAL.Component(ICAL.parse(ics.text) as unknown as unknown[]);
    const vevent = root.getFirstSubcomponent('vevent')!;
    const event = new ICAL.Event(vevent);
    expect(event.summary).toBe('Schichtübergabe');
    expect(event.location).toBe('Stationszimmer 3B');
    expect(event.startDate.toJSDate().getTime()).toBe(MONDAY_0700);
    const recur = vevent.getFirstPropertyValue('rrule') as ICAL.Recur;
    expect([recur.freq, recur.count, recur.parts.BYDAY]).toEqual(['WEEKLY', 6, ['MO']]);
    expect(String(vevent.getFirstProperty('attendee')!.getParameter('partstat'))).toBe('ACCEPTED');
    expect(root.getFirstSubcomponent('vtimezone')).not.toBeNull();

    const { channelId: other } = await admin.value('channels.create', {
      kind: 'channel',
      name: 'Leitung',
      topic: '',
      memberUserIds: [],
    });
    const imported = await admin.value('calendar.importIcs', { channelId: other, text: ics.text });
    expect(imported).toEqual({ imported: 1, problems: [] });
    const copy = await eventually(
      async () => (await admin.value('calendar.range', { channelId: other, ...range })).entries[0],
      15_000,
      'imported entry',
    );
    expect(copy).toMatchObject({ title: 'Schichtübergabe', start: MONDAY_0700 });
    expect(copy.rrule.split(';').sort()).toEqual(['BYDAY=MO', 'COUNT=6', 'FREQ=WEEKLY']);
    expect(await admin.call('calendar.importIcs', { channelId: other, text: 'kein kalender' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  }, 30_000);

  it('edits by the creator and a channel admin at once, and a cancellation, converge to the same state on both; other members may not', async () => {
    const { admin, nurse, channelId } = w;
    const current = (await nurse.value('calendar.range', { channelId, ...range })).entries[0]!;
    const edit = {
      channelId,
      uid,
      title: current.title,
      start: current.start,
      end: current.end,
      allDay: false,
      rrule: current.rrule,
      attendeeUserIds: current.attendees.map((a) => a.userId),
    };
    // The admin made this entry; the nurse, a member, may neither change nor cancel it (docs/protocol.md "Authorisation").
    expect(await nurse.call('calendar.put', { ...edit, location: 'Raum 9' })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    expect(await nurse.call('calendar.cancel', { channelId, uid })).toMatchObject({
      ok: false,
      error: { code: 'not_permitted' },
    });
    await admin.value('calendar.put', { ...edit, location: 'Raum 1' });
    const view = async (c: typeof admin, id = uid) =>
      (await c.value('calendar.range', { channelId, ...range })).entries.find((e) => e.uid === id)!;
    await eventually(async () => (await view(nurse)).location === 'Raum 1', 15_000, 'edit at nurse');
    // An edit keeps the attendee's answer.
    expect((await view(admin)).attendees[0]!.rsvp).toBe('yes');

    // The nurse's own entry: she made it, the admin administers the channel; both change it at once.
    const { uid: own } = await nurse.value('calendar.put', {
      channelId,
      title: 'Teambesprechung',
      start: MONDAY_0700,
      end: MONDAY_0700 + 3_600_000,
      allDay: false,
      location: 'Stationszimmer 3B',
    });
    await eventually(async () => (await view(admin, own)) !== undefined, 15_000, 'entry at admin');
    const mine = {
      channelId,
      uid: own,
      title: 'Teambesprechung',
      start: MONDAY_0700,
      end: MONDAY_0700 + 3_600_000,
      allDay: false,
    };
    await Promise.all([
      admin.value('calendar.put', { ...mine, location: 'Raum 1' }),
      nurse.value('calendar.put', { ...mine, location: 'Raum 2' }),
    ]);
    await eventually(
      async () => {
        const [a, n] = [await view(admin, own), await view(nurse, own)];
        return a.location !== 'Stationszimmer 3B' && a.location === n.location;
      },
      15_000,
      'edits converge',
    );
    await nurse.value('calendar.cancel', { channelId, uid: own });
    await admin.value('calendar.cancel', { channelId, uid });
    await eventually(
      async () =>
        (await view(admin)).cancelled &&
        (await view(nurse)).cancelled &&
        (await view(admin, own)).cancelled &&
        (await view(nurse, own)).cancelled,
      15_000,
      'cancel converges',
    );
  }, 30_000);

  it('an all-day entry is stored as dates', async () => {
    const { admin, channelId } = w;
    const { uid: day } = await admin.value('calendar.put', {
      channelId,
      title: 'Fortbildung',
      start: Date.UTC(2026, 10, 12, 9),
      end: Date.UTC(2026, 10, 12, 15),
      allDay: true,
    });
    const entry = await eventually(
      async () => (await admin.value('calendar.range', { channelId, ...range })).entries.find((e) => e.uid === day),
      15_000,
      'all-day',
    );
    expect([entry.start, entry.end]).toEqual([Date.UTC(2026, 10, 12), Date.UTC(2026, 10, 12) + DAY]);
  });

  it('one occurrence changed on both workstations at once and another cancelled: both end the same; .ics carries them', async () => {
    const { admin, nurse, channelId } = w;
    // The nurse's series: she (its creator) and the admin (a channel admin) may change its occurrences.
    const { uid: series } = await nurse.value('calendar.put', {
      channelId,
      title: 'Hygienerunde',
      start: MONDAY_0700,
      end: MONDAY_0700 + 3_600_000,
      allDay: false,
      rrule: 'FREQ=WEEKLY;COUNT=4',
    });
    const ofSeries = async (c: typeof admin) =>
      (await c.value('calendar.range', { channelId, ...range })).occurrences.filter((o) => o.uid === series);
    await eventually(async () => (await ofSeries(admin)).length === 4, 15_000, 'series at admin');
    const second = MONDAY_0700 + 7 * DAY;
    const change = { channelId, uid: series, recurrenceId: second, start: second + 3_600_000, end: second + 7_200_000 };
    await Promise.all([
      admin.value('calendar.putOccurrence', { ...change, title: 'Hygienerunde (Raum 1)', location: 'Raum 1' }),
      nurse.value('calendar.putOccurrence', { ...change, title: 'Hygienerunde (Raum 2)', location: 'Raum 2' }),
    ]);
    await nurse.value('calendar.cancelOccurrence', { channelId, uid: series, recurrenceId: MONDAY_0700 + 14 * DAY });
    const settled = await eventually(
      async () => {
        const [a, n] = [await ofSeries(admin), await ofSeries(nurse)];
        return a.length === 3 && JSON.stringify(a) === JSON.stringify(n) && a[1]!.changed ? a : null;
      },
      15_000,
      'occurrences converge',
    );
    expect(settled.map((o) => [o.start, o.recurrenceId, o.changed])).toEqual([
      [MONDAY_0700, MONDAY_0700, false],
      [second + 3_600_000, second, true],
      [MONDAY_0700 + 21 * DAY, MONDAY_0700 + 21 * DAY, false],
    ]);
    expect(['Raum 1', 'Raum 2']).toContain(settled[1]!.location);
    expect(settled[1]!.title).toBe(`Hygienerunde (${settled[1]!.location})`);

    // Refused at once: no occurrence at that time, an entry that does not repeat.
    expect(
      await admin.call('calendar.putOccurrence', { ...change, recurrenceId: second + 60_000, title: 'X' }),
    ).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // Before the series or more than 10 years after its start: refused without walking the rule.
    for (const recurrenceId of [MONDAY_0700 - 7 * DAY, MONDAY_0700 + 3654 * DAY])
      expect(await admin.call('calendar.cancelOccurrence', { channelId, uid: series, recurrenceId })).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
    const { uid: single } = await admin.value('calendar.put', {
      channelId,
      title: 'Einmalig',
      start: MONDAY_0700,
      end: MONDAY_0700 + 1,
      allDay: false,
    });
    await eventually(
      async () => (await admin.value('calendar.range', { channelId, ...range })).entries.some((e) => e.uid === single),
      15_000,
      'single',
    );
    expect(
      await admin.call('calendar.cancelOccurrence', { channelId, uid: single, recurrenceId: MONDAY_0700 }),
    ).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    const ics = await nurse.value('calendar.exportIcs', { channelId, uid: series });
    expect(ics.text).toContain('EXDATE;TZID=Europe/Berlin:20261116T070000');
    expect(ics.text).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20261109T070000');
    const { channelId: other } = await admin.value('channels.create', {
      kind: 'channel',
      name: 'Hygiene',
      topic: '',
      memberUserIds: [],
    });
    expect(await admin.value('calendar.importIcs', { channelId: other, text: ics.text })).toEqual({
      imported: 1,
      problems: [],
    });
    const copied = await eventually(
      async () => {
        const list = (await admin.value('calendar.range', { channelId: other, ...range })).occurrences;
        return list.length === 3 && list[1]!.changed ? list : null;
      },
      15_000,
      'imported occurrences',
    );
    expect(copied.map((o) => [o.start, o.title])).toEqual(settled.map((o) => [o.start, o.title]));
  }, 40_000);
});
