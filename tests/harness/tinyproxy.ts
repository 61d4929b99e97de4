// A real HTTP CONNECT proxy for tests: Debian's tinyproxy (.ci/run installs it), started as an
// unprivileged throwaway process in the foreground on a free loopback port, with a generated
// config and its own log file (the tests read which CONNECTs it saw from there).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { accepts, freePort } from './ports.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TinyproxyOptions {
  /** Ports CONNECT may reach (tinyproxy's ConnectPort); all ports when absent. */
  connectPorts?: number[];
  /** Proxy-Authorization Basic credentials the proxy demands (tinyproxy's BasicAuth). */
  basicAuth?: { user: string; password: string };
  /** Client addresses allowed (tinyproxy's Allow); 127.0.0.1 when absent. */
  allow?: string[];
}

export interface Tinyproxy {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** The proxy's log so far. */
  log(): Promise<string>;
  /** CONNECT targets (host:port) the proxy was asked for, in order. */
  connects(): Promise<string[]>;
  stop(): Promise<void>;
}

const TINYPROXY = '/usr/bin/tinyproxy';

export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<Tinyproxy> {
  const dir = await mkdtemp(join(tmpdir(), 'kf-tinyproxy-'));
  const logFile = join(dir, 'tinyproxy.log');
  // The free port can be taken between probe and bind by another test: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 60',
      `LogFile "${logFile}"`,
      'LogLevel Info',
      `PidFile "${join(dir, 'tinyproxy.pid')}"`,
      'MaxClients 50',
      ...(options.allow ?? ['127.0.0.1']).map((a) => `Allow ${a}`),
      ...(options.connectPorts ?? []).map((p) => `ConnectPort ${p}`),
      ...(options.basicAuth ? [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`] : []),
      '',
    ].join('\n');
    const configFile = join(dir, 'tinyproxy.conf');
    await writeFile(configFile, config);
    const child: ChildProcess = spawn(TINYPROXY, ['-d', '-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (stderr += chunk.slice(0, 4000)));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let up = false;
    // Bounded wait for the listener (50 x 100 ms); an early exit ends it sooner.
    for (let i = 0; i < 50 && child.exitCode === null && child.signalCode === null; i++) {
      if (await accepts(port)) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!up) {
      child.kill('SIGKILL');
      await exited;
      const log = await readFile(logFile, 'utf8').catch(() => '');
      if (attempt === 4) throw new Error(`tinyproxy did not start: ${stderr} ${log.slice(-2000)}`);
      continue;
    }
    const read = () => readFile(logFile, 'utf8').catch(() => '');
    return {
      port,
      url: `http://127.0.0.1:${port}`,
      log: read,
      async connects() {
        return [...(await read()).matchAll(/Request \(file descriptor \d+\): CONNECT (\S+) HTTP/g)].map((m) => m[1]!);
      },
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          await exited;
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error('tinyproxy did not start');
}
