// Crypto benchmarks: envelope seal/open, catch-up-sized verify+decrypt, file streaming, Argon2id.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { ChannelCrypto } from '../apps/desktop/electron/core/crypto/channel-crypto.ts';
import { sodiumVerifier } from '@klinikfunk/crypto/ed25519.ts';
import {
  createDecryptStream,
  createEncryptStream,
  decryptFile,
  encryptedSize,
  encryptFile,
  generateFileKey,
} from '../apps/desktop/electron/core/crypto/file-crypto.ts';
import { asFileKey } from '@klinikfunk/crypto/keys.ts';
import {
  calibrateKdf,
  generateDbKey,
  KDF_FLOOR,
  wrapKeyWithPassphrase,
} from '../apps/desktop/electron/core/crypto/kdf.ts';
import { MemorySenderKeyStore } from '../apps/desktop/electron/core/crypto/sender-keys.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { eventId, newId, World, type TestDevice } from '../tests/unit/crypto/world.ts';
import { repeated } from './lib/stats.ts';
import type { BenchResult } from './types.ts';

/** Runs of each measurement; figures are their medians. */
const ROUNDS = 5;

const payload = new Uint8Array(200).fill(65);

async function envelopeRates(): Promise<BenchResult[]> {
  const world = await World.create();
  const sender = world.addDevice(world.addUser('Sender', 'admin'));
  const reader = world.addDevice(world.addUser('Reader'));
  const channel = newId('chn');
  world.setRoster(
    channel,
    [
      { userId: sender.self.userId, role: 'admin' },
      { userId: reader.self.userId, role: 'member' },
    ],
    sender,
  );
  const n = 2000;
  const seal: number[] = [];
  const open: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const envelopes: Uint8Array[] = [];
    let start = performance.now();
    for (let i = 0; i < n; i++) {
      if (sender.crypto.needsNewChain(channel)) world.deliver(sender.crypto.rotate(channel));
      envelopes.push(sender.crypto.seal(channel, 'message', eventId(), payload).envelope);
    }
    seal.push(n / ((performance.now() - start) / 1000));
    start = performance.now();
    for (const envelope of envelopes) if (!reader.crypto.open(channel, envelope).ok) throw new Error('open failed');
    open.push(n / ((performance.now() - start) / 1000));
  }
  return [
    repeated(seal, {
      suite: 'crypto',
      name: 'envelope seal (200 B payload)',
      unit: 'ops/s',
      note: `${n.toLocaleString('en')} envelopes per run`,
    }),
    repeated(open, { suite: 'crypto', name: 'envelope verify + open (200 B payload)', unit: 'ops/s' }),
  ];
}

async function catchUp(): Promise<BenchResult[]> {
  const world = await World.create();
  const senders: TestDevice[] = [];
  for (let i = 0; i < 20; i++) senders.push(world.addDevice(world.addUser(`Sender ${i}`, 'admin')));
  const reader = world.addDevice(world.addUser('Reader'));
  const channel = newId('chn');
  world.setRoster(
    channel,
    [
      ...senders.map((s) => ({ userId: s.self.userId, role: 'admin' as const })),
      { userId: reader.self.userId, role: 'member' },
    ],
    senders[0]!,
  );
  const envelopes: Uint8Array[] = [];
  for (let round = 0; round < 500; round++) {
    for (const sender of senders) {
      if (sender.crypto.needsNewChain(channel)) world.deliver(sender.crypto.rotate(channel));
      envelopes.push(sender.crypto.seal(channel, 'message', eventId(), payload).envelope);
    }
  }
  // Snapshot the reader's received chains so every run starts from the same state.
  const snapshot = reader.keys
    .chainsOf(channel)
    .map((c) => ({ ...c, chainKey: c.chainKey.slice() as typeof c.chainKey, skipped: new Map(c.skipped) }));
  const verifiers = [
    ['node:crypto', undefined],
    ['libsodium wasm', sodiumVerifier],
  ] as const;
  const times = new Map<string, number[]>(verifiers.map(([label]) => [label, []]));
  // The two verifiers take turns, so load on the machine falls on both.
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, verifier] of round % 2 === 0 ? verifiers : [...verifiers].reverse()) {
      const keys = new MemorySenderKeyStore();
      for (const chain of snapshot)
        keys.put({ ...chain, chainKey: chain.chainKey.slice() as typeof chain.chainKey, skipped: new Map() });
      const crypto = new ChannelCrypto({
        directory: reader.directory,
        self: reader.self,
        keys,
        now: () => world.now,
        ...(verifier ? { verifier } : {}),
      });
      const start = performance.now();
      // As the sync engine does it: pages of 500, signatures of a page verified together.
      for (let i = 0; i < envelopes.length; i += 500) {
        const outcomes = await crypto.openBatch(channel, envelopes.slice(i, i + 500));
        if (outcomes.some((o) => !o.ok)) throw new Error('catch-up open failed');
      }
      times.get(label)!.push(performance.now() - start);
    }
  }
  return verifiers.map(([label]) => {
    const r = repeated(times.get(label)!, {
      suite: 'crypto',
      name: `verify + decrypt 10,000 envelopes, 20 senders (${label})`,
      unit: 'ms',
    });
    return label === 'node:crypto' ? { ...r, target: '< 1000 ms', ok: r.value < 1000 } : r;
  });
}

// File encryption as the app does it: an attachment read from disk and encrypted into a blob file
// of the profile's files directory, a blob read back and decrypted into a file (export), 100 MB
// each way. Measured twice: with encryptFile/decryptFile, the app's path for files, and with the
// Node streams between fs read and write streams; plus the same stream copy without crypto, the
// floor any stream pipeline starts from. Each run has a fresh child process (this file in child
// mode, at the end) that has loaded this whole bench, so one run's garbage neither inflates nor,
// once collected and reused, deflates the next one's baseline. Peak RSS is sampled every 10 ms
// while the pipeline runs (real file I/O gives the event loop, and with it the sampler and V8's
// GC tasks, turns as in the app) against the RSS just before it started. Nothing forces a GC:
// buffers a pipeline dropped but V8 has not collected yet count.
const FILE_BYTES = 100 * 1024 * 1024;
type FileRun = 'encrypt-file' | 'decrypt-file' | 'encrypt-stream' | 'decrypt-stream' | 'copy-stream';

async function fileChild(run: FileRun, from: string, to: string, keyHex: string): Promise<void> {
  await readySodium();
  const key = asFileKey(new Uint8Array(Buffer.from(keyHex, 'hex')));
  const work = {
    'encrypt-file': () => encryptFile(key, from, to),
    'decrypt-file': () => decryptFile(key, from, to),
    'encrypt-stream': () => pipeline(createReadStream(from), createEncryptStream(key), createWriteStream(to)),
    'decrypt-stream': () => pipeline(createReadStream(from), createDecryptStream(key), createWriteStream(to)),
    'copy-stream': () => pipeline(createReadStream(from), new PassThrough(), createWriteStream(to)),
  }[run];
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const before = process.memoryUsage.rss();
  peak = before;
  const start = performance.now();
  await work();
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sample);
  const growthMB = (Math.max(peak, process.memoryUsage.rss()) - before) / 2 ** 20;
  process.stdout.write(JSON.stringify({ seconds, growthMB }));
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function files(): Promise<BenchResult[]> {
  await readySodium();
  const size = FILE_BYTES;
  const key = generateFileKey();
  const keyHex = Buffer.from(key).toString('hex');
  const rate = (seconds: number) => size / 2 ** 20 / seconds;
  const dir = mkdtempSync(join(tmpdir(), 'klinikfunk-crypto-bench-'));
  try {
    const path = (name: string) => join(dir, name);
    const random = randomBytes(1024 * 1024);
    const handle = await open(path('plain'), 'w');
    for (let i = 0; i < size / random.length; i++) await handle.write(random);
    await handle.close();
    const plainHash = await sha256(path('plain'));
    const child = (run: FileRun, from: string, to: string) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [fileURLToPath(import.meta.url), 'file-child', run, path(from), path(to), keyHex],
          { encoding: 'utf8' },
        ),
      ) as { seconds: number; growthMB: number };
    const roundTrip = (encrypt: FileRun, decrypt: FileRun) => {
      const enc = child(encrypt, 'plain', 'cipher');
      const dec = child(decrypt, 'cipher', 'out');
      return { enc, dec, cipherBytes: statSync(path('cipher')).size };
    };
    const checked = async (run: ReturnType<typeof roundTrip>) => {
      if (run.cipherBytes !== encryptedSize(size) || (await sha256(path('out'))) !== plainHash)
        throw new Error('file round trip failed');
      return run;
    };
    // Five runs of each path, the paths taking turns.
    const runs = {
      encFile: [] as number[],
      decFile: [] as number[],
      encFileMB: [] as number[],
      decFileMB: [] as number[],
      encStream: [] as number[],
      decStream: [] as number[],
      encStreamMB: [] as number[],
      decStreamMB: [] as number[],
      copyMB: [] as number[],
      memEnc: [] as number[],
      memDec: [] as number[],
    };
    // The streams without disk I/O, for encryption and stream plumbing alone (in this process, so
    // no RSS figure): 1 MiB pieces from memory into a discarding sink.
    const piece = Buffer.alloc(1024 * 1024, 0x5a);
    const source = () =>
      Readable.from(
        (function* () {
          for (let i = 0; i < size / piece.length; i++) yield piece;
        })(),
      );
    const discard = () =>
      new Writable({
        write(_chunk: Buffer, _e, done) {
          done();
        },
      });
    const ciphertext: Buffer[] = [];
    await pipeline(
      source(),
      createEncryptStream(key),
      new Writable({
        write(chunk: Buffer, _e, done) {
          ciphertext.push(chunk);
          done();
        },
      }),
    );
    for (let round = 0; round < ROUNDS; round++) {
      const file = await checked(roundTrip('encrypt-file', 'decrypt-file'));
      const stream = await checked(roundTrip('encrypt-stream', 'decrypt-stream'));
      const copy = child('copy-stream', 'plain', 'out');
      runs.encFile.push(rate(file.enc.seconds));
      runs.decFile.push(rate(file.dec.seconds));
      runs.encFileMB.push(file.enc.growthMB);
      runs.decFileMB.push(file.dec.growthMB);
      runs.encStream.push(rate(stream.enc.seconds));
      runs.decStream.push(rate(stream.dec.seconds));
      runs.encStreamMB.push(stream.enc.growthMB);
      runs.decStreamMB.push(stream.dec.growthMB);
      runs.copyMB.push(copy.growthMB);
      let start = performance.now();
      await pipeline(source(), createEncryptStream(key), discard());
      runs.memEnc.push(rate((performance.now() - start) / 1000));
      start = performance.now();
      await pipeline(Readable.from(ciphertext), createDecryptStream(key), discard());
      runs.memDec.push(rate((performance.now() - start) / 1000));
    }

    const mbps = (name: string, values: number[], target: boolean): BenchResult => {
      const r = repeated(values, { suite: 'crypto', name, unit: 'MB/s' });
      return target ? { ...r, target: '>= 150 MB/s', ok: r.value >= 150 } : r;
    };
    const rss = (name: string, values: number[], target: boolean): BenchResult => {
      const r = repeated(values, { suite: 'crypto', name, unit: 'MB' });
      return target ? { ...r, target: '< 64 MB', ok: Math.max(...values) < 64 } : r;
    };
    return [
      mbps('file encrypt 100 MB, file to file (encryptFile)', runs.encFile, true),
      mbps('file decrypt 100 MB, file to file (decryptFile)', runs.decFile, true),
      rss('peak RSS growth while encrypting 100 MB (encryptFile)', runs.encFileMB, true),
      rss('peak RSS growth while decrypting 100 MB (decryptFile)', runs.decFileMB, true),
      mbps('file encrypt 100 MB, fs streams + createEncryptStream', runs.encStream, false),
      mbps('file decrypt 100 MB, fs streams + createDecryptStream', runs.decStream, false),
      rss('peak RSS growth, encrypt via fs streams', runs.encStreamMB, false),
      rss('peak RSS growth, decrypt via fs streams', runs.decStreamMB, false),
      rss('peak RSS growth, the same fs stream copy without crypto', runs.copyMB, false),
      mbps('encrypt stream in memory (no disk I/O)', runs.memEnc, false),
      mbps('decrypt stream in memory (no disk I/O)', runs.memDec, false),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function argon(): Promise<BenchResult[]> {
  const calibrated = await calibrateKdf({ targetMs: 500 });
  const floor: number[] = [];
  const tuned: number[] = [];
  // Floor and calibrated parameters take turns, so a busy moment does not flip their order.
  for (let round = 0; round < ROUNDS; round++) {
    let start = performance.now();
    await wrapKeyWithPassphrase(generateDbKey(), 'benchmark passphrase', KDF_FLOOR);
    floor.push(performance.now() - start);
    start = performance.now();
    await wrapKeyWithPassphrase(generateDbKey(), 'benchmark passphrase', calibrated);
    tuned.push(performance.now() - start);
  }
  return [
    repeated(floor, { suite: 'crypto', name: 'Argon2id at the floor (64 MiB, 3 passes)', unit: 'ms' }),
    repeated(tuned, {
      suite: 'crypto',
      name: `Argon2id calibrated for ~0.5 s on this machine (${calibrated.memLimitBytes / 2 ** 20} MiB, ${calibrated.opsLimit} passes)`,
      unit: 'ms',
      note: 'parameters calibrated once at the start of the run; the floor and calibrated runs alternate',
    }),
  ];
}

export async function run(): Promise<BenchResult[]> {
  return [...(await envelopeRates()), ...(await catchUp()), ...(await files()), ...(await argon())];
}

// Child mode for files(): `node bench/crypto.bench.ts file-child <run> <from> <to> <key hex>`.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'file-child') {
  const [run, from, to, keyHex] = process.argv.slice(3) as [FileRun, string, string, string];
  await fileChild(run, from, to, keyHex);
}
