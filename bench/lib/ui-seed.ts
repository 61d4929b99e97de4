// The ui bench's channels, written through the store's own materialiser (applyEvents) as sync
// would: a channel of MESSAGES messages whose newest part is a mixed timeline (images with
// encrypted thumbnails, polls, messages between them), and a small channel to open it from.
// The thumbnails are JPEGs drawn by Chromium as the app draws them (320 px, quality 0.8),
// encrypted under their file's key and put on the real relay: the first open downloads and
// decrypts them as a workstation that never showed the channel would.
import { randomBytes } from 'node:crypto';
import type { ChannelEvent, ChannelEventPayload } from '@klinikfunk/protocol/domain/events.ts';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';
import { asFileKey } from '@klinikfunk/crypto/keys.ts';
import { applyEvents } from '../../apps/desktop/electron/core/store/apply.ts';
import type { Db } from '../../apps/desktop/electron/core/store/database.ts';
import { encryptBytes } from '../../apps/desktop/electron/core/files/memory-crypto.ts';
import type { Transport } from '../../apps/desktop/electron/core/transport/transport.ts';

export const BIG = 'chnBenchStation100k';
export const SMALL = 'chnBenchKleinerKanal';

/**
 * The newest MIXED_SPAN positions of the big channel repeat this pattern of ten: two images, one
 * poll, seven messages. The newest 50 items so hold 10 images and 5 polls (issue 17's screen), and
 * scrolling back through 1,000 items passes 200 images (twice the thumbnail cache's bound) and 100 polls.
 */
const PATTERN = ['message', 'image', 'message', 'message', 'image', 'message', 'poll', 'message', 'message', 'message'];
export const MIXED_SPAN = 1_100;

const WORDS =
  'Übergabe Zimmer Bett Blutdruck Puls Visite Labor Befund Verband Medikation bitte danke heute morgen Nachtdienst Frühdienst'.split(
    ' ',
  );

export interface SeededChannel {
  /** The text of the newest message: on screen when the newest page is painted. */
  newestText: string;
  /** Images and polls among the newest 50 items. */
  newestImages: number;
  newestPolls: number;
  /** Images and polls the newest page shows: those after the oldest of its 50 messages. */
  pageImages: number;
  pagePolls: number;
}

/**
 * Writes both channels. `thumbnails` are the JPEG bytes to cycle through (each image gets its own
 * key, so every thumbnail is a blob of its own on the relay).
 */
export async function seedUiChannels(
  db: Db,
  transport: Transport,
  userId: string,
  messages: number,
  thumbnails: readonly Uint8Array[],
): Promise<SeededChannel> {
  const now = Date.now();
  for (const [channelId, name] of [
    [BIG, 'Station 100k'],
    [SMALL, 'Kleiner Kanal'],
  ] as const) {
    db.prepare(
      `INSERT INTO channels (channel_id, kind, name, topic, history_for_new_members, created_at) VALUES (?, 'channel', ?, '', 0, ?)`,
    ).run(channelId, name, now);
    db.prepare('INSERT INTO channel_members VALUES (?, ?, ?)').run(channelId, userId, 'admin');
  }

  // The big channel's positions, oldest first: messages, then the mixed span at the newest end
  // (it holds messages too: MESSAGES counts messages only).
  const kinds: string[] = [];
  let messageCount = 0;
  const mixedMessages = PATTERN.filter((k) => k === 'message').length * (MIXED_SPAN / PATTERN.length);
  for (; messageCount < messages - mixedMessages; messageCount++) kinds.push('message');
  for (let i = 0; kinds.length < messages - mixedMessages + MIXED_SPAN; i++) kinds.push(PATTERN[i % PATTERN.length]!);
  const total = kinds.length;

  let message = 0;
  let image = 0;
  const event = (channelId: string, seq: number, count: number, payload: ChannelEventPayload): ChannelEvent => ({
    eventId: `evtbench${channelId.slice(-6)}${String(seq).padStart(9, '0')}`,
    channelId,
    seq,
    senderUserId: userId,
    senderDeviceId: 'devBenchDevice01',
    createdAt: now - (count - seq) * 60_000,
    payload,
  });
  const text = (i: number) =>
    `${Array.from({ length: 10 }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ')} Nr. ${i}`;

  const payloadAt = async (kind: string): Promise<ChannelEventPayload> => {
    if (kind === 'message')
      return { type: 'message.create', body: text(message++), mentions: [], replyTo: null, urgent: false };
    if (kind === 'poll')
      return {
        type: 'poll.create',
        question: `Wer übernimmt die Spätvisite in Zimmer ${message % 40}?`,
        options: [
          { id: 'a', label: 'Dr. Brandt' },
          { id: 'b', label: 'Dr. Yilmaz' },
          { id: 'c', label: 'Pflege Team B' },
        ],
        multipleChoice: false,
        deadline: null,
        hideVoters: false,
      };
    const key = new Uint8Array(randomBytes(32));
    const sealed = await encryptBytes(asFileKey(key), thumbnails[image % thumbnails.length]!);
    const thumbnailBlobId = (await transport.putBlob(sealed)).hash;
    image++;
    return {
      type: 'file.share',
      name: `Wunde_Zimmer_${image}.jpg`,
      mimeType: 'image/jpeg',
      size: 2_400_000,
      // The full photo is never opened by the bench: only its thumbnail is on the relay.
      blobId: randomBytes(32).toString('hex'),
      keyB64: toBase64Url(key),
      hashB64: toBase64Url(new Uint8Array(randomBytes(32))),
      thumbnailBlobId,
      caption: image % 3 === 0 ? 'Verbandwechsel, bitte ansehen' : '',
    };
  };

  for (let at = 0; at < total; at += 1000) {
    const batch: ChannelEvent[] = [];
    for (let seq = at + 1; seq <= Math.min(total, at + 1000); seq++)
      batch.push(event(BIG, seq, total, await payloadAt(kinds[seq - 1]!)));
    const result = db.transaction(() => applyEvents(db, batch))();
    if (result.refused.length > 0) throw new Error(`seed refused: ${JSON.stringify(result.refused[0])}`);
  }
  db.transaction(() =>
    applyEvents(
      db,
      Array.from({ length: 60 }, (_, k) =>
        event(SMALL, k + 1, 60, {
          type: 'message.create',
          body: text(k),
          mentions: [],
          replyTo: null,
          urgent: false,
        }),
      ),
    ),
  )();
  db.prepare('INSERT INTO read_state VALUES (?, ?, ?), (?, ?, ?)').run(BIG, 1e12, now, SMALL, 1e12, now);

  const newest = kinds.slice(-50);
  // The newest page is 50 messages with the items after its oldest message (itemRange).
  let page = kinds.length;
  for (let found = 0; found < 50;) if (kinds[--page] === 'message') found++;
  const onPage = kinds.slice(page + 1);
  return {
    newestText: `Nr. ${message - 1}`,
    newestImages: newest.filter((k) => k === 'image').length,
    newestPolls: newest.filter((k) => k === 'poll').length,
    pageImages: onPage.filter((k) => k === 'image').length,
    pagePolls: onPage.filter((k) => k === 'poll').length,
  };
}
