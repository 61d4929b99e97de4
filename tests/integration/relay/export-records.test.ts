// docs/operations.md, "Key in the configuration": another relay database for the same
// organisation (a move from SQLite to PostgreSQL, a rebuilt machine) starts from the organisation
// key the log line `organisation` names and the records `export-records` writes. Before, the docs
// sent IT to "the admin view" for the key (it shows only the fingerprint) and to "a file exported
// by the admin tool" (no such tool existed). Real relay processes.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { deviceTransport, startTestRelay, TestOrg, type TestRelay } from '../../harness/relay.ts';

const run = promisify(execFile);
const main = fileURLToPath(new URL('../../../apps/relay/main.ts', import.meta.url));
const relays: TestRelay[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const relay of relays) await relay.dispose();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('export-records', () => {
  it(
    'exports the directory beside a serving relay, and a new database starts from it with the logged key',
    { timeout: 60_000 },
    async () => {
      const org = await TestOrg.create();
      const anna = org.addDevice(org.addUser('Anna', 'admin'));
      const first = await startTestRelay({ org, mode: 'process' });
      relays.push(first);
      // A user added after the relay's first start, through the app's upload path.
      const imported = org.records.length;
      const ben = org.addDevice(org.addUser('Ben'));
      const uploader = deviceTransport(first.url, anna);
      await uploader.connect();
      for (const record of org.records.slice(imported))
        await uploader.putRecord(record as unknown as Record<string, unknown>);
      await uploader.close();

      const dir = await mkdtemp(join(tmpdir(), 'kf-export-'));
      dirs.push(dir);
      const file = join(dir, 'records.json');
      await run(process.execPath, [main, 'export-records', '--out', file, '--data-dir', first.dataDir]);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const records = JSON.parse(await readFile(file, 'utf8')) as Array<{
        type: string;
        body: { userId?: string; deviceId?: string };
      }>;
      expect(records).toHaveLength(org.records.length);
      expect(records.some((r) => r.type === 'device' && r.body.deviceId === ben.deviceId)).toBe(true);

      const line = first
        .output()
        .split('\n')
        .filter((l) => l.includes('"msg":"organisation"'))
        .map((l) => JSON.parse(l) as { orgPublicKey?: string; orgFingerprint?: string })[0];
      expect(line?.orgPublicKey).toBe(org.orgPublicKey);

      const second = await startTestRelay({
        org,
        mode: 'process',
        bootstrap: true,
        args: [`--org-public-key=${line!.orgPublicKey!}`, '--import-records', file],
      });
      relays.push(second);
      for (const device of [anna, ben]) {
        const transport = deviceTransport(second.url, device);
        await transport.connect();
        expect(transport.state()).toBe('online');
        await transport.close();
      }
    },
  );

  it('refuses to run without --out, and --out without the command', async () => {
    await expect(run(process.execPath, [main, 'export-records', '--data-dir', tmpdir()])).rejects.toMatchObject({
      code: 2,
    });
    await expect(run(process.execPath, [main, '--out', 'x.json', '--data-dir', tmpdir()])).rejects.toMatchObject({
      code: 2,
    });
  });
});
