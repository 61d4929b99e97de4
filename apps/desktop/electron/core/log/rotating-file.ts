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
// Writes never block the caller: the main process logs from IPC handlers and timers, and
// the data folder may sit on a file server (a profile container, or the %APPDATA% of earlier versions under
// folder redirection until it has moved), where one synchronous write can
// hang the window for seconds. A line is queued (at most MAX_QUEUED_BYTES; beyond that lines are
// counted and the count written when the disk takes lines again) and written in order by one
// asynchronous writer. `flush()` waits for the queue (support package, quit). A write that fails
// (disk full, folder gone) costs its lines and is reported once on stderr; logging never throws
// into the caller.
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { scalarField, type LoggedValue, type LogRecord } from '@klinikfunk/node-common/logger.ts';
import { createRedactor } from './redact.ts';

export const LOG_FILE_NAME = 'klinikfunk.log';
export const DEFAULT_LOG_FILE_BYTES = 2 * 1024 * 1024;
export const DEFAULT_LOG_FILES = 5;
/** Lines held while the disk does not take them (a few thousand lines; then they are counted, not kept). */
const MAX_QUEUED_BYTES = 1024 * 1024;

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
  /** A logger sink (createLogger) that queues one JSON line per record and returns at once. */
  sink(record: LogRecord): void;
  /** Resolves when every line queued so far is written (or failed). */
  flush(): Promise<void>;
  /** The log files that exist after a flush, oldest first (the current one last). */
  files(): Promise<string[]>;
  /** Flushes and closes the file; lines logged afterwards open it again. */
  close(): Promise<void>;
}

/** The field value as written (packages/node-common/logger.ts), every string redacted. */
function scalar(value: unknown, redact: (text: string) => string): LoggedValue {
  const written = scalarField(value);
  return typeof written === 'string' ? redact(written) : written;
}

/** The record as one line: level, scope, message, scalar fields, time. */
export function logLine(record: LogRecord, redact: (text: string) => string): string {
  const fields = record.fields
    ? Object.fromEntries(Object.entries(record.fields).map(([k, v]) => [k, scalar(v, redact)]))
    : undefined;
  return `${JSON.stringify({ ...record, message: scalar(record.message, redact), ...(fields ? { fields } : {}) })}\n`;
}

/** The log file being written and its rotated predecessors (klinikfunk.1.log, ...). */
class LogFiles {
  readonly #dir: string;
  readonly #keep: number;
  #handle: FileHandle | null = null;
  /** Bytes in the current file (known once it is open). */
  size = 0;

  constructor(dir: string, keep: number) {
    this.#dir = dir;
    this.#keep = keep;
  }

  path(n: number): string {
    return join(this.#dir, n === 0 ? LOG_FILE_NAME : LOG_FILE_NAME.replace(/\.log$/, `.${n}.log`));
  }

  /** The current file, opened (its folder made) when it is not. */
  async current(): Promise<FileHandle> {
    this.#handle ??= await this.#open();
    return this.#handle;
  }

  async #open(): Promise<FileHandle> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const handle = await open(this.path(0), 'a', 0o600);
    try {
      this.size = (await handle.stat()).size;
    } catch (error) {
      await handle.close();
      throw error;
    }
    return handle;
  }

  async write(data: Buffer): Promise<void> {
    await (await this.current()).write(data);
    this.size += data.length;
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    await handle?.close().catch(() => {
      // the descriptor is gone either way; the next line opens the file again
    });
  }

  async rotate(): Promise<void> {
    await this.close();
    await rm(this.path(this.#keep - 1), { force: true });
    for (let n = this.#keep - 2; n >= 0; n--) {
      try {
        await rename(this.path(n), this.path(n + 1));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  /** The files that exist, oldest first (the current one last). */
  async existing(): Promise<string[]> {
    const found: string[] = [];
    for (let n = this.#keep - 1; n >= 0; n--) {
      try {
        await stat(this.path(n));
        found.push(this.path(n));
      } catch {
        // not there (yet)
      }
    }
    return found;
  }
}

/** What the writer remembers between batches: a failed rotation reported, lines it could not keep. */
interface WriterState {
  rotateReported: boolean;
  dropped: number;
}

/** Writes `lines` in order, rotating before a line that would pass maxBytes. */
async function writeLines(
  files: LogFiles,
  lines: Buffer[],
  maxBytes: number,
  state: WriterState,
  onError: (error: unknown) => void,
): Promise<void> {
  let chunk: Buffer[] = [];
  let chunkBytes = 0;
  const writeChunk = async () => {
    if (chunk.length === 0) return;
    const data = Buffer.concat(chunk);
    chunk = [];
    chunkBytes = 0;
    await files.write(data);
  };
  for (const line of lines) {
    await files.current();
    // A single line longer than a file still goes in (alone); the cut strings keep that rare.
    if (files.size + chunkBytes > 0 && files.size + chunkBytes + line.length > maxBytes) {
      await writeChunk();
      try {
        await files.rotate();
        state.rotateReported = false;
      } catch (error) {
        // Another program holds a log file (on Windows one that opened it without sharing, a scan
        // keeps it from being renamed): keep appending to the current one, up to twice the
        // bound, and try again at the next line that passes it.
        if (!state.rotateReported) onError(error);
        state.rotateReported = true;
        if (files.size + line.length > 2 * maxBytes) {
          state.dropped++;
          continue;
        }
      }
      await files.current();
    }
    chunk.push(line);
    chunkBytes += line.length;
  }
  await writeChunk();
}

/** The line that says how many lines the disk did not take in time. */
const droppedNote = (count: number, redact: (text: string) => string) =>
  Buffer.from(
    logLine(
      {
        level: 'warn',
        scope: 'log',
        message: 'log lines dropped: the disk did not take them in time',
        fields: { count },
        time: new Date().toISOString(),
      },
      redact,
    ),
    'utf8',
  );

export function openRotatingLog(options: RotatingLogOptions): RotatingLog {
  const maxBytes = options.maxBytes ?? DEFAULT_LOG_FILE_BYTES;
  const redact = options.redact ?? createRedactor();
  const onError =
    options.onError ?? ((error: unknown) => process.stderr.write(`log file not written: ${String(error)}\n`));
  const files = new LogFiles(options.dir, Math.max(1, options.files ?? DEFAULT_LOG_FILES));
  const state: WriterState = { rotateReported: false, dropped: 0 };
  let reported = false;
  let queue: Buffer[] = [];
  let queued = 0;
  /** The writer running now (one at a time, so lines keep their order), or null when idle. */
  let writing: Promise<void> | null = null;

  const drain = async () => {
    while (queue.length > 0) {
      const lines = queue;
      queue = [];
      queued = 0;
      if (state.dropped > 0) {
        lines.unshift(droppedNote(state.dropped, redact));
        state.dropped = 0;
      }
      try {
        await writeLines(files, lines, maxBytes, state, onError);
        reported = false;
      } catch (error) {
        if (!reported) onError(error);
        reported = true;
        await files.close();
      }
    }
  };
  const kick = () => {
    writing ??= drain().finally(() => {
      writing = null;
      // Lines queued while the last write finished.
      if (queue.length > 0) kick();
    });
  };
  const flush = async () => {
    while (writing) await writing;
  };

  return {
    sink(record) {
      try {
        const line = Buffer.from(logLine(record, redact), 'utf8');
        if (queued + line.length > MAX_QUEUED_BYTES && queue.length > 0) {
          state.dropped++;
          return;
        }
        queue.push(line);
        queued += line.length;
        kick();
      } catch (error) {
        // A record that cannot be serialised costs that line.
        if (!reported) onError(error);
        reported = true;
      }
    },
    flush,
    async files() {
      await flush();
      return files.existing();
    },
    async close() {
      await flush();
      await files.close();
    },
  };
}

/** One sink writing to several (stderr and the file). */
export const teeSink =
  (...sinks: Array<(record: LogRecord) => void>) =>
  (record: LogRecord): void => {
    for (const sink of sinks) sink(record);
  };
