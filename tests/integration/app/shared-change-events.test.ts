// The open conversation's shared things follow the change events: a poll created, a vote from
// another workstation, a file shared reach the timeline as its items and poll views inside
// messages.changed, so it patches them without a timeline.items or polls.list call; the patched
// state equals what both calls answer afresh.
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesChanged, SharedPatch } from '@klinikfunk/protocol/api/change-events.ts';
import { events as contractEvents } from '@klinikfunk/protocol/api/contract.ts';
import type { CoreClient } from '../../harness/core-client.ts';
import { eventually } from '../client/client-world.ts';
import { twoWorkstations, type TwoWorkstations } from '../collab/two-workstations.ts';
import { applySharedPatch, type SharedState } from '../../../apps/desktop/renderer/src/lib/shared-patch.ts';

let w: TwoWorkstations;

beforeAll(async () => {
  w = await twoWorkstations();
  // The channel's set-up (its roster and name: a reload, as any roster change) is over at both
  // once a first message has been delivered and received.
  const { messageId } = await w.admin.value('messages.send', { channelId: w.channelId, body: 'Guten Morgen' });
  // Delivered, and the event that says so emitted: nothing of the set-up is still on its way.
  for (const client of [w.admin, w.nurse])
    await eventually(
      async () => {
        const page = await client.value('messages.page', { channelId: w.channelId });
        const last = client.events
          .filter((e) => e.event === 'messages.changed')
          .map((e) => e.payload as MessagesChanged)
          .findLast((c) => c.channelId === w.channelId);
        const shown = page.messages.find((m) => m.messageId === messageId)?.delivery === 'sent';
        return shown && last?.version === page.version;
      },
      20_000,
      'first message delivered',
    );
}, 120_000);

afterAll(async () => {
  await w?.close();
});

/** The timeline of an open conversation at its live end, fed only by events after its first read. */
class Timeline {
  state: SharedState = { items: [], polls: [] };
  reloads = 0;
  patches = 0;
  #seen = 0;
  readonly client: CoreClient;
  constructor(client: CoreClient) {
    this.client = client;
  }

  async #read(): Promise<SharedState> {
    const range = { afterSortKey: null, upToSortKey: null };
    const { items } = await this.client.value('timeline.items', { channelId: w.channelId, ...range });
    return { items, polls: await this.client.value('polls.list', { channelId: w.channelId }) };
  }

  async open(): Promise<void> {
    this.#seen = this.client.events.length;
    this.state = await this.#read();
  }

  async follow(): Promise<void> {
    const fresh = this.client.events.slice(this.#seen);
    this.#seen = this.client.events.length;
    for (const { event, payload } of fresh) {
      if (event !== 'messages.changed') continue;
      const change = contractEvents['messages.changed'].payload.parse(payload) as MessagesChanged;
      if (change.channelId !== w.channelId) continue;
      if (change.shared.kind === 'reload') {
        this.reloads++;
        this.state = await this.#read();
      } else if (change.shared.items.length + change.shared.removedItems.length + change.shared.polls.length > 0) {
        this.patches++;
        this.state = applySharedPatch(this.state, { afterSortKey: null, upToSortKey: null }, change.shared);
      }
    }
  }

  async settle(done: (state: SharedState) => boolean, what: string): Promise<void> {
    await eventually(
      async () => {
        await this.follow();
        return done(this.state);
      },
      20_000,
      what,
    );
  }

  async matchesAFreshRead(): Promise<void> {
    await eventually(
      async () => {
        await this.follow();
        return isDeepStrictEqual(await this.#read(), this.state);
      },
      20_000,
      'patched timeline equals timeline.items and polls.list',
    );
  }
}

/** Whether a messages.changed event of the channel carried shared things that pass `check`. */
const carried = (client: CoreClient, check: (patch: SharedPatch) => boolean) =>
  client.events
    .filter((e) => e.event === 'messages.changed')
    .map((e) => (e.payload as MessagesChanged).shared)
    .some((shared) => shared.kind === 'patch' && check(shared));

describe('shared things in messages.changed', () => {
  it('a poll and a vote from the other workstation reach both timelines as items and poll views', async () => {
    const mine = new Timeline(w.admin);
    const theirs = new Timeline(w.nurse);
    await mine.open();
    await theirs.open();
    const { pollId } = await w.admin.value('polls.create', {
      channelId: w.channelId,
      question: 'Teamessen am Freitag?',
      options: ['Ja', 'Nein'],
      multipleChoice: false,
      deadline: null,
      hideVoters: false,
    });
    const sent = (s: SharedState) => s.items.find((i) => i.eventId === pollId)?.delivery === 'sent';
    await mine.settle(sent, 'own poll delivered on screen');
    await theirs.settle((s) => sent(s) && s.polls.some((p) => p.pollId === pollId), 'poll at the nurse');

    await w.nurse.value('polls.vote', { channelId: w.channelId, pollId, optionIds: ['o1'] });
    const counted = (s: SharedState) => s.polls.find((p) => p.pollId === pollId)?.totalVoters === 1;
    await mine.settle(counted, 'the nurse’s vote counted at the admin');
    await theirs.settle(
      (s) => counted(s) && s.polls.find((p) => p.pollId === pollId)?.myVotePending === false,
      'own vote delivered at the nurse',
    );
    // The vote reached the admin's timeline as the poll's view in the event. (A settings
    // channel.update the admin's device repeats for the nurse's new device is a reload, as any
    // channel.update: reloads are not counted here.)
    expect(carried(w.admin, (c) => c.polls.some((p) => p.pollId === pollId && p.totalVoters === 1))).toBe(true);
    expect(carried(w.nurse, (c) => c.items.some((i) => i.eventId === pollId))).toBe(true);
    for (const timeline of [mine, theirs]) {
      expect(timeline.patches).toBeGreaterThan(0);
      await timeline.matchesAFreshRead();
    }
  }, 60_000);

  it('a file shared by the other workstation reaches the timeline as its item', async () => {
    const theirs = new Timeline(w.nurse);
    await theirs.open();
    const bytes = new TextEncoder().encode('Wundverlauf Zimmer 12');
    const begun = await w.admin.value('files.beginUpload', {
      channelId: w.channelId,
      name: 'Wunde.txt',
      mimeType: 'text/plain',
      size: bytes.length,
    });
    if (begun.status !== 'started') throw new Error('upload refused');
    await w.admin.value('files.uploadChunk', { uploadId: begun.uploadId, offset: 0, data: bytes });
    const finished = await w.admin.value('files.finishUpload', {
      uploadId: begun.uploadId,
      caption: 'Verlauf',
      thumbnail: null,
    });
    if (finished.status !== 'sent') throw new Error('upload not sent');
    await theirs.settle(
      (s) =>
        s.items.some((i) => i.kind === 'file' && i.file.fileId === finished.fileId && i.file.caption === 'Verlauf'),
      'file item at the nurse',
    );
    expect(carried(w.nurse, (c) => c.items.some((i) => i.eventId === finished.fileId))).toBe(true);
    await theirs.matchesAFreshRead();
  }, 60_000);
});
