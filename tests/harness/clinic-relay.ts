// A clinic's relay as IT starts it on first run: its own process, empty, waiting for the first
// admin device's bootstrap with the one-time code it wrote to its data folder.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RelayLimits } from '../../apps/relay/limits.ts';
import { startTestRelay, TestOrg, type TestRelay } from './relay.ts';

export interface ClinicRelay {
  relay: TestRelay;
  url: string;
  /** The one-time setup code from <dataDir>/bootstrap-code. */
  setupCode: string;
}

export async function startClinicRelay(
  options: { verbose?: boolean; limits?: Partial<RelayLimits>; dataDir?: string } = {},
): Promise<ClinicRelay> {
  // TestOrg is only a placeholder here: a bootstrapping relay imports no records.
  const relay = await startTestRelay({
    org: await TestOrg.create(),
    mode: 'process',
    bootstrap: true,
    envelopeCheck: true,
    ...(options.verbose ? { verbose: true } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  const setupCode = (await readFile(join(relay.dataDir, 'bootstrap-code'), 'utf8')).trim();
  return { relay, url: relay.url, setupCode };
}
