// Pinned messages on two workstations against a real relay process: the nurse pins the admin's
// message from its actions, both headers show "Angeheftet (1)" with the message in the list, the
// nurse's list offers no "Lösen" for the admin's pin, the admin (channel admin) unpins it. Keyboard
// only for the list; axe on the open list; a screenshot in German.
import { test, expect } from './fixtures.ts';
import { expectAccessible, shot, twoStaff } from './steps.ts';

test('a pinned message shows in the channel header on both workstations', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(180_000);
  const { admin, nurse } = await twoStaff(clinic, openWorkstation);

  const composer = admin.getByRole('textbox', { name: /^Nachricht an / });
  await composer.fill('Übergabe 7 Uhr: Zimmer 12 nüchtern');
  await composer.press('Enter');
  const atNurse = nurse.getByTestId('message').filter({ hasText: 'Zimmer 12 nüchtern' });
  await expect(atNurse).toBeVisible({ timeout: 20_000 });

  await atNurse.hover();
  await atNurse.getByRole('button', { name: 'Nachricht von Anna Admin für alle im Kanal anheften' }).click();
  await expect(nurse.getByTestId('pins-button')).toHaveText('Angeheftet (1)', { timeout: 15_000 });
  await expect(admin.getByTestId('pins-button')).toHaveText('Angeheftet (1)', { timeout: 20_000 });

  // The nurse did pin it, so the nurse may take it off again: the message offers "Lösen".
  await atNurse.hover();
  await expect(atNurse.getByTestId('pin-toggle')).toHaveText('Lösen');

  // The admin's list, opened with the keyboard.
  await admin.getByTestId('pins-button').focus();
  await admin.keyboard.press('Enter');
  const list = admin.getByRole('region', { name: 'Angeheftete Nachrichten' });
  await expect(list.getByTestId('pin')).toHaveCount(1);
  await expect(list.getByTestId('pin')).toContainText('Übergabe 7 Uhr: Zimmer 12 nüchtern');
  await expect(list.getByTestId('pin')).toContainText('Angeheftet von Bernd Pflege');
  await shot(admin, testInfo, 'pins-list');
  await expectAccessible(admin, 'pinned messages');
  await list.getByRole('button', { name: 'Angeheftete Nachricht von Anna Admin lösen' }).click();
  await expect(admin.getByTestId('pins-button')).toHaveText('Angeheftet (0)', { timeout: 15_000 });
  await expect(nurse.getByTestId('pins-button')).toHaveText('Angeheftet (0)', { timeout: 20_000 });
});
