// Structured logs. Never pass message content, keys or passphrases as fields: logs leave the
// encrypted store (they sit in plain files and reach IT), so they carry ids and reasons only.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export interface LogRecord {
  level: LogLevel;
  scope: string;
  message: string;
  fields?: Record<string, unknown>;
  time: string;
}

type Sink = (record: LogRecord) => void;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(sink: Sink, scope = 'app', minLevel: LogLevel = 'info'): Logger {
  const emit = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    sink({ level, scope, message, ...(fields ? { fields } : {}), time: new Date().toISOString() });
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (child) => createLogger(sink, `${scope}.${child}`, minLevel),
  };
}

/** One JSON object per line on stderr: what the relay and the desktop app write. */
export const jsonLineSink: Sink = (record) => process.stderr.write(JSON.stringify(record) + '\n');

/** Keeps records in memory, for tests that assert a rejection was logged with its reason. */
export function createMemoryLogger(minLevel: LogLevel = 'debug'): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { logger: createLogger((r) => records.push(r), 'test', minLevel), records };
}
