// The one structured logger of the desktop core and the relay (runtime-free: the sinks that write
// to stderr or a file live with their process, electron/core/log and server/log.ts).
//
// Logs leave the encrypted store and the relay's database: they sit in plain files, reach IT and
// go out in support packages. So fields carry ids, codes, sizes and reasons only, never message
// content, names, keys, envelopes or payloads, and they are scalars: an object or array passed by
// mistake is written as "[dropped: object]", never its contents (the type refuses them too; this
// is the second fence). An Error is written as its message with its stack beside it, so a failure
// in the field can be traced to a line: `{ error }` becomes `error` (message) and `stack`.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogValue = string | number | boolean | null | undefined | Error;
export type LogFields = Record<string, LogValue>;
/** A field as written: scalars only. */
export type LoggedValue = string | number | boolean | null;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger for a part of the process: `scope` is appended ("core.sync"), `fields` go on every record. */
  child(scope: string, fields?: LogFields): Logger;
}

export interface LogRecord {
  level: LogLevel;
  scope: string;
  message: string;
  fields?: Record<string, LoggedValue>;
  time: string;
}

export type LogSink = (record: LogRecord) => void;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** Longest string field kept (enough for a stack); the rest is cut. */
export const MAX_LOG_STRING = 8_000;

/** Wraps what a catch clause holds so its stack is logged: an Error as it is, anything else as text. */
export function loggable(error: unknown): Error | string {
  return error instanceof Error ? error : String(error);
}

const cut = (text: string) => (text.length > MAX_LOG_STRING ? `${text.slice(0, MAX_LOG_STRING)}…` : text);

/** The field value as written: scalars as they are (long strings cut), anything else dropped. */
export function scalarField(value: unknown): LoggedValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return cut(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  return `[dropped: ${Array.isArray(value) ? 'array' : typeof value}]`;
}

/** Fields as written: an Error under `key` becomes its message plus `stack` (or `<key>Stack`); undefined is left out. */
function loggedFields(fields: Record<string, unknown>): Record<string, LoggedValue> {
  const out: Record<string, LoggedValue> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value instanceof Error) {
      out[key] = cut(value.message);
      const stackKey = key === 'error' ? 'stack' : `${key}Stack`;
      if (!(stackKey in fields)) out[stackKey] = value.stack === undefined ? null : cut(value.stack);
    } else out[key] = scalarField(value);
  }
  return out;
}

/** `base`: fields on every record (the relay's connection id). */
export function createLogger(sink: LogSink, scope = 'app', minLevel: LogLevel = 'info', base: LogFields = {}): Logger {
  const hasBase = Object.keys(base).length > 0;
  const emit = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    const all = hasBase ? { ...base, ...fields } : fields;
    sink({ level, scope, message, ...(all ? { fields: loggedFields(all) } : {}), time: new Date().toISOString() });
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (child, fields) => createLogger(sink, `${scope}.${child}`, minLevel, fields ? { ...base, ...fields } : base),
  };
}

/** The desktop's line: the record as it is (level, scope, message, fields, time). */
export const recordLine = (record: LogRecord): string => `${JSON.stringify(record)}\n`;

/** The relay's line (docs/operations.md): time, level, msg and the fields at the top level. */
export const flatLine = (record: LogRecord): string =>
  `${JSON.stringify({ time: record.time, level: record.level, msg: record.message, ...record.fields })}\n`;

/** Keeps records in memory, for tests that assert a rejection was logged with its reason. */
export function createMemoryLogger(minLevel: LogLevel = 'debug'): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  return { logger: createLogger((r) => records.push(r), 'test', minLevel), records };
}
