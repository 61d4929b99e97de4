// Envelopes as a client seals them (apps/desktop/electron/core/client/sync-crypto.ts): the device's sender chain
// in ChannelCrypto, JSON { sentAt, payload } inside, the client event id bound into the header. So
// the relay benches publish what the relay really receives, with its envelope check on. Key shares
// are counted as sent without mailing them: the receivers in the benches count pushes and never
// decrypt.
import { randomBytes } from 'node:crypto';
import { toBase64Url, utf8 } from '@klinikfunk/protocol/wire/bytes.ts';
import { ChannelCrypto } from '../../apps/desktop/electron/core/crypto/channel-crypto.ts';
import { Directory } from '@klinikfunk/crypto/directory.ts';
import { MemorySenderKeyStore } from '../../apps/desktop/electron/core/crypto/sender-keys.ts';
import { clientEventIdBytes } from '../../apps/desktop/electron/core/client/sync-crypto.ts';
import type { TestDevice, TestOrg } from '../../tests/harness/relay.ts';

/** A ward message of about this many characters seals into an envelope of about 1 KB. */
const BODY =
  'Übergabe Zimmer 12, Bett 2: Blutdruck 135/85, Puls 78, kein Fieber. Infusion läuft bis 14 Uhr, danach bitte Verband wechseln und Mobilisation mit Physio. Angehörige kommen um 16 Uhr, Gespräch mit Dr. Weber ist vereinbart. Schmerz 3 von 10 nach Medikation um 10 Uhr, Labor ist angefordert, Befund kommt am Nachmittag. Sauerstoff abgesetzt, Sättigung 96 % bei Raumluft. Nächste Visite morgen früh, bitte Wundversorgung dokumentieren und Katheter prüfen. ';

export interface SealedEvent {
  clientEventId: string;
  envelope: Uint8Array;
}

export function channelSealer(org: TestOrg, device: TestDevice, channelId: string): (text?: string) => SealedEvent {
  const directory = new Directory({ orgPublicKey: org.org.publicKey });
  for (const record of org.records) {
    const verdict = directory.ingest(record);
    if (!verdict.ok) throw new Error(`sealer: ${record.type} refused: ${verdict.reason}`);
  }
  const crypto = new ChannelCrypto({
    directory,
    self: {
      deviceId: device.deviceId,
      userId: device.userId,
      signingKey: device.keys.signing.secretKey,
      boxKey: device.keys.box.secretKey,
    },
    keys: new MemorySenderKeyStore(),
  });
  return (text = BODY) => {
    if (crypto.needsNewChain(channelId)) crypto.markShared(crypto.rotate(channelId));
    const clientEventId = toBase64Url(new Uint8Array(randomBytes(16)));
    const inner = {
      sentAt: Date.now(),
      payload: { type: 'message.create', body: text, mentions: [], replyTo: null, urgent: false },
    };
    const { envelope } = crypto.seal(
      channelId,
      'message',
      clientEventIdBytes(clientEventId),
      utf8.encode(JSON.stringify(inner)),
    );
    return { clientEventId, envelope };
  };
}
