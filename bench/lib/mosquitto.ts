// A throwaway mosquitto broker for the peers bench: the Debian binary (installed by .ci/run) on a
// free loopback port with a generated config, no persistence, stopped and its directory removed
// at the end. Never the system service.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MOSQUITTO_PATH = '/usr/sbin/mosquitto';

export interface Mosquitto {
  port: number;
  pid: number;
  version: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** Null when the binary is not installed (the caller skips with a message). */
export async function startMosquitto(): Promise<Mosquitto | null> {
  if (!existsSync(MOSQUITTO_PATH)) return null;
  const dir = await mkdtemp(join(tmpdir(), 'kf-mosquitto-'));
  const port = await freePort();
  const config = join(dir, 'mosquitto.conf');
  await writeFile(
    config,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      // The bench's receivers share one process and may fall behind in a saturated run; the
      // default limit of 1,000 queued QoS 1 messages per client would then drop deliveries silently.
      'max_queued_messages 0',
      // ws sets TCP_NODELAY on the relay's sockets; without it here Nagle would add latency to
      // mosquitto's paced numbers that is not the broker's.
      'set_tcp_nodelay true',
      'log_dest stderr',
      'log_type error',
      '',
    ].join('\n'),
  );
  const child = spawn(MOSQUITTO_PATH, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = performance.now();
  while (!(await accepts(port))) {
    if (child.exitCode !== null || performance.now() - started > 10_000) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`mosquitto did not start on 127.0.0.1:${port}: ${stderr.slice(-1000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const version = await new Promise<string>((resolve) => {
    const v = spawn(MOSQUITTO_PATH, ['-h'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    v.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    v.once('exit', () => resolve(/mosquitto version ([\d.]+)/.exec(out)?.[1] ?? 'unknown'));
    v.once('error', () => resolve('unknown'));
  });
  return {
    port,
    pid: child.pid!,
    version,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
