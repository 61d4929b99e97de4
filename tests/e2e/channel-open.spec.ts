// Opening a channel is one round trip for what the first paint shows: the newest messages page
// brings the timeline items of its range, the views of its polls and its messages' reactions
// (messages.page withShared). Asking timeline.items, then polls.list (every poll of the channel),
// and reactions.list (every reaction of the channel) after it made three more round trips, each
// with a render, before the page was complete. The pins of the header come after the first paint,
// once. The header's pin list asked twice per open (its effect depended on the store field it
// wrote) and again whenever the channel list changed (read state after the open), though neither
// changes the pins.
import type { CDPSession } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { createOrganisation, invoke, setPin } from './steps.ts';

/**
 * The IPC methods the page calls, read off the harness WebSocket (the bridge is frozen), and in
 * `events` the change events it received, each with the number of calls made before it.
 */
async function recordCalls(cdp: CDPSession): Promise<{ calls: string[]; events: Array<[number, string]> }> {
  const calls: string[] = [];
  const events: Array<[number, string]> = [];
  cdp.on('Network.webSocketFrameSent', ({ response }) => {
    const method = /"method":"([\w.]+)"/.exec(response.payloadData)?.[1];
    if (method) calls.push(method);
  });
  cdp.on('Network.webSocketFrameReceived', ({ response }) => {
    if (response.payloadData.startsWith('{"event":')) events.push([calls.length, response.payloadData]);
  });
  await cdp.send('Network.enable');
  return { calls, events };
}

test('opening a channel asks the core once for its page and once for its pins', async ({
  page,
  workstation,
  clinic,
}) => {
  test.setTimeout(120_000);
  await page.goto(workstation.url);
  await createOrganisation(page, clinic);
  await setPin(page);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  const channels: string[] = [];
  for (const name of ['Station 3B', 'Station 4A']) {
    const { channelId } = await invoke(page, 'channels.create', { kind: 'channel', name, memberUserIds: [] });
    const { messageId } = await invoke(page, 'messages.send', { channelId, body: `Übergabe ${name}` });
    await invoke(page, 'polls.create', {
      channelId,
      question: `Fortbildung ${name}?`,
      options: ['Ja', 'Nein'],
      multipleChoice: false,
      deadline: null,
      hideVoters: false,
    });
    await invoke(page, 'reactions.toggle', { channelId, messageId, reaction: '👍' });
    channels.push(channelId);
  }
  const [first, second] = channels as [string, string];
  const entry = (id: string) => page.locator(`[data-testid="channel-entry"][data-channel-id="${id}"]`);
  const view = (id: string) => page.locator(`[data-testid="channel-view"][data-channel-id="${id}"]`);
  await entry(first).click();
  await expect(view(first).getByTestId('message')).toHaveCount(1, { timeout: 20_000 });

  const { calls, events } = await recordCalls(await page.context().newCDPSession(page));
  await entry(second).click();
  await expect(view(second).getByTestId('message')).toContainText('Übergabe Station 4A', { timeout: 20_000 });
  // The page came with its poll's results and its message's reaction.
  await expect(view(second).getByTestId('poll')).toContainText('Fortbildung Station 4A?', { timeout: 20_000 });
  await expect(view(second).getByTestId('poll-option')).toHaveCount(2);
  await expect(view(second).getByTestId('reaction')).toHaveCount(1);
  // The open is over when the message on screen was marked read and the sidebar took the channel's
  // new row (channels.changed after the mark: the list is patched, not read again)...
  await expect.poll(() => calls.filter((m) => m === 'channels.markRead').length, { timeout: 20_000 }).toBe(1);
  const marked = calls.indexOf('channels.markRead') + 1;
  const rowChanged = () =>
    events.some(([after, frame]) => after >= marked && frame.includes('"channels.changed"') && frame.includes(second));
  await expect.poll(rowChanged, { timeout: 20_000 }).toBe(true);
  // ...and one more round trip behind it: what the new list set off has asked the core by now.
  await invoke(page, 'session.me', {});

  const count = (method: string) => calls.filter((m) => m === method).length;
  expect(count('messages.page'), calls.join(', ')).toBe(1);
  expect(count('pins.list'), calls.join(', ')).toBe(1);
  expect(count('reactions.list'), calls.join(', ')).toBe(0);
  expect(count('timeline.items'), calls.join(', ')).toBe(0);
  expect(count('polls.list'), calls.join(', ')).toBe(0);
  // The page first: nothing else the open asks for comes before it.
  expect(calls[0], calls.join(', ')).toBe('messages.page');
});
