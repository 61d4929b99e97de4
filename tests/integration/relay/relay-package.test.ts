// The relay as its own package (issue 18 item 5, docs/operations.md "Install"): from the
// repository's files for the relay and the workspace packages alone, `npm ci --omit=dev -w
// klinikfunk-relay` installs only the relay's production dependencies (no Electron, no build or
// test tools, not even the project's pinned Node), and its `klinikfunk-relay` bin starts on a plain
// Node 24 (the one running this test), answers /healthz and stops cleanly on SIGTERM.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '@klinikfunk/protocol/wire/bytes.ts';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../../..');
/** Devdependencies of the root and of the desktop app: none may reach the relay's install. */
const DEV_ONLY = [
  'electron',
  'electron-builder',
  'vite',
  'svelte',
  '@playwright/test',
  'playwright',
  'vitest',
  'typescript',
  'esbuild',
  'node',
];
/** Production dependencies of the desktop app alone. */
const DESKTOP_ONLY = ['https-proxy-agent', 'ical.js', 'klinikfunk'];

let dir: string;
/** npm without the settings of an npm run that started this test (workspace, omit, ...). */
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'klinikfunk-relay-package-'));
  const { stdout } = await run(
    'git',
    ['ls-files', 'package.json', 'package-lock.json', '.npmrc', 'packages', 'apps/relay'],
    { cwd: repoRoot },
  );
  const files = stdout.split('\n').filter(Boolean);
  expect(files).toContain('apps/relay/package.json');
  for (const file of files) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await cp(join(repoRoot, file), join(dir, file));
  }
  env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || /^npm_config_(cache|userconfig)$/i.test(key)),
  );
  // The root `npm ci` filled the cache with every package the lock file names.
  await run('npm', ['ci', '--omit=dev', '-w', 'klinikfunk-relay', '--offline', '--no-audit', '--no-fund'], {
    cwd: dir,
    env,
    timeout: 240_000,
  });
}, 300_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the relay package', () => {
  it('installs the relay, the workspace packages and its own dependencies, nothing of the desktop app or the dev tools', () => {
    const installed = (name: string) => existsSync(join(dir, 'node_modules', name, 'package.json'));
    for (const name of [
      'klinikfunk-relay',
      '@klinikfunk/protocol',
      '@klinikfunk/crypto',
      '@klinikfunk/node-common',
      'ws',
      'pg',
      'zod',
      'better-sqlite3-multiple-ciphers',
      'libsodium-wrappers-sumo',
    ])
      expect(installed(name), name).toBe(true);
    for (const name of [...DEV_ONLY, ...DESKTOP_ONLY]) expect(installed(name), name).toBe(false);
    expect(existsSync(join(dir, 'node_modules', '.bin', 'node'))).toBe(false);
  });

  it('starts from its bin on plain Node 24, answers /healthz, and exits 0 on SIGTERM', async () => {
    const bin = join(dir, 'node_modules', '.bin', 'klinikfunk-relay');
    expect((await readFile(bin, 'utf8')).split('\n')[0]).toBe('#!/usr/bin/env node');
    const dataDir = join(dir, 'data');
    // The shebang finds `node` on PATH: put this test's Node 24 first, as a server's PATH would.
    const child: ChildProcess = spawn(
      bin,
      ['--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, `--org-public-key=${toBase64Url(randomBytes(32))}`],
      {
        env: {
          ...env,
          PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
          RELAY_DATABASE_URL: '',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.once('exit', (code, signal) => done({ code, signal })),
    );
    let log = '';
    try {
      const port = await new Promise<number>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`relay did not start: ${log.slice(-2000)}`)), 60_000);
        child.stderr!.setEncoding('utf8');
        child.stderr!.on('data', (chunk: string) => {
          log += chunk;
          const match = /"msg":"relay listening","url":"ws:\/\/127\.0\.0\.1:(\d+)"/.exec(log);
          if (match) {
            clearTimeout(timer);
            done(Number(match[1]));
          }
        });
        // `exited` never rejects (it settles on the child's exit event).
        exited
          .then(({ code }) => {
            clearTimeout(timer);
            fail(new Error(`relay exited with ${code}: ${log.slice(-2000)}`));
          })
          .catch(fail);
      });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(log).toMatch(/"msg":"stopped"/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
