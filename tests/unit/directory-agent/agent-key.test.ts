// The agent's key file: a file whose secret key does not belong to its public key (hand-edited,
// two files mixed up) is refused at start with the path, not found out later as a relay's
// "bad signature".
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentKey, newAgentKey } from '../../../apps/relay/directory-agent/agent-key.ts';

describe('directory agent key file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kf-agent-key-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a key it made, and refuses one whose halves do not belong together', async () => {
    const [a, b] = [join(dir, 'a.key'), join(dir, 'b.key')];
    const publicKey = await newAgentKey(a);
    await newAgentKey(b);
    expect(loadAgentKey(a).publicKey).toBe(publicKey);
    const mixed = join(dir, 'mixed.key');
    const fileA = JSON.parse(await readFile(a, 'utf8')) as { publicKey: string; secretKey: string };
    const fileB = JSON.parse(await readFile(b, 'utf8')) as { publicKey: string; secretKey: string };
    await writeFile(mixed, JSON.stringify({ publicKey: fileA.publicKey, secretKey: fileB.secretKey }));
    expect(() => loadAgentKey(mixed)).toThrow(/mixed\.key.*(belong|match)/);
  });
});
