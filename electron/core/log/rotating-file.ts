// The workstation's log file for support: the same JSON lines the app writes to stderr, in
// `<app data>/logs/klinikfunk.log`, rotated by size so it never grows past `files` × `maxBytes`
// (default 5 × 2 MiB). When the current file would pass `maxBytes` it becomes klinikfunk.1.log,
// the older ones move up by one and the oldest is deleted.
//
// Logs sit in plain files and leave the PC in support packages, so this sink keeps only scalar
// fields (strings, numbers, booleans, null; strings cut at 8,000 characters, enough for a stack):
// an object or array that a caller passed by mistake is written as "[dropped: object]", never its
// contents. Callers never pass message content or names (logger.ts); this is the second fence.
// Every string (message and fields, stacks too) also loses URL credentials and the Windows
// user's folder and name (log/redact.ts): Node's file errors name paths under C:\Users\<name>.
//
// Writes are synchronous: a log line must be on disk before a crash that it explains, and a
// line is a few hundred bytes. A write that fails (disk full, folder gone) costs that line and is
// reported once on stderr; logging never throws into the caller.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogRecord } from './logger.ts';
import { createRedactor } from './redact.ts';

export const LOG_FILE_NAME = 'klinikfunk.log';
export const DEFAULT_LOG_FILE_BYTES = 2 * 1024 * 1024;
export const DEFAULT_LOG_FILES = 5;
const MAX_STRING = 8_000;

export interface RotatingLogOptions {
  /** Folder of the log files (created 0700 when missing). */
  dir: string;
  maxBytes?: number;
  /** Files kept, the current one included. */
  files?: number;
  /** Where a failed write is reported once (stderr by default). */
  onError?: (error: unknown) => void;
  /** Applied to every string written (createRedactor() for this machine by default). */
  redact?: (text: string) => string;
}

export interface RotatingLog {
  /** A logger sink (createLogger) that appends one JSON line per record. */
  sink(record: LogRecord): void;
  /** The log files that exist, oldest first (the current one last). */
  files(): string[];
  close(): void;
}

/** The field value as written: scalars as they are (long strings cut, redacted), anything else dropped. */
function scalar(value: unknown, redact: (text: string) => string): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return redact(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  return `[dropped: ${Array.isArray(value) ? 'array' : typeof value}]`;
}

/** The record as one line: level, scope, message, scalar fields, time. */
export function logLine(record: LogRecord, redact: (text: string) => string): string {
  const fields = record.fields ? Object.fromEntries(Object.entries(record.fields).map(([k, v]) => [k, scalar(v, redact)])) : undefined;
  return `${JSON.stringify({ ...record, message: scalar(record.message, redact), ...(fields ? { fields } : {}) })}\n`;
}

export function openRotatingLog(options: RotatingLogOptions): RotatingLog {
  const maxBytes = options.maxBytes ?? DEFAULT_LOG_FILE_BYTES;
  const keep = Math.max(1, options.files ?? DEFAULT_LOG_FILES);
  const redact = options.redact ?? createRedactor();
  const onError = options.onError ?? ((error: unknown) => process.stderr.write(`log file not written: ${String(error)}\n`));
  const path = (n: number) => join(options.dir, n === 0 ? LOG_FILE_NAME : LOG_FILE_NAME.replace(/\.log$/, `.${n}.log`));
  let fd: number | null = null;
  let size = 0;
  let reported = false;

  const open = () => {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    fd = openSync(path(0), 'a', 0o600);
    size = statSync(path(0)).size;
  };
  const rotate = () => {
    if (fd !== null) closeSync(fd);
    fd = null;
    rmSync(path(keep - 1), { force: true });
    for (let n = keep - 2; n >= 0; n--) {
      try {
        renameSync(path(n), path(n + 1));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    open();
  };

  return {
    sink(record) {
      try {
        const line = Buffer.from(logLine(record, redact), 'utf8');
        if (fd === null) open();
        if (size > 0 && size + line.length > maxBytes) rotate();
        // A single line longer than a file still goes in (alone); the cut strings keep that rare.
        size += writeSync(fd!, line);
        reported = false;
      } catch (error) {
        if (!reported) onError(error);
        reported = true;
        try {
          if (fd !== null) closeSync(fd);
        } catch {
          // the descriptor is gone either way; the next line opens the file again
        }
        fd = null;
      }
    },
    files() {
      const found: string[] = [];
      for (let n = keep - 1; n >= 0; n--) {
        try {
          statSync(path(n));
          found.push(path(n));
        } catch {
          // not there (yet)
        }
      }
      return found;
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

/** One sink writing to several (stderr and the file). */
export const teeSink =
  (...sinks: Array<(record: LogRecord) => void>) =>
  (record: LogRecord): void => {
    for (const sink of sinks) sink(record);
  };
