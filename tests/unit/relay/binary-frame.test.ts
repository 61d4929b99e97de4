import { describe, expect, it } from 'vitest';
import {
  encodeBinaryFrame,
  MAX_BINARY_HEADER_BYTES,
  splitBinaryFrame,
} from '@klinikfunk/protocol/relay/binary-frame.ts';

const withLength = (n: number, rest: number[]) =>
  new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255, ...rest]);

describe('binary blob frames', () => {
  it('round-trips a header and raw bytes, the data as a view after the header', () => {
    const data = new Uint8Array([0, 255, 1, 254]);
    const message = encodeBinaryFrame({ t: 'blob_chunk', id: 7, hash: 'ab'.repeat(32), offset: 0 }, data);
    const split = splitBinaryFrame(message);
    expect(split).toMatchObject({ ok: true, header: { t: 'blob_chunk', id: 7, offset: 0 } });
    if (split.ok) expect([...split.data]).toEqual([0, 255, 1, 254]);
  });

  it('reads a frame that sits at an offset inside a larger buffer (as ws hands them over)', () => {
    const message = encodeBinaryFrame({ t: 'x' }, new Uint8Array([9, 8]));
    const padded = new Uint8Array(message.length + 3);
    padded.set(message, 3);
    const split = splitBinaryFrame(padded.subarray(3));
    expect(split.ok && [...split.data]).toEqual([9, 8]);
  });

  it('refuses to write a header above the limit', () => {
    expect(() => encodeBinaryFrame({ t: 'x'.repeat(MAX_BINARY_HEADER_BYTES) }, new Uint8Array(1))).toThrow(RangeError);
  });

  it.each([
    ['too short for the length field', new Uint8Array([0, 0, 1])],
    ['an empty header', withLength(0, [1, 2])],
    ['a header above the limit', withLength(MAX_BINARY_HEADER_BYTES + 1, [])],
    ['a header past the end', withLength(10, [0x7b, 0x7d])],
    ['a header that is not JSON', withLength(2, [0x7b, 0x7b, 1])],
    ['a header that is not UTF-8', withLength(2, [0xff, 0xfe])],
  ])('rejects %s with a reason and never throws', (_name, bytes) => {
    const split = splitBinaryFrame(bytes);
    expect(split.ok).toBe(false);
    if (!split.ok) expect(split.reason).toMatch(/binary frame/);
  });
});
