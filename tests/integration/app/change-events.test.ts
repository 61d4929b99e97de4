// Change events carry what changed: a message sent, received, delivered, acknowledged or edited
// reaches the screen as message views in a messages.changed event, so the renderer patches its
// window without a single messages.page call; the patched window equals a freshly read one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesChanged } from '@klinikfunk/protocol/api/change-events.ts';
import { events as contractEvents } from '@klinikfunk/protocol/api/contract.ts';
import type { CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from '../collab/two-workstations.ts';
import { applyChange } from '../../../apps/desktop/renderer/src/lib/message-patch.ts';
import { fromPage, type WindowState } from '../../../apps/desktop/renderer/src/lib/message-window.ts';

let w: TwoWorkstations;

/** The channel's messages.changed events a client got from `from` on. */
const changesOf = (client: CoreClient, from: number) =>
  client.events
    .slice(from)
    .filter((e) => e.event === 'messages.changed')
    .map((e) => e.payload as MessagesChanged)
    .filter((c) => c.channelId === w.channelId);

/**
 * Until the channel's own set-up (its roster and first channel.update, a reload on each screen) has
 * reached both screens. It lands late at its own pace: at the nurse when the key share for it
 * arrives, at the admin when a catch-up round fetches its own update back, each 10 ms before its
 * event leaves. So the nurse sends a fence message once the update shows there (the channel's
 * name); the event that names the fence as a patch leaves after every change marked before it
 * (one marked earlier and left in the same flush would have made it a reload), and the admin
 * receives it only after the update before it in the relay's order. A round in which either
 * screen got a reload is repeated with a new fence.
 */
async function setUpDone(): Promise<void> {
  await eventually(
    async () => (await w.nurse.value('channels.list', {})).some((c) => c.channelId === w.channelId && c.name !== ''),
    20_000,
    "the channel's settings at the nurse",
  );
  for (let round = 1; round <= 5; round++) {
    const from = [w.admin.events.length, w.nurse.events.length];
    const { messageId } = await w.nurse.value('messages.send', { channelId: w.channelId, body: `Zaun ${round}` });
    for (const [i, client] of [w.admin, w.nurse].entries())
      await eventually(
        async () => {
          const changes = changesOf(client, from[i]!);
          if (changes.some((c) => c.messages.kind === 'patch' && c.messages.upserted.some(sentFence(messageId))))
            return true;
          // Merged into a reload: the round is repeated once that reload has surely been sent.
          const page = await client.value('messages.page', { channelId: w.channelId });
          const last = changes.at(-1);
          return (
            page.messages.some(sentFence(messageId)) &&
            changes.some((c) => c.messages.kind === 'reload') &&
            last?.version === page.version
          );
        },
        20_000,
        `fence ${round} on both screens`,
      );
    if ([w.admin, w.nurse].every((client, i) => changesOf(client, from[i]!).every((c) => c.messages.kind === 'patch')))
      return;
  }
  throw new Error('the set-up kept reloading the screens');
}

const sentFence = (messageId: string) => (m: { messageId: string; delivery: string }) =>
  m.messageId === messageId && m.delivery === 'sent';

beforeAll(async () => {
  w = await twoWorkstations();
  await setUpDone();
}, 120_000);

afterAll(async () => {
  await w?.close();
});

/** The renderer's message window of one channel, fed only by events after its first page. */
class Screen {
  view!: WindowState;
  reloads = 0;
  /** Why each reload happened, so a failure names the event that asked for it. */
  readonly reloadCauses: string[] = [];
  patches = 0;
  #seen = 0;
  readonly client: CoreClient;
  readonly channelId: string;
  constructor(client: CoreClient, channelId: string) {
    this.client = client;
    this.channelId = channelId;
  }

  async open(): Promise<void> {
    this.#seen = this.client.events.length;
    this.view = fromPage(await this.client.value('messages.page', { channelId: this.channelId }));
  }

  /** Applies the events emitted since the last look, as MessageList does. */
  async follow(): Promise<void> {
    const fresh = this.client.events.slice(this.#seen);
    this.#seen = this.client.events.length;
    for (const { event, payload } of fresh) {
      if (event !== 'messages.changed') continue;
      // What crosses IPC is checked against the contract, as Electron main and the harness do.
      const change = contractEvents['messages.changed'].payload.parse(payload) as MessagesChanged;
      if (change.channelId !== this.channelId) continue;
      const next = applyChange(this.view, change);
      if (next === 'reload') {
        this.reloads++;
        this.reloadCauses.push(
          change.messages.kind === 'reload'
            ? `reload event v${change.version}`
            : `version gap: window v${this.view.version}, event v${change.version}`,
        );
        this.view = fromPage(await this.client.value('messages.page', { channelId: this.channelId }));
      } else if (next) {
        this.patches++;
        this.view = next;
      }
    }
  }

  async matchesAFreshPage(): Promise<void> {
    await this.follow();
    const page = await this.client.value('messages.page', { channelId: this.channelId });
    expect(this.view.messages).toEqual(page.messages);
    expect(this.view.total).toBe(page.total);
  }
}

const settle = (screen: Screen, done: (view: WindowState) => boolean, what: string) =>
  eventually(
    async () => {
      await screen.follow();
      return done(screen.view);
    },
    20_000,
    what,
  );

describe('change events', () => {
  it('a sent message reaches both screens as views, without a reload, and ends as a fresh page shows it', async () => {
    const mine = new Screen(w.admin, w.channelId);
    const theirs = new Screen(w.nurse, w.channelId);
    await mine.open();
    await theirs.open();
    const before = w.nurse.events.length;
    const { messageId } = await w.admin.value('messages.send', { channelId: w.channelId, body: 'Visite um 10 Uhr' });
    // Shown as "sending" from the event of the queued message, then "sent" from the relay's ack.
    await settle(mine, (v) => v.messages.some((m) => m.messageId === messageId), 'own message on screen');
    await settle(mine, (v) => v.messages.find((m) => m.messageId === messageId)?.delivery === 'sent', 'delivered');
    await settle(theirs, (v) => v.messages.some((m) => m.messageId === messageId), 'message at the nurse');
    for (const screen of [mine, theirs]) {
      expect(screen.reloads, screen.reloadCauses.join('; ')).toBe(0);
      expect(screen.patches).toBeGreaterThan(0);
      await screen.matchesAFreshPage();
    }
    // A plain message does not make the polls, files and calendar views read again.
    const changes = w.nurse.events
      .slice(before)
      .filter((e) => e.event === 'messages.changed')
      .map((e) => e.payload as MessagesChanged);
    expect(changes.filter((c) => c.channelId === w.channelId).some((c) => c.collab)).toBe(false);
  }, 60_000);

  it('an edit patches the edited message and the replies quoting it', async () => {
    const screen = new Screen(w.nurse, w.channelId);
    const { messageId } = await w.admin.value('messages.send', { channelId: w.channelId, body: 'Übergabe 14 Uhr' });
    await eventually(
      async () =>
        (await w.nurse.value('messages.page', { channelId: w.channelId })).messages.some(
          (m) => m.messageId === messageId,
        ),
      20_000,
      'message at the nurse',
    );
    const reply = await w.nurse.value('messages.send', {
      channelId: w.channelId,
      body: 'Passt',
      replyTo: messageId,
    });
    await eventually(
      async () =>
        (await w.nurse.value('messages.page', { channelId: w.channelId })).messages.find(
          (m) => m.messageId === reply.messageId,
        )?.delivery === 'sent',
      20_000,
      'reply sent',
    );
    await screen.open();
    await w.admin.value('messages.edit', { channelId: w.channelId, messageId, body: 'Übergabe 15 Uhr', mentions: [] });
    await settle(
      screen,
      (v) => v.messages.find((m) => m.messageId === reply.messageId)?.replyTo?.excerpt === 'Übergabe 15 Uhr',
      'quote follows the edit',
    );
    expect(screen.reloads).toBe(0);
    await screen.matchesAFreshPage();
  }, 60_000);

  it('a poll says that the channel collaboration views changed', async () => {
    const before = w.nurse.events.length;
    await w.admin.value('polls.create', {
      channelId: w.channelId,
      question: 'Teamessen?',
      options: ['Ja', 'Nein'],
      multipleChoice: false,
      deadline: null,
      hideVoters: false,
    });
    await eventually(
      async () =>
        w.nurse.events
          .slice(before)
          .some((e) => e.event === 'messages.changed' && (e.payload as MessagesChanged).collab),
      20_000,
      'poll change at the nurse',
    );
  }, 60_000);

  // Last: it leaves the nurse's workstation locked.
  it('a lock right after a change still reaches the screen: the lock screen never waits for message views', async () => {
    const before = w.nurse.events.length;
    // Both in one turn, so one flush of the change feed carries the message change and the lock,
    // in that order; no profile is visible any more when the feed reads the message views.
    const sent = w.nurse.value('messages.send', { channelId: w.channelId, body: 'Bin kurz weg' });
    const locked = sent.then(() => w.nurse.value('session.lock', {}));
    await locked;
    await eventually(
      async () => w.nurse.events.slice(before).some((e) => e.event === 'session.changed'),
      20_000,
      'session.changed after the lock',
    );
  }, 60_000);
});
