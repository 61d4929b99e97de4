// A lean MQTT 3.1.1 subscriber for the peers bench, the counterpart of the relay's bare WebSocket
// receivers: it connects, subscribes at QoS 1 and then only frames PUBLISH packets and answers
// each with its PUBACK (what QoS 1 obliges a receiver to do), all PUBACKs of one read in one
// write. mqtt.js, a full client, cost the shared bench process so much per message that it, not
// the broker, set mosquitto's numbers.
import { createConnection, type Socket } from 'node:net';

const utf8 = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
};

function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

const packet = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type]), remainingLength(body.length), body]);

/** CONNECT, clean session, no keep-alive. */
export const connectPacket = (clientId: string) =>
  packet(0x10, Buffer.concat([utf8('MQTT'), Buffer.from([4, 0x02, 0, 0]), utf8(clientId)]));

/** SUBSCRIBE with packet id 1, every topic at QoS 1. */
export const subscribePacket = (topics: readonly string[]) =>
  packet(0x82, Buffer.concat([Buffer.from([0, 1]), ...topics.map((t) => Buffer.concat([utf8(t), Buffer.from([1])]))]));

export interface Publish {
  topic: string;
  packetId: number | null;
  payload: Buffer;
}

/**
 * Splits a byte stream into MQTT packets across reads. Calls `onPacket(type, flags, body)` for
 * each whole packet; bytes of an unfinished one wait for the next read.
 */
export class PacketReader {
  #pending: Buffer = Buffer.alloc(0);
  readonly #onPacket: (type: number, flags: number, body: Buffer) => void;
  constructor(onPacket: (type: number, flags: number, body: Buffer) => void) {
    this.#onPacket = onPacket;
  }

  push(chunk: Buffer): void {
    let buf = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    for (;;) {
      if (buf.length < 2) break;
      let length = 0;
      let multiplier = 1;
      let i = 1;
      let complete = false;
      for (; i < buf.length && i <= 4; i++) {
        length += (buf[i]! & 0x7f) * multiplier;
        multiplier *= 128;
        if ((buf[i]! & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        if (i > 4) throw new Error('MQTT remaining length longer than 4 bytes');
        break;
      }
      const start = i + 1;
      if (buf.length < start + length) break;
      this.#onPacket(buf[0]! >> 4, buf[0]! & 0x0f, buf.subarray(start, start + length));
      buf = buf.subarray(start + length);
    }
    this.#pending = buf.length === 0 ? Buffer.alloc(0) : Buffer.from(buf);
  }
}

export function parsePublish(flags: number, body: Buffer): Publish {
  const topicLength = body.readUInt16BE(0);
  const topic = body.toString('utf8', 2, 2 + topicLength);
  const qos = (flags >> 1) & 3;
  const packetId = qos > 0 ? body.readUInt16BE(2 + topicLength) : null;
  return { topic, packetId, payload: body.subarray(2 + topicLength + (qos > 0 ? 2 : 0)) };
}

/** Connects, subscribes and resolves once SUBACK granted QoS 1 for every topic; `onPublish` sees each message. */
export async function mqttReceiver(
  port: number,
  clientId: string,
  topics: readonly string[],
  onPublish: (payload: Buffer) => void,
): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port, noDelay: true });
  return new Promise<Socket>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`MQTT receiver ${clientId} not subscribed after 30 s`)), 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    const ready = () => {
      clearTimeout(timer);
      resolve(socket);
    };
    let acks: Buffer[] = [];
    const reader = new PacketReader((type, flags, body) => {
      if (type === 3) {
        const p = parsePublish(flags, body);
        if (p.packetId !== null) acks.push(Buffer.from([0x40, 2, p.packetId >> 8, p.packetId & 0xff]));
        onPublish(p.payload);
      } else if (type === 2) {
        if (body[1] !== 0) fail(new Error(`CONNACK refused: ${body[1]}`));
        else if (topics.length === 0) ready();
        else socket.write(subscribePacket(topics));
      } else if (type === 9) {
        if ([...body.subarray(2)].some((granted) => granted !== 1))
          fail(new Error(`SUBACK did not grant QoS 1: ${[...body.subarray(2)].join(',')}`));
        else ready();
      }
    });
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      if (acks.length > 0) {
        socket.write(acks.length === 1 ? acks[0]! : Buffer.concat(acks));
        acks = [];
      }
    });
    socket.once('connect', () => socket.write(connectPacket(clientId)));
  });
}
