// Relay configuration from three sources, later ones winning: a JSON file (--config or
// RELAY_CONFIG), environment variables (RELAY_*), command-line flags (--name value). Everything
// is validated with zod; an unknown key or a bad value stops the relay with a clear message.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { auditSinkSchema } from './audit-sink.ts';
import { DEFAULT_LIMITS, type RelayLimits } from './limits.ts';

const limitsSchema = z.strictObject(
  Object.fromEntries(
    Object.keys(DEFAULT_LIMITS).map((k) => [k, z.coerce.number().int().positive().optional()]),
  ) as Record<keyof RelayLimits, z.ZodOptional<z.ZodCoercedNumber>>,
);

export const configSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8443),
  dataDir: z.string().default('./relay-data'),
  /** PostgreSQL URL; when absent the relay uses SQLite in dataDir. */
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'postgres://...')
    .optional(),
  /**
   * Organisation root public key, base64url (32 bytes). Optional: without it (and none bound
   * before) the relay waits for the first-run bootstrap by the first admin device.
   */
  orgPublicKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'base64url Ed25519 public key (43 characters)')
    .optional(),
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  relayId: z.string().max(64).optional(),
  /** JSON array of signed records to admit at start (bootstrap of the directory). */
  importRecords: z.string().optional(),
  /** Check published envelopes' headers (organisation, channel, sender, client event id). */
  envelopeCheck: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(true),
  /** Days to keep events and undelivered mailbox items (0 = forever). */
  retentionDays: z.coerce.number().int().min(0).default(0),
  limits: limitsSchema.default({}),
  /** Prometheus metrics on their own listener (GET /metrics); absent: no metrics. */
  metricsPort: z.coerce.number().int().min(0).max(65535).optional(),
  /** Address of the metrics listener; loopback unless the scraper runs elsewhere. */
  metricsHost: z.string().default('127.0.0.1'),
  /**
   * Reverse proxies whose X-Forwarded-For names the client (apps/relay/client-address.ts): their
   * addresses exactly (IPv4 or IPv6, no ranges). Empty: the header is ignored.
   */
  trustedProxies: z
    .union([
      z.array(z.string()),
      z.string().transform((v) =>
        v
          .split(',')
          .map((a) => a.trim())
          .filter((a) => a !== ''),
      ),
    ])
    .pipe(z.array(z.string().refine((a) => isIP(a) !== 0, 'an IP address (no names, no ranges)')).max(64))
    .default([]),
  /**
   * Where every accepted directory record goes as an audit event (the clinic's SIEM): RFC 5424
   * syslog over UDP or TCP, or JSON lines to a file (apps/relay/audit-sink.ts). Config file only.
   */
  auditSink: auditSinkSchema.optional(),
});
export type RelayConfig = z.output<typeof configSchema>;

const ENV: Record<string, keyof RelayConfig> = {
  RELAY_HOST: 'host',
  RELAY_PORT: 'port',
  RELAY_DATA_DIR: 'dataDir',
  RELAY_DATABASE_URL: 'databaseUrl',
  RELAY_ORG_PUBLIC_KEY: 'orgPublicKey',
  RELAY_TLS_CERT: 'tlsCert',
  RELAY_TLS_KEY: 'tlsKey',
  RELAY_LOG_LEVEL: 'logLevel',
  RELAY_ID: 'relayId',
  RELAY_RETENTION_DAYS: 'retentionDays',
  RELAY_ENVELOPE_CHECK: 'envelopeCheck',
  RELAY_METRICS_PORT: 'metricsPort',
  RELAY_METRICS_HOST: 'metricsHost',
  RELAY_TRUSTED_PROXIES: 'trustedProxies',
};

const FLAGS = {
  config: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  'org-public-key': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'log-level': { type: 'string' },
  'relay-id': { type: 'string' },
  'import-records': { type: 'string' },
  'retention-days': { type: 'string' },
  'envelope-check': { type: 'string' },
  'metrics-port': { type: 'string' },
  'metrics-host': { type: 'string' },
  /** Comma-separated, like RELAY_TRUSTED_PROXIES. */
  'trusted-proxies': { type: 'string' },
  /** Repeatable: --limit sendBufferMaxBytes=1048576 */
  limit: { type: 'string', multiple: true },
} as const;

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): RelayConfig {
  const { values } = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false });
  const file = values.config ?? env.RELAY_CONFIG;
  const merged: Record<string, unknown> = file
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : {};
  for (const [name, key] of Object.entries(ENV))
    if (env[name] !== undefined && env[name] !== '') merged[key] = env[name];
  const flagMap: Record<string, keyof RelayConfig> = {
    host: 'host',
    port: 'port',
    'data-dir': 'dataDir',
    'database-url': 'databaseUrl',
    'org-public-key': 'orgPublicKey',
    'tls-cert': 'tlsCert',
    'tls-key': 'tlsKey',
    'log-level': 'logLevel',
    'relay-id': 'relayId',
    'import-records': 'importRecords',
    'retention-days': 'retentionDays',
    'envelope-check': 'envelopeCheck',
    'metrics-port': 'metricsPort',
    'metrics-host': 'metricsHost',
    'trusted-proxies': 'trustedProxies',
  };
  for (const [flag, key] of Object.entries(flagMap)) {
    const value = values[flag as keyof typeof values];
    if (typeof value === 'string') merged[key] = value;
  }
  const limits = { ...((merged.limits as Record<string, unknown> | undefined) ?? {}) };
  for (const pair of values.limit ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--limit wants name=value, got "${pair}"`);
    limits[pair.slice(0, at)] = pair.slice(at + 1);
  }
  merged.limits = limits;
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    throw new Error(
      `relay configuration: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
  if ((parsed.data.tlsCert === undefined) !== (parsed.data.tlsKey === undefined))
    throw new Error('relay configuration: tlsCert and tlsKey go together');
  return parsed.data;
}

/** Loopback addresses, where plain ws is allowed without a warning. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
