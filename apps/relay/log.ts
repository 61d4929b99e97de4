// The relay's side of the one logger (packages/node-common/logger.ts): JSON lines on stderr in the relay's
// shape (time, level, msg, fields at the top level; docs/operations.md). Fields carry ids, sizes,
// codes and reasons only: never an envelope, mailbox payload, blob chunk or signature (the relay
// has no plaintext, but ciphertext and metadata do not belong in log files either).
import { createLogger, flatLine, type LogFields, type Logger, type LogLevel } from '@klinikfunk/node-common/logger.ts';

export type { LogFields, LogLevel } from '@klinikfunk/node-common/logger.ts';
export type RelayLog = Logger;

export function createRelayLog(
  write: (line: string) => void = (line) => process.stderr.write(line),
  minLevel: LogLevel = 'info',
  base: LogFields = {},
): RelayLog {
  return createLogger((record) => write(flatLine(record)), 'relay', minLevel, base);
}

export const silentLog: RelayLog = createRelayLog(() => {}, 'error');
