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
    expect(await admin.call('calendar.put', { ...base, end: MONDAY_0700 - 1 })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await admin.call('calendar.put', { ...base, meetingUrl: 'http://jitsi.example' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await admin.call('calendar.put', { ...base, rrule: 'FREQ=SECONDLY' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await admin.call('calendar.put', { ...base, rrule: 'FREQ=WEEKLY;COUNT=abc' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await admin.call('calendar.put', { ...base, attendeeUserIds: ['usrNotInDirectory1'] })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
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
    const atNurse = await eventually(async () => {
      const r = await nurse.value('calendar.range', { channelId, ...range });
      return r.entries.length === 1 ? r : null;
    }, 15_000, 'entry at nurse');
    expect(atNurse.entries[0]).toMatchObject({ title: 'Schichtübergabe', organizer: { displayName: 'Anna Admin' }, myRsvp: 'pending', rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=6' });
    // November 2026 has Mondays 2, 9, 16, 23, 30; always 07:00 Berlin time.
    expect(atNurse.occurrences.map((o) => new Date(o.start).toISOString())).toEqual([2, 9, 16, 23, 30].map((d) => new Date(Date.UTC(2026, 10, d, 6)).toISOString()));

    expect(await admin.call('calendar.rsvp', { channelId, uid, rsvp: 'yes' })).toMatchObject({ ok: false, error: { code: 'not_permitted' } });
    await nurse.value('calendar.rsvp', { channelId, uid, rsvp: 'yes' });
    const accepted = await eventually(async () => (await admin.value('calendar.range', { channelId, ...range })).entries.find((e) => e.attendees[0]?.rsvp === 'yes'), 15_000, 'rsvp at admin');
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

    const { channelId: other } = await admin.value('channels.create', { kind: 'channel', name: 'Leitung', topic: '', memberUserIds: [] });
    const imported = await admin.value('calendar.importIcs', { channelId: other, text: ics.text });
    expect(imported).toEqual({ imported: 1, problems: [] });
    const copy = await eventually(async () => (await admin.value('calendar.range', { channelId: other, ...range })).entries[0], 15_000, 'imported entry');
    expect(copy).toMatchObject({ title: 'Schichtübergabe', start: MONDAY_0700 });
    expect(copy.rrule.split(';').sort()).toEqual(['BYDAY=MO', 'COUNT=6', 'FREQ=WEEKLY']);
    expect(await admin.value('calendar.importIcs', { channelId: other, text: 'kein kalender' })).toMatchObject({ imported: 0, problems: [{ uid: null }] });
  }, 30_000);

  it('edits by different members and a cancellation converge to the same state on both', async () => {
    const { admin, nurse, channelId } = w;
    const current = (await nurse.value('calendar.range', { channelId, ...range })).entries[0]!;
    const edit = { channelId, uid, title: current.title, start: current.start, end: current.end, allDay: false, rrule: current.rrule, attendeeUserIds: current.attendees.map((a) => a.userId) };
    await Promise.all([admin.value('calendar.put', { ...edit, location: 'Raum 1' }), nurse.value('calendar.put', { ...edit, location: 'Raum 2' })]);
    const view = async (c: typeof admin) => (await c.value('calendar.range', { channelId, ...range })).entries[0]!;
    await eventually(async () => {
      const [a, n] = [await view(admin), await view(nurse)];
      return a.location !== 'Stationszimmer 3B' && a.location === n.location;
    }, 15_000, 'edits converge');
    // An edit keeps the attendee's answer.
    expect((await view(admin)).attendees[0]!.rsvp).toBe('yes');
    await nurse.value('calendar.cancel', { channelId, uid });
    await eventually(async () => (await view(admin)).cancelled && (await view(nurse)).cancelled, 15_000, 'cancel converges');
  }, 30_000);

  it('an all-day entry is stored as dates', async () => {
    const { admin, channelId } = w;
    const { uid: day } = await admin.value('calendar.put', { channelId, title: 'Fortbildung', start: Date.UTC(2026, 10, 12, 9), end: Date.UTC(2026, 10, 12, 15), allDay: true });
    const entry = await eventually(async () => (await admin.value('calendar.range', { channelId, ...range })).entries.find((e) => e.uid === day), 15_000, 'all-day');
    expect([entry.start, entry.end]).toEqual([Date.UTC(2026, 10, 12), Date.UTC(2026, 10, 12) + DAY]);
  });
});
