// Fuzz the relay over a real raw WebSocket with random and mutated frames (fast-check): it must
// answer each with an error frame (or a valid answer), never crash, and keep serving a normal
// client afterwards.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES, RELAY_PROTOCOL_VERSION, serverFrame } from '@klinikfunk/protocol/relay/frames.ts';
import {
  deviceTransport,
  startTestRelay,
  TestOrg,
  testId,
  type TestDevice,
  type TestRelay,
} from '../../harness/relay.ts';
import { RawClient } from './raw-client.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64url');

/** The binary layout of packages/protocol/relay/binary-frame.ts without its length check, so headers can be oversized too. */
function binaryMessage(headerText: string, data: Uint8Array): Uint8Array {
  const head = Buffer.from(headerText);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(head.length);
  return Buffer.concat([length, head, data]);
}

function validFrames(channelId: string, deviceId: string): Array<Record<string, unknown>> {
  return [
    { t: 'publish', id: 1, channelId, clientEventId: 'evtfuzz00001', envelope: b64('ciphertext') },
    { t: 'sync', id: 2, cursors: { [channelId]: 0 } },
    { t: 'fetch', id: 3, channelId, afterSeq: 0, limit: 10 },
    { t: 'mail_put', id: 4, toDeviceId: deviceId, messageId: 'msgfuzz0001', payload: b64('share') },
    { t: 'mail_fetch', id: 5, limit: 5 },
    { t: 'mail_ack', id: 6, messageIds: ['msgfuzz0001'] },
    { t: 'blob_begin', id: 7, hash: 'ab'.repeat(32), size: 10 },
    { t: 'blob_chunk', id: 8, hash: 'ab'.repeat(32), offset: 0, data: b64('0123456789') },
    { t: 'blob_get', id: 9, hash: 'ab'.repeat(32), offset: 0, length: 10 },
    {
      t: 'dir_put',
      id: 10,
      record: { v: 1, type: 'user', body: {}, signer: { kind: 'org', id: 'orgorgorg' }, sig: 'AA' },
    },
    { t: 'dir_get', id: 11, after: 0, limit: 3 },
    { t: 'ping', id: 12 },
    { t: 'hello', v: RELAY_PROTOCOL_VERSION, deviceId },
    { t: 'auth', id: 13, signature: b64('x'.repeat(64)) },
  ];
}

const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(-1),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
  fc.constant('x'.repeat(5000)),
  fc.array(fc.string(), { maxLength: 5 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 5 }),
  fc.constant({ __proto__: { polluted: true } }),
);

/** A valid frame with one field replaced, removed or added. */
function mutated(frames: Array<Record<string, unknown>>) {
  return fc
    .tuple(fc.constantFrom(...frames), fc.nat(), anyValue, fc.constantFrom('replace', 'remove', 'add'))
    .map(([frame, pick, value, how]) => {
      const copy: Record<string, unknown> = { ...frame };
      const keys = Object.keys(copy);
      const key = keys[pick % keys.length]!;
      if (how === 'replace') copy[key] = value;
      else if (how === 'remove') delete copy[key];
      else copy[`extra${pick % 7}`] = value;
      return JSON.stringify(copy);
    });
}

describe('relay fuzz', () => {
  let relay: TestRelay;
  let a: TestDevice;
  let b: TestDevice;
  let channelId: string;

  beforeAll(async () => {
    const org = await TestOrg.create();
    const [ua, ub] = [org.addUser(), org.addUser()];
    a = org.addDevice(ua);
    b = org.addDevice(ub);
    channelId = testId('chan');
    org.setRoster(channelId, [ua, ub]);
    relay = await startTestRelay({
      org,
      limits: { framesPerSecond: 100_000, frameBurst: 100_000, maxBadFrames: 1_000_000 },
    });
  });
  afterAll(async () => {
    await relay.dispose();
  });

  const frameText = () =>
    fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 3 }),
      fc.uint8Array({ maxLength: 64 }).map((u) => Buffer.from(u).toString('latin1')),
      mutated(validFrames('chanfuzz001', 'devfuzz0001')),
      // Binary messages: random bytes, and blob_chunk headers mutated like the text frames.
      fc.uint8Array({ maxLength: 64 }),
      fc
        .tuple(
          mutated([{ t: 'blob_chunk', id: 8, hash: 'ab'.repeat(32), offset: 0 }]),
          fc.uint8Array({ maxLength: 32 }),
        )
        .map(([header, data]) => binaryMessage(header, data)),
    );

  for (const authenticated of [false, true]) {
    it(
      `answers random and mutated frames on ${authenticated ? 'an authenticated' : 'a fresh'} socket and stays up`,
      { timeout: 60_000 },
      async () => {
        const open = async () => {
          const socket = await RawClient.open(relay.url);
          if (authenticated) expect(await socket.authenticate(a)).toMatchObject({ t: 'auth_ok' });
          return socket;
        };
        let raw = await open();
        let sent = 0;
        await fc.assert(
          fc.asyncProperty(frameText(), async (text: string | Uint8Array) => {
            raw.frames.length = 0;
            raw.send(text);
            sent++;
            // Every frame gets a schema-valid answer (an error or a result), and a ping afterwards
            // is answered. The relay may end a connection on purpose (bad version, failed auth):
            // then with a documented close code, after an error frame, and a new socket works.
            try {
              const pong = await raw.request({ t: 'ping' }, 5000);
              expect(pong.t).toBe('pong');
            } catch (error) {
              if (!raw.closed) throw error;
              // A fresh socket that never authenticates is closed after authTimeoutMs (5 s), with no
              // error frame: on a loaded machine the run outlasts it, and that close is the contract.
              if (!authenticated && raw.closed.code === CLOSE_CODES.authTimeout) {
                raw = await open();
                return;
              }
              expect([CLOSE_CODES.protocolError, CLOSE_CODES.authFailed, CLOSE_CODES.revoked]).toContain(
                raw.closed.code,
              );
              expect(raw.frames.some((f) => f.t === 'error')).toBe(true);
              raw = await open();
            }
            for (const f of raw.frames) expect(serverFrame.safeParse(f).success).toBe(true);
          }),
          { numRuns: 250 },
        );
        raw.close();
        expect(sent).toBe(250);
        // A normal client still works.
        const alice = deviceTransport(relay.url, a);
        const bob = deviceTransport(relay.url, b);
        await Promise.all([alice.connect(), bob.connect()]);
        const { seq } = await alice.publish(channelId, testId('evt'), new Uint8Array([1, 2, 3]));
        expect((await bob.fetchPage(channelId, seq - 1, 1))[0]?.envelope).toEqual(new Uint8Array([1, 2, 3]));
        await Promise.all([alice.close(), bob.close()]);
        expect((await fetch(`http://127.0.0.1:${relay.port}/healthz`)).status).toBe(200);
      },
    );
  }

  it('answers malformed binary frames, bad JSON and unknown types with bad_frame', async () => {
    const raw = await RawClient.open(relay.url);
    raw.send(new Uint8Array([0, 1, 2, 3]));
    expect(await raw.next((f) => f.t === 'error')).toMatchObject({ code: 'bad_frame' });
    raw.send(new Uint8Array([0, 0, 0, 5, 0x7b]));
    expect(await raw.next((f) => f.t === 'error')).toMatchObject({
      code: 'bad_frame',
      message: expect.stringContaining('past the end'),
    });
    raw.send({ t: 'blob_chunk', id: 4, hash: 'ab'.repeat(32), offset: 0, data: 'AAAA' });
    expect(await raw.next((f) => f.t === 'error')).toMatchObject({
      code: 'bad_frame',
      id: 4,
      message: expect.stringContaining('binary'),
    });
    raw.send(
      binaryMessage(
        JSON.stringify({ t: 'publish', id: 6, channelId, clientEventId: 'evtfuzz00002' }),
        new Uint8Array(8),
      ),
    );
    expect(await raw.next((f) => f.t === 'error')).toMatchObject({ code: 'bad_frame', id: 6 });
    raw.send('{not json');
    expect(await raw.next((f) => f.t === 'error')).toMatchObject({ code: 'bad_frame' });
    raw.send({ t: 'teleport', id: 5 });
    expect(await raw.next((f) => f.t === 'error')).toMatchObject({ code: 'bad_frame', id: 5 });
    raw.send({ t: 'hello', v: 99, deviceId: 'devfuzz0001' });
    expect(await raw.next((f) => f.t === 'error')).toMatchObject({ code: 'unsupported_version' });
    raw.close();
  });
});
