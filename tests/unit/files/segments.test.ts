// Segmented uploads (segment-sender.ts) and their download (blob-cache.ts ensureCached with
// parts) over the in-memory transport twin: order, backpressure, abort, and the checks that keep
// a wrong part list or a swapped part out of the cache.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { ensureCached, partsId } from '../../../apps/desktop/electron/core/files/blob-cache.ts';
import {
  SEGMENT_BYTES,
  SegmentSender,
  segmentBytesFor,
} from '../../../apps/desktop/electron/core/files/segment-sender.ts';
import { LoopbackHub, type LoopbackTransport } from '../../../apps/desktop/electron/core/transport/loopback.ts';
import { MAX_FILE_PARTS } from '@klinikfunk/protocol/domain/events.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function online(): Promise<{ hub: LoopbackHub; transport: LoopbackTransport }> {
  const hub = new LoopbackHub();
  const transport = hub.transport('devsegment01');
  await transport.connect();
  return { hub, transport };
}

describe('segment sender', () => {
  beforeAll(readySodium);

  it('sends segments in order and reports progress over the whole file', async () => {
    const { hub, transport } = await online();
    const segments = [randomBytes(1000), randomBytes(2000), randomBytes(500)];
    const progress: number[] = [];
    const sender = new SegmentSender(transport, 3500, (p) => progress.push(p.done));
    for (const s of segments) await sender.push(s);
    const parts = await sender.finish();
    expect(parts).toEqual(segments.map(sha));
    expect(parts.map((h) => hub.blob(h)?.length)).toEqual([1000, 2000, 500]);
    expect(progress.at(-1)).toBe(3500);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('holds the writer back while segments wait (memory stays bounded)', async () => {
    const { transport } = await online();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = {
      ...transport,
      putBlob: async (bytes: Uint8Array) => (await gate, transport.putBlob(bytes)),
    } as unknown as LoopbackTransport;
    const sender = new SegmentSender(slow, 4, () => {});
    // One in flight and one waiting are taken at once; the third waits for room.
    await sender.push(new Uint8Array([1]));
    await sender.push(new Uint8Array([2]));
    let thirdAccepted = false;
    const third = sender.push(new Uint8Array([3])).then(() => (thirdAccepted = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(thirdAccepted).toBe(false);
    release();
    await third;
    expect(await sender.finish()).toHaveLength(3);
  });

  it('fails the next push and finish once a segment is refused, and after abort', async () => {
    const { transport } = await online();
    const failing = {
      putBlob: async () => Promise.reject(new Error('quota_exceeded')),
    } as unknown as LoopbackTransport;
    const sender = new SegmentSender(failing, 2, () => {});
    await sender.push(new Uint8Array([1]));
    await expect(sender.finish()).rejects.toThrow('quota_exceeded');
    await expect(sender.push(new Uint8Array([2]))).rejects.toThrow('quota_exceeded');

    const aborted = new SegmentSender(transport, 1, () => {});
    aborted.abort(new Error('cancelled'));
    await expect(aborted.push(new Uint8Array([1]))).rejects.toThrow('cancelled');
  });

  it('ends at once on abort, even while a segment waits for the relay that never answers', async () => {
    const stuck = { putBlob: () => new Promise(() => {}) } as unknown as LoopbackTransport;
    const sender = new SegmentSender(stuck, 1, () => {});
    await sender.push(new Uint8Array([1]));
    const finished = sender.finish();
    sender.abort(new Error('cancelled by the user'));
    await expect(finished).rejects.toThrow('cancelled by the user');
  });

  it('grows segments for very large files so the part list stays within its limit', () => {
    expect(segmentBytesFor(100 * 1024 * 1024)).toBe(SEGMENT_BYTES);
    const huge = 4 * 1024 * 1024 * 1024;
    expect(Math.ceil((huge * 1.001) / segmentBytesFor(huge))).toBeLessThanOrEqual(MAX_FILE_PARTS);
  });
});

describe('download of a file in parts', () => {
  beforeAll(readySodium);

  it('assembles the parts in order into the cache under the parts id', async () => {
    const { transport } = await online();
    const segments = [randomBytes(3000), randomBytes(10), randomBytes(777)];
    const parts = await Promise.all(segments.map(async (s) => (await transport.putBlob(s)).hash));
    const dir = await mkdtemp(join(tmpdir(), 'kf-parts-'));
    const path = await ensureCached(transport, dir, partsId(parts), null, undefined, parts);
    expect(await readFile(path)).toEqual(Buffer.concat(segments));
  });

  it('refuses a part list that does not match the blob id, before downloading', async () => {
    const { transport } = await online();
    const parts = [(await transport.putBlob(randomBytes(10))).hash, (await transport.putBlob(randomBytes(10))).hash];
    const dir = await mkdtemp(join(tmpdir(), 'kf-parts-'));
    await expect(ensureCached(transport, dir, partsId([...parts].reverse()), null, undefined, parts)).rejects.toThrow(
      /does not match/,
    );
    await expect(ensureCached(transport, dir, 'a'.repeat(64), null, undefined, ['b'.repeat(64)])).rejects.toThrow(
      /does not match/,
    );
    // hashB64 of a file in parts is its partsId; another value is refused.
    await expect(
      ensureCached(transport, dir, partsId(parts), Buffer.alloc(32, 7).toString('base64url'), undefined, parts),
    ).rejects.toThrow(/does not match/);
    const path = await ensureCached(
      transport,
      dir,
      partsId(parts),
      Buffer.from(partsId(parts), 'hex').toString('base64url'),
      undefined,
      parts,
    );
    expect((await readFile(path)).length).toBe(20);
  });

  it('stops when the parts add up to more than a file of the announced size can be', async () => {
    const { transport } = await online();
    const parts = [
      (await transport.putBlob(randomBytes(4000))).hash,
      (await transport.putBlob(randomBytes(4000))).hash,
    ];
    const dir = await mkdtemp(join(tmpdir(), 'kf-parts-'));
    await expect(ensureCached(transport, dir, partsId(parts), null, undefined, parts, 1000)).rejects.toThrow(
      /does not match/,
    );
    expect(await readdir(dir)).toEqual([]);
    const progress: Array<{ done: number; total: number }> = [];
    await ensureCached(transport, dir, partsId(parts), null, (p) => progress.push(p), parts, 7990);
    expect(progress.every((p) => p.total === 7990 && p.done <= 7990)).toBe(true);
  });

  it('leaves nothing in the cache when a part was swapped by the relay', async () => {
    const { hub, transport } = await online();
    const first = randomBytes(100);
    const parts = [(await transport.putBlob(first)).hash, sha(Buffer.from('the real second part'))];
    hub.blobPut(parts[1]!, Buffer.from('something else entirely'));
    const dir = await mkdtemp(join(tmpdir(), 'kf-parts-'));
    await expect(ensureCached(transport, dir, partsId(parts), null, undefined, parts)).rejects.toMatchObject({
      code: 'hash_mismatch',
    });
    expect(await readdir(dir)).toEqual([]);
  });
});
