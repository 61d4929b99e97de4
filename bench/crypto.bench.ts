// Crypto benchmarks: envelope seal/open, catch-up-sized verify+decrypt, file streaming, Argon2id.
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChannelCrypto } from '../electron/core/crypto/channel-crypto.ts';
import { sodiumVerifier } from '../electron/core/crypto/ed25519.ts';
import { createDecryptStream, createEncryptStream, generateFileKey } from '../electron/core/crypto/file-crypto.ts';
import { calibrateKdf, generateDbKey, KDF_FLOOR, wrapKeyWithPassphrase } from '../electron/core/crypto/kdf.ts';
import { MemorySenderKeyStore } from '../electron/core/crypto/sender-keys.ts';
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

async function files(): Promise<BenchResult[]> {
  const size = 100 * 1024 * 1024;
  const piece = Buffer.alloc(1024 * 1024, 0x5a);
  const key = generateFileKey();
  const source = () => Readable.from((function* () { for (let i = 0; i < size / piece.length; i++) yield piece; })());
  // Peak RSS is sampled while each pipeline runs and compared with the RSS just before it started.
  // It counts output buffers the consumer already dropped but V8 has not collected yet, so it
  // varies with GC timing from run to run; what the pipeline itself retains is a few chunks.
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const measure = async (run: () => Promise<void>) => {
    const before = process.memoryUsage.rss();
    peak = before;
    const start = performance.now();
    await run();
    return { seconds: (performance.now() - start) / 1000, growthMB: (Math.max(peak, process.memoryUsage.rss()) - before) / 2 ** 20 };
  };
  // Encryption as a file upload does it: plaintext in, ciphertext streamed on and not kept.
  const enc = await measure(() => pipeline(source(), createEncryptStream(key), new Writable({ write(_chunk: Buffer, _e, done) { done(); } })));
  // The ciphertext for the decrypt run, kept in memory (untimed) so decryption is measured alone;
  // it is in the RSS baseline of the decrypt run, not in its growth.
  const cipher: Buffer[] = [];
  await pipeline(source(), createEncryptStream(key), new Writable({ write(chunk: Buffer, _e, done) { cipher.push(chunk); done(); } }));
  const dec = await measure(() => pipeline(Readable.from(cipher), createDecryptStream(key), new Writable({ write(_chunk: Buffer, _e, done) { done(); } })));
  clearInterval(sample);
  const rate = (seconds: number) => size / 2 ** 20 / seconds;
  return [
    { suite: 'crypto', name: 'file encrypt 100 MB (secretstream)', value: rate(enc.seconds), unit: 'MB/s', target: '>= 150 MB/s', ok: rate(enc.seconds) >= 150 },
    { suite: 'crypto', name: 'file decrypt 100 MB (secretstream)', value: rate(dec.seconds), unit: 'MB/s', target: '>= 150 MB/s', ok: rate(dec.seconds) >= 150 },
    { suite: 'crypto', name: 'peak RSS growth while encrypting 100 MB', value: enc.growthMB, unit: 'MB', target: '< 64 MB', ok: enc.growthMB < 64 },
    { suite: 'crypto', name: 'peak RSS growth while decrypting 100 MB', value: dec.growthMB, unit: 'MB', target: '< 64 MB', ok: dec.growthMB < 64 },
  ];
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
