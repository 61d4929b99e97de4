// Issue 16 item 5 in the overviews: a vote, a new file and an answer to an appointment from another
// workstation reach the open Umfragen, Dateien and Kalender tabs from the change events alone; the
// page reads none of their lists again (polls.list, files.list, calendar.range) for them.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { invoke, twoStaff } from './steps.ts';
import type { OpenWorkstation } from './fixtures.ts';

const tab = (page: Page, name: 'Nachrichten' | 'Umfragen' | 'Dateien' | 'Kalender') =>
  page.getByRole('tab', { name, exact: true }).click();

test('the overviews follow another workstation without reading their lists again', async ({
  clinic,
  openWorkstation,
}) => {
  test.setTimeout(300_000);
  const opened: OpenWorkstation[] = [];
  const { admin, nurse } = await twoStaff(clinic, async (label) => {
    const station = await openWorkstation(label);
    opened.push(station);
    return station;
  });
  const calls = opened[1]!.workstation.calls;
  const station = (await invoke(admin, 'channels.list', {})).find((c) => !c.orgWide)!;
  const channelId = station.channelId;
  const me = await invoke(admin, 'session.me', {});
  const nurseMe = await invoke(nurse, 'session.me', {});
  // Quiet first: what the set-up or the last tab set off is over (no call for 1.5 s).
  const quiet = () =>
    expect
      .poll(
        async () => {
          const before = calls.length;
          await new Promise((resolve) => setTimeout(resolve, 1500));
          return calls.length === before;
        },
        { timeout: 60_000 },
      )
      .toBe(true);
  const since = (from: number, ...methods: string[]) => calls.slice(from).filter((m) => methods.includes(m));

  await test.step('Umfragen: a vote of the admin counts on the nurse screen', async () => {
    const { pollId } = await invoke(admin, 'polls.create', {
      channelId,
      question: 'Teamessen am Freitag?',
      options: ['Pizza', 'Salat'],
      multipleChoice: false,
      deadline: null,
      hideVoters: false,
    });
    await tab(nurse, 'Umfragen');
    const poll = nurse.getByTestId('poll').filter({ hasText: 'Teamessen am Freitag?' });
    await expect(poll).toBeVisible({ timeout: 20_000 });
    await quiet();
    const from = calls.length;
    const [view] = await invoke(admin, 'polls.list', { channelId });
    await invoke(admin, 'polls.vote', { channelId, pollId, optionIds: [view!.options[0]!.id] });
    await expect(poll.getByTestId('poll-count')).toHaveText(['1 Stimme', '0 Stimmen'], { timeout: 20_000 });
    expect(since(from, 'polls.list', 'timeline.items')).toEqual([]);
  });

  await test.step('Dateien: a file the admin shares is listed on the nurse screen', async () => {
    await tab(nurse, 'Dateien');
    await expect(nurse.getByText('In diesem Kanal wurden noch keine Dateien geteilt.')).toBeVisible({
      timeout: 20_000,
    });
    await quiet();
    const from = calls.length;
    await admin.getByTestId('attach-input').setInputFiles({
      name: 'Befund-Zimmer-12.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Befund vom Montag'),
    });
    await admin.getByTestId('attach-tray').getByTestId('tray-send').click();
    await expect(nurse.getByTestId('file-row').filter({ hasText: 'Befund-Zimmer-12.txt' })).toBeVisible({
      timeout: 30_000,
    });
    expect(since(from, 'files.list')).toEqual([]);
  });

  await test.step('Kalender: the admin answers, the open details on the nurse screen say so', async () => {
    const now = Date.now();
    await invoke(admin, 'calendar.put', {
      channelId,
      title: 'Fallbesprechung',
      start: now,
      end: now + 30 * 60_000,
      allDay: false,
      attendeeUserIds: [me.userId, nurseMe.userId],
    });
    const { uid } = (await invoke(admin, 'calendar.range', { channelId, from: now - 1, to: now + 1 })).entries[0]!;
    await tab(nurse, 'Kalender');
    await nurse.getByTestId('calendar-chip').filter({ hasText: 'Fallbesprechung' }).first().click({ timeout: 20_000 });
    const answer = nurse.getByTestId('event-details').getByTestId('attendee').filter({ hasText: me.displayName });
    await expect(answer).toHaveAttribute('data-rsvp', 'pending');
    await quiet();
    const from = calls.length;
    await invoke(admin, 'calendar.rsvp', { channelId, uid, rsvp: 'yes' });
    await expect(answer).toHaveAttribute('data-rsvp', 'yes', { timeout: 20_000 });
    expect(since(from, 'calendar.range')).toEqual([]);
  });
});
