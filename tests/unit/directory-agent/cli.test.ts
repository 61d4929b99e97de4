// The agent's command line: a bad config stops it with exit code 2 and the wrong field named,
// before anything connects; --new-key writes a key readable by its owner only and prints the
// public key an admin names in the delegation, and never overwrites a key.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = resolve(import.meta.dirname, '../../../apps/relay/directory-agent/main.ts');

function agent(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('directory agent command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kf-agent-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stops on a bad config with exit code 2 and names the field', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ relay: { url: 'wss://r', orgPublicKey: 'x' } }));
    const bad = await agent(['--config', file, '--dry-run']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('config: relay.orgPublicKey');
    const missing = await agent(['--dry-run']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--config is missing');
  }, 60_000);

  it('makes a key once', async () => {
    const file = join(dir, 'agent.key');
    const made = await agent(['--new-key', file]);
    expect(made.code).toBe(0);
    expect(made.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await agent(['--new-key', file]);
    expect(again.code).not.toBe(0);
  }, 60_000);
});
