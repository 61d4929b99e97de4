// The shipped systemd unit (deploy/klinikfunk-relay.service): valid for systemd, hardened so
// that `systemd-analyze security` rates it under 3.0 (issue 18 item 5), and starting node itself
// (an npm wrapper swallowed SIGTERM and left the relay running as an orphan).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { RELAY_ENV, RELAY_NODE_FLAGS } from '../../../apps/relay/node-flags.ts';

const run = promisify(execFile);
const UNIT = 'deploy/klinikfunk-relay.service';

describe('the relay systemd unit', () => {
  it('is rated under 3.0 by systemd-analyze security', async () => {
    const { stdout } = await run('systemd-analyze', ['security', '--offline=true', '--no-pager', UNIT]);
    const score = Number(/Overall exposure level for klinikfunk-relay\.service: ([\d.]+)/.exec(stdout)?.[1]);
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThan(3.0);
  });

  it("starts node on the relay package's bin directly, with its own user, data folder and a stop timeout above the relay bound", async () => {
    const unit = await readFile(UNIT, 'utf8');
    expect(unit).toMatch(/^ExecStart=\S+\/node (?:--\S+ )*node_modules\/\.bin\/klinikfunk-relay --config /m);
    expect(unit).toMatch(/^WorkingDirectory=\/opt\/klinikfunk$/m);
    // The bin the unit names is the relay package's (npm links it to apps/relay/main.ts).
    const pkg = JSON.parse(await readFile('apps/relay/package.json', 'utf8')) as {
      name: string;
      bin: Record<string, string>;
    };
    expect(pkg.name).toBe('klinikfunk-relay');
    expect(pkg.bin['klinikfunk-relay']).toBe('main.ts');
    expect(unit).not.toMatch(/^ExecStart=.*\bnpm\b/m);
    expect(unit).toMatch(/^User=klinikfunk$/m);
    expect(unit).toMatch(/^RestartPreventExitStatus=3$/m);
    expect(unit).toMatch(/^StateDirectory=klinikfunk-relay$/m);
    expect(unit).toMatch(/^UMask=0077$/m);
    // Started as the harness and the bench start it (apps/relay/node-flags.ts).
    const flags = /^ExecStart=\S+\/node ((?:--\S+ )*)node_modules/m.exec(unit)?.[1]?.trim().split(' ') ?? [];
    expect(flags).toEqual([...RELAY_NODE_FLAGS]);
    for (const [name, value] of Object.entries(RELAY_ENV)) expect(unit).toContain(`\nEnvironment=${name}=${value}\n`);
    const stop = Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1]);
    // apps/relay/main.ts SHUTDOWN_BOUND_MS is 10 s.
    expect(stop).toBeGreaterThan(10);
  });
});
