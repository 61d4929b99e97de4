// The directory agent (`npm run directory-agent -- --config agent.json`): a process of its own
// beside the relay that keeps the Klinikfunk users in step with the clinic's LDAP/AD
// (docs/it-rollout.md "Verzeichnis-Agent"). `--dry-run` prints what would change, `--once` applies
// once and exits; without either it runs every interval and on SIGHUP, and with `signIn` in the
// config it answers sign-ins with the directory password meanwhile. `--new-key <file>` makes
// the agent's key and prints its public key for the delegation. Log lines: JSON on stderr.
import { loggable } from '@klinikfunk/node-common/logger.ts';
import { installProcessGuards } from '@klinikfunk/node-common/process-guard.ts';
import { createRelayLog } from '../log.ts';
import { loadAgentKey, newAgentKey } from './agent-key.ts';
import { ConfigError, loadConfig } from './config.ts';
import { Schedule } from './schedule.ts';
import { SignInService } from './sign-in-service.ts';
import { runOnce } from './sync.ts';

/** Exit codes: 0 done, 1 the run failed (nothing changed or some changes refused), 2 bad config. */
const EXIT_FAILED = 1;
const EXIT_CONFIG = 2;

const USAGE = 'usage: directory-agent --config <file> [--dry-run | --once]\n       directory-agent --new-key <file>\n';

function option(args: string[], name: string): string | null {
  const at = args.indexOf(name);
  if (at < 0) return null;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new ConfigError(`${name} needs a value`);
  return value;
}

async function main(args: string[]): Promise<number> {
  const log = createRelayLog(undefined, 'info', { component: 'directory-agent' }).child('agent');
  installProcessGuards(log, { exitOnUncaughtException: true });
  const keyPath = option(args, '--new-key');
  if (keyPath) {
    process.stdout.write(`${await newAgentKey(keyPath)}\n`);
    return 0;
  }
  const configPath = option(args, '--config');
  if (!configPath) throw new ConfigError('--config is missing');
  const config = loadConfig(configPath);
  const key = loadAgentKey(config.keyFile);
  const dryRun = args.includes('--dry-run');

  const run = async (): Promise<boolean> => {
    try {
      const result = await runOnce(config, key, { dryRun, log });
      if (dryRun) for (const line of result.lines) process.stdout.write(`${line}\n`);
      log.info(dryRun ? 'dry run' : 'sync done', result.summary);
      return result.refused.length === 0;
    } catch (error) {
      log.error('sync failed, nothing changed by this step', { error: loggable(error) });
      return false;
    }
  };

  if (dryRun || args.includes('--once')) return (await run()) ? 0 : EXIT_FAILED;

  // Sign-in with the directory password: a session of its own that stays open beside the runs.
  const signIns = config.signIn ? new SignInService(config, key, { log: log.child('sign-in') }) : null;
  signIns?.start().catch((error: unknown) => log.error('sign-in session failed', { error: loggable(error) }));
  const schedule = new Schedule(async () => void (await run()), config.schedule.intervalMinutes * 60_000);
  process.on('SIGHUP', () => {
    log.info('sync requested (SIGHUP)');
    schedule.trigger();
  });
  await new Promise<void>((resolve) => {
    const stop = () => {
      signIns?.stop();
      void schedule.stop().then(resolve, resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    schedule.start();
  });
  return 0;
}

/**
 * Exits once stdout and stderr have taken everything written: into a pipe (`--dry-run | less`, a
 * service's log collector) they are asynchronous, and process.exit() at once cut the diff short.
 */
function exitWhenFlushed(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exitWhenFlushed, (error: unknown) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n${USAGE}` : `${String(error)}\n`);
  exitWhenFlushed(error instanceof ConfigError ? EXIT_CONFIG : EXIT_FAILED);
});
