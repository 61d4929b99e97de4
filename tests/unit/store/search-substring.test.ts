// German compounds: a search finds a word inside another ("desinfektion" in "Händedesinfektion"),
// with German folding (ß/ss, umlauts typed as ae/oe/ue or without dots, any case), and the snippet
// is the original text with exactly the matched part highlighted. Against a real SQLCipher store.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEncryptedDatabase } from '../../../apps/desktop/electron/core/store/database.ts';
import { migrate } from '../../../apps/desktop/electron/core/store/migrations/index.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { search, searchVariants } from '../../../apps/desktop/electron/core/store/search.ts';
import { randomKey, tempDir } from './helpers.ts';
import { testDatabase } from '../../../apps/desktop/electron/core/store/test-database.ts';

const CH = 'chn-substring-01';
const OTHER = 'chn-substring-02';
let n = 0;

function message(channelId: string, body: string, seq: number) {
  n += 1;
  return {
    eventId: `evtsubstr${String(n).padStart(6, '0')}`,
    channelId,
    seq,
    senderUserId: 'usr-anna-0001',
    senderDeviceId: 'dev-anna-0001',
    createdAt: 1_000 * n,
    contentType: 'message',
    payload: { type: 'message.create' as const, body, mentions: [], replyTo: null, urgent: false },
  };
}

async function storeWith(bodies: string[], other: string[] = []) {
  const store = ProfileStore.open(join(tempDir(), 'store.db'), randomKey(), { create: true });
  for (const id of [CH, OTHER]) {
    await store.channels.upsert(
      {
        channelId: id,
        kind: 'channel',
        name: id,
        topic: '',
        historyForNewMembers: false,
        retentionDays: null,
        createdAt: 1,
      },
      [{ userId: 'usr-anna-0001', role: 'admin' }],
    );
  }
  const events = bodies.map((b, i) => message(CH, b, i + 1));
  await store.sync.applyBatch(CH, { events, pending: [], newCursor: events.length });
  if (other.length > 0) {
    const more = other.map((b, i) => message(OTHER, b, i + 1));
    await store.sync.applyBatch(OTHER, { events: more, pending: [], newCursor: more.length });
  }
  return { store, events };
}

/** The highlighted parts of each hit, as text. */
const marked = (hits: Array<{ snippet: string; highlights: Array<[number, number]> }>) =>
  hits.map((h) => h.highlights.map(([s, e]) => h.snippet.slice(s, e)));

describe('search inside words, German folding', () => {
  const BODIES = [
    'Händedesinfektion vor jedem Patientenkontakt',
    'Kittel in Übergröße bestellt',
    'Größe der Wunde 3 cm',
    'Sättigung 91 %, Sauerstoff 2 l',
    'Kompressionsstrümpfe Groesse M',
  ];

  it.each([
    ['desinfektion', 'Händedesinfektion vor jedem Patientenkontakt', ['desinfektion']],
    ['größe', 'Kittel in Übergröße bestellt', ['größe']],
    ['sattigung', 'Sättigung 91 %, Sauerstoff 2 l', ['Sättigung']],
    ['GRÖSSE', 'Größe der Wunde 3 cm', ['Größe']],
    ['groesse', 'Größe der Wunde 3 cm', ['Größe']],
    ['strumpf', 'Kompressionsstrümpfe Groesse M', ['strümpf']],
    ['kontakt', 'Händedesinfektion vor jedem Patientenkontakt', ['kontakt']],
  ])('"%s" finds "%s" and highlights the original letters', async (query, body, parts) => {
    const { store } = await storeWith(BODIES);
    const hits = await store.search({ text: query });
    const hit = hits.find((h) => h.snippet === body);
    expect(hit, `${query}: ${JSON.stringify(hits.map((h) => h.snippet))}`).toBeDefined();
    expect(marked([hit!])[0]).toEqual(parts);
    store.close();
  });

  it('"größe" finds every spelling: Übergröße, Größe and Groesse, newest first', async () => {
    const { store } = await storeWith(BODIES);
    const hits = await store.search({ text: 'größe' });
    expect(hits.map((h) => h.snippet)).toEqual([
      'Kompressionsstrümpfe Groesse M',
      'Größe der Wunde 3 cm',
      'Kittel in Übergröße bestellt',
    ]);
    expect(marked(hits)).toEqual([['Groesse'], ['Größe'], ['größe']]);
    store.close();
  });

  it('every typed word found inside the same word is highlighted, not only the longest', async () => {
    const { store } = await storeWith(BODIES);
    const hit = async (text: string) => marked(await store.search({ text }))[0];
    expect(await hit('patient kontakt')).toEqual(['Patient', 'kontakt']);
    expect(await hit('hände desinfektion')).toEqual(['Händedesinfektion']);
    expect(await hit('kontakt tient')).toEqual(['tient', 'kontakt']);
    store.close();
  });

  it('all words are required, each anywhere in a word', async () => {
    const { store } = await storeWith(BODIES);
    expect((await store.search({ text: 'wunde größe' })).map((h) => h.snippet)).toEqual(['Größe der Wunde 3 cm']);
    expect(await store.search({ text: 'größe sättigung' })).toEqual([]);
    store.close();
  });

  it('a long message gets a snippet around the match, cut at word boundaries', async () => {
    const long = `${'Vorbereitung der Station für den Tag mit allen Aufgaben '.repeat(6)}und dann die Händedesinfektion ${'nach Plan und Standard der Klinik '.repeat(6)}`;
    const { store } = await storeWith([long]);
    const [hit] = await store.search({ text: 'desinfektion' });
    expect(hit!.snippet.length).toBeLessThan(160);
    expect(hit!.snippet.startsWith('…') && hit!.snippet.endsWith('…')).toBe(true);
    expect(hit!.snippet).toContain('Händedesinfektion');
    expect(marked([hit!])[0]).toEqual(['desinfektion']);
    store.close();
  });

  it('within a channel: only that channel, also when the word is common elsewhere', async () => {
    const elsewhere = Array.from({ length: 300 }, (_, i) => `Händedesinfektion Runde ${i}`);
    const { store } = await storeWith(['Flächendesinfektion Zimmer 4', 'Visite'], elsewhere);
    const hits = await store.search({ text: 'desinfektion', channelId: CH });
    expect(hits.map((h) => h.snippet)).toEqual(['Flächendesinfektion Zimmer 4']);
    store.close();
  });

  it('an edit and a delete for everyone leave the index: the old text is no longer found', async () => {
    const { store, events } = await storeWith(['Wunddesinfektion Bett 2', 'Blutdruckmessung Bett 3']);
    const edit = {
      ...message(CH, '', 3),
      payload: {
        type: 'message.edit' as const,
        messageId: events[0]!.eventId,
        body: 'Verbandwechsel Bett 2',
        mentions: [],
      },
    };
    const del = { ...message(CH, '', 4), payload: { type: 'message.delete' as const, messageId: events[1]!.eventId } };
    await store.sync.applyBatch(CH, { events: [edit, del], pending: [], newCursor: 4 });
    expect(await store.search({ text: 'desinfektion' })).toEqual([]);
    expect(await store.search({ text: 'druckmess' })).toEqual([]);
    expect((await store.search({ text: 'wechsel' })).map((h) => h.snippet)).toEqual(['Verbandwechsel Bett 2']);
    store.close();
  });

  it('short words still search by word start (trigrams need three letters)', async () => {
    const { store } = await storeWith(['Zimmer 12 Bett 1', 'Zimmer 2 Bett 12']);
    expect((await store.search({ text: 'Zimmer 12' })).map((h) => h.snippet)).toEqual([
      'Zimmer 2 Bett 12',
      'Zimmer 12 Bett 1',
    ]);
    store.close();
  });

  it('finds messages stored before the index existed (the migration fills it)', () => {
    const db = openEncryptedDatabase(join(tempDir(), 'store.db'), randomKey(), { create: true });
    migrate(db, 120);
    db.prepare(`INSERT INTO channels (channel_id, kind, name, created_at) VALUES (?, 'channel', 'Station', 1)`).run(CH);
    // As the store of that version held it: the message (its FTS row by trigger) and its long words.
    db.prepare(
      `INSERT INTO messages (channel_id, message_id, seq, sort_key, sender_user_id, created_at, body) VALUES (?, 'msg-old-0001', 1, 1, 'usr-anna-0001', 1, 'Händedesinfektion geprüft')`,
    ).run(CH);
    db.prepare(`INSERT INTO search_terms VALUES ('handedesinfektion')`).run();
    migrate(db);
    expect(search(db, { text: 'desinfektion' }).map((h) => h.snippet)).toEqual(['Händedesinfektion geprüft']);
    // Like every FTS5 index here, a forgotten word leaves its shadow tables at once (migration 0140).
    expect(db.prepare(`SELECT v FROM search_terms_fts_config WHERE k = 'secure-delete'`).pluck().get()).toBe(1);
    db.close();
  });

  it('a word part in too many words is searched as a word start, and stays fast', async () => {
    const many = Array.from(
      { length: 80 },
      (_, i) =>
        `Nachtdienst${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))} Bericht`,
    );
    const { store } = await storeWith([...many, 'Wochenenddienst Plan']);
    // "dienst" is inside 81 words: more than are expanded, so only word starts count here.
    expect((await store.search({ text: 'dienst' })).map((h) => h.snippet)).toEqual([]);
    expect((await store.search({ text: 'wochenenddienst' })).map((h) => h.snippet)).toEqual(['Wochenenddienst Plan']);
    store.close();
  });

  it('words starting with the part do not crowd out the compounds it ends: "desinfektion" finds "Händedesinfektion" beside 70 "Desinfektions…" words', async () => {
    // A store of a few years holds many words starting with a common part; they are found by their
    // start anyway, so only the words with the part inside count against the expansion limit.
    const many = Array.from(
      { length: 70 },
      (_, i) =>
        `Desinfektionsplan${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))} neu`,
    );
    const { store } = await storeWith(['Händedesinfektion geprüft', ...many, 'Dienstplan']);
    for (const text of ['desinfektion', 'desinfektion geprüft', 'hände desinfektion', 'desinf', 'desinf geprüft']) {
      const hits = await store.search({ text, limit: 100 });
      expect(
        hits.map((h) => h.snippet),
        text,
      ).toContain('Händedesinfektion geprüft');
      expect(
        hits.map((h) => h.snippet),
        text,
      ).not.toContain('Dienstplan');
    }
    expect(await store.search({ text: 'desinfektion', limit: 100 })).toHaveLength(71);
    expect(await store.search({ text: 'desinf neu', limit: 100 })).toHaveLength(70);
    store.close();
  });
});

describe('work per search', () => {
  it('reads the full-text index once per source, not again for each hit shown', async () => {
    // A part expanded into many words makes a MATCH of hundreds of terms; making each hit's
    // snippet with its own MATCH repeated that work per hit (30 hits: 160 ms on a small store).
    const pair = (i: number) => String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + Math.floor(i / 26));
    const bodies = [
      ...Array.from({ length: 50 }, (_, i) => `Haupt${pair(i)}strasse gesperrt`),
      ...Array.from({ length: 40 }, (_, i) => `Strasse${pair(i)} frei`),
    ];
    const { store } = await storeWith(bodies);
    let matches = 0;
    const db = testDatabase(store);
    const prepare = db.prepare.bind(db);
    db.prepare = ((source: string) => {
      const statement = prepare(source);
      if (!/_fts MATCH/.test(source) || source.includes('search_terms_fts')) return statement;
      for (const method of ['get', 'all', 'iterate'] as const) {
        const run = (statement[method] as (...args: unknown[]) => unknown).bind(statement);
        (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
          matches += 1;
          return run(...args);
        };
      }
      return statement;
    }) as typeof db.prepare;
    const hits = await store.search({ text: 'strasse' });
    expect(hits).toHaveLength(30);
    expect(marked(hits).every((m) => m.length === 1 && m[0]!.toLowerCase() === 'strasse')).toBe(true);
    // Three sources: messages, file names, poll questions and appointment titles.
    expect(matches).toBeLessThanOrEqual(3);
    store.close();
  });

  it('file names get their highlight from the same query', async () => {
    const { store } = await storeWith(['Visite 8 Uhr']);
    const share = {
      ...message(CH, '', 2),
      payload: {
        type: 'file.share' as const,
        name: 'Händedesinfektionsplan Station 3.pdf',
        mimeType: 'application/pdf',
        size: 2000,
        blobId: 'blob-plan-0001',
        keyB64: 'k'.repeat(43),
        hashB64: 'h'.repeat(43),
        thumbnailBlobId: null,
        caption: '',
      },
    };
    await store.sync.applyBatch(CH, { events: [share], pending: [], newCursor: 2 });
    const hits = await store.search({ text: 'desinfektion' });
    expect(hits.map((h) => [h.kind, h.snippet])).toEqual([['file', 'Händedesinfektionsplan Station 3.pdf']]);
    expect(marked(hits)).toEqual([['desinfektion']]);
    store.close();
  });
});

describe('searchVariants', () => {
  it('spells ß/ss and umlauts both ways, lower case', () => {
    expect(searchVariants('GRÖSSE').sort()).toEqual(['groesse', 'groeße', 'grösse', 'größe'].sort());
    expect(searchVariants('groesse').sort()).toEqual(['groesse', 'groeße', 'grösse', 'größe'].sort());
    expect(searchVariants('sattigung')).toEqual(['sattigung']);
    expect(searchVariants('Übergabe').sort()).toEqual(['uebergabe', 'übergabe'].sort());
  });

  it('bounds the number of spellings of one word', () => {
    expect(searchVariants('aeaeaeaeaeaeaeae').length).toBeLessThanOrEqual(16);
  });
});

describe('a long start with many completions', () => {
  it('is searched by its first characters and the rows checked: no hit for another word with the same start', async () => {
    // 70 words start with "stationsab…" and contain it: more than are expanded either way.
    const many = Array.from(
      { length: 70 },
      (_, i) =>
        `Stationsablauf${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))} Plan`,
    );
    const { store } = await storeWith(['Stationsarzt kommt', ...many]);
    const hits = await store.search({ text: 'Stationsabl', limit: 100 });
    expect(hits).toHaveLength(70);
    expect(hits.map((h) => h.snippet)).not.toContain('Stationsarzt kommt');
    store.close();
  });
});
