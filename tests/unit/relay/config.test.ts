// Relay configuration: file < environment < flags, validated; limits; token bucket; backoff.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLoopback, loadConfig } from '../../../apps/relay/config.ts';
import { TokenBucket } from '../../../apps/relay/limits.ts';

const KEY = 'A'.repeat(43);

describe('relay config', () => {
  it('layers file, environment and flags, later winning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kf-cfg-'));
    const file = join(dir, 'relay.json');
    await writeFile(
      file,
      JSON.stringify({ port: 1000, dataDir: '/from-file', orgPublicKey: KEY, limits: { maxBadFrames: 5 } }),
    );
    const config = loadConfig(['--config', file, '--port', '3000', '--limit', 'heartbeatMs=5000'], {
      RELAY_PORT: '2000',
      RELAY_DATA_DIR: '/from-env',
    });
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe('/from-env');
    expect(config.host).toBe('127.0.0.1');
    expect(config.limits).toEqual({ maxBadFrames: 5, heartbeatMs: 5000 });
    expect(config.retentionDays).toBe(0);
    expect(loadConfig(['--org-public-key', KEY, '--retention-days', '365'], {}).retentionDays).toBe(365);
    await rm(dir, { recursive: true });
  });

  it('switches to PostgreSQL by RELAY_DATABASE_URL and refuses bad values', () => {
    expect(loadConfig(['--org-public-key', KEY], { RELAY_DATABASE_URL: 'postgres://u@127.0.0.1/db' }).databaseUrl).toBe(
      'postgres://u@127.0.0.1/db',
    );
    expect(loadConfig([], {}).orgPublicKey).toBeUndefined();
    expect(() => loadConfig(['--org-public-key', 'short'], {})).toThrow(/orgPublicKey/);
    expect(() => loadConfig(['--org-public-key', KEY, '--port', '70000'], {})).toThrow(/port/);
    expect(() => loadConfig(['--org-public-key', KEY, '--limit', 'nonsense=1'], {})).toThrow(/limits/);
    expect(() => loadConfig(['--org-public-key', KEY, '--tls-cert', 'c.pem'], {})).toThrow(/tlsKey/);
    expect(() => loadConfig(['--bogus'], {})).toThrow();
  });

  it('has metrics off by default and takes their port and address from every source', () => {
    const plain = loadConfig([], {});
    expect(plain.metricsPort).toBeUndefined();
    expect(plain.metricsHost).toBe('127.0.0.1');
    expect(loadConfig(['--metrics-port', '9464'], {}).metricsPort).toBe(9464);
    expect(loadConfig([], { RELAY_METRICS_PORT: '9465', RELAY_METRICS_HOST: '10.0.0.5' })).toMatchObject({
      metricsPort: 9465,
      metricsHost: '10.0.0.5',
    });
    expect(() => loadConfig(['--metrics-port', 'x'], {})).toThrow(/metricsPort/);
    expect(() => loadConfig(['--metrics-port', '70000'], {})).toThrow(/metricsPort/);
  });

  it('knows loopback addresses', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('0.0.0.0')).toBe(false);
    expect(isLoopback('10.1.2.3')).toBe(false);
  });
});

describe('token bucket', () => {
  it('allows the burst, then the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 5, () => now);
    expect(Array.from({ length: 6 }, () => bucket.take())).toEqual([true, true, true, true, true, false]);
    now += 100;
    expect(bucket.take()).toBe(true);
    expect(bucket.take()).toBe(false);
  });
});
