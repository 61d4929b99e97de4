// Issue 14, item 5: a stray rejection or exception must not end the Electron main process or the
// harness; the relay logs an uncaught exception and exits for its service manager to restart it.
// Run in a child Node process, because the point is what happens to the process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const guard = fileURLToPath(new URL('../../../packages/node-common/process-guard.ts', import.meta.url));

function run(exitOnUncaughtException: boolean): { status: number | null; lines: string[] } {
  const script = `
    import { installProcessGuards } from ${JSON.stringify(guard)};
    installProcessGuards({ error: (message, fields) => console.log(JSON.stringify({ message, error: fields?.error })) }, { exitOnUncaughtException: ${exitOnUncaughtException} });
    Promise.reject(new Error('Verbindung weg'));
    setTimeout(() => { throw new Error('geworfen'); }, 20);
    setTimeout(() => console.log('still running'), 200);
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, lines: result.stdout.trim().split('\n') };
}

describe('process guards', () => {
  it('main process and harness: both are logged and the process keeps running', () => {
    const { status, lines } = run(false);
    expect(lines).toEqual([
      JSON.stringify({ message: 'unhandled promise rejection (kept running)', error: 'Verbindung weg' }),
      JSON.stringify({ message: 'uncaught exception (kept running)', error: 'geworfen' }),
      'still running',
    ]);
    expect(status).toBe(0);
  });

  it('relay: a rejection is survived; an uncaught exception is logged, then exit 1', () => {
    const { status, lines } = run(true);
    expect(lines).toEqual([
      JSON.stringify({ message: 'unhandled promise rejection (kept running)', error: 'Verbindung weg' }),
      JSON.stringify({ message: 'uncaught exception (exiting)', error: 'geworfen' }),
    ]);
    expect(status).toBe(1);
  });
});
