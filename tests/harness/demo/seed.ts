// Seeds the demo clinic through the API, step by step as staff would do it in the app: the admin
// founds the organisation and hands out registration keys, the nurses and the doctor join on their
// workstations, and the night shift hands over to the early shift. Everything said here is invented.
import { FILE_CHUNK_MAX_BYTES } from '@klinikfunk/protocol/api/features/files.ts';
import type { Api } from './api.ts';
import { waitFor } from './api.ts';
import { ADMIN, DOCTOR, NURSE_EARLY, NURSE_NIGHT, ORG_NAME, WARD_INTERNAL, WARD_SURGERY, type Person } from './cast.ts';
import { transferLetterPdf } from './letter.ts';
import { woundPhotoPng } from './picture.ts';

export interface SeedTarget {
  relayUrl: string;
  setupCode: string;
  /** The admin's workstation (IT office). */
  admin: Api;
  /** The ward PC of 3A: the night and the early nurse, one profile each. */
  ward: Api;
  doctor: Api;
  /** Progress for the console, one line per step. */
  step(text: string): void;
}

export const HANDOVER_TEXT = 'Zimmer 12, Herr M.: ruhige Nacht, Verbandswechsel am Unterarm um 5 Uhr erledigt';
export const POLL_QUESTION = 'Fortbildung Wundmanagement im Januar: welcher Termin passt euch?';
export const APPOINTMENT_TITLE = 'Übergabe Nacht → Früh';
export const PHOTO_NAME = 'Wunde_Zimmer-12_Verbandswechsel.png';
export const LETTER_NAME = 'Verlegungsbericht_Zimmer-12_DEMO.pdf';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Today (plus `days`) at hh:mm in Berlin, as the ward's clocks show it. */
function berlinTime(days: number, hour: number, minute: number): number {
  const now = new Date();
  const guess = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, hour, minute);
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Berlin',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(guess));
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'));
  return guess - (wall - guess);
}

async function online(api: Api, who: string): Promise<void> {
  await waitFor(`${who} online`, async () => (await api.value('connection.status', {})).state === 'online');
}

/** Sends and waits until the relay took it, so the next person's answer comes after it. */
async function say(
  api: Api,
  channelId: string,
  body: string,
  extra: { urgent?: boolean; replyTo?: string } = {},
): Promise<string> {
  const { messageId } = await api.value('messages.send', { channelId, body, ...extra });
  await waitFor(`"${body.slice(0, 30)}…" gesendet`, async () => {
    const page = await api.value('messages.page', { channelId });
    return page.messages.find((m) => m.messageId === messageId)?.delivery === 'sent';
  });
  return messageId;
}

async function share(api: Api, channelId: string, name: string, mimeType: string, bytes: Buffer, caption: string) {
  const thumbnail = mimeType.startsWith('image/') ? woundPhotoPng(240, 180) : null;
  const begun = await api.value('files.beginUpload', { channelId, name, mimeType, size: bytes.length });
  if (begun.status !== 'started') throw new Error(`Demo: ${name} abgelehnt (${begun.reason})`);
  for (let offset = 0; offset < bytes.length; offset += FILE_CHUNK_MAX_BYTES) {
    const piece = bytes.subarray(offset, offset + FILE_CHUNK_MAX_BYTES);
    await api.value('files.uploadChunk', { uploadId: begun.uploadId, offset, data: new Uint8Array(piece) });
  }
  const done = await api.value('files.finishUpload', {
    uploadId: begun.uploadId,
    caption,
    thumbnail: thumbnail ? new Uint8Array(thumbnail) : null,
  });
  if (done.status !== 'sent') throw new Error(`Demo: ${name} nicht gesendet`);
}

/** Waits until a channel has reached a member's store (their first step in it). */
async function sees(api: Api, channelId: string, who: string): Promise<void> {
  await waitFor(`Kanal bei ${who}`, async () =>
    (await api.value('channels.list', {})).some((c) => c.channelId === channelId),
  );
}

async function seesMessage(api: Api, channelId: string, messageId: string, who: string): Promise<void> {
  await waitFor(`Nachricht bei ${who}`, async () =>
    (await api.value('messages.page', { channelId })).messages.some((m) => m.messageId === messageId),
  );
}

async function enrol(admin: Api, person: Person): Promise<{ userId: string; key: string }> {
  const { userId } = await admin.value('admin.addUser', {
    displayName: person.displayName,
    role: person.role,
    ward: person.ward,
  });
  const letter = await admin.value('admin.createRegistrationKey', { userId });
  return { userId, key: letter.registrationKey };
}

async function join(api: Api, relayUrl: string, key: string, person: Person): Promise<string> {
  const { profileId } = await api.value('org.join', { registrationKey: key, relayUrl, passphrase: person.passphrase });
  await api.value('session.setPin', { pin: person.pin });
  return profileId;
}

export async function seedClinic(t: SeedTarget): Promise<void> {
  const { admin, ward, doctor, relayUrl } = t;

  t.step(`Organisation „${ORG_NAME}“ anlegen (${ADMIN.displayName})`);
  await admin.value('org.create', {
    orgName: ORG_NAME,
    displayName: ADMIN.displayName,
    relayUrl,
    setupCode: t.setupCode,
    passphrase: ADMIN.passphrase,
  });
  await admin.value('session.setPin', { pin: ADMIN.pin });
  await online(admin, 'Verwaltung');

  t.step('Zwei Pflegekräfte und eine Ärztin anlegen, Registrierungsschlüssel erstellen');
  const night = await enrol(admin, NURSE_NIGHT);
  const early = await enrol(admin, NURSE_EARLY);
  const doc = await enrol(admin, DOCTOR);

  t.step('Stationsrechner 3A und Arztzimmer treten mit ihren Schlüsseln bei');
  // The early nurse joins first, so the night nurse (who hands over) is on screen afterwards.
  const [earlyProfile] = await Promise.all([
    (async () => {
      const profile = await join(ward, relayUrl, early.key, NURSE_EARLY);
      await join(ward, relayUrl, night.key, NURSE_NIGHT);
      return profile;
    })(),
    join(doctor, relayUrl, doc.key, DOCTOR),
  ]);
  await Promise.all([online(ward, 'Stationsrechner'), online(doctor, 'Arztzimmer')]);
  // Channel keys go to the devices the admin knows.
  await waitFor('alle Geräte im Verzeichnis', async () => {
    const devices = await admin.value('admin.deviceList', {});
    return [night, early, doc].every((p) => devices.some((d) => d.userId === p.userId));
  });

  t.step('Begrüßung im Kanal „Allgemein“');
  const general = await waitFor('Kanal Allgemein', async () =>
    (await admin.value('channels.list', {})).find((c) => c.orgWide),
  );
  await say(
    admin,
    general.channelId,
    'Willkommen bei Klinikfunk! Hier schreibt das ganze Haus. Fragen zur Anmeldung: IT-Hotline 4400 (Demo).',
  );

  t.step(`Die Stationsärztin legt die Kanäle „${WARD_INTERNAL}“ und „${WARD_SURGERY}“ an`);
  await waitFor('Pflege im Verzeichnis des Arztzimmers', async () => {
    const users = await doctor.value('directory.users', {});
    return [night, early].every((p) => users.some((u) => u.userId === p.userId));
  });
  const { channelId: ward3a } = await doctor.value('channels.create', {
    kind: 'channel',
    name: WARD_INTERNAL,
    topic: 'Übergaben und Absprachen von Pflege und ärztlichem Dienst der Station 3A',
    memberUserIds: [night.userId, early.userId],
    historyForNewMembers: true,
  });
  const { channelId: ward4b } = await doctor.value('channels.create', {
    kind: 'channel',
    name: WARD_SURGERY,
    topic: 'Verlegungen und Konsile mit der Chirurgie',
    memberUserIds: [night.userId, early.userId],
    historyForNewMembers: true,
  });
  await sees(ward, ward3a, NURSE_NIGHT.displayName);

  t.step('Übergabe des Nachtdienstes');
  await say(ward, ward3a, 'Guten Morgen zusammen, hier die Übergabe vom Nachtdienst 3A:');
  await say(ward, ward3a, `${HANDOVER_TEXT}, Wunde trocken und reizlos. Foto liegt in der Gruppe Wundversorgung.`);
  await say(
    ward,
    ward3a,
    'Zimmer 7, Frau K.: um 3 Uhr Blutzucker 62 mg/dl, 1 BE gegeben, um 4 Uhr 118 mg/dl. Bitte vor dem Frühstück nochmal messen.',
  );
  await say(
    ward,
    ward3a,
    'Zimmer 9, Herr S.: Neuaufnahme 23:40 über die ZNA, Pneumonie. Antibiose läuft, zweite Gabe um 8 Uhr fällig. Tochter ruft gegen 10 Uhr an.',
  );
  await say(ward, ward3a, 'Zimmer 14 ist frei und gereinigt, Bett ist für die nächste Aufnahme gemeldet.');

  t.step('Gruppe „Wundversorgung Zimmer 12“ mit Foto');
  const { channelId: woundGroup } = await ward.value('channels.create', {
    kind: 'conversation',
    name: 'Wundversorgung Zimmer 12',
    memberUserIds: [early.userId, doc.userId],
  });
  await share(
    ward,
    woundGroup,
    PHOTO_NAME,
    'image/png',
    woundPhotoPng(640, 480),
    'Zimmer 12, Herr M.: Unterarm nach dem Verbandswechsel heute 5 Uhr. Reizlos, Fäden liegen.',
  );
  await say(ward, woundGroup, 'Verband ist trocken, kein Exsudat. Nächster Wechsel laut Plan morgen früh.');

  t.step('Ärztin antwortet, dringende Nachricht, Umfrage');
  await say(doctor, ward3a, 'Danke, Jonas! Visite heute ab 9:30 Uhr, ich fange in Zimmer 9 an.');
  const urgent = await say(
    doctor,
    ward3a,
    'Zimmer 7, Frau K.: Kalium 6,1 mmol/l im Morgenlabor. Bitte sofort Kontrolle abnehmen und EKG schreiben, ich komme hoch.',
    { urgent: true },
  );
  const { pollId } = await doctor.value('polls.create', {
    channelId: ward3a,
    question: POLL_QUESTION,
    options: ['Dienstag, 14:00 Uhr', 'Mittwoch, 14:00 Uhr', 'Donnerstag, 15:30 Uhr'],
    multipleChoice: true,
    deadline: null,
    hideVoters: false,
  });
  await sees(doctor, woundGroup, DOCTOR.displayName);
  await say(doctor, woundGroup, 'Sieht gut aus. Fadenzug wie im Verlegungsbericht am 10. Tag.');

  t.step('Nachtdienst bestätigt die dringende Nachricht und stimmt ab');
  await seesMessage(ward, ward3a, urgent, NURSE_NIGHT.displayName);
  await ward.value('messages.ack', { channelId: ward3a, messageId: urgent });
  await say(ward, ward3a, 'EKG läuft, Kontrolle ist unterwegs ins Labor.', { replyTo: urgent });
  const options = await waitFor(
    'Umfrage am Stationsrechner',
    async () => (await ward.value('polls.list', { channelId: ward3a })).find((p) => p.pollId === pollId)?.options,
  );
  await ward.value('polls.vote', { channelId: ward3a, pollId, optionIds: [options[0]!.id, options[2]!.id] });
  await doctor.value('polls.vote', { channelId: ward3a, pollId, optionIds: [options[2]!.id] });

  t.step(`Frühdienst übernimmt am selben Stationsrechner (${NURSE_EARLY.displayName})`);
  await ward.value('session.lock', {});
  const unlocked = await ward.value('session.unlock', { profileId: earlyProfile, pin: NURSE_EARLY.pin });
  if (unlocked.kind !== 'unlocked') throw new Error(`Demo: Profil ${NURSE_EARLY.displayName} nicht entsperrt`);
  await sees(ward, ward3a, NURSE_EARLY.displayName);
  await seesMessage(ward, ward3a, urgent, NURSE_EARLY.displayName);
  await ward.value('messages.ack', { channelId: ward3a, messageId: urgent });
  await say(ward, ward3a, 'Danke für die Übergabe, Jonas, ich übernehme. Schlaf gut!');
  await waitFor('Umfrage im Frühdienst', async () =>
    (await ward.value('polls.list', { channelId: ward3a })).some((p) => p.pollId === pollId),
  );
  await ward.value('polls.vote', { channelId: ward3a, pollId, optionIds: [options[1]!.id, options[2]!.id] });
  await sees(ward, woundGroup, NURSE_EARLY.displayName);
  await say(ward, woundGroup, 'Notiert, ich plane den Fadenzug für Freitag ein.');

  t.step('Wiederkehrende Übergabe im Kalender');
  const { uid } = await ward.value('calendar.put', {
    channelId: ward3a,
    title: APPOINTMENT_TITLE,
    start: berlinTime(0, 6, 0),
    end: berlinTime(0, 6, 30),
    allDay: false,
    location: 'Stationszimmer 3A',
    description: 'Übergabe am Bett, danach kurze Runde im Stationszimmer.',
    rrule: 'FREQ=DAILY',
    attendeeUserIds: [night.userId, doc.userId],
  });
  await ward.value('calendar.put', {
    channelId: ward3a,
    title: 'Stationsbesprechung 3A',
    start: berlinTime(1, 13, 30),
    end: berlinTime(1, 14, 15),
    allDay: false,
    location: 'Besprechungsraum 3. OG',
    rrule: 'FREQ=WEEKLY',
    attendeeUserIds: [doc.userId],
  });
  const range = { channelId: ward3a, from: Date.now() - 7 * DAY, to: Date.now() + 14 * DAY };
  await waitFor('Termin im Arztzimmer', async () =>
    (await doctor.value('calendar.range', range)).entries.some((e) => e.uid === uid),
  );
  await doctor.value('calendar.rsvp', { channelId: ward3a, uid, rsvp: 'yes' });

  t.step(`Verlegungsbericht (PDF) in „${WARD_SURGERY}“ und eine Direktnachricht`);
  await say(doctor, ward4b, 'Herr M. (jetzt 3A, Zimmer 12): hier der Verlegungsbericht von 4B zum Nachlesen.');
  await share(doctor, ward4b, LETTER_NAME, 'application/pdf', transferLetterPdf(), 'Verlegungsbericht Herr M.');
  const { channelId: direct } = await ward.value('channels.create', {
    kind: 'direct',
    name: DOCTOR.displayName,
    memberUserIds: [doc.userId],
  });
  await say(
    ward,
    direct,
    'Frau K. aus Zimmer 7 fragt nach ihrem Entlassungstermin. Können Sie bei der Visite kurz mit ihr sprechen?',
  );
  await sees(doctor, direct, DOCTOR.displayName);
  await say(doctor, direct, 'Ja, mache ich, danke für den Hinweis.');

  t.step('Warten, bis beide Arbeitsplätze alles haben');
  await waitFor('Zustimmung beim Stationsrechner', async () => {
    const entry = (await ward.value('calendar.range', range)).entries.find((e) => e.uid === uid);
    return entry?.attendees.some((a) => a.userId === doc.userId && a.rsvp === 'yes');
  });
  await waitFor('Stimmen im Arztzimmer', async () => {
    const poll = (await doctor.value('polls.list', { channelId: ward3a })).find((p) => p.pollId === pollId);
    return poll?.totalVoters === 3;
  });
  await waitFor('Bestätigungen im Arztzimmer', async () => {
    const page = await doctor.value('messages.page', { channelId: ward3a });
    const ack = page.messages.find((m) => m.messageId === urgent)?.ack;
    return ack?.acked === 2 && ack.total === 2;
  });

  // Every screen starts locked: whoever opens it signs in with the PIN the console prints.
  await Promise.all([ward, doctor, admin].map((api) => api.value('session.lock', {})));
}
