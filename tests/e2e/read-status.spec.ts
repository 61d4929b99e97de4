// Read status on two workstations against a real relay process. Off (the organisation's default):
// an own message says "Gesendet" and nothing that suggests it was read, also once the other side
// has it on screen. On (signed org setting `readReceipts`): in a direct chat "Zugestellt" until the
// other person has it on screen, then "Gelesen"; in a channel "Gelesen von 1 von 1". Axe and a
// screenshot in German.
import { test, expect } from './fixtures.ts';
import { expectAccessible, invoke, shot, twoStaff } from './steps.ts';

test('read status shows only where the organisation allows it: Zugestellt, Gelesen, Gelesen von n von m', async ({
  clinic,
  openWorkstation,
}, testInfo) => {
  test.setTimeout(240_000);
  const { admin, nurse } = await twoStaff(clinic, openWorkstation);
  const composer = (page: typeof admin) => page.getByRole('textbox', { name: /^Nachricht an / });
  const own = (text: string) =>
    admin.locator('[data-testid="message"][data-own="true"]').filter({ hasText: text }).last();

  // Off: the nurse reads it, and the admin's message still says only that it was sent.
  await nurse.bringToFront();
  await composer(admin).fill('Ohne Lesebestätigung: Zimmer 4 lüften');
  await composer(admin).press('Enter');
  await expect(nurse.getByTestId('message').filter({ hasText: 'Zimmer 4 lüften' })).toBeVisible({ timeout: 20_000 });
  await expect(own('Zimmer 4 lüften').getByTestId('delivery')).toHaveText(/Gesendet/, { timeout: 20_000 });
  await expect(own('Zimmer 4 lüften').getByTestId('read-summary')).toHaveCount(0);
  await expect(own('Zimmer 4 lüften').getByTestId('read-state')).toHaveCount(0);
  await expect(own('Zimmer 4 lüften')).not.toContainText(/Gelesen|Zugestellt/);

  await invoke(admin, 'admin.setOrgSettings', {
    retentionDays: 0,
    readReceipts: true,
    notificationContent: 'sender',
    historyForNewMembers: false,
  });

  // A direct chat: "Zugestellt" while the nurse has not opened it, "Gelesen" once she has.
  const users = await invoke(admin, 'directory.users', {});
  const bernd = users.find((u) => u.displayName === 'Bernd Pflege')!;
  await invoke(admin, 'channels.create', {
    kind: 'direct',
    name: 'Bernd Pflege',
    topic: '',
    memberUserIds: [bernd.userId],
  });
  await admin.getByTestId('channel-entry').filter({ hasText: 'Bernd Pflege' }).click();
  await composer(admin).fill('Kurze Frage zu Zimmer 7');
  await composer(admin).press('Enter');
  await expect(own('Kurze Frage zu Zimmer 7').getByTestId('read-state')).toHaveText(/Zugestellt/, {
    timeout: 20_000,
  });
  await expect(own('Kurze Frage zu Zimmer 7').getByTestId('delivery')).toHaveCount(0);
  await nurse.bringToFront();
  await nurse.getByTestId('channel-entry').filter({ hasText: 'Anna Admin' }).click();
  await expect(nurse.getByTestId('message').filter({ hasText: 'Zimmer 7' })).toBeVisible({ timeout: 20_000 });
  await expect(own('Kurze Frage zu Zimmer 7').getByTestId('read-state')).toHaveAttribute('data-state', 'read', {
    timeout: 30_000,
  });
  await expect(own('Kurze Frage zu Zimmer 7').getByTestId('read-state')).toHaveText(/Gelesen/);
  await shot(admin, testInfo, 'read-status-direct');
  await expectAccessible(admin, 'read status in a direct chat');

  // A channel: "Gelesen von 1 von 1" once the nurse has it on screen.
  await nurse.getByTestId('channel-entry').filter({ hasText: 'Station 3B' }).click();
  await admin.getByTestId('channel-entry').filter({ hasText: 'Station 3B' }).click();
  await composer(admin).fill('Mit Lesebestätigung: Dienstplan prüfen');
  await composer(admin).press('Enter');
  await expect(own('Dienstplan prüfen').getByTestId('read-summary')).toHaveText(/Gelesen von 1 von 1/, {
    timeout: 30_000,
  });
  await expect(own('Dienstplan prüfen').getByTestId('read-state')).toHaveCount(0);
});
