// Issue 16 item 5 on screen: a message in another channel raises its unread badge in the sidebar,
// and a poll shared in the open channel appears in its timeline, both from the change events
// alone: the page calls neither channels.list nor timeline.items nor polls.list for them.
import { test, expect } from './fixtures.ts';
import { invoke, twoStaff } from './steps.ts';
import type { OpenWorkstation } from './fixtures.ts';

test('the sidebar and the open timeline follow change events without reading their lists again', async ({
  clinic,
  openWorkstation,
}) => {
  test.setTimeout(240_000);
  const opened: OpenWorkstation[] = [];
  const { admin, nurse } = await twoStaff(clinic, async (label) => {
    const station = await openWorkstation(label);
    opened.push(station);
    return station;
  });
  const calls = opened[1]!.workstation.calls;
  const channels = await invoke(admin, 'channels.list', {});
  const general = channels.find((c) => c.orgWide)!;
  const station = channels.find((c) => !c.orgWide)!;
  // The nurse has the shared channel open (twoStaff) and its first screen loaded.
  await expect(nurse.getByRole('textbox', { name: /^Nachricht an / })).toBeVisible({ timeout: 20_000 });
  const generalEntry = nurse.getByTestId('channel-entry').filter({ hasText: general.name });
  await expect(generalEntry).toBeVisible({ timeout: 20_000 });
  // Quiet first: the set-up's own reloads (new channel, new roster) are over.
  await expect
    .poll(
      async () => {
        const before = calls.length;
        await new Promise((resolve) => setTimeout(resolve, 1500));
        return calls.length === before;
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  const from = calls.length;

  await invoke(admin, 'messages.send', { channelId: general.channelId, body: 'Dienstbesprechung um 14 Uhr' });
  await expect(generalEntry.getByTestId('unread-badge')).toContainText('1', { timeout: 20_000 });

  await invoke(admin, 'polls.create', {
    channelId: station.channelId,
    question: 'Teamessen am Freitag?',
    options: ['Ja', 'Nein'],
    multipleChoice: false,
    deadline: null,
    hideVoters: false,
  });
  await expect(nurse.getByText('Teamessen am Freitag?').first()).toBeVisible({ timeout: 20_000 });

  const made = calls.slice(from);
  expect(made.filter((m) => m === 'channels.list')).toEqual([]);
  expect(made.filter((m) => m === 'timeline.items' || m === 'polls.list')).toEqual([]);
});
