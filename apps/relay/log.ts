// Structured JSON logs, one object per line on stderr. Fields carry ids, sizes, codes and
// reasons only: never an envelope, mailbox payload, blob chunk or signature (the relay has no
// plaintext, but ciphertext and metadata do not belong in log files either).
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface RelayLog {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): RelayLog;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createRelayLog(
  write: (line: string) => void = (line) => process.stderr.write(line),
  minLevel: LogLevel = 'info',
  base: LogFields = {},
): RelayLog {
  const emit = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...base, ...fields }) + '\n');
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (fields) => createRelayLog(write, minLevel, { ...base, ...fields }),
  };
}

export const silentLog: RelayLog = createRelayLog(() => {}, 'error');
