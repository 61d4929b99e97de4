// Shared things in the conversation on two workstations against a real relay process (issue 17):
// a nurse's discharge letter (PDF) appears as a card in the doctor's timeline and opens; a wound
// photo appears inline with its thumbnail; a poll appears inline and both vote from the timeline
// with the same results; an appointment appears inline and the nurse's answer from the timeline
// reaches the sender; the PDF is found by its name in search, the poll by its question and the
// appointment by its title, and each hit jumps to its item; a member added and one leaving are a
// quiet line each. Screenshots in German at 1366x768, in the light and the high-contrast theme;
// axe on each.
import type { Page, TestInfo } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { samplePdf } from './sample-pdf.ts';
import { expectAccessible, invoke, shot, twoStaff } from './steps.ts';

async function look(page: Page, testInfo: TestInfo, name: string, screen: string): Promise<void> {
  await shot(page, testInfo, name);
  await expectAccessible(page, screen);
}

/** A 400x300 PNG: blue with a yellow square, drawn by the browser. */
async function woundPhoto(page: Page): Promise<Buffer> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 400;
    canvas.height = 300;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = 'rgb(30, 90, 160)';
    ctx.fillRect(0, 0, 400, 300);
    ctx.fillStyle = 'rgb(240, 200, 40)';
    ctx.fillRect(150, 100, 100, 100);
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}

const item = (page: Page, kind: 'file' | 'poll' | 'calendar', text: string) =>
  page
    .getByTestId('timeline-item')
    .and(page.locator(`[data-kind="${kind}"]`))
    .filter({ hasText: text });

test('files, a poll and an appointment appear in the other workstation timeline and work from there', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(300_000);
  const { admin: doctor, nurse } = await twoStaff(clinic, openWorkstation);
  const channelId = await nurse.getByTestId('channel-view').getAttribute('data-channel-id');
  expect(channelId).toBeTruthy();

  const composer = nurse.getByRole('textbox', { name: /^Nachricht an / });
  await composer.fill('Guten Morgen, Herr Meier aus Zimmer 12 wird heute entlassen.');
  await composer.press('Enter');
  await expect(doctor.getByTestId('message').filter({ hasText: 'Herr Meier' })).toBeVisible({ timeout: 20_000 });

  await test.step('a PDF appears as a card in the other timeline and opens', async () => {
    await nurse.getByTestId('attach-input').setInputFiles({
      name: 'Entlassbrief-Meier.pdf',
      mimeType: 'application/pdf',
      buffer: samplePdf(['Entlassbrief Herr Meier', 'Medikationsplan']),
    });
    // It waits in the attach tray until sent (tray.spec.ts).
    await nurse.getByTestId('attach-tray').getByTestId('tray-send').click();
    const card = item(doctor, 'file', 'Entlassbrief-Meier.pdf');
    await expect(card).toBeVisible({ timeout: 30_000 });
    await expect(card.getByTestId('timeline-sender')).toHaveText('Bernd Pflege');
    await expect(card.getByTestId('timeline-file')).toHaveAttribute('data-type', 'pdf');
    await expect(card.getByTestId('timeline-file')).toContainText('PDF-Dokument');
    // The first page, drawn by pdf.js from the decrypted file.
    await expect(card.getByTestId('timeline-pdf-page')).toBeVisible({ timeout: 30_000 });
    await card.getByRole('button', { name: /^Entlassbrief-Meier\.pdf PDF-Dokument · / }).click();
    const dialog = doctor.getByRole('dialog', { name: 'Entlassbrief-Meier.pdf' });
    await expect(dialog.getByTestId('file-preview')).toBeVisible();
    await expect(dialog.getByRole('region', { name: /PDF-Seite/ })).toHaveAttribute('aria-busy', 'false', {
      timeout: 30_000,
    });
    await doctor.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
  });

  await test.step('an image appears inline with its thumbnail', async () => {
    await nurse
      .getByTestId('attach-input')
      .setInputFiles({ name: 'Wunde-Zimmer-12.png', mimeType: 'image/png', buffer: await woundPhoto(nurse) });
    // An image waits in the tray with redaction offered first; this one is sent as it is.
    await expect(nurse.getByTestId('attach-tray').getByTestId('tray-send')).toHaveText('Ohne Schwärzung senden');
    await nurse.getByTestId('attach-tray').getByTestId('tray-send').click();
    const photo = item(doctor, 'file', 'Bernd Pflege');
    const thumbnail = doctor.getByTestId('timeline-thumbnail');
    await expect(thumbnail).toBeVisible({ timeout: 30_000 });
    await expect(thumbnail).toHaveAttribute('alt', 'Vorschaubild von Wunde-Zimmer-12.png');
    const size = await thumbnail.evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      return [img.naturalWidth, img.naturalHeight];
    });
    // The thumbnail the sender drew (at most 320 px), not the full photo.
    expect(size).toEqual([320, 240]);
    await expect(photo.first()).toBeVisible();
    await doctor.getByTestId('timeline-image').click();
    await expect(doctor.getByTestId('preview-image')).toBeVisible({ timeout: 20_000 });
    await doctor.keyboard.press('Escape');
  });

  await test.step('a poll appears inline; both vote from the timeline and the results agree', async () => {
    await invoke(doctor, 'polls.create', {
      channelId: channelId!,
      question: 'Entlassung heute Nachmittag?',
      options: ['Ja', 'Nein', 'Morgen früh'],
      multipleChoice: false,
      deadline: null,
      hideVoters: false,
    });
    const nursePoll = item(nurse, 'poll', 'Entlassung heute Nachmittag?').getByTestId('poll');
    const doctorPoll = item(doctor, 'poll', 'Entlassung heute Nachmittag?').getByTestId('poll');
    await expect(nursePoll).toBeVisible({ timeout: 30_000 });
    await expect(doctorPoll).toBeVisible({ timeout: 30_000 });
    await nursePoll.getByLabel('Ja', { exact: true }).check();
    await nursePoll.getByRole('button', { name: 'Abstimmen' }).click();
    await doctorPoll.getByLabel('Morgen früh', { exact: true }).check();
    await doctorPoll.getByRole('button', { name: 'Abstimmen' }).click();
    for (const poll of [doctorPoll, nursePoll]) {
      await expect(poll.getByTestId('poll-state')).toContainText('2 Personen haben abgestimmt', { timeout: 20_000 });
      await expect(poll.getByTestId('poll-count')).toHaveText(['1 Stimme', '0 Stimmen', '1 Stimme']);
    }
  });

  await test.step('an appointment appears inline; the answer from the timeline reaches the sender', async () => {
    const start = Date.now() + 2 * 3_600_000;
    await invoke(doctor, 'calendar.put', {
      channelId: channelId!,
      title: 'Entlassgespräch Herr Meier',
      start,
      end: start + 1_800_000,
      allDay: false,
      attendeeUserIds: (await invoke(doctor, 'directory.users', {}))
        .filter((u) => u.displayName === 'Bernd Pflege')
        .map((u) => u.userId),
    });
    const atNurse = item(nurse, 'calendar', 'Entlassgespräch Herr Meier');
    await expect(atNurse).toBeVisible({ timeout: 30_000 });
    await atNurse.getByRole('button', { name: 'Zusagen' }).click();
    await expect(atNurse.getByRole('button', { name: 'Zusagen' })).toHaveAttribute('aria-pressed', 'true', {
      timeout: 20_000,
    });
    const atDoctor = item(doctor, 'calendar', 'Entlassgespräch Herr Meier');
    await expect(atDoctor.getByTestId('attendee').filter({ hasText: 'Bernd Pflege' })).toHaveAttribute(
      'data-rsvp',
      'yes',
      { timeout: 30_000 },
    );
  });

  await test.step('screenshots of the timeline with each item type, light and high contrast; axe', async () => {
    await doctor.getByTestId('message-list').evaluate((list) => list.parentElement!.scrollTo(0, 0));
    await look(doctor, testInfo, 'timeline-01-files', 'timeline with files');
    await doctor.getByTestId('timeline-calendar').scrollIntoViewIfNeeded();
    await look(doctor, testInfo, 'timeline-02-poll-appointment', 'timeline with poll and appointment');
    await doctor.emulateMedia({ contrast: 'more' });
    await expect(doctor.locator('html')).toHaveAttribute('data-theme', 'contrast');
    await look(doctor, testInfo, 'timeline-03-contrast', 'timeline, high contrast');
    await doctor.getByTestId('message-list').evaluate((list) => list.parentElement!.scrollTo(0, 0));
    await look(doctor, testInfo, 'timeline-04-contrast-files', 'timeline with files, high contrast');
    await doctor.emulateMedia({ contrast: 'no-preference' });
  });

  await test.step('a file item is found by its name in search and the hit jumps to it', async () => {
    await doctor.keyboard.press('Control+f');
    const search = doctor.getByLabel('Suchbegriff');
    await search.fill('Entlassbrief');
    const hit = doctor.getByTestId('search-hit').filter({ hasText: 'Entlassbrief-Meier.pdf' });
    await expect(hit).toBeVisible({ timeout: 20_000 });
    await hit.click();
    const card = item(doctor, 'file', 'Entlassbrief-Meier.pdf');
    await expect(card).toBeInViewport({ timeout: 20_000 });
    await expect(card).toBeFocused();
  });

  await test.step('a poll is found by its question, an appointment by its title; each hit jumps to its item', async () => {
    const find = async (text: string, kind: 'Umfrage' | 'Termin', shown: string) => {
      await doctor.keyboard.press('Control+f');
      await doctor.getByLabel('Suchbegriff').fill(text);
      const hit = doctor
        .getByTestId('search-hit')
        .filter({ has: doctor.getByTestId('search-hit-kind').getByText(kind, { exact: true }) })
        .filter({ hasText: shown });
      await expect(hit).toHaveCount(1, { timeout: 20_000 });
      return hit;
    };
    await doctor.getByTestId('message-list').evaluate((list) => list.parentElement!.scrollTo(0, 0));
    const pollHit = await find('Nachmittag', 'Umfrage', 'Entlassung heute Nachmittag?');
    await expect(pollHit.locator('mark')).toHaveText('Nachmittag');
    await shot(doctor, testInfo, 'timeline-05-search-poll');
    await pollHit.click();
    const poll = item(doctor, 'poll', 'Entlassung heute Nachmittag?');
    await expect(poll).toBeInViewport({ timeout: 20_000 });
    await expect(poll).toBeFocused();

    await doctor.getByTestId('message-list').evaluate((list) => list.parentElement!.scrollTo(0, 0));
    const appointmentHit = await find('Entlassgespräch', 'Termin', 'Entlassgespräch Herr Meier');
    await appointmentHit.click();
    const appointment = item(doctor, 'calendar', 'Entlassgespräch Herr Meier');
    await expect(appointment).toBeInViewport({ timeout: 20_000 });
    await expect(appointment).toBeFocused();
  });

  await test.step('members added or leaving are one quiet line each, on both workstations', async () => {
    const clara = await invoke(doctor, 'admin.addUser', { displayName: 'Clara Arzt', role: 'member', ward: null });
    const members = (await invoke(doctor, 'directory.users', {}))
      .filter((u) => u.displayName === 'Anna Admin' || u.displayName === 'Bernd Pflege')
      .map((u) => u.userId);
    await invoke(doctor, 'channels.setMembers', { channelId: channelId!, memberUserIds: [...members, clara.userId] });
    const added = (page: Page) =>
      page.getByTestId('timeline-members').filter({ hasText: 'Anna Admin hat Clara Arzt hinzugefügt.' });
    await expect(added(doctor)).toBeVisible({ timeout: 30_000 });
    await expect(added(nurse)).toBeVisible({ timeout: 30_000 });
    // Where it happened: after everything shared before it, on both workstations.
    for (const page of [doctor, nurse]) {
      const after = await added(page).evaluate((line) => {
        const appointment = [...document.querySelectorAll('[data-testid="timeline-item"][data-kind="calendar"]')].at(
          -1,
        );
        return (
          appointment !== undefined && !!(appointment.compareDocumentPosition(line) & Node.DOCUMENT_POSITION_FOLLOWING)
        );
      });
      expect(after).toBe(true);
    }
    await added(doctor).scrollIntoViewIfNeeded();
    await look(doctor, testInfo, 'timeline-06-member-line', 'timeline with a member line');

    await invoke(nurse, 'channels.leave', { channelId: channelId! });
    await expect(
      doctor.getByTestId('timeline-members').filter({ hasText: 'Bernd Pflege hat den Kanal verlassen.' }),
    ).toBeVisible({ timeout: 30_000 });
  });
});
