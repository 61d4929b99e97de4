// A real reverse proxy for tests: Debian's nginx (.ci/run installs it), started in the foreground
// as a throwaway process with its own prefix folder, on a free loopback port, running the server
// block we ship (deploy/nginx-klinikfunk-relay.conf) with only its addresses and file paths swapped.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { accepts, freePort } from './ports.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Nginx {
  port: number;
  /** wss://127.0.0.1:<port> */
  url: string;
  stop(): Promise<void>;
}

const NGINX = '/usr/sbin/nginx';

/**
 * The shipped block, pointed at `upstreamPort` with the given certificate, listening on a free
 * port; `bindAddress`: the loopback address nginx connects to the relay from (so a test can tell
 * the proxy's address from the device's).
 */
export async function startNginx(options: {
  upstreamPort: number;
  fullChain: string;
  key: string;
  bindAddress: string;
}): Promise<Nginx> {
  const dir = await mkdtemp(join(tmpdir(), 'kf-nginx-'));
  await writeFile(join(dir, 'fullchain.pem'), options.fullChain);
  await writeFile(join(dir, 'relay.key'), options.key, { mode: 0o600 });
  const block = (await readFile('deploy/nginx-klinikfunk-relay.conf', 'utf8'))
    .replace('/etc/klinikfunk/tls/relay-fullchain.pem', join(dir, 'fullchain.pem'))
    .replace('/etc/klinikfunk/tls/relay.key', join(dir, 'relay.key'))
    .replace(
      'proxy_pass http://127.0.0.1:8443;',
      `proxy_pass http://127.0.0.1:${options.upstreamPort};\n        proxy_bind ${options.bindAddress};`,
    );
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const conf = [
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} info;`,
      'worker_processes 1;',
      'events { worker_connections 256; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`),
      block.replace('listen 443 ssl;', `listen 127.0.0.1:${port} ssl;`),
      '}',
    ].join('\n');
    await writeFile(join(dir, 'nginx.conf'), conf);
    const proc: ChildProcess = spawn(
      NGINX,
      ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log'), '-g', 'daemon off;'],
      { stdio: 'ignore' },
    );
    let exited = false;
    proc.once('exit', () => (exited = true));
    const deadline = Date.now() + 10_000;
    while (!exited && Date.now() < deadline && !(await accepts(port))) await new Promise((r) => setTimeout(r, 50));
    if (exited || !(await accepts(port))) {
      proc.kill('SIGKILL');
      continue;
    }
    return {
      port,
      url: `wss://127.0.0.1:${port}`,
      async stop() {
        if (proc.exitCode === null && proc.signalCode === null) {
          const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
          proc.kill('SIGQUIT');
          await Promise.race([gone, new Promise((r) => setTimeout(r, 5_000))]);
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error(`nginx did not start: ${await readFile(join(dir, 'error.log'), 'utf8').catch(() => '(no log)')}`);
}
