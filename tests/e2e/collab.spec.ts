// Polls, files and calendar on two workstations against a real relay process (issue 7): a poll
// both vote in, with the same results on both, then closed; a 20 MB file uploaded with progress and
// saved byte-identical on the other workstation; an image redacted before sending whose received
// pixels in the rectangle are black; a weekly event the other accepts, exported as .ics and parsed
// back with ical.js; one occurrence of it changed on one workstation and another cancelled on the
// other; entries over several days on each of their days. Screenshots of each view in German at
// 1366x768; axe on each.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ICAL from 'ical.js';
import type { Page, TestInfo } from '@playwright/test';
import type { KlinikfunkBridge } from '@klinikfunk/protocol/api/bridge.ts';
import { test, expect } from './fixtures.ts';
import { expectAccessible, shot, twoStaff } from './steps.ts';

const tab = (page: Page, name: 'Nachrichten' | 'Umfragen' | 'Dateien' | 'Kalender') =>
  page.getByRole('tab', { name, exact: true }).click();

async function look(page: Page, testInfo: TestInfo, name: string, screen: string): Promise<void> {
  await shot(page, testInfo, name);
  await expectAccessible(page, screen);
}

/** A 400x300 red PNG with a white square in the middle, drawn by the browser. */
async function testImage(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 400;
    canvas.height = 300;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = 'rgb(220, 0, 0)';
    ctx.fillRect(0, 0, 400, 300);
    ctx.fillStyle = '#fff';
    ctx.fillRect(150, 100, 100, 100);
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}

test('polls, files with redaction, and a shared calendar between two workstations', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(300_000);
  const { admin, nurse } = await twoStaff(clinic, openWorkstation);

  await test.step('poll: both vote, the results agree, the creator closes it', async () => {
    await tab(admin, 'Umfragen');
    await expect(admin.getByText('In diesem Kanal gibt es noch keine Umfragen.')).toBeVisible();
    await admin.getByRole('button', { name: 'Neue Umfrage' }).click();
    await admin.getByLabel('Frage', { exact: true }).fill('Teamessen am Freitag?');
    await admin.getByLabel('Antwort 1', { exact: true }).fill('Pizza');
    await admin.getByLabel('Antwort 2', { exact: true }).fill('Salat');
    await admin.getByRole('button', { name: 'Antwort hinzufügen' }).click();
    await admin.getByLabel('Antwort 3', { exact: true }).fill('Suppe');
    await look(admin, testInfo, 'collab-01-poll-create', 'poll create');
    await admin.getByRole('button', { name: 'Umfrage starten' }).click();
    const adminPoll = admin.getByTestId('poll').filter({ hasText: 'Teamessen am Freitag?' });
    await expect(adminPoll).toBeVisible({ timeout: 15_000 });

    await tab(nurse, 'Umfragen');
    const nursePoll = nurse.getByTestId('poll').filter({ hasText: 'Teamessen am Freitag?' });
    await expect(nursePoll).toBeVisible({ timeout: 15_000 });
    await nursePoll.getByLabel('Pizza', { exact: true }).check();
    await nursePoll.getByRole('button', { name: 'Abstimmen' }).click();
    await adminPoll.getByLabel('Pizza', { exact: true }).check();
    await adminPoll.getByRole('button', { name: 'Abstimmen' }).click();
    for (const poll of [adminPoll, nursePoll]) {
      await expect(poll.getByTestId('poll-state')).toContainText('2 Personen haben abgestimmt', { timeout: 15_000 });
      await expect(poll.getByTestId('poll-count')).toHaveText(['2 Stimmen', '0 Stimmen', '0 Stimmen']);
    }
    // The nurse changes her mind; both see the same new result.
    await nursePoll.getByLabel('Suppe', { exact: true }).check();
    await nursePoll.getByRole('button', { name: 'Stimme ändern' }).click();
    for (const poll of [adminPoll, nursePoll])
      await expect(poll.getByTestId('poll-count')).toHaveText(['1 Stimme', '0 Stimmen', '1 Stimme'], {
        timeout: 15_000,
      });
    await expect(adminPoll).toContainText('Bernd Pflege');
    await look(nurse, testInfo, 'collab-02-polls', 'polls');

    await expect(nursePoll.getByRole('button', { name: 'Umfrage beenden' })).toHaveCount(0);
    await adminPoll.getByRole('button', { name: 'Umfrage beenden' }).click();
    await expect(nursePoll).toHaveAttribute('data-state', 'closed', { timeout: 15_000 });
    await expect(nursePoll.getByLabel('Pizza', { exact: true })).toBeDisabled();
    await expect(nurse.getByText('Beendet (1)')).toBeVisible();
    await shot(nurse, testInfo, 'collab-03-poll-closed');
  });

  await test.step('20 MB file: upload with progress, byte-identical download on the other workstation', async () => {
    await tab(admin, 'Nachrichten');
    await admin.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { __progress: number[] }).__progress = seen;
      (window as unknown as { klinikfunk: KlinikfunkBridge }).klinikfunk.on('files.progress', (p) => {
        if (p.phase === 'transfer' || p.phase === 'encrypting') seen.push(p.done / p.total);
      });
    });
    const bytes = randomBytes(20 * 1024 * 1024);
    await admin
      .getByTestId('attach-input')
      .setInputFiles({ name: 'Dienstplan-Dezember.pdf', mimeType: 'application/pdf', buffer: bytes });
    // It waits in the attach tray until sent (tray.spec.ts).
    await admin.getByTestId('attach-tray').getByTestId('tray-send').click();
    // It uploads inside its timeline item, which gives way to the shared file.
    const item = admin.getByTestId('timeline-upload').filter({ hasText: 'Dienstplan-Dezember.pdf' });
    await expect(item.getByTestId('upload-progress')).toBeVisible();
    await shot(admin, testInfo, 'collab-04-upload-progress');
    await expect(
      admin
        .getByTestId('timeline-item')
        .and(admin.locator('[data-kind="file"]'))
        .filter({ hasText: 'Dienstplan-Dezember.pdf' }),
    ).toBeVisible({ timeout: 60_000 });
    await expect(item).toHaveCount(0);
    const fractions = await admin.evaluate(() => (window as unknown as { __progress: number[] }).__progress);
    expect(fractions.some((f) => f > 0 && f < 1)).toBe(true);

    await tab(nurse, 'Dateien');
    const row = nurse.getByTestId('file-row').filter({ hasText: 'Dienstplan-Dezember.pdf' });
    await expect(row).toBeVisible({ timeout: 20_000 });
    await expect(row).toContainText('20 MB');
    await expect(row).toContainText('Anna Admin');
    const download = nurse.waitForEvent('download', { timeout: 60_000 });
    await row.getByRole('button', { name: /speichern unter/ }).click();
    const saved = await download;
    expect(saved.suggestedFilename()).toBe('Dienstplan-Dezember.pdf');
    const received = await readFile((await saved.path())!);
    expect(received.length).toBe(bytes.length);
    expect(createHash('sha256').update(received).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  await test.step('redaction: the received pixels inside the rectangle are black, outside unchanged', async () => {
    await tab(admin, 'Nachrichten');
    await admin
      .getByTestId('attach-input')
      .setInputFiles({ name: 'Wunde-Zimmer-12.png', mimeType: 'image/png', buffer: await testImage(admin) });
    await admin.getByTestId('attach-tray').getByTestId('tray-redact').click();
    const dialog = admin.getByTestId('redact-dialog');
    await expect(dialog).toBeVisible();
    const canvas = admin.getByTestId('redact-canvas');
    await expect.poll(async () => (await canvas.boundingBox())?.width ?? 0).toBeGreaterThan(100);
    const box = (await canvas.boundingBox())!;
    // Over the white square (150..250 x 100..200 of 400x300), with a margin.
    await admin.mouse.move(box.x + box.width * (140 / 400), box.y + box.height * (90 / 300));
    await admin.mouse.down();
    await admin.mouse.move(box.x + box.width * (200 / 400), box.y + box.height * (150 / 300), { steps: 4 });
    await admin.mouse.move(box.x + box.width * (260 / 400), box.y + box.height * (210 / 300), { steps: 4 });
    await admin.mouse.up();
    await expect(dialog.getByText('Bereich 1: geschwärzt')).toBeVisible();
    await look(admin, testInfo, 'collab-05-redact', 'redaction');
    await admin.getByTestId('redact-send').click();
    await admin.getByTestId('attach-tray').getByTestId('tray-send').click();
    await expect(admin.getByRole('img', { name: 'Vorschaubild von Wunde-Zimmer-12.png' })).toBeVisible({
      timeout: 30_000,
    });

    const row = nurse.getByTestId('file-row').filter({ hasText: 'Wunde-Zimmer-12.png' });
    await expect(row).toBeVisible({ timeout: 20_000 });
    await expect(row.locator('img')).toBeVisible({ timeout: 10_000 }); // the encrypted thumbnail
    await look(nurse, testInfo, 'collab-06-files', 'file store');
    await nurse.getByLabel('Name suchen', { exact: true }).fill('wunde');
    await expect(nurse.getByTestId('file-row')).toHaveCount(1);
    await nurse.getByLabel('Name suchen', { exact: true }).fill('');
    await row.getByRole('button', { name: /öffnen/ }).click();
    const image = nurse.getByTestId('preview-image');
    await expect(image).toBeVisible({ timeout: 15_000 });
    await look(nurse, testInfo, 'collab-07-preview', 'file preview');
    const pixels = await image.evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const at = (x: number, y: number) => [...ctx.getImageData(x, y, 1, 1).data.slice(0, 3)];
      return {
        size: [img.naturalWidth, img.naturalHeight],
        center: at(200, 150),
        insideEdge: at(152, 102),
        outside: at(20, 20),
      };
    });
    expect(pixels.size).toEqual([400, 300]);
    expect(pixels.center).toEqual([0, 0, 0]);
    expect(pixels.insideEdge).toEqual([0, 0, 0]);
    expect(pixels.outside).toEqual([220, 0, 0]);
    await nurse.keyboard.press('Escape');
  });

  await test.step('calendar: a weekly event, the other accepts, .ics export parses back', async () => {
    await tab(admin, 'Kalender');
    await expect(admin.getByTestId('calendar-month')).toBeVisible();
    await admin.getByRole('button', { name: 'Neuer Termin', exact: true }).click();
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' }).format(new Date());
    await admin.getByLabel('Titel', { exact: true }).fill('Schichtübergabe');
    await admin.getByLabel('Beginn (Datum)', { exact: true }).fill(today);
    await admin.getByLabel('Beginn (Uhrzeit)', { exact: true }).fill('07:00');
    await admin.getByLabel('Ende (Datum)', { exact: true }).fill(today);
    await admin.getByLabel('Ende (Uhrzeit)', { exact: true }).fill('07:30');
    await admin.getByLabel('Wiederholung', { exact: true }).selectOption('weekly');
    await admin.getByLabel('Anzahl Termine', { exact: true }).fill('6');
    await admin.getByLabel('Ort', { exact: true }).fill('Stationszimmer 3B');
    await admin
      .getByLabel('Link zur Videokonferenz', { exact: true })
      .fill('https://jitsi.klinikum-nord.example/uebergabe');
    await admin.getByRole('checkbox', { name: /Bernd Pflege/ }).check();
    await look(admin, testInfo, 'collab-08-event-form', 'event form');
    await admin.getByRole('button', { name: 'Speichern' }).click();
    await expect(admin.getByTestId('calendar-chip').filter({ hasText: 'Schichtübergabe' }).first()).toBeVisible({
      timeout: 15_000,
    });
    await look(admin, testInfo, 'collab-09-calendar-month', 'calendar month');
    await admin.getByRole('button', { name: 'Woche', exact: true }).click();
    await expect(admin.getByTestId('calendar-week').getByText('07:00')).toBeVisible();
    await look(admin, testInfo, 'collab-10-calendar-week', 'calendar week');
    await admin.getByRole('button', { name: 'Liste', exact: true }).click();
    const agendaChips = admin.getByTestId('calendar-agenda').getByTestId('calendar-chip');
    await expect(agendaChips.first()).toBeVisible();
    expect(await agendaChips.count()).toBeGreaterThanOrEqual(5); // 6 weekly occurrences, at least 5 within 60 days
    await look(admin, testInfo, 'collab-11-calendar-agenda', 'calendar agenda');

    await tab(nurse, 'Kalender');
    await nurse.getByRole('button', { name: 'Liste', exact: true }).click();
    await nurse.getByTestId('calendar-chip').filter({ hasText: 'Schichtübergabe' }).first().click({ timeout: 15_000 });
    const details = nurse.getByTestId('event-details');
    await expect(details).toContainText('Stationszimmer 3B');
    await expect(details).toContainText('07:00–07:30');
    await details.getByRole('button', { name: 'Zusagen' }).click();
    await expect(details.getByTestId('attendee')).toHaveAttribute('data-rsvp', 'yes', { timeout: 15_000 });
    await look(nurse, testInfo, 'collab-12-event-details', 'event details');

    await admin.getByTestId('calendar-chip').filter({ hasText: 'Schichtübergabe' }).first().click();
    await expect(admin.getByTestId('event-details').getByTestId('attendee')).toHaveAttribute('data-rsvp', 'yes', {
      timeout: 15_000,
    });
    await admin.keyboard.press('Escape');

    const download = nurse.waitForEvent('download');
    await details.getByRole('button', { name: 'Als .ics exportieren' }).click();
    const ics = await readFile((await (await download).path())!, 'utf8');
    const vevent = new ICAL.Component(ICAL.parse(ics) as unknown as unknown[]).getFirstSubcomponent('vevent')!;
    const event = new ICAL.Event(vevent);
    expect(event.summary).toBe('Schichtübergabe');
    expect(event.location).toBe('Stationszimmer 3B');
    expect([
      event.startDate.hour,
      event.startDate.minute,
      vevent.getFirstProperty('dtstart')!.getParameter('tzid'),
    ]).toEqual([7, 0, 'Europe/Berlin']);
    const recur = vevent.getFirstPropertyValue('rrule') as ICAL.Recur;
    expect([recur.freq, recur.count]).toEqual(['WEEKLY', 6]);
    expect(String(vevent.getFirstProperty('attendee')!.getParameter('partstat'))).toBe('ACCEPTED');
    await nurse.keyboard.press('Escape');
  });

  await test.step('calendar: one occurrence changed on one workstation, another cancelled on the other; entries over several days', async () => {
    // Today's handover moved to 08:00 on its own.
    await admin.getByRole('button', { name: 'Woche', exact: true }).click();
    await admin
      .getByTestId('calendar-week')
      .getByTestId('calendar-chip')
      .filter({ hasText: 'Schichtübergabe' })
      .first()
      .click();
    await admin.getByTestId('event-details').getByRole('button', { name: 'Bearbeiten', exact: true }).click();
    const question = admin.getByRole('group', { name: 'Welche Termine möchten Sie bearbeiten?' });
    await expect(question.getByRole('button', { name: 'Nur diesen Termin', exact: true })).toBeFocused();
    await expect(question.getByRole('button', { name: 'Alle Termine der Serie', exact: true })).toBeVisible();
    await look(admin, testInfo, 'collab-13-occurrence-scope', 'edit which occurrences');
    await question.getByRole('button', { name: 'Nur diesen Termin', exact: true }).press('Enter');
    const form = admin.getByTestId('occurrence-form');
    await form.getByLabel('Titel', { exact: true }).fill('Schichtübergabe (verlegt)');
    await form.getByLabel('Beginn (Uhrzeit)', { exact: true }).fill('08:00');
    await form.getByLabel('Ende (Uhrzeit)', { exact: true }).fill('08:45');
    await form.getByLabel('Ort', { exact: true }).fill('Besprechungsraum 2');
    await look(admin, testInfo, 'collab-14-occurrence-form', 'occurrence form');
    await form.getByRole('button', { name: 'Speichern' }).click();
    await expect(admin.getByTestId('calendar-week').getByText('08:00')).toBeVisible({ timeout: 15_000 });

    // The other workstation sees the change, and cancels next week's handover only.
    const nurseChips = nurse
      .getByTestId('calendar-agenda')
      .getByTestId('calendar-chip')
      .filter({ hasText: 'Schichtübergabe' });
    await expect(nurseChips.filter({ hasText: 'Schichtübergabe (verlegt)' })).toBeVisible({ timeout: 15_000 });
    const before = await nurseChips.count();
    await nurseChips.filter({ hasText: 'Schichtübergabe (verlegt)' }).click();
    const details = nurse.getByTestId('event-details');
    await expect(details).toContainText('08:00–08:45');
    await expect(details).toContainText('Besprechungsraum 2');
    await expect(details.getByTestId('event-changed')).toBeVisible();
    // The nurse did not create the series: she is told who can change it, and offered no button every client would refuse.
    await expect(details.getByTestId('event-not-yours')).toContainText('nur, wer ihn angelegt hat');
    await expect(details.getByRole('button', { name: 'Termin absagen', exact: true })).toHaveCount(0);
    await expect(details.getByRole('button', { name: 'Bearbeiten', exact: true })).toHaveCount(0);
    await look(nurse, testInfo, 'collab-14b-event-details-not-yours', "event details of someone else's entry");
    await nurse.keyboard.press('Escape');
    // The organiser cancels next week's handover only; the nurse's calendar follows.
    await admin.getByRole('button', { name: 'Liste', exact: true }).click();
    const adminChips = admin
      .getByTestId('calendar-agenda')
      .getByTestId('calendar-chip')
      .filter({ hasText: 'Schichtübergabe' });
    await expect(adminChips).toHaveCount(before, { timeout: 15_000 });
    await adminChips.nth(1).click();
    const adminDetails = admin.getByTestId('event-details');
    await adminDetails.getByRole('button', { name: 'Termin absagen', exact: true }).click();
    await adminDetails.getByRole('button', { name: 'Nur diesen Termin absagen', exact: true }).click();
    await expect(adminChips).toHaveCount(before - 1, { timeout: 15_000 });
    await expect(nurseChips).toHaveCount(before - 1, { timeout: 15_000 });

    // A training over three days (all-day) and a night shift across midnight, in this week.
    const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(
      new Intl.DateTimeFormat('en-GB', { weekday: 'short', timeZone: 'Europe/Berlin' }).format(new Date()),
    );
    const day = (offset: number) =>
      new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' }).format(
        new Date(Date.now() + (offset - weekday) * 86_400_000),
      );
    const create = async (fields: {
      title: string;
      allDay: boolean;
      start: string;
      end: string;
      startTime?: string;
      endTime?: string;
    }) => {
      await admin.getByRole('button', { name: 'Neuer Termin', exact: true }).click();
      const dialog = admin.getByTestId('event-form');
      await dialog.getByLabel('Titel', { exact: true }).fill(fields.title);
      if (fields.allDay) await dialog.getByLabel('Ganztägig', { exact: true }).check();
      await dialog.getByLabel('Beginn (Datum)', { exact: true }).fill(fields.start);
      if (fields.startTime) await dialog.getByLabel('Beginn (Uhrzeit)', { exact: true }).fill(fields.startTime);
      await dialog.getByLabel('Ende (Datum)', { exact: true }).fill(fields.end);
      if (fields.endTime) await dialog.getByLabel('Ende (Uhrzeit)', { exact: true }).fill(fields.endTime);
      await dialog.getByRole('button', { name: 'Speichern' }).click();
      await expect(dialog).toBeHidden();
    };
    await create({ title: 'Fortbildung Hygiene', allDay: true, start: day(0), end: day(2) });
    await create({
      title: 'Nachtdienst',
      allDay: false,
      start: day(1),
      startTime: '22:00',
      end: day(2),
      endTime: '06:00',
    });
    await admin.getByRole('button', { name: 'Woche', exact: true }).click();
    const week = admin.getByTestId('calendar-week');
    await expect(week.getByTestId('calendar-chip').filter({ hasText: 'Fortbildung Hygiene' })).toHaveCount(3, {
      timeout: 15_000,
    });
    await expect(week.getByTestId('calendar-chip').filter({ hasText: 'Nachtdienst' })).toHaveCount(2);
    await expect(week.getByTestId('calendar-chip').filter({ hasText: 'Nachtdienst' }).last()).toContainText(
      'bis 06:00',
    );
    await look(admin, testInfo, 'collab-15-calendar-week-multiday', 'calendar week with entries over several days');
    await admin.getByRole('button', { name: 'Monat', exact: true }).click();
    await expect(
      admin.getByTestId('calendar-month').getByTestId('calendar-chip').filter({ hasText: 'Fortbildung Hygiene' }),
    ).toHaveCount(3);
    await look(admin, testInfo, 'collab-16-calendar-month-multiday', 'calendar month with entries over several days');
    await admin.getByRole('button', { name: 'Liste', exact: true }).click();
    await look(admin, testInfo, 'collab-17-calendar-agenda-multiday', 'calendar agenda with entries over several days');
  });
});
