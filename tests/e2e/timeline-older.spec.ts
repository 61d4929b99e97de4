// A channel with more shared things than one read of the timeline gives (timeline.items: the newest
// 200 of the window's range): the list says where older items were left out; its button "Ältere
// Einträge laden" reads the next 200, and scrolling up to the line reads the rest, until the
// oldest poll is there.
import { test, expect } from './fixtures.ts';
import { createOrganisation, invoke, setPin } from './steps.ts';

const POLLS = 430;
const question = (n: number) => `Umfrage Nummer ${String(n).padStart(3, '0')}?`;

test('more polls in one channel than one read gives: the oldest are reachable', async ({ clinic, openWorkstation }) => {
  test.setTimeout(900_000);
  const { page } = await openWorkstation('Stationsrechner 1');
  await createOrganisation(page, clinic);
  await setPin(page);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  const general = page.getByTestId('channel-entry').filter({ hasText: 'Allgemein' });
  await expect(general).toBeVisible({ timeout: 30_000 });
  await general.click();
  const channelId = await page.getByTestId('channel-view').getAttribute('data-channel-id');
  expect(channelId).toBeTruthy();
  const composer = page.getByRole('textbox', { name: /^Nachricht an / });
  await composer.fill('Bitte alle Umfragen beantworten.');
  await composer.press('Enter');
  await expect(page.getByTestId('message').filter({ hasText: 'Bitte alle Umfragen' })).toContainText('Gesendet', {
    timeout: 30_000,
  });

  // Created through the API while another channel is open, so the list does not redraw 430
  // times on a loaded machine, and opening the channel afterwards starts at its newest page.
  await invoke(page, 'channels.create', { kind: 'channel', name: 'Station 3B', memberUserIds: [] });
  const other = page.getByTestId('channel-entry').filter({ hasText: 'Station 3B' });
  await expect(other).toBeVisible({ timeout: 30_000 });
  await other.click();
  await expect(page.getByTestId('channel-view')).not.toHaveAttribute('data-channel-id', channelId!);
  const failed = await page.evaluate(
    async ({ channelId, questions }) => {
      const api = (window as unknown as { klinikfunk: { invoke(m: string, i: unknown): Promise<{ ok: boolean }> } })
        .klinikfunk;
      let failures = 0;
      for (const q of questions) {
        const result = await api.invoke('polls.create', {
          channelId,
          question: q,
          options: ['Ja', 'Nein'],
          multipleChoice: false,
          deadline: null,
          hideVoters: false,
        });
        if (!result.ok) failures++;
      }
      return failures;
    },
    { channelId: channelId!, questions: Array.from({ length: POLLS }, (_, i) => question(i + 1)) },
  );
  expect(failed).toBe(0);
  await general.click();
  const scroller = page.getByTestId('message-list').locator('xpath=..');
  const toBottom = () => scroller.evaluate((element) => element.scrollTo(0, element.scrollHeight));

  const polls = page.getByTestId('timeline-item').and(page.locator('[data-kind="poll"]'));
  await expect(polls.filter({ hasText: question(POLLS) })).toBeVisible({ timeout: 60_000 });
  // Every poll was sent: the newest 200 are shown, and where the rest were left out is said.
  await expect(page.locator('[data-kind="poll"][data-delivery="sending"]')).toHaveCount(0, { timeout: 180_000 });
  await toBottom();
  await expect(polls).toHaveCount(200, { timeout: 30_000 });
  const older = page.getByTestId('older-items');
  await expect(older).toHaveCount(1);
  await expect(polls.filter({ hasText: question(POLLS - 200) })).toHaveCount(0);

  // The button reads the next 200 (pressed without scrolling there, which would read them too).
  const button = older.getByRole('button', { name: 'Ältere Einträge laden' });
  await expect(button).toBeEnabled();
  await button.evaluate((element: HTMLButtonElement) => element.click());
  await expect(polls, 'read by the button').toHaveCount(400, { timeout: 30_000 });
  await expect(older).toHaveCount(1);

  // Scrolling up to the line reads the rest (30 here), and the line goes.
  await toBottom();
  await scroller.evaluate((element) => element.scrollTo(0, 0));
  await expect(polls, 'read after scrolling up').toHaveCount(POLLS, { timeout: 30_000 });
  await expect(older).toHaveCount(0);
  await scroller.evaluate((element) => element.scrollTo(0, 0));
  await expect(polls.filter({ hasText: question(1) })).toBeInViewport({ timeout: 20_000 });
  // The message sent before the polls is above them, where the relay ordered it.
  await expect(page.getByTestId('message').filter({ hasText: 'Bitte alle Umfragen' })).toBeInViewport();
});
