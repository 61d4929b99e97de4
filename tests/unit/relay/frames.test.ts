// The relay wire schemas: strict objects, size bounds, id and hash formats.
import { describe, expect, it } from 'vitest';
import { authChallengeText, clientFrame, MAX_ENVELOPE_BYTES, serverFrame } from '@klinikfunk/protocol/relay/frames.ts';

describe('relay frames', () => {
  it('accepts a well-formed publish and refuses unknown fields', () => {
    const frame = { t: 'publish', id: 1, channelId: 'chan0001', clientEventId: 'evt00001', envelope: 'AAEC' };
    expect(clientFrame.safeParse(frame).success).toBe(true);
    expect(clientFrame.safeParse({ ...frame, extra: 1 }).success).toBe(false);
  });

  it('bounds envelopes, ids and page sizes', () => {
    const envelope = 'A'.repeat(Math.ceil((MAX_ENVELOPE_BYTES * 4) / 3) + 4);
    expect(
      clientFrame.safeParse({ t: 'publish', id: 1, channelId: 'chan0001', clientEventId: 'evt00001', envelope })
        .success,
    ).toBe(false);
    expect(
      clientFrame.safeParse({ t: 'publish', id: 1, channelId: 'short', clientEventId: 'evt00001', envelope: 'AA' })
        .success,
    ).toBe(false);
    expect(
      clientFrame.safeParse({ t: 'publish', id: 0, channelId: 'chan0001', clientEventId: 'evt00001', envelope: 'AA' })
        .success,
    ).toBe(false);
    expect(clientFrame.safeParse({ t: 'fetch', id: 1, channelId: 'chan0001', afterSeq: 0, limit: 1001 }).success).toBe(
      false,
    );
    expect(
      clientFrame.safeParse({ t: 'publish', id: 1, channelId: 'chan0001', clientEventId: 'evt00001', envelope: 'AA==' })
        .success,
    ).toBe(false);
  });

  it('takes blob hashes only as lowercase hex SHA-256', () => {
    const base = { t: 'blob_begin', id: 1, size: 1 };
    expect(clientFrame.safeParse({ ...base, hash: 'a'.repeat(64) }).success).toBe(true);
    expect(clientFrame.safeParse({ ...base, hash: 'A'.repeat(64) }).success).toBe(false);
    expect(clientFrame.safeParse({ ...base, hash: '../etc/passwd' }).success).toBe(false);
  });

  it('describes every relay answer, errors with stable codes', () => {
    expect(serverFrame.safeParse({ t: 'error', id: 3, code: 'not_member', message: 'x' }).success).toBe(true);
    expect(serverFrame.safeParse({ t: 'error', code: 'made_up', message: 'x' }).success).toBe(false);
    expect(serverFrame.safeParse({ t: 'push', channelId: 'chan0001', seq: 0, envelope: 'AA' }).success).toBe(false);
  });

  it('takes gone ranges on a page only ascending, non-empty, within safe integers and bounded in number', () => {
    const page = (gone: unknown) => ({
      t: 'page',
      id: 1,
      channelId: 'chan0001',
      events: [],
      head: 1_000_005,
      historyStart: 1,
      gone,
      incarnation: 'incarnation-2',
    });
    expect(serverFrame.safeParse(page([{ from: 6, to: 1_000_005 }])).success).toBe(true);
    expect(serverFrame.safeParse({ ...page(undefined), gone: undefined }).success).toBe(true);
    expect(serverFrame.safeParse(page([{ from: 9, to: 6 }])).success).toBe(false);
    expect(serverFrame.safeParse(page([{ from: 0, to: 6 }])).success).toBe(false);
    expect(serverFrame.safeParse(page([{ from: 6, to: Number.MAX_SAFE_INTEGER + 2 }])).success).toBe(false);
    expect(
      serverFrame.safeParse(
        page([
          { from: 6, to: 9 },
          { from: 9, to: 12 },
        ]),
      ).success,
    ).toBe(false);
    expect(
      serverFrame.safeParse(
        page([
          { from: 20, to: 30 },
          { from: 6, to: 9 },
        ]),
      ).success,
    ).toBe(false);
    expect(serverFrame.safeParse(page([{ from: 6, to: 9, extra: 1 }])).success).toBe(false);
    expect(
      serverFrame.safeParse(page(Array.from({ length: 65 }, (_, i) => ({ from: 10 * i + 1, to: 10 * i + 5 })))).success,
    ).toBe(false);
  });

  it('binds the auth signature to context, nonce and device', () => {
    expect(authChallengeText('nonce', 'dev00001')).toBe('klinikfunk/v1/relay-auth\nnonce\ndev00001');
    expect(authChallengeText('nonce', 'dev00001')).not.toBe(authChallengeText('nonce', 'dev00002'));
  });
});
