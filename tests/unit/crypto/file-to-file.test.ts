// encryptFile/decryptFile: the file-to-file path attachments use. Same format as the streams,
// byte-identical round trips at chunk boundaries, and no plaintext file left behind when the
// ciphertext is damaged.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDecryptStream,
  createEncryptStream,
  decryptFile,
  encryptedSize,
  encryptFile,
  FILE_CHUNK_BYTES,
  FILE_HEADER_BYTES,
  generateFileKey,
} from '../../../apps/desktop/electron/core/crypto/file-crypto.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';

let dir: string;
beforeAll(async () => {
  await readySodium();
  dir = mkdtempSync(join(tmpdir(), 'kf-file-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIZES = [
  0,
  1,
  FILE_CHUNK_BYTES - 1,
  FILE_CHUNK_BYTES,
  FILE_CHUNK_BYTES + 1,
  16 * FILE_CHUNK_BYTES,
  16 * FILE_CHUNK_BYTES + 7,
  40 * FILE_CHUNK_BYTES + 3,
];

describe('encryptFile / decryptFile', () => {
  it.each(SIZES)('round-trips %i bytes byte for byte, at the documented size', async (size) => {
    const plain = new Uint8Array(randomBytes(size));
    const key = generateFileKey();
    const [src, enc, out] = ['plain', 'enc', 'out'].map((n) => join(dir, `${n}-${size}`));
    writeFileSync(src!, plain);
    await encryptFile(key, src!, enc!);
    expect(statSync(enc!).size).toBe(encryptedSize(size));
    // A 64-byte run of the plaintext never appears in the ciphertext (shorter runs may, by chance).
    if (size >= 64) expect(readFileSync(enc!).includes(Buffer.from(plain.subarray(0, 64)))).toBe(false);
    await decryptFile(key, enc!, out!);
    expect(Buffer.compare(readFileSync(out!), plain)).toBe(0);
  });

  it('writes the same format the streams read, and reads what the streams write', async () => {
    const plain = new Uint8Array(randomBytes(3 * FILE_CHUNK_BYTES + 11));
    const key = generateFileKey();
    const src = join(dir, 'x-plain');
    const enc = join(dir, 'x-enc');
    writeFileSync(src, plain);
    await encryptFile(key, src, enc);
    const viaStream = await buffer(Readable.from([readFileSync(enc)]).pipe(createDecryptStream(key)));
    expect(Buffer.compare(viaStream, plain)).toBe(0);

    const streamed = await buffer(Readable.from([plain]).pipe(createEncryptStream(key)));
    const enc2 = join(dir, 'x-enc2');
    const out2 = join(dir, 'x-out2');
    writeFileSync(enc2, streamed);
    await decryptFile(key, enc2, out2);
    expect(Buffer.compare(readFileSync(out2), plain)).toBe(0);
  });

  it('refuses a wrong key, a flipped bit, a cut and trailing data, and leaves no output file', async () => {
    const plain = new Uint8Array(randomBytes(2 * FILE_CHUNK_BYTES + 5));
    const key = generateFileKey();
    const src = join(dir, 'y-plain');
    const enc = join(dir, 'y-enc');
    writeFileSync(src, plain);
    await encryptFile(key, src, enc);
    const good = readFileSync(enc);
    const cases: Array<[string, Buffer, typeof key]> = [
      ['wrong key', good, generateFileKey()],
      ['flipped bit', Buffer.from(good.map((b, i) => (i === FILE_HEADER_BYTES + 100 ? b ^ 1 : b))), key],
      ['cut before the end', good.subarray(0, good.length - 40), key],
      ['cut at a chunk boundary', good.subarray(0, FILE_HEADER_BYTES + FILE_CHUNK_BYTES + 17), key],
      ['trailing data', Buffer.concat([good, Buffer.from([1, 2, 3])]), key],
    ];
    for (const [name, bytes, k] of cases) {
      const bad = join(dir, `y-bad-${name.replace(/ /g, '-')}`);
      const out = `${bad}.out`;
      writeFileSync(bad, bytes);
      await expect(decryptFile(k, bad, out), name).rejects.toThrow();
      expect(existsSync(out), `${name}: no plaintext left`).toBe(false);
    }
  });
});
