// A broadcast alert with the dashboard, on two workstations against a real relay process: the
// admin defines the template "Reanimation – Zimmer {Zimmer}" for Station 3B, sends an alert from
// it (an empty field is named in German first), the nurse's workstation shows it above everything
// until she acknowledges it with the keyboard, and the admin's dashboard turns from "0 von 1" to
// "1 von 1 bestätigt" with her name and time as the acknowledgement arrives. Then the nurse sends
// the template from the composer's "Vorlage" into the open channel as an urgent message. Axe on
// the panel, the banner and the dialog; screenshots in German at 1366x768.
import { test, expect } from './fixtures.ts';
import { expectAccessible, shot, twoStaff } from './steps.ts';

test('a broadcast alert with the dashboard', async ({ clinic, openWorkstation }, testInfo) => {
  test.setTimeout(180_000);
  const { admin, nurse } = await twoStaff(clinic, openWorkstation);

  await admin.getByRole('button', { name: 'Alarme', exact: true }).click();
  const define = admin.getByTestId('template-define');
  await define.getByLabel('Name').fill('Reanimation');
  await define.getByLabel('Text').fill('Reanimation – Zimmer {Zimmer');
  await expect(define).toContainText('Klammer ohne Gegenstück');
  await define.getByLabel('Text').fill('Reanimation – Zimmer {Zimmer}');
  await expect(define).toContainText('Felder: Zimmer');
  await define.getByLabel('Gehört zu').selectOption({ label: 'Station 3B' });
  await define.getByLabel('Senden an').selectOption({ label: 'Station 3B' });
  await define.getByRole('button', { name: 'Vorlage speichern' }).click();
  await expect(admin.getByTestId('template').filter({ hasText: 'Reanimation' })).toBeVisible({ timeout: 15_000 });

  const send = admin.getByTestId('alert-send');
  await send.getByLabel('Vorlage').selectOption({ label: 'Reanimation' });
  await expect(send.getByLabel('An')).toHaveValue('dept:Station 3B');
  await send.getByRole('button', { name: 'Alarm senden' }).click();
  await expect(send.getByLabel('Zimmer')).toBeFocused();
  await expect(send).toContainText('Bitte füllen Sie „Zimmer“ aus.');
  await send.getByLabel('Zimmer').fill('12');
  await expect(send.getByTestId('alert-preview')).toHaveText('Reanimation – Zimmer 12');
  await shot(admin, testInfo, 'alerts-send-form');
  await send.getByLabel('Zimmer').press('Enter');
  const dashboard = admin.getByTestId('alert-dashboard').filter({ hasText: 'Reanimation – Zimmer 12' });
  await expect(dashboard.getByTestId('alert-count')).toHaveText('0 von 1 bestätigt', { timeout: 15_000 });
  await expect(dashboard.getByTestId('alert-pending')).toHaveText('Bernd Pflege');

  // The nurse: the alert stays on top, whatever she has open, until she acknowledges it.
  const alert = nurse.getByTestId('alert').filter({ hasText: 'Reanimation – Zimmer 12' });
  await expect(alert).toBeVisible({ timeout: 30_000 });
  await expect(alert).toContainText('Alarm von Anna Admin');
  await shot(nurse, testInfo, 'alerts-banner');
  await expectAccessible(nurse, 'alert banner');
  const ack = nurse.getByRole('button', {
    name: 'Gesehen: Alarm von Anna Admin bestätigen – Reanimation – Zimmer 12',
  });
  await ack.focus();
  await nurse.keyboard.press('Enter');
  await expect(alert).toHaveCount(0, { timeout: 15_000 });

  // The sender's dashboard follows the acknowledgement as it arrives.
  await expect(dashboard.getByTestId('alert-count')).toHaveText('1 von 1 bestätigt', { timeout: 30_000 });
  await expect(dashboard.getByTestId('alert-acknowledged')).toContainText(/Bernd Pflege, \d\d:\d\d/);
  await expect(dashboard).toContainText('Alle haben bestätigt.');
  await dashboard.scrollIntoViewIfNeeded();
  await shot(admin, testInfo, 'alerts-dashboard');
  await expectAccessible(admin, 'alerts panel');

  // A template from the composer: into the open channel, as an urgent message.
  await nurse.getByTestId('template-button').click();
  const dialog = nurse.getByRole('dialog', { name: 'Dringende Nachricht aus Vorlage' });
  await expect(dialog.getByLabel('Zimmer')).toBeVisible({ timeout: 15_000 });
  // A nurse may not alert Station 3B: the template's own target is not offered, and the dialog says why.
  await expect(dialog.getByRole('radio')).toHaveCount(1);
  await expect(dialog.getByTestId('template-target-not-permitted')).toContainText('nur wer Alarme senden darf');
  await dialog.getByRole('button', { name: 'Dringend senden' }).click();
  await expect(dialog).toContainText('Bitte füllen Sie „Zimmer“ aus.');
  await dialog.getByLabel('Zimmer').fill('7');
  await expect(dialog.getByTestId('template-preview')).toHaveText('Reanimation – Zimmer 7');
  await shot(nurse, testInfo, 'alerts-template-dialog');
  await expectAccessible(nurse, 'template dialog');
  await dialog.getByRole('button', { name: 'Dringend senden' }).click();
  await expect(dialog).toHaveCount(0, { timeout: 15_000 });
  await expect(nurse.getByTestId('message').filter({ hasText: 'Reanimation – Zimmer 7' })).toBeVisible({
    timeout: 15_000,
  });
});
