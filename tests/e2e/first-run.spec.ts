// First run and messaging on two workstations against a real relay process: the first admin
// creates the organisation, adds a user and prints a registration key; the user joins with it on
// another PC; both exchange messages (mention, reply, edit, delete, urgent with acknowledgement),
// an HTML message renders inert, a message sent offline goes out on reconnect, search finds an
// umlaut word. Screenshots of every screen at 1366x768; axe on each. A second test: after a
// search jump, new messages are marked read once the reader is at the newest message, not before.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import {
  ADMIN_PASS,
  createOrganisation,
  expectAccessible,
  invoke,
  joinWithKey,
  NURSE_PASS,
  setPin,
  shot,
} from './steps.ts';

/**
 * At 1366 px the top bar shows the channel switcher's words, not clipped; on a narrower window
 * only its shortcut, with the same accessible name.
 */
async function expectSwitcherLabel(page: Page): Promise<void> {
  const switcher = page.getByRole('button', { name: /^Kanal wechseln/ });
  const label = switcher.getByText('Kanal wechseln', { exact: true });
  const clipped = () =>
    label.evaluate((el) => el.scrollWidth > el.clientWidth || el.getBoundingClientRect().width < 20);
  expect(await clipped()).toBe(false);
  await page.setViewportSize({ width: 1200, height: 768 });
  await expect.poll(clipped).toBe(true);
  await expect(switcher).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1200);
  await page.setViewportSize({ width: 1366, height: 768 });
  await expect.poll(clipped).toBe(false);
}

test('first run, registration key, and messaging between two workstations', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(180_000);
  const { page: admin } = await openWorkstation('Stationsrechner 1');
  await expect(admin.getByRole('button', { name: 'Organisation anlegen' }).first()).toBeVisible();
  await shot(admin, testInfo, '01-first-run');
  // The first admin has no registration letter: the server address hint does not point to one.
  await admin.getByRole('button', { name: 'Organisation anlegen' }).first().click();
  await expect(
    admin.getByText('Die Adresse des Klinikfunk-Servers, den Ihre IT eingerichtet hat', { exact: false }),
  ).toBeVisible();
  await expect(admin.locator('form')).not.toContainText('Registrierungsbrief');
  await shot(admin, testInfo, '01b-create-org');
  await expectAccessible(admin, 'first run');

  await createOrganisation(admin, clinic);
  await expect(admin.getByLabel('Neue PIN')).toBeVisible({ timeout: 20_000 });
  await shot(admin, testInfo, '02-set-pin');
  await expectAccessible(admin, 'set PIN');
  await setPin(admin);
  await expect(admin.getByRole('button', { name: 'Neuer Kanal' }).first()).toBeVisible();
  await expect(admin.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
  await shot(admin, testInfo, '03-main-empty');
  await expectAccessible(admin, 'main view');
  await expectSwitcherLabel(admin);

  // Administration: add a user, the registration letter shows the key once.
  await admin.getByRole('button', { name: 'Verwaltung' }).click();
  await admin.getByLabel('Name', { exact: true }).fill('Bernd Pflege');
  await admin.getByLabel('Station oder Bereich (optional)').fill('Station 3B');
  await admin.getByRole('button', { name: 'Hinzufügen und Schlüssel erstellen' }).click();
  await expect(admin.getByText('Ihr Zugang zu Klinikfunk').first()).toBeVisible({ timeout: 15_000 });
  await shot(admin, testInfo, '04-registration-letter');
  await expectAccessible(admin, 'registration letter');
  const letterText = (await admin.locator('body').innerText()).replace(/\s+/g, ' ');
  const key = /([0-9A-Z]{4}-){7}[0-9A-Z]{4}/.exec(letterText)?.[0];
  expect(key).toBeDefined();
  await admin.getByRole('button', { name: 'Fertig – Schlüssel ausblenden' }).click();
  await expect(admin.getByText(key!)).toHaveCount(0);

  // Second workstation joins; a typo in the key is caught before anything is sent.
  const { page: nurse, workstation: nurseWs } = await openWorkstation('Stationsrechner 2');
  await nurse.getByRole('button', { name: 'Mit Registrierungsschlüssel beitreten' }).first().click();
  const typo = key!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
  await nurse.getByLabel('Registrierungsschlüssel').fill(typo);
  await nurse.getByLabel('Serveradresse').fill(clinic.url);
  await nurse.getByLabel('Passphrase', { exact: true }).fill(NURSE_PASS);
  await nurse.getByLabel('Passphrase wiederholen').fill(NURSE_PASS);
  await nurse.getByRole('button', { name: 'Beitreten', exact: true }).click();
  await expect(nurse.getByTestId('key-problem')).toBeVisible();
  await shot(nurse, testInfo, '05-join-typo');
  await expectAccessible(nurse, 'join');
  await nurse.getByLabel('Registrierungsschlüssel').fill(key!.toLowerCase());
  await nurse.getByRole('button', { name: 'Beitreten', exact: true }).click();
  await setPin(nurse, '739184');
  await expect(nurse.getByText('Bernd Pflege').first()).toBeVisible({ timeout: 20_000 });

  // Admin creates a channel with the nurse.
  await admin.getByRole('button', { name: 'Neuer Kanal' }).first().click();
  await admin.getByRole('dialog').getByLabel('Name', { exact: true }).fill('Station 3B');
  await admin.getByLabel('Thema (optional)').fill('Übergaben und Dienstplan');
  await admin.getByRole('checkbox', { name: /Bernd Pflege/ }).check();
  await shot(admin, testInfo, '06-new-channel');
  await expectAccessible(admin, 'new channel');
  await admin.getByRole('button', { name: 'Anlegen', exact: true }).click();
  // The new channel opens at once; its composer names it (never the org-wide one).
  const adminComposer = admin.getByRole('textbox', { name: 'Nachricht an #Station 3B', exact: true });
  await expect(adminComposer).toBeVisible();

  // A mention, picked from the directory.
  await adminComposer.fill('Übergabe um 14 Uhr, @Bern');
  await admin.getByTestId('mention-list').getByText('Bernd Pflege').click();
  await adminComposer.press('End');
  await adminComposer.pressSequentially(' bitte Zimmer 12');
  await adminComposer.press('Enter');
  await expect(admin.getByTestId('message').filter({ hasText: 'Übergabe um 14 Uhr' })).toBeVisible();

  // The nurse sees the channel with a mention badge and the message.
  const nurseEntry = nurse.getByTestId('channel-entry').filter({ hasText: 'Station 3B' });
  await expect(nurseEntry).toBeVisible({ timeout: 20_000 });
  await expect(nurseEntry.getByTestId('mention-badge')).toBeVisible({ timeout: 20_000 });
  await shot(nurse, testInfo, '07-sidebar-mention');
  await nurseEntry.click();
  const handover = nurse.getByTestId('message').filter({ hasText: 'Übergabe um 14 Uhr' });
  await expect(handover).toBeVisible();
  await expect(handover.getByTestId('mention')).toBeVisible();

  // Reply from the nurse; an HTML/script message renders as text.
  await handover.hover();
  await handover.getByRole('button', { name: 'Antworten' }).click();
  const nurseComposer = nurse.getByRole('textbox', { name: 'Nachricht an #Station 3B', exact: true });
  await nurseComposer.fill('Verstanden, ich übernehme');
  await nurseComposer.press('Enter');
  await nurseComposer.fill('<script>window.__pwned = 1</script><b>fett?</b> <img src=x onerror="window.__pwned=2">');
  await nurseComposer.press('Enter');
  const reply = admin.getByTestId('message').filter({ hasText: 'Verstanden, ich übernehme' });
  await expect(reply).toBeVisible({ timeout: 20_000 });
  await expect(reply).toContainText('Übergabe um 14 Uhr');
  const inert = admin.getByTestId('message').filter({ hasText: '<script>window.__pwned = 1</script>' });
  await expect(inert).toBeVisible({ timeout: 20_000 });
  expect(await inert.locator('script, img, b').count()).toBe(0);
  expect(await admin.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await shot(admin, testInfo, '08-channel-conversation');
  await expectAccessible(admin, 'channel view');

  // Edit and delete for everyone.
  const own = admin.locator('[data-testid="message"][data-own="true"]').filter({ hasText: 'Übergabe um 14 Uhr' });
  await own.hover();
  await own.getByRole('button', { name: 'Bearbeiten' }).click();
  const editor = admin.getByRole('textbox', { name: 'Nachricht bearbeiten' });
  await editor.fill('Übergabe um 15 Uhr, Zimmer 12');
  await editor.press('Enter');
  await expect(
    nurse.locator('[data-testid="message"][data-own="false"]').filter({ hasText: 'Übergabe um 15 Uhr' }).first(),
  ).toBeVisible({ timeout: 20_000 });
  const edited = admin.locator('[data-testid="message"][data-own="true"]').filter({ hasText: 'Übergabe um 15 Uhr' });
  await edited.hover();
  await edited.getByRole('button', { name: 'Löschen' }).click();
  await admin.getByRole('button', { name: 'Für alle löschen' }).click();
  await expect(nurse.getByText('Diese Nachricht wurde gelöscht').first()).toBeVisible({ timeout: 20_000 });
  await expect(nurse.getByText('Übergabe um 15 Uhr')).toHaveCount(0);

  // Urgent message: the nurse acknowledges, the admin sees who did.
  await admin.getByLabel('Dringend (Bestätigung anfordern)').check();
  await adminComposer.fill('Notfall Zimmer 7, bitte sofort bestätigen');
  await adminComposer.press('Enter');
  const urgent = nurse.getByTestId('message').filter({ hasText: 'Notfall Zimmer 7' });
  await expect(urgent).toBeVisible({ timeout: 20_000 });
  await expect(urgent.getByText('Dringend – bitte bestätigen')).toBeVisible();
  await shot(nurse, testInfo, '09-urgent-recipient');
  await urgent.getByRole('button', { name: 'Bestätigen' }).click();
  const summary = admin.getByTestId('message').filter({ hasText: 'Notfall Zimmer 7' }).getByTestId('ack-summary');
  await expect(summary).toHaveText(/1 von 1 bestätigt/, { timeout: 20_000 });
  // Acknowledged: what the nurse confirmed stays as she read it; no "Bearbeiten" (deleting still works).
  const sentUrgent = admin.getByTestId('message').filter({ hasText: 'Notfall Zimmer 7' });
  // The actions beyond "Antworten" are built when the pointer or the focus comes to the message.
  await sentUrgent.hover();
  await expect(sentUrgent.getByRole('button', { name: 'Löschen' })).toBeVisible();
  await expect(sentUrgent.getByRole('button', { name: 'Bearbeiten' })).toHaveCount(0);
  await expect(sentUrgent.getByRole('button', { name: 'Löschen' })).toHaveCount(1);
  await summary.click();
  await expect(admin.getByTestId('ack-acked')).toContainText('Bernd Pflege');
  await shot(admin, testInfo, '10-urgent-sender');
  await expectAccessible(admin, 'acknowledgements');

  // Offline: the relay goes away, a message is queued and shown as sending, delivered on reconnect.
  await clinic.relay.stop();
  await expect(nurse.getByTestId('connection-status')).not.toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  await nurseComposer.fill('Nachricht im Funkloch geschrieben');
  await nurseComposer.press('Enter');
  const queued = nurse.getByTestId('message').filter({ hasText: 'Nachricht im Funkloch' });
  await expect(queued).toContainText('Wird gesendet');
  await expect(nurse.getByTestId('pending-sends')).toBeVisible();
  await shot(nurse, testInfo, '11-offline-queued');
  // The queued-send notice in the top bar never makes the page wider than a 1366 px ward PC screen.
  expect(await nurse.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
  await expectSwitcherLabel(nurse);
  await clinic.relay.restart();
  await expect(admin.getByTestId('message').filter({ hasText: 'Nachricht im Funkloch' })).toBeVisible({
    timeout: 30_000,
  });
  await expect(queued).not.toContainText('Wird gesendet', { timeout: 20_000 });
  // The top bar's count follows the outbox down to zero, not only up.
  await expect(nurse.getByTestId('pending-sends')).toHaveCount(0);

  // Search finds an umlaut word typed without the umlaut and jumps into context.
  await adminComposer.fill('Übergabeprotokoll liegt im Stationszimmer');
  await adminComposer.press('Enter');
  await nurse.keyboard.press('Control+f');
  const search = nurse.getByLabel('Suchbegriff');
  await search.fill('Ubergabeprot');
  await search.press('Enter');
  const hit = nurse.getByRole('dialog').getByText('Übergabeprotokoll', { exact: false }).first();
  await expect(hit).toBeVisible({ timeout: 20_000 });
  await expect(nurse.getByRole('dialog').locator('mark').first()).toBeVisible();
  await shot(nurse, testInfo, '12-search');
  await expectAccessible(nurse, 'search');
  await hit.click();
  await expect(nurse.getByTestId('message').filter({ hasText: 'Übergabeprotokoll' })).toBeVisible();

  // Read receipts, once the organisation turns them on: the admin sees that the nurse has read.
  await admin.evaluate(() =>
    (window as unknown as { klinikfunk: { invoke(m: string, i: unknown): Promise<unknown> } }).klinikfunk.invoke(
      'admin.setOrgSettings',
      {
        retentionDays: 0,
        readReceipts: true,
        notificationContent: 'sender',
        historyForNewMembers: false,
      },
    ),
  );
  // The nurse's window is in front (a hidden window marks nothing read) and, after the search
  // jump to the newest message, at the end of the channel: new messages are read there at once.
  await nurse.bringToFront();
  await expect(async () => {
    await adminComposer.fill('Bitte Dienstplan prüfen');
    await adminComposer.press('Enter');
    const own = admin
      .locator('[data-testid="message"][data-own="true"]')
      .filter({ hasText: 'Bitte Dienstplan prüfen' })
      .last();
    await expect(own.getByTestId('read-summary')).toHaveText(/Gelesen von 1 von 1/, { timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
  await admin.getByTestId('read-summary').last().click();
  await expect(admin.getByTestId('readers-read').last()).toContainText('Bernd Pflege');
  await shot(admin, testInfo, '12b-read-receipts');
  await expectAccessible(admin, 'read receipts');

  // Ctrl+C on selected message text goes through the core's clipboard guard.
  await nurse.bringToFront();
  await nurse.getByTestId('message').filter({ hasText: 'Übergabeprotokoll' }).getByTestId('message-body').selectText();
  await nurse.keyboard.press('Control+c');
  await expect.poll(() => nurseWs.platform.clipboard.text).toContain('Übergabeprotokoll liegt im Stationszimmer');

  // Lock: no message text stays in the DOM (nor on the clipboard); the PIN unlocks.
  await nurse.keyboard.press('Control+l');
  await expect(nurse.getByText('Klinikfunk ist gesperrt')).toBeVisible();
  const html = await nurse.content();
  for (const text of ['Übergabeprotokoll', 'Notfall Zimmer 7', 'Verstanden, ich übernehme', 'Station 3B'])
    expect(html).not.toContain(text);
  await expect.poll(() => nurseWs.platform.clipboard.text).toBe('');
  await shot(nurse, testInfo, '13-lock-screen');
  await expectAccessible(nurse, 'lock screen');
  await nurse.getByLabel(/PIN für/).fill('739184');
  await nurse.getByRole('button', { name: 'Entsperren' }).click();
  await expect(nurse.getByTestId('channel-entry').filter({ hasText: 'Station 3B' })).toBeVisible();
  expect(ADMIN_PASS).not.toBe(NURSE_PASS);
});

test('after a search jump, new messages are marked read at the newest message, not while reading history', async ({
  clinic,
  openWorkstation,
}) => {
  test.setTimeout(180_000);
  const { page: admin } = await openWorkstation('Stationsrechner 1');
  await createOrganisation(admin, clinic);
  await setPin(admin);
  await expect(admin.getByRole('button', { name: 'Neuer Kanal' }).first()).toBeVisible();
  const { userId } = await invoke(admin, 'admin.addUser', { displayName: 'Bernd Pflege', role: 'member', ward: null });
  const letter = await invoke(admin, 'admin.createRegistrationKey', { userId });
  const { page: nurse } = await openWorkstation('Stationsrechner 2');
  await joinWithKey(nurse, clinic.url, letter.registrationKey, NURSE_PASS, '739184');
  await expect
    .poll(async () => (await invoke(admin, 'admin.deviceList', {})).filter((d) => !d.own).length, { timeout: 20_000 })
    .toBe(1);
  const { channelId } = await invoke(admin, 'channels.create', {
    kind: 'channel',
    name: 'Station 3B',
    memberUserIds: [userId],
  });
  // Two pages and more of history, an old message to find among them.
  for (let i = 1; i <= 80; i++) {
    const body = i === 3 ? 'Kaliumwert von Bett 4 liegt vor' : `Verlauf Nummer ${i}`;
    await invoke(admin, 'messages.send', { channelId, body });
  }
  const unread = async () =>
    (await invoke(nurse, 'channels.list', {})).find((c) => c.channelId === channelId)?.unreadCount;
  await expect.poll(unread, { timeout: 30_000 }).toBe(80);
  await nurse.getByTestId('channel-entry').filter({ hasText: 'Station 3B' }).click();
  await expect.poll(unread).toBe(0);
  // An own message written offline: while it waits it sorts after everything (a provisional key),
  // and the view at the end marks the channel read meanwhile.
  await clinic.relay.stop();
  await expect(nurse.getByTestId('connection-status')).not.toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  const composer = nurse.getByRole('textbox', { name: 'Nachricht an #Station 3B', exact: true });
  await composer.fill('Bin im Dienst');
  await composer.press('Enter');
  await expect(nurse.getByTestId('pending-sends')).toBeVisible();
  await nurse.waitForTimeout(500);
  await clinic.relay.restart();
  const newestAt = async (page: Page) => (await invoke(page, 'messages.page', { channelId, limit: 1 })).messages.at(-1);
  await expect.poll(async () => (await newestAt(admin))?.body, { timeout: 30_000 }).toBe('Bin im Dienst');

  const arrive = async (body: string) => {
    await invoke(admin, 'messages.send', { channelId, body });
    await expect.poll(async () => (await newestAt(nurse))?.body, { timeout: 20_000 }).toBe(body);
  };
  const jumpTo = async (text: string) => {
    await nurse.keyboard.press('Control+f');
    await nurse.getByLabel('Suchbegriff').fill(text);
    await nurse.getByLabel('Suchbegriff').press('Enter');
    await nurse.getByRole('dialog').getByText(text, { exact: false }).first().click();
    await expect(nurse.getByTestId('message').filter({ hasText: text })).toBeFocused();
  };

  // Jumped deep into the history: a new message stays unread.
  await jumpTo('Kaliumwert');
  await arrive('Neu: Zimmer 7 klingelt');
  await nurse.waitForTimeout(1_000);
  expect(await unread()).toBe(1);
  // Scrolled down to the newest message: read, and so is the next one arriving.
  const list = nurse.getByTestId('message-list');
  await expect(async () => {
    await list.hover();
    await nurse.mouse.wheel(0, 4_000);
    expect(await unread()).toBe(0);
  }).toPass({ timeout: 30_000 });
  await arrive('Neu: Visite verschoben');
  await expect.poll(unread).toBe(0);

  // Jumped to the newest message itself: at the end at once, new messages are read.
  await jumpTo('Visite verschoben');
  await arrive('Neu: Labor ruft an');
  await expect.poll(unread).toBe(0);
});
