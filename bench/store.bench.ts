// Store benchmarks on a real SQLCipher file: bulk apply, opening a 100k channel, keyset paging,
// full-text search over 1M messages, size on disk and main-process RSS with the store open.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { ChannelEvent } from '@klinikfunk/protocol/domain/events.ts';
import { asDbKey } from '@klinikfunk/crypto/keys.ts';
import { applyEvents } from '../apps/desktop/electron/core/store/apply.ts';
import { migrate } from '../apps/desktop/electron/core/store/migrations/index.ts';
import { ProfileStore } from '../apps/desktop/electron/core/store/profile-store.ts';
import { percentile } from './lib/stats.ts';
import type { BenchResult } from './types.ts';
import { testDatabase } from '../apps/desktop/electron/core/store/test-database.ts';

const TOTAL = Number(process.env.KF_BENCH_MESSAGES ?? 1_000_000);
const CHANNELS = 10;
const BATCH = 1000;
// Clinical words as the frequent head of a Zipf-like vocabulary, plus a long tail of generated
// words, so term frequencies resemble real chat rather than 25 words in every message.
const HEAD =
  'Übergabe Zimmer Bett Station Nachtdienst Frühdienst Blutdruck Puls Fieber Medikation Visite Labor Befund Röntgen Verband Mobilisation Angehörige Entlassung Schmerz Sauerstoff Infusion Katheter Wundversorgung Dokumentation Pflegeplanung bitte danke heute morgen noch schon wieder bei mit und oder der die das ist sind war kommt geht'.split(
    ' ',
  );
const SYLLABLES = [
  'ka',
  'lo',
  'me',
  'ri',
  'sta',
  'ne',
  'ber',
  'gun',
  'tor',
  'fel',
  'mi',
  'an',
  'del',
  'ro',
  'ti',
  'schu',
  'wa',
  'gen',
  'li',
  'pa',
];
const TAIL = Array.from(
  { length: 4000 },
  (_, i) => SYLLABLES[i % 20]! + SYLLABLES[Math.floor(i / 20) % 20]! + SYLLABLES[Math.floor(i / 400) % 20]!,
);
const VOCABULARY = [...HEAD, ...TAIL];

function body(i: number): string {
  const words = [];
  let x = (i + 1) * 2654435761;
  for (let k = 0; k < 12; k++) {
    x = ((x ^ (x >>> 13)) * 1274126177) >>> 0;
    // Zipf-like: rank ~ 1 / u, so the head words dominate and the tail is long.
    const u = (x % 100_000) / 100_000 + 1e-5;
    words.push(VOCABULARY[Math.min(VOCABULARY.length - 1, Math.floor(1 / u) - 1)]);
  }
  // Room and bed numbers repeat across messages as they do on a ward.
  return `${words.join(' ')} Zimmer ${1 + (i % 40)} Bett ${1 + (i % 4)}`;
}

function events(start: number, count: number): Map<string, ChannelEvent[]> {
  const byChannel = new Map<string, ChannelEvent[]>();
  for (let i = start; i < start + count; i++) {
    const channelId = `chn-bench-${String(i % CHANNELS).padStart(4, '0')}`;
    const seq = Math.floor(i / CHANNELS) + 1;
    const list = byChannel.get(channelId) ?? [];
    list.push({
      eventId: `evt${String(i).padStart(12, '0')}`,
      channelId,
      seq,
      senderUserId: 'usr-bench-0001',
      senderDeviceId: 'dev-bench-0001',
      createdAt: 1_700_000_000_000 + i * 1000,
      payload: { type: 'message.create', body: body(i), mentions: [], replyTo: null, urgent: false },
    });
    byChannel.set(channelId, list);
  }
  return byChannel;
}

/** Rows/s over all `total` rows, and over the first `checkpoint` rows (for like-for-like comparisons). */
function fill(db: Database.Database, total: number, checkpoint = total): { rate: number; firstRate: number } {
  for (let c = 0; c < CHANNELS; c++) {
    db.prepare(`INSERT OR IGNORE INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', ?, 0)`).run(
      `chn-bench-${String(c).padStart(4, '0')}`,
      `Kanal ${c}`,
    );
  }
  const start = performance.now();
  let firstSeconds = 0;
  for (let i = 0; i < total; i += BATCH) {
    if (i === checkpoint) firstSeconds = (performance.now() - start) / 1000;
    const batch = events(i, Math.min(BATCH, total - i));
    db.transaction(() => {
      for (const [channelId, list] of batch) {
        applyEvents(db, list);
        db.prepare(
          'INSERT INTO sync_cursors (channel_id, seq) VALUES (?, ?) ON CONFLICT (channel_id) DO UPDATE SET seq = excluded.seq',
        ).run(channelId, list.at(-1)!.seq!);
      }
    })();
  }
  const seconds = (performance.now() - start) / 1000;
  return { rate: total / seconds, firstRate: checkpoint / (checkpoint >= total ? seconds : firstSeconds) };
}

async function timeMany(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return samples;
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'kf-bench-store-'));
  const results: BenchResult[] = [];
  try {
    const key = asDbKey(new Uint8Array(randomBytes(32)));
    // Like for like: plain SQLite, SQLCipher NORMAL and SQLCipher FULL each over the same first
    // `compared` rows (the FULL figure is the first stretch of the 1M fill; insert cost grows with
    // the FTS index, so a 1M average next to 200k averages would compare different work).
    const compared = Math.min(TOTAL, Math.max(10_000, Math.floor(TOTAL / 5)));
    const rows = compared.toLocaleString('en');
    const plain = new Database(join(dir, 'plain.db'));
    plain.pragma('journal_mode = WAL');
    plain.pragma('synchronous = FULL');
    migrate(plain);
    const plainRate = fill(plain, compared).rate;
    plain.close();

    // synchronous NORMAL vs FULL on the encrypted store (the durability choice in docs/store.md).
    const normal = ProfileStore.open(join(dir, 'normal.db'), key, { create: true, synchronous: 'NORMAL' });
    const normalRate = fill(testDatabase(normal), compared).rate;
    normal.close();

    const store = ProfileStore.open(join(dir, 'store.db'), key, { create: true });
    const full = fill(testDatabase(store), TOTAL, compared);
    const single = 'one run (long); compare rows of the same row count only';
    results.push(
      {
        suite: 'store',
        name: `apply the first ${rows} messages, batches of ${BATCH} (SQLCipher, FULL)`,
        value: full.firstRate,
        unit: 'rows/s',
        note: single,
      },
      {
        suite: 'store',
        name: `apply the first ${rows} messages, same code on plain SQLite (FULL)`,
        value: plainRate,
        unit: 'rows/s',
      },
      {
        suite: 'store',
        name: `apply the first ${rows} messages, SQLCipher with synchronous=NORMAL`,
        value: normalRate,
        unit: 'rows/s',
      },
      {
        suite: 'store',
        name: `SQLCipher overhead over the first ${rows} (encrypted / plain throughput)`,
        value: (full.firstRate / plainRate) * 100,
        unit: '%',
      },
      {
        suite: 'store',
        name: `apply all ${TOTAL.toLocaleString('en')} messages (SQLCipher, FULL; average over the whole fill)`,
        value: full.rate,
        unit: 'rows/s',
      },
    );

    const channel = 'chn-bench-0003';
    const open = await timeMany(200, () => store.messages.page(channel));
    results.push({
      suite: 'store',
      name: `open a channel of ${(TOTAL / CHANNELS).toLocaleString('en')}: newest 50 (p50)`,
      value: percentile(open, 50),
      unit: 'ms',
      samples: open.length,
      target: '< 5 ms',
      ok: percentile(open, 50) < 5,
    });
    let cursor: number | undefined;
    const pages = await timeMany(200, async () => {
      const page = await store.messages.page(channel, cursor === undefined ? {} : { beforeSortKey: cursor });
      cursor = page.at(-1)?.sortKey;
    });
    results.push({
      suite: 'store',
      name: 'page back, 50-row keyset pages (p50)',
      value: percentile(pages, 50),
      unit: 'ms',
      samples: pages.length,
    });

    // What staff type: whole words, several words, and a word still being typed (prefix).
    const queries = [
      'Übergabe',
      'ubergabe zimmer',
      'Blutdruck Fieber',
      'Röntgen',
      'Medikation Visite Labor',
      'Katheter',
      'Entlassung Angehörige',
      'Nachtd',
      'Wundversorgung Bett',
      'Sauerst',
      'Zimm',
      'Übergabe Zimmer 12',
      'Übergabeprot',
    ];
    await store.search({ text: 'warm' });
    const searches = await timeMany(100, (i) => store.search({ text: queries[i % queries.length]!, limit: 30 }));
    results.push({
      suite: 'store',
      name: `full-text search over ${TOTAL.toLocaleString('en')} messages (p95)`,
      value: percentile(searches, 95),
      unit: 'ms',
      samples: searches.length,
      target: '< 30 ms',
      ok: percentile(searches, 95) < 30,
    });
    const inChannel = await timeMany(100, (i) =>
      store.search({ text: queries[i % queries.length]!, channelId: channel, limit: 30 }),
    );
    results.push({
      suite: 'store',
      name: 'search within one channel (p95)',
      value: percentile(inChannel, 95),
      unit: 'ms',
      samples: inChannel.length,
    });
    store.close();

    const size = statSync(join(dir, 'store.db')).size / 2 ** 20;
    results.push({
      suite: 'store',
      name: `database size for ${TOTAL.toLocaleString('en')} messages (with FTS)`,
      value: size * (1_000_000 / TOTAL),
      unit: 'MB per 1M',
    });

    const child = execFileSync(
      process.execPath,
      [join(import.meta.dirname, 'store-rss-child.ts'), join(dir, 'store.db'), Buffer.from(key).toString('hex')],
      { encoding: 'utf8' },
    );
    const rss = (JSON.parse(child) as { rss: number }).rss / 2 ** 20;
    results.push({
      suite: 'store',
      name: `main-process RSS with the ${TOTAL.toLocaleString('en')}-message store open`,
      value: rss,
      unit: 'MB',
      target: '< 200 MB',
      ok: rss < 200,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
