// Quick reactions on two workstations against a real relay process: the nurse reacts to the
// admin's message from its actions ("Reagieren", one of the four fixed reactions) and sees it at
// once; the admin's workstation shows it with who gave it (on hover and in the button's label for
// screen readers); the admin adds the same reaction with the keyboard, and both show two. Axe on the
// open picker and on the reactions; a screenshot in German.
import { test, expect } from './fixtures.ts';
import { expectAccessible, shot, twoStaff } from './steps.ts';

test('a quick reaction shows on both workstations with who gave it', async ({ clinic, openWorkstation }, testInfo) => {
  test.setTimeout(180_000);
  const { admin, nurse } = await twoStaff(clinic, openWorkstation);

  const composer = admin.getByRole('textbox', { name: /^Nachricht an / });
  await composer.fill('Visite heute um 9 Uhr, bitte Zimmer 12 vorbereiten');
  await composer.press('Enter');
  const atNurse = nurse.getByTestId('message').filter({ hasText: 'Zimmer 12 vorbereiten' });
  await expect(atNurse).toBeVisible({ timeout: 20_000 });

  await atNurse.hover();
  await atNurse.getByRole('button', { name: 'Reagieren' }).click();
  const picker = atNurse.getByRole('group', { name: 'Reaktion wählen' });
  await expect(picker.getByRole('button')).toHaveCount(4);
  await shot(nurse, testInfo, 'reaction-picker');
  await expectAccessible(nurse, 'reaction picker');
  await picker.getByRole('button', { name: 'Mit Erledigt reagieren' }).click();
  // The own reaction shows at once, pressed.
  const ownChip = atNurse.getByTestId('reaction');
  await expect(ownChip).toHaveCount(1, { timeout: 10_000 });
  await expect(ownChip).toHaveAttribute('data-reaction', '✅');
  await expect(ownChip).toHaveAttribute('aria-pressed', 'true');

  const atAdmin = admin.getByTestId('message').filter({ hasText: 'Zimmer 12 vorbereiten' });
  const chip = atAdmin.getByTestId('reaction');
  await expect(chip).toHaveCount(1, { timeout: 20_000 });
  await expect(chip).toHaveAttribute('aria-pressed', 'false');
  await expect(chip).toHaveAttribute('title', 'Erledigt: 1 – Bernd Pflege');
  await expect(chip).toHaveAccessibleName('Erledigt: 1 – Bernd Pflege. Mit Erledigt reagieren');

  // The admin joins in with the keyboard.
  await chip.focus();
  await admin.keyboard.press('Enter');
  await expect(chip).toHaveAttribute('aria-pressed', 'true', { timeout: 10_000 });
  await expect(chip).toContainText('2');
  await expect(ownChip).toHaveAttribute('title', 'Erledigt: 2 – Bernd Pflege, Anna Admin', { timeout: 20_000 });
  await chip.hover();
  await shot(admin, testInfo, 'reactions');
  await expectAccessible(admin, 'reactions');

  // Pressed again: the nurse takes hers back; on both only the admin's stays.
  await ownChip.click();
  await expect(ownChip).toHaveAttribute('aria-pressed', 'false', { timeout: 10_000 });
  await expect(chip).toHaveAttribute('title', 'Erledigt: 1 – Anna Admin', { timeout: 20_000 });
});
