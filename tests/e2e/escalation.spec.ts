// An urgent message to a role that nobody acknowledges, on two workstations against a real relay
// process (issue 20 item 4): the admin gives "Dienstarzt Station 3B" an escalation (alert again
// after a minute, then on to "Oberarzt Station 3B") in "Dienste"; the nurse holds both duties.
// The admin's urgent message to the Dienstarzt is not acknowledged; after the relay's deadline the
// sender's acknowledgement details list the forwarding step, and the nurse's "Dienste" shows the
// escalated message with "Bestätigen". The shortest policy (one minute) stands in for the relay's
// clock: the waits are for conditions, with room for the minute. Screenshots in German at 1366x768.
import { test, expect } from './fixtures.ts';
import { expectAccessible, shot, twoStaff } from './steps.ts';

test('the sender sees the escalation step of an urgent message nobody acknowledged', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(300_000);
  const { admin, nurse } = await twoStaff(clinic, openWorkstation);

  await admin.getByRole('button', { name: 'Dienste', exact: true }).click();
  const form = admin.getByTestId('role-form');
  for (const name of ['Dienstarzt Station 3B', 'Oberarzt Station 3B']) {
    await form.getByLabel('Name der Rolle').fill(name);
    await form.getByLabel('Bereich (Abteilung)').fill('Station 3B');
    await form.getByLabel('Dürfen übernehmen: alle aus den Bereichen').fill('Station 3B');
    await form.getByRole('button', { name: 'Rolle anlegen' }).click();
    await expect(admin.getByTestId('role').filter({ hasText: name })).toBeVisible({ timeout: 15_000 });
  }

  await nurse.getByRole('button', { name: 'Dienste', exact: true }).click();
  for (const name of ['Dienstarzt Station 3B', 'Oberarzt Station 3B']) {
    const take = nurse.getByRole('button', { name: `Dienst übernehmen: „${name}“` });
    await expect(take).toBeVisible({ timeout: 30_000 });
    await take.click();
    await expect(nurse.getByRole('button', { name: `Dienst abgeben: „${name}“` })).toBeVisible({ timeout: 15_000 });
  }
  for (const name of ['Dienstarzt Station 3B', 'Oberarzt Station 3B'])
    await expect(admin.getByTestId('role').filter({ hasText: name }).getByTestId('role-holders')).toContainText(
      'Bernd Pflege',
      { timeout: 30_000 },
    );

  // The escalation, by keyboard: role, minutes, the first step of the chain.
  const escalation = admin.getByTestId('role-escalation-form');
  await escalation.getByRole('combobox', { name: /^Dienst/ }).selectOption({ label: 'Dienstarzt Station 3B' });
  await escalation.getByLabel(/^Erneut alarmieren/).fill('1');
  await escalation.getByLabel(/^Weiterleiten nach/).fill('1');
  await escalation.getByRole('combobox', { name: /^Stufe 1/ }).selectOption({ label: 'Oberarzt Station 3B' });
  await escalation.getByRole('button', { name: 'Eskalation speichern' }).focus();
  await admin.keyboard.press('Enter');
  await expect(escalation.getByRole('button', { name: 'Eskalation entfernen' })).toBeVisible({ timeout: 15_000 });
  await escalation.scrollIntoViewIfNeeded();
  await shot(admin, testInfo, 'escalation-settings');
  await expectAccessible(admin, 'escalation settings');

  await admin.getByRole('button', { name: 'Nachricht an den Dienst „Dienstarzt Station 3B“' }).click();
  await expect(admin.getByTestId('channel-name')).toHaveText('Dienstarzt Station 3B', { timeout: 15_000 });
  await admin.getByLabel('Dringend (Bestätigung anfordern)').check();
  const composer = admin.getByRole('textbox', { name: /^Nachricht an .*Dienstarzt Station 3B/ });
  await composer.fill('Zimmer 7: Patient krampft, bitte sofort kommen');
  await composer.press('Enter');
  const urgent = admin.getByTestId('message').filter({ hasText: 'Zimmer 7' });
  await expect(urgent).toBeVisible({ timeout: 15_000 });

  // After the deadline the relay releases the step; the sender's details name it.
  const summary = urgent.getByTestId('ack-summary');
  await expect(async () => {
    await admin.keyboard.press('Escape');
    await summary.click();
    await expect(urgent.getByTestId('escalation-lines')).toContainText(
      /\d\d:\d\d an Oberarzt Station 3B weitergeleitet, noch nicht bestätigt/,
      { timeout: 3_000 },
    );
  }).toPass({ timeout: 150_000, intervals: [2_000] });
  await shot(admin, testInfo, 'escalation-sender-details');
  await expectAccessible(admin, 'escalation details');

  // The nurse, on the Oberarzt duty (still in "Dienste", read again each half minute): the escalated message.
  const escalated = nurse.getByTestId('escalated-list');
  await expect(escalated).toContainText('Eskaliert von Dienstarzt Station 3B – nicht bestätigt seit 1 Min.', {
    timeout: 90_000,
  });
  await expect(escalated).toContainText('Zimmer 7: Patient krampft, bitte sofort kommen');
  await shot(nurse, testInfo, 'escalation-received');
  // The holder's "Dienste" with the escalated message and the duty buttons (their names hold their visible text).
  await expectAccessible(nurse, 'escalation received');
  await escalated.getByRole('button', { name: /^Bestätigen: Eskaliert von Dienstarzt Station 3B/ }).click();
  await expect(escalated).toContainText('bestätigt', { timeout: 15_000 });
});
