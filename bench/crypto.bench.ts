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
import { ChannelCrypto } from '../electron/core/crypto/channel-crypto.ts';
import { sodiumVerifier } from '../electron/core/crypto/ed25519.ts';
import { createDecryptStream, createEncryptStream, decryptFile, encryptedSize, encryptFile, generateFileKey } from '../electron/core/crypto/file-crypto.ts';
import { asFileKey } from '../electron/core/crypto/keys.ts';
import { calibrateKdf, generateDbKey, KDF_FLOOR, wrapKeyWithPassphrase } from '../electron/core/crypto/kdf.ts';
import { MemorySenderKeyStore } from '../electron/core/crypto/sender-keys.ts';
import { readySodium } from '../electron/core/crypto/sodium.ts';
import { eventId, newId, World, type TestDevice } from '../tests/unit/crypto/world.ts';
import type { BenchResult } from './types.ts';

const payload = new Uint8Array(200).fill(65);

async function envelopeRates(): Promise<BenchResult[]> {
  const world = await World.create();
  const sender = world.addDevice(world.addUser('Sender', 'admin'));
  const reader = world.addDevice(world.addUser('Reader'));
  const channel = newId('chn');
  world.setRoster(channel, [{ userId: sender.self.userId, role: 'admin' }, { userId: reader.self.userId, role: 'member' }], sender);
  const n = 5000;
  const envelopes: Uint8Array[] = [];
  let start = performance.now();
  for (let i = 0; i < n; i++) {
    if (sender.crypto.needsNewChain(channel)) world.deliver(sender.crypto.rotate(channel));
    envelopes.push(sender.crypto.seal(channel, 'message', eventId(), payload).envelope);
  }
  const sealRate = n / ((performance.now() - start) / 1000);
  start = performance.now();
  for (const envelope of envelopes) if (!reader.crypto.open(channel, envelope).ok) throw new Error('open failed');
  const openRate = n / ((performance.now() - start) / 1000);
  return [
    { suite: 'crypto', name: 'envelope seal (200 B payload)', value: sealRate, unit: 'ops/s' },
    { suite: 'crypto', name: 'envelope verify + open (200 B payload)', value: openRate, unit: 'ops/s' },
  ];
}

async function catchUp(): Promise<BenchResult[]> {
  const world = await World.create();
  const senders: TestDevice[] = [];
  for (let i = 0; i < 20; i++) senders.push(world.addDevice(world.addUser(`Sender ${i}`, 'admin')));
  const reader = world.addDevice(world.addUser('Reader'));
  const channel = newId('chn');
  world.setRoster(channel, [...senders.map((s) => ({ userId: s.self.userId, role: 'admin' as const })), { userId: reader.self.userId, role: 'member' }], senders[0]!);
  const envelopes: Uint8Array[] = [];
  for (let round = 0; round < 500; round++) {
    for (const sender of senders) {
      if (sender.crypto.needsNewChain(channel)) world.deliver(sender.crypto.rotate(channel));
      envelopes.push(sender.crypto.seal(channel, 'message', eventId(), payload).envelope);
    }
  }
  const results: BenchResult[] = [];
  // Snapshot the reader's received chains so both verifiers start from the same state.
  const snapshot = reader.keys.chainsOf(channel).map((c) => ({ ...c, chainKey: c.chainKey.slice() as typeof c.chainKey, skipped: new Map(c.skipped) }));
  for (const [label, verifier] of [['node:crypto', undefined], ['libsodium wasm', sodiumVerifier]] as const) {
    const keys = new MemorySenderKeyStore();
    for (const chain of snapshot) keys.put({ ...chain, chainKey: chain.chainKey.slice() as typeof chain.chainKey, skipped: new Map() });
    const crypto = new ChannelCrypto({ directory: reader.directory, self: reader.self, keys, now: () => world.now, ...(verifier ? { verifier } : {}) });
    const start = performance.now();
    // As the sync engine does it: pages of 500, signatures of a page verified together.
    for (let i = 0; i < envelopes.length; i += 500) {
      const outcomes = await crypto.openBatch(channel, envelopes.slice(i, i + 500));
      if (outcomes.some((o) => !o.ok)) throw new Error('catch-up open failed');
    }
    const ms = performance.now() - start;
    results.push({
      suite: 'crypto',
      name: `verify + decrypt 10,000 envelopes, 20 senders (${label})`,
      value: ms,
      unit: 'ms',
      target: label === 'node:crypto' ? '< 1000 ms' : '',
      ...(label === 'node:crypto' ? { ok: ms < 1000 } : {}),
    });
  }
  return results;
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
      JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), 'file-child', run, path(from), path(to), keyHex], { encoding: 'utf8' })) as { seconds: number; growthMB: number };
    const roundTrip = (encrypt: FileRun, decrypt: FileRun) => {
      const enc = child(encrypt, 'plain', 'cipher');
      const dec = child(decrypt, 'cipher', 'out');
      return { enc, dec, cipherBytes: statSync(path('cipher')).size };
    };
    const checked = async (run: ReturnType<typeof roundTrip>) => {
      if (run.cipherBytes !== encryptedSize(size) || (await sha256(path('out'))) !== plainHash) throw new Error('file round trip failed');
      return run;
    };
    const file = await checked(roundTrip('encrypt-file', 'decrypt-file'));
    const stream = await checked(roundTrip('encrypt-stream', 'decrypt-stream'));
    const copy = child('copy-stream', 'plain', 'out');

    // The streams without disk I/O, for encryption and stream plumbing alone (in this process, so
    // no RSS figure): 1 MiB pieces from memory into a discarding sink.
    const piece = Buffer.alloc(1024 * 1024, 0x5a);
    const source = () => Readable.from((function* () { for (let i = 0; i < size / piece.length; i++) yield piece; })());
    const discard = () => new Writable({ write(_chunk: Buffer, _e, done) { done(); } });
    let start = performance.now();
    await pipeline(source(), createEncryptStream(key), discard());
    const memEnc = (performance.now() - start) / 1000;
    const ciphertext: Buffer[] = [];
    await pipeline(source(), createEncryptStream(key), new Writable({ write(chunk: Buffer, _e, done) { ciphertext.push(chunk); done(); } }));
    start = performance.now();
    await pipeline(Readable.from(ciphertext), createDecryptStream(key), discard());
    const memDec = (performance.now() - start) / 1000;

    const mbps = (name: string, seconds: number, target: boolean): BenchResult => ({
      suite: 'crypto', name, value: rate(seconds), unit: 'MB/s', ...(target ? { target: '>= 150 MB/s', ok: rate(seconds) >= 150 } : {}),
    });
    const rss = (name: string, growthMB: number, target: boolean): BenchResult => ({
      suite: 'crypto', name, value: growthMB, unit: 'MB', ...(target ? { target: '< 64 MB', ok: growthMB < 64 } : {}),
    });
    return [
      mbps('file encrypt 100 MB, file to file (encryptFile)', file.enc.seconds, true),
      mbps('file decrypt 100 MB, file to file (decryptFile)', file.dec.seconds, true),
      rss('peak RSS growth while encrypting 100 MB (encryptFile)', file.enc.growthMB, true),
      rss('peak RSS growth while decrypting 100 MB (decryptFile)', file.dec.growthMB, true),
      mbps('file encrypt 100 MB, fs streams + createEncryptStream', stream.enc.seconds, false),
      mbps('file decrypt 100 MB, fs streams + createDecryptStream', stream.dec.seconds, false),
      rss('peak RSS growth, encrypt via fs streams', stream.enc.growthMB, false),
      rss('peak RSS growth, decrypt via fs streams', stream.dec.growthMB, false),
      rss('peak RSS growth, the same fs stream copy without crypto', copy.growthMB, false),
      mbps('encrypt stream in memory (no disk I/O)', memEnc, false),
      mbps('decrypt stream in memory (no disk I/O)', memDec, false),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function argon(): Promise<BenchResult[]> {
  const start = performance.now();
  await wrapKeyWithPassphrase(generateDbKey(), 'benchmark passphrase', KDF_FLOOR);
  const floorMs = performance.now() - start;
  const calibrated = await calibrateKdf({ targetMs: 500 });
  const t = performance.now();
  await wrapKeyWithPassphrase(generateDbKey(), 'benchmark passphrase', calibrated);
  return [
    { suite: 'crypto', name: 'Argon2id at the floor (64 MiB, 3 passes)', value: floorMs, unit: 'ms' },
    {
      suite: 'crypto',
      name: `Argon2id calibrated (${calibrated.memLimitBytes / 2 ** 20} MiB, ${calibrated.opsLimit} passes)`,
      value: performance.now() - t,
      unit: 'ms',
    },
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
