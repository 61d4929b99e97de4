// The workstation's rotating log file (apps/desktop/electron/core/log/rotating-file.ts): bounded in size and
// count, oldest dropped, scalar fields only (stacks kept), no credentials or user folders, private
// file modes; a failing disk costs lines, never an exception, and a hanging one never blocks.
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, type LogFields } from '../../../apps/desktop/electron/core/log/logger.ts';
import { createRedactor } from '../../../apps/desktop/electron/core/log/redact.ts';
import { LOG_FILE_NAME, openRotatingLog } from '../../../apps/desktop/electron/core/log/rotating-file.ts';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kf-logs-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const lines = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { message: string; fields?: Record<string, unknown> });

describe('rotating log file', () => {
  it('keeps at most `files` files of at most `maxBytes` each, newest in klinikfunk.log, oldest dropped', async () => {
    const dir = join(await tempDir(), 'logs');
    const file = openRotatingLog({ dir, maxBytes: 1_000, files: 3 });
    const log = createLogger(file.sink, 'test');
    for (let i = 0; i < 200; i++) log.info('line', { n: i, pad: 'x'.repeat(50) });
    await file.close();
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['klinikfunk.1.log', 'klinikfunk.2.log', LOG_FILE_NAME]);
    for (const name of names) expect((await stat(join(dir, name))).size).toBeLessThanOrEqual(1_000);
    // Lines follow each other across the files, oldest file first, and end with the last one.
    const all = [];
    for (const path of await file.files()) all.push(...(await lines(path)));
    const numbers = all.map((l) => l.fields!.n as number);
    expect(numbers.at(-1)).toBe(199);
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
    expect(numbers[0]).toBeGreaterThan(0); // the oldest lines went with the oldest file
    expect((await file.files()).map((p) => p.slice(dir.length + 1))).toEqual([
      'klinikfunk.2.log',
      'klinikfunk.1.log',
      LOG_FILE_NAME,
    ]);
  });

  it('appends to the file of an earlier run and counts its size', async () => {
    const dir = await tempDir();
    const first = openRotatingLog({ dir, maxBytes: 10_000, files: 2 });
    createLogger(first.sink, 'run1').info('first run');
    await first.close();
    const second = openRotatingLog({ dir, maxBytes: 10_000, files: 2 });
    createLogger(second.sink, 'run2').info('second run');
    await second.close();
    expect((await lines(join(dir, LOG_FILE_NAME))).map((l) => l.message)).toEqual(['first run', 'second run']);
  });

  it('writes scalar fields only: objects and arrays are dropped, long strings cut, stacks kept', async () => {
    const dir = await tempDir();
    const file = openRotatingLog({ dir });
    const error = new Error('boom');
    // The type refuses objects and arrays; a caller that casts past it still gets them dropped.
    const mistakes = { message: { body: 'Patient Müller, Zimmer 4' }, names: ['Bernd Pflege'] } as unknown as LogFields;
    createLogger(file.sink, 'test').error('failed', {
      device: 'devnurse1',
      count: 3,
      ok: false,
      none: null,
      stack: error.stack,
      ...mistakes,
      huge: 'y'.repeat(20_000),
    });
    await file.close();
    const text = await readFile(join(dir, LOG_FILE_NAME), 'utf8');
    expect(text).not.toContain('Müller');
    expect(text).not.toContain('Bernd Pflege');
    const [line] = await lines(join(dir, LOG_FILE_NAME));
    expect(line!.fields).toMatchObject({
      device: 'devnurse1',
      count: 3,
      ok: false,
      none: null,
      message: '[dropped: object]',
      names: '[dropped: array]',
    });
    expect(line!.fields!.stack).toContain('Error: boom');
    expect(line!.fields!.stack).toContain('rotating-file.test.ts');
    expect((line!.fields!.huge as string).length).toBeLessThanOrEqual(8_001);
  });

  it('creates the folder 0700 and the files 0600', async () => {
    const dir = join(await tempDir(), 'logs');
    const file = openRotatingLog({ dir });
    createLogger(file.sink, 'test').info('hello');
    await file.close();
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, LOG_FILE_NAME))).mode & 0o777).toBe(0o600);
  });

  it('a folder it cannot write costs the lines, reported once, and never throws', async () => {
    const base = await tempDir();
    const blocker = join(base, 'not-a-folder');
    await import('node:fs/promises').then((fs) => fs.writeFile(blocker, 'x'));
    const errors: unknown[] = [];
    const file = openRotatingLog({ dir: join(blocker, 'logs'), onError: (e) => errors.push(e) });
    const log = createLogger(file.sink, 'test');
    for (let i = 0; i < 5; i++) {
      expect(() => log.warn('cannot land', { i })).not.toThrow();
      // Each line tried on its own: the failure is still reported once.
      await file.flush();
    }
    expect(errors).toHaveLength(1);
    expect(await file.files()).toEqual([]);
  });
});

describe('rotating log file when rotation fails', () => {
  it('keeps appending to the current file (up to twice its bound) while another program holds the old ones, and rotates once it can', async () => {
    const dir = await tempDir();
    // klinikfunk.1.log cannot be replaced: on Windows a program that opened it without sharing holds
    // it; here it is a folder with a file in it.
    const held = join(dir, 'klinikfunk.1.log');
    await mkdir(held);
    await writeFile(join(held, 'x'), 'x');
    const errors: unknown[] = [];
    const file = openRotatingLog({ dir, maxBytes: 1_000, files: 2, onError: (e) => errors.push(e) });
    const log = createLogger(file.sink, 'test');
    for (let n = 0; n < 15; n++) log.info('line', { n }); // about 100 bytes each
    await file.flush();
    expect(errors).toHaveLength(1);
    const current = await lines(join(dir, LOG_FILE_NAME));
    expect(current.map((l) => l.fields!.n)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect((await stat(join(dir, LOG_FILE_NAME))).size).toBeLessThanOrEqual(2_000);

    // Released: the next line that passes the bound rotates as usual.
    await rm(held, { recursive: true });
    log.info('line', { n: 15 });
    await file.close();
    expect((await lines(held)).map((l) => l.fields!.n)).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect((await lines(join(dir, LOG_FILE_NAME))).map((l) => l.fields!.n)).toEqual([15]);
  });
});

describe('rotating log file: what leaves the PC with it', () => {
  it('takes URL credentials and the Windows user folder and name out of every string', async () => {
    const dir = await tempDir();
    const file = openRotatingLog({
      dir,
      redact: createRedactor({ homeDir: 'C:\\Users\\anna.schmidt', userName: 'anna.schmidt' }),
    });
    createLogger(file.sink, 'test').warn('profile relay not recorded', {
      error:
        "Error: EPERM: operation not permitted, open 'C:\\Users\\Anna.Schmidt\\AppData\\Roaming\\Klinikfunk\\profiles\\p1\\relay.json'",
      redirected: '\\\\fs01\\home$\\anna.schmidt\\AppData\\Roaming\\Klinikfunk',
      forward: 'C:/Users/anna.schmidt/AppData',
      from: 'wss://it:Geheim42@relay.klinik.local/',
      to: 'wss://relay-neu.klinik.local/',
    });
    await file.close();
    const text = await readFile(join(dir, LOG_FILE_NAME), 'utf8');
    expect(text.toLowerCase()).not.toContain('anna');
    expect(text).not.toContain('Geheim42');
    const [line] = await lines(join(dir, LOG_FILE_NAME));
    expect(line!.fields).toMatchObject({
      error: "Error: EPERM: operation not permitted, open '~\\AppData\\Roaming\\Klinikfunk\\profiles\\p1\\relay.json'",
      redirected: '\\\\fs01\\home$\\<Benutzer>\\AppData\\Roaming\\Klinikfunk',
      forward: '~/AppData',
      from: 'wss://***@relay.klinik.local/',
      to: 'wss://relay-neu.klinik.local/',
    });
  });

  it("by default takes out this machine's home folder", async () => {
    const dir = await tempDir();
    const file = openRotatingLog({ dir });
    createLogger(file.sink, 'test').error(`not written: ${join(homedir(), 'x')}`, {
      path: join(homedir(), 'AppData', 'y'),
    });
    await file.close();
    const text = await readFile(join(dir, LOG_FILE_NAME), 'utf8');
    expect(text).not.toContain(JSON.stringify(homedir()).slice(1, -1));
    expect(text).toContain('~');
  });
});

/**
 * Logs `count` lines from a worker into a log file that is a FIFO nobody reads yet (a disk that
 * does not answer; opening it for writing waits for a reader, like a hung share), waits up to 10 s
 * for the logging calls to return, then reads the FIFO to its end. Run in a worker so that a
 * logger that blocks cannot block the test.
 */
async function logToDeafDisk(
  count: number,
  pad: number,
): Promise<{ returned: boolean; lines: Array<{ message: string; fields: Record<string, number> }> }> {
  const dir = await tempDir();
  const fifo = join(dir, LOG_FILE_NAME);
  execFileSync('mkfifo', [fifo]);
  const worker = new Worker(new URL('./slow-disk-worker.ts', import.meta.url), { workerData: { dir, count, pad } });
  const said: string[] = [];
  worker.on('message', (m: string) => said.push(m));
  const waitFor = async (what: string, ms: number) => {
    const deadline = Date.now() + ms;
    while (!said.includes(what) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return said.includes(what);
  };
  let returned: boolean;
  let text = '';
  try {
    returned = await waitFor('returned', 10_000);
  } finally {
    // The disk answers now (also for a blocked worker, so it can end).
    const reader = createReadStream(fifo, { encoding: 'utf8' });
    reader.on('data', (chunk) => (text += chunk));
    await new Promise<void>((resolve, reject) => reader.on('end', resolve).on('error', reject));
    expect(await waitFor('closed', 20_000)).toBe(true);
    await worker.terminate();
  }
  const lines = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { message: string; fields: Record<string, number> });
  return { returned, lines };
}

describe('rotating log file on a disk that does not answer', () => {
  it('never blocks the logging caller (the main process): lines wait in memory and land in order once the disk takes them', async () => {
    const { returned, lines } = await logToDeafDisk(100, 0);
    expect(returned, 'the logging calls returned before the disk answered').toBe(true);
    expect(lines.map((l) => l.fields.n)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('keeps at most about 1 MiB waiting: later lines are counted, and the count is written', async () => {
    const { returned, lines } = await logToDeafDisk(5_000, 1_000);
    expect(returned).toBe(true);
    const kept = lines.filter((l) => l.message === 'line').map((l) => l.fields.n);
    const note = lines.find((l) => l.message.startsWith('log lines dropped'));
    // The first lines waited (in order); the rest did not fit and are counted.
    expect(kept.length).toBeGreaterThan(500);
    expect(kept.length).toBeLessThan(1_100);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => i));
    expect(note?.fields.count).toBe(5_000 - kept.length);
  });
});
