// Child process for "client killed between publish and ack": a real client core (SQLCipher
// store with its durable outbox, sync engine, relay transport) writes messages while offline,
// goes online and is SIGKILLed by itself right after the publish frame of message `killAt` left
// (the frame is written synchronously), before its ack can be read.
// Input (JSON in argv[2]): { url, deviceId, secretKey (base64url), channelId, storePath, keyHex, count, killAt }.
import { systemClock } from '../../../apps/desktop/electron/core/clock/clock.ts';
import { signDetached } from '@klinikfunk/crypto/ed25519.ts';
import { asDbKey } from '@klinikfunk/crypto/keys.ts';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { createMemoryLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { ProfileStore } from '../../../apps/desktop/electron/core/store/profile-store.ts';
import { SyncEngine } from '../../../apps/desktop/electron/core/sync/engine.ts';
import type { SyncTransport } from '../../../apps/desktop/electron/core/sync/ports.ts';
import { RelayTransport } from '../../../apps/desktop/electron/core/transport/relay-transport.ts';
import { FakeSyncCrypto } from '../../unit/sync/fakes.ts';
import { outboxMessage } from './outbox-kill-fixtures.ts';

const input = JSON.parse(process.argv[2]!) as {
  url: string;
  deviceId: string;
  secretKey: string;
  channelId: string;
  storePath: string;
  keyHex: string;
  count: number;
  killAt: number;
};
await readySodium();
const secretKey = new Uint8Array(Buffer.from(input.secretKey, 'base64url'));
const store = ProfileStore.open(input.storePath, asDbKey(new Uint8Array(Buffer.from(input.keyHex, 'hex'))), {
  create: true,
});
await store.channels.upsert(
  {
    channelId: input.channelId,
    kind: 'conversation',
    name: 'Nachtdienst',
    topic: '',
    historyForNewMembers: false,
    retentionDays: null,
    createdAt: 0,
  },
  [],
);
// Written while offline: in the store and its outbox, one transaction each.
for (let i = 0; i < input.count; i++)
  await store.messages.queueLocal(outboxMessage(input.channelId, input.deviceId, i), 'message');

const transport = new RelayTransport({
  url: input.url,
  deviceId: input.deviceId,
  sign: (m) => signDetached(m, secretKey),
  heartbeatMs: 2_000,
  requestTimeoutMs: 10_000,
});
let publishes = 0;
const dying: SyncTransport = {
  state: () => transport.state(),
  onState: (l) => transport.onState(l),
  onPush: (l) => transport.onPush(l),
  changedSince: (c, i) => transport.changedSince(c, i),
  readPage: (c, a, l) => transport.readPage(c, a, l),
  publish(channelId, clientEventId, envelope) {
    const answer = transport.publish(channelId, clientEventId, envelope);
    // The frame is on the socket; the ack cannot have been read yet (same tick).
    if (++publishes === input.killAt) process.kill(process.pid, 'SIGKILL');
    return answer;
  },
};
const engine = new SyncEngine({
  transport: dying,
  crypto: new FakeSyncCrypto(input.deviceId),
  store: store.sync,
  clock: systemClock,
  log: createMemoryLogger('error').logger,
});
await engine.start();
await transport.connect();
