// Opening a channel asks the core once for each thing the screen shows (the messages page, the
// pins, the reactions, the timeline items): each call is a round trip through the IPC router and a
// query on the main process, ahead of the next screen's. The header's pin list asked twice per
// open (its effect depended on the store field it wrote) and again whenever the channel list
// changed (read state after the open), though neither changes the pins.
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

test('opening a channel asks the core once for each thing it shows', async ({ page, workstation, clinic }) => {
  test.setTimeout(120_000);
  await page.goto(workstation.url);
  await createOrganisation(page, clinic);
  await setPin(page);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
  const channels: string[] = [];
  for (const name of ['Station 3B', 'Station 4A']) {
    const { channelId } = await invoke(page, 'channels.create', { kind: 'channel', name, memberUserIds: [] });
    await invoke(page, 'messages.send', { channelId, body: `Übergabe ${name}` });
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
  expect(count('reactions.list'), calls.join(', ')).toBe(1);
  expect(count('timeline.items'), calls.join(', ')).toBe(1);
});
