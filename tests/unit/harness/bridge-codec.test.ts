// The harness bridge carries IPC as JSON over a WebSocket; Electron's structured clone carries
// Uint8Array natively. The codec tags byte arrays so both ends see the same types as in Electron.
import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame } from '../../harness/browser/codec.ts';
import { nodeBase64 } from '../../harness/node-base64.ts';

describe('harness bridge codec', () => {
  it('carries Uint8Array (and Node Buffers) as Uint8Array, nested anywhere, byte for byte', () => {
    const chunk = new Uint8Array(256).map((_, i) => i);
    const frame = {
      id: 3,
      method: 'files.uploadChunk',
      input: { offset: 0, data: chunk, list: [Buffer.from('Übergabe'), { inner: chunk.subarray(10, 20) }] },
    };
    const back = decodeFrame(encodeFrame(frame)) as typeof frame;
    expect(back.input.data).toBeInstanceOf(Uint8Array);
    expect([...back.input.data]).toEqual([...chunk]);
    const [text, nested] = back.input.list as [Uint8Array, { inner: Uint8Array }];
    expect(text).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(text).toString('utf8')).toBe('Übergabe');
    expect([...nested.inner]).toEqual([...chunk.subarray(10, 20)]);
  });

  it('leaves everything else as JSON has it, including an empty array of bytes', () => {
    const frame = {
      id: 1,
      result: { ok: true, value: { data: new Uint8Array(0), done: true, text: 'AAAA', n: null } },
    };
    const back = decodeFrame(encodeFrame(frame)) as typeof frame;
    expect(back.result.value.data).toBeInstanceOf(Uint8Array);
    expect(back.result.value.data.byteLength).toBe(0);
    expect(back.result.value).toMatchObject({ done: true, text: 'AAAA', n: null });
  });

  it('does not turn page-supplied look-alikes into bytes unless they are exactly the tag', () => {
    const frame = { input: { $bytes: 'AAAA' }, more: { $bytes: 'AAAA', extra: 1 }, other: { $$bytes: 5 } };
    expect(decodeFrame(encodeFrame(frame))).toEqual(frame);
    // Malformed base64 in a tag is refused, not decoded loosely.
    expect(() => decodeFrame('{"input":{"$bytes":"A!!A"}}')).toThrow();
    expect(() => decodeFrame('{"input":{"$bytes":"A!!A"}}', nodeBase64)).toThrow();
  });

  it('reads what the other end wrote, whichever base64 each end uses', () => {
    const bytes = new Uint8Array(100_001).map((_, i) => (i * 7) & 0xff);
    const fromNode = decodeFrame(encodeFrame({ bytes }, nodeBase64)) as { bytes: Uint8Array };
    const fromBrowser = decodeFrame(encodeFrame({ bytes }), nodeBase64) as { bytes: Uint8Array };
    expect(Buffer.from(fromNode.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(Buffer.from(fromBrowser.bytes).equals(Buffer.from(bytes))).toBe(true);
  });
});
