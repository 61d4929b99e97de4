// mosquitto as a fan-out fleet for the peers bench: the publisher is mqtt.js at QoS 1 (its PUBACK is
// the ack), the receivers are lean QoS 1 subscribers (mqtt-receiver.ts), one topic per group, the
// same envelope bytes as the relay gets.
import type { Socket } from 'node:net';
import mqtt from 'mqtt';
import { envelopeKey, type Fleet, type Group } from './fanout.ts';
import { mqttReceiver } from './mqtt-receiver.ts';

const topicOf = (group: Group) => `kf/${group.channelId}`;

/** `receivers` clients; client i (1-based, as a group member) subscribes to every group with more than i members. */
export async function mqttFleet(
  port: number,
  groups: readonly Group[],
  receivers: number,
  guarantee: string,
): Promise<Fleet> {
  const sockets: Socket[] = [];
  const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: 'kf-bench-publisher',
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 30_000,
  });
  const fleet: Fleet = {
    label: 'mosquitto',
    guarantee,
    keyed: false,
    onDelivery: () => {},
    async send(group, event) {
      await publisher.publishAsync(
        topicOf(group),
        Buffer.from(event.envelope.buffer, event.envelope.byteOffset, event.envelope.byteLength),
        { qos: 1 },
      );
    },
    async close() {
      sockets.forEach((s) => s.destroy());
      await publisher.endAsync(true);
    },
  };
  for (let i = 1; i <= receivers; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, receivers - i + 1) }, (_, k) => {
        const member = i + k;
        const topics = groups.filter((g) => member < g.members).map(topicOf);
        return mqttReceiver(port, `kf-bench-receiver-${member}`, topics, (payload) =>
          fleet.onDelivery(fleet.keyed ? envelopeKey(payload) : null),
        );
      }),
    );
    sockets.push(...batch);
  }
  return fleet;
}
