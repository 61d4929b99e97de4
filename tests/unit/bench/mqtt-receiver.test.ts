// The peers bench's lean MQTT subscriber frames packets itself: split anywhere across reads, long
// remaining lengths, QoS 0 and 1 publishes. A framing bug would miscount mosquitto's deliveries.
import { describe, expect, it } from 'vitest';
import { connectPacket, PacketReader, parsePublish, subscribePacket } from '../../../bench/lib/mqtt-receiver.ts';

function publish(topic: string, payload: Buffer, packetId: number | null): Buffer {
  const t = Buffer.from(topic);
  const body = Buffer.concat([
    Buffer.from([t.length >> 8, t.length & 0xff]),
    t,
    packetId === null ? Buffer.alloc(0) : Buffer.from([packetId >> 8, packetId & 0xff]),
    payload,
  ]);
  const len: number[] = [];
  let n = body.length;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    len.push(b);
  } while (n > 0);
  return Buffer.concat([Buffer.from([packetId === null ? 0x30 : 0x32, ...len]), body]);
}

describe('PacketReader', () => {
  it('frames publishes split at every byte boundary, with their topic, packet id and payload', () => {
    const big = Buffer.alloc(16_500, 7); // a three-byte remaining length
    const stream = Buffer.concat([
      publish('kf/a', Buffer.from('eins'), 1),
      publish('kf/b', big, 65_535),
      publish('kf/a', Buffer.from('drei'), null),
      Buffer.from([0x90, 3, 0, 1, 1]),
    ]);
    for (const step of [3, 7, 127, 128, 129, 5000, stream.length]) {
      const seen: string[] = [];
      const reader = new PacketReader((type, flags, body) => {
        if (type !== 3) return seen.push(`type ${type} ${body.length}`);
        const p = parsePublish(flags, body);
        seen.push(`${p.topic} ${p.packetId} ${p.payload.length === big.length ? 'big' : p.payload.toString()}`);
      });
      for (let i = 0; i < stream.length; i += step) reader.push(stream.subarray(i, i + step));
      expect(seen, `step ${step}`).toEqual(['kf/a 1 eins', 'kf/b 65535 big', 'kf/a null drei', 'type 9 3']);
    }
  });

  it('refuses a remaining length of more than four bytes', () => {
    const reader = new PacketReader(() => {});
    expect(() => reader.push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(/longer than 4 bytes/);
  });

  it('writes CONNECT (MQTT 3.1.1, clean session) and SUBSCRIBE at QoS 1', () => {
    expect([...connectPacket('c1')]).toEqual([0x10, 14, 0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 0, 0, 2, 0x63, 0x31]);
    expect([...subscribePacket(['a', 'bc'])]).toEqual([0x82, 11, 0, 1, 0, 1, 0x61, 1, 0, 2, 0x62, 0x63, 1]);
  });
});
