// "Supportpaket exportieren" on a workstation with two signed-in people who wrote to each other
// over a real relay, the core logging at debug level into a real rotating log file: the package
// lands where the (fake) save dialog says, opens as a ZIP with versions, policy, connection state
// and the log files, and holds neither a message body nor a person's or channel's name.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readySodium } from '@klinikfunk/crypto/sodium.ts';
import { resolvePolicy } from '../../../apps/desktop/electron/core/policy/resolve.ts';
import { createLogger } from '../../../apps/desktop/electron/core/log/logger.ts';
import { openRotatingLog, type RotatingLog } from '../../../apps/desktop/electron/core/log/rotating-file.ts';
import { RELAY_PROTOCOL_VERSION } from '@klinikfunk/protocol/relay/frames.ts';
import { startClinicRelay, type ClinicRelay } from '../../harness/clinic-relay.ts';
import { startCoreClient, type CoreClient } from '../../harness/core-client.ts';
import { readZip } from '../../harness/read-zip.ts';
import { eventually } from '../client/client-world.ts';

const BODY = 'Befund Zimmer 12: Kalium 6,1 bitte sofort melden';
const ADMIN_NAME = 'Anna Adminsky';
const NURSE_NAME = 'Bernd Pflegewitz';
const CHANNEL_NAME = 'Intensivstation Nord';

describe('support package', () => {
  let relay: ClinicRelay;
  let admin: CoreClient;
  let nurse: CoreClient;
  let logDir: string;
  let logFile: RotatingLog;

  beforeAll(async () => {
    await readySodium();
    logDir = await mkdtemp(join(tmpdir(), 'kf-support-'));
    logFile = openRotatingLog({ dir: join(logDir, 'logs') });
    relay = await startClinicRelay({});
    admin = await startCoreClient({
      log: createLogger(logFile.sink, 'core', 'debug'),
      logFiles: () => logFile.files(),
    });
    nurse = await startCoreClient();
    await admin.value('org.create', {
      orgName: 'Klinikum Süd',
      displayName: ADMIN_NAME,
      relayUrl: relay.url,
      setupCode: relay.setupCode,
      passphrase: 'Sonnenblume-Station-3',
    });
    await eventually(
      async () => (await admin.value('connection.status', {})).state === 'online',
      15_000,
      'admin online',
    );
    const { userId } = await admin.value('admin.addUser', {
      displayName: NURSE_NAME,
      role: 'member',
      ward: 'Station 3B',
    });
    const letter = await admin.value('admin.createRegistrationKey', { userId });
    await nurse.value('org.join', {
      registrationKey: letter.registrationKey,
      relayUrl: relay.url,
      passphrase: 'Kaffeepause-Nachtdienst',
    });
    await eventually(
      async () => (await nurse.value('connection.status', {})).state === 'online',
      15_000,
      'nurse online',
    );
    const { channelId } = await admin.value('channels.create', {
      kind: 'channel',
      name: CHANNEL_NAME,
      topic: '',
      memberUserIds: [userId],
    });
    await admin.value('messages.send', { channelId, body: BODY });
    await eventually(
      async () => {
        const channels = await nurse.value('channels.list', {});
        const channel = channels.find((c) => c.channelId === channelId);
        if (!channel) return false;
        const page = await nurse.value('messages.page', { channelId });
        return JSON.stringify(page).includes(BODY);
      },
      20_000,
      'message arrived',
    );
    await nurse.value('messages.send', { channelId, body: `${BODY} – erledigt` });
    await eventually(
      async () => {
        const page = await admin.value('messages.page', { channelId });
        return JSON.stringify(page).includes('erledigt');
      },
      20_000,
      'answer arrived',
    );
  }, 90_000);

  afterAll(async () => {
    await Promise.all([admin?.close(), nurse?.close()]);
    await logFile?.close();
    await relay?.relay.dispose();
    if (logDir) await rm(logDir, { recursive: true, force: true });
  });

  it('writes versions, policy, connection state and the logs, and nothing a person wrote or is called', async () => {
    // A first package, so the log file has lines of its own for the second one.
    admin.platform.saveDialog.answer = join(logDir, 'erstes.zip');
    expect(await admin.value('support.exportPackage', {})).toMatchObject({ saved: true });
    const target = join(logDir, 'paket.zip');
    admin.platform.saveDialog.answer = target;
    expect(await admin.value('support.exportPackage', {})).toEqual({ saved: true, fileName: 'paket.zip' });
    const request = admin.platform.saveDialog.requests.at(-1)!;
    expect(request.suggestedName).toMatch(/^Klinikfunk-Supportpaket-\d{8}-\d{6}\.zip$/);
    expect(request.filter.extensions).toEqual(['zip']);
    expect((await stat(target)).mode & 0o777).toBe(0o600);

    const entries = readZip(await readFile(target));
    expect([...entries.keys()]).toEqual(['support.json', 'logs/klinikfunk.log']);
    const summary = JSON.parse(entries.get('support.json')!.toString('utf8'));
    expect(summary).toMatchObject({
      app: { name: 'Klinikfunk', version: '0.0.0-test', build: { commit: 'test' } },
      relayProtocol: { speaks: RELAY_PROTOCOL_VERSION },
      os: { platform: process.platform },
      policy: { values: { idleLockSeconds: expect.any(Number) }, managedBy: {}, problems: [] },
      profiles: { onThisPc: 1, signedIn: 1 },
      connections: [{ profile: 1, visible: true, state: 'online', problem: null }],
      logFiles: ['klinikfunk.log'],
    });
    const log = entries.get('logs/klinikfunk.log')!.toString('utf8');
    expect(log).toContain('"message":"support package written"');

    const everything = [...entries.values()].map((b) => b.toString('utf8')).join('\n');
    for (const secret of [
      BODY,
      'Kalium',
      ADMIN_NAME,
      NURSE_NAME,
      'Adminsky',
      'Pflegewitz',
      CHANNEL_NAME,
      'Klinikum Süd',
      'Sonnenblume',
    ])
      expect(everything, secret).not.toContain(secret);
  });

  it('a package saved over an existing file is readable for this account only, like a new file', async () => {
    // The logs in it name devices and times: an overwritten world-readable file must not stay so.
    const target = join(logDir, 'alt.zip');
    await writeFile(target, 'old', { mode: 0o644 });
    admin.platform.saveDialog.answer = target;
    expect(await admin.value('support.exportPackage', {})).toMatchObject({ saved: true });
    expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it('writes nothing when the save dialog is cancelled', async () => {
    admin.platform.saveDialog.answer = null;
    expect(await admin.value('support.exportPackage', {})).toEqual({ saved: false, fileName: null });
  });

  it('answers unavailable when the chosen place cannot be written, and keeps working', async () => {
    admin.platform.saveDialog.answer = join(logDir, 'no-such-folder', 'paket.zip');
    const result = await admin.call('support.exportPackage', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    admin.platform.saveDialog.answer = join(logDir, 'zweiter.zip');
    expect(await admin.value('support.exportPackage', {})).toMatchObject({ saved: true });
  });

  it('works signed out too (someone who cannot sign in still gets a package for IT)', async () => {
    await nurse.value('session.signOut', {});
    nurse.platform.saveDialog.answer = join(logDir, 'abgemeldet.zip');
    expect(await nurse.value('support.exportPackage', {})).toMatchObject({ saved: true });
    const summary = JSON.parse(
      readZip(await readFile(join(logDir, 'abgemeldet.zip')))
        .get('support.json')!
        .toString('utf8'),
    );
    expect(summary).toMatchObject({ profiles: { onThisPc: 1, signedIn: 0 }, connections: [], logFiles: [] });
  });

  it('on a reception terminal only from an unlocked profile: signed out, the save dialog (a file browser) is not offered', async () => {
    const reception = await startCoreClient({
      policy: resolvePolicy([
        {
          name: 'HKLM',
          kind: 'registry',
          values: new Map([['WorkstationPreset', { type: 'REG_SZ', value: 'reception' }]]),
        },
      ]),
    });
    try {
      expect((await reception.value('app.info', {})).supportExportSignedOut).toBe(false);
      reception.platform.saveDialog.answer = join(logDir, 'empfang.zip');
      expect(await reception.call('support.exportPackage', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
      expect(reception.platform.saveDialog.requests).toHaveLength(0);
    } finally {
      await reception.close();
    }
    expect((await admin.value('app.info', {})).supportExportSignedOut).toBe(true);
  });
});
