// How every relay connection of the desktop client leaves the workstation (the device's
// WebSocket with its messages and blob chunks, the setup, enrolment and wipe sockets):
//
// Trust: the CAs Node ships (plus NODE_EXTRA_CA_CERTS), the OS store (where Group Policy puts
// the clinic's CA on Windows) and the policy RelayCaCertificates: certificate files, and
// SHA-256 thumbprints. A thumbprint names a CA certificate the relay sends in its chain (an
// issuing CA, or the root in a full chain): a probe connection fetches the chain once per relay
// address, and a certificate whose hash is listed becomes a trust anchor. OpenSSL then verifies
// every real connection against the anchors, name included; nothing is accepted unverified.
//
// Proxy: ProxyMode direct, fixed (ProxyServer) or system (the platform's resolution). WebSockets
// go through an HTTP proxy with CONNECT (https-proxy-agent); a refusal, a demand for credentials
// or an unreachable proxy is told apart from the relay's own answers (network-problem.ts).
import { X509Certificate, createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import type { Agent } from 'node:http';
import {
  checkServerIdentity,
  createSecureContext,
  getCACertificates,
  type DetailedPeerCertificate,
  type PeerCertificate,
  type SecureContext,
  TLSSocket,
} from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { Logger } from '../log/logger.ts';
import type { NetworkPlatform } from './network-platform.ts';
import { isUntrustedCertificate, type NetworkProblem } from './network-problem.ts';
import { asHttpUrl, fromEnvironment, parseProxyServer, redactProxy, type ProxyChoice } from './proxy-choice.ts';
import { parseRelayCaEntry } from './relay-ca-policy.ts';
import { loggable } from '@klinikfunk/node-common/logger.ts';

export interface RelayNetworkPolicy {
  proxyMode: 'system' | 'direct' | 'fixed';
  proxyServer: string | null;
  relayCaCertificates: readonly string[];
}

/** One connection attempt: the options for the socket, and what its failure means. */
export interface RelayDial {
  /** Spread into the ws (or https) options. */
  options: { agent?: Agent; secureContext?: SecureContext; checkServerIdentity?: typeof checkServerIdentity };
  /** Which proxy was chosen (redacted), for the log. */
  via: string;
  /** The network reason a failed attempt failed, or null when the relay itself answered. */
  problem(error: unknown): NetworkProblem | null;
}

export interface RelayNetwork {
  dial(relayUrl: string): Promise<RelayDial>;
}

const PROBE_TIMEOUT_MS = 10_000;
const sha256 = (der: Buffer) => createHash('sha256').update(der).digest('hex');

/** A root: issued by itself and signed with its own key (an intermediate is neither). */
function selfSigned(pem: string): boolean {
  try {
    const cert = new X509Certificate(pem);
    return cert.checkIssued(cert) && cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

/** Certificates in a PEM bundle, or the one certificate of a DER file. */
export function certificatesIn(bytes: Buffer): string[] {
  const text = bytes.toString('latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (blocks) return blocks.map((pem) => new X509Certificate(pem).toString());
  return [new X509Certificate(bytes).toString()];
}

export interface RelayNetworkDeps {
  platform: NetworkPlatform;
  policy: RelayNetworkPolicy;
  log: Logger;
  /** How long a proxy may take to answer the CONNECT (default 15 s; tests shorten it). */
  proxyAnswerMs?: number;
}

const PROXY_ANSWER_MS = 15_000;

/**
 * One tunnel through the proxy, given up when the proxy does not answer the CONNECT in time
 * (a hung proxy, or a port that takes the connection and waits). Node's HTTP timeout starts only
 * once the tunnel is there, so without this the attempt would wait for ever. The socket to the
 * proxy is closed through the signal, which https-proxy-agent hands to net.connect.
 */
class BoundedProxyAgent extends HttpsProxyAgent<string> {
  readonly #abort: AbortController;
  readonly #answerMs: number;
  /** Set when the proxy did not answer in time: the attempt's failure is then proxy_unreachable. */
  silent = false;

  /** `trust` verifies a proxy spoken to over TLS (https://), with the same CAs as the relay. */
  constructor(proxy: string, answerMs: number, trust: SecureContext) {
    const abort = new AbortController();
    super(proxy, { signal: abort.signal, secureContext: trust } as ConstructorParameters<typeof HttpsProxyAgent>[1]);
    this.#abort = abort;
    this.#answerMs = answerMs;
  }

  override async connect(
    ...args: Parameters<HttpsProxyAgent<string>['connect']>
  ): ReturnType<HttpsProxyAgent<string>['connect']> {
    let timer: NodeJS.Timeout | undefined;
    // The race ends the attempt even where the signal does not reach the socket.
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.silent = true;
        const error = Object.assign(new Error('the proxy did not answer the CONNECT'), { code: 'ETIMEDOUT' });
        this.#abort.abort(error);
        reject(error);
      }, this.#answerMs);
    });
    try {
      return await Promise.race([super.connect(...args), late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The network of this workstation. The policy's certificate files are read once, now (policies
 * are read at start); the first connection waits for them.
 */
export function createRelayNetwork(deps: RelayNetworkDeps): RelayNetwork {
  const thumbprints = new Set<string>();
  const files: string[] = [];
  for (const raw of deps.policy.relayCaCertificates) {
    const entry = parseRelayCaEntry(raw);
    if (!entry) continue; // The schema already refused it.
    if (entry.kind === 'thumbprint') thumbprints.add(entry.sha256);
    else files.push(entry.path);
  }
  return new PolicyRelayNetwork(deps, loadAnchors(files, deps.log), thumbprints);
}

async function loadAnchors(files: readonly string[], log: Logger): Promise<string[]> {
  const anchors: string[] = [];
  for (const path of files) {
    try {
      const found = certificatesIn(await readFile(path));
      anchors.push(...found);
      log.info('relay CA certificates loaded', { path, count: found.length });
    } catch (error) {
      // Logged with the path: without it the relay stays untrusted and the screen says to call IT.
      log.warn('relay CA file not usable', {
        code: 'ca_file_unusable',
        path,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return anchors;
}

class PolicyRelayNetwork implements RelayNetwork {
  readonly #deps: RelayNetworkDeps;
  readonly #policyAnchors: Promise<string[]>;
  readonly #thumbprints: ReadonlySet<string>;
  /** Per relay origin: chain certificates whose thumbprint the policy lists. */
  readonly #learned = new Map<string, string[]>();
  readonly #contexts = new Map<string, SecureContext>();
  #warnedFixed = false;

  constructor(deps: RelayNetworkDeps, policyAnchors: Promise<string[]>, thumbprints: Set<string>) {
    this.#deps = deps;
    this.#policyAnchors = policyAnchors;
    this.#thumbprints = thumbprints;
  }

  async dial(relayUrl: string): Promise<RelayDial> {
    const url = new URL(relayUrl);
    const choice = await this.#proxyFor(relayUrl);
    // The proxy's own certificate (https:// proxies) is checked against the OS store and the
    // policy's CA files, like the relay's: Node's bundled CAs alone would refuse a clinic's proxy.
    const proxy =
      choice.kind === 'proxy' ? { url: choice.url, trust: this.#context('', await this.#policyAnchors) } : null;
    const makeAgent = () =>
      proxy ? new BoundedProxyAgent(proxy.url, this.#deps.proxyAnswerMs ?? PROXY_ANSWER_MS, proxy.trust) : undefined;
    const secure = url.protocol === 'wss:';
    let secureContext: SecureContext | undefined;
    if (secure) {
      if (this.#thumbprints.size > 0 && !this.#learned.has(url.origin)) await this.#learn(url, makeAgent());
      secureContext = this.#context(url.origin, await this.#policyAnchors);
    }
    // The proxy's answer to this connection's own CONNECT (not the probe's) says what failed.
    let lastProxyStatus: number | null = null;
    const agent = makeAgent();
    agent?.on('proxyConnect', (connect: { statusCode: number }) => (lastProxyStatus = connect.statusCode));
    const via = choice.kind === 'direct' ? 'direct' : redactProxy(choice.url);
    // The name is checked against the relay's own host: through the proxy's tunnel Node would
    // otherwise check an IP address relay against "localhost".
    const relayHost = url.hostname.replace(/^\[|\]$/g, '');
    return {
      options: {
        ...(agent ? { agent } : {}),
        ...(secureContext
          ? {
              secureContext,
              checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(relayHost, cert),
            }
          : {}),
      },
      via,
      problem: (error) => {
        if (lastProxyStatus !== null && lastProxyStatus !== 200)
          return lastProxyStatus === 407 ? 'proxy_auth' : 'proxy_refused';
        if (isUntrustedCertificate(error)) {
          // A CA rotated on the relay: learn its chain again at the next attempt.
          this.#learned.delete(url.origin);
          this.#contexts.delete(url.origin);
          return 'relay_untrusted';
        }
        if (choice.kind === 'proxy' && lastProxyStatus === null && (isConnectFailure(error) || agent?.silent))
          return 'proxy_unreachable';
        return null;
      },
    };
  }

  async #proxyFor(relayUrl: string): Promise<ProxyChoice> {
    const { policy, platform, log } = this.#deps;
    if (policy.proxyMode === 'direct') return { kind: 'direct' };
    if (policy.proxyMode === 'fixed') {
      const server = policy.proxyServer ? parseProxyServer(policy.proxyServer) : null;
      if (server) return { kind: 'proxy', url: server.href };
      if (!this.#warnedFixed)
        log.warn('ProxyMode is fixed but ProxyServer is not set: connecting directly', {
          code: 'proxy_server_missing',
        });
      this.#warnedFixed = true;
      return { kind: 'direct' };
    }
    try {
      return await platform.resolveProxy(asHttpUrl(relayUrl));
    } catch (error) {
      log.warn('system proxy not resolved: trying the environment, else directly', { error: loggable(error) });
      return fromEnvironment(relayUrl, process.env);
    }
  }

  #context(origin: string, policyAnchors: readonly string[]): SecureContext {
    const learned = this.#learned.get(origin) ?? [];
    const key = learned.length > 0 ? origin : '';
    let context = this.#contexts.get(key);
    if (!context) {
      const named = [...new Set([...policyAnchors, ...learned])];
      const platform = [...new Set([...getCACertificates('default'), ...this.#deps.platform.systemCaCertificates()])];
      // An issuing CA given by file or thumbprint is an anchor of its own: the clinic's root need
      // not be anywhere else. That OpenSSL flag covers the whole store, so it is set only when the
      // policy names such a CA, and then without the store's own intermediates: Windows lists its
      // "Intermediate Certification Authorities" among the system certificates (cached ones too,
      // whose root may be gone or distrusted), and those must help build a chain, never end one.
      const partial = named.some((pem) => !selfSigned(pem));
      const ca = [...new Set([...(partial ? platform.filter(selfSigned) : platform), ...named])];
      context = createSecureContext({ ca, allowPartialTrustChain: partial });
      this.#contexts.set(key, context);
    }
    return context;
  }

  /** Fetches the relay's chain without trusting it and keeps the certificates the policy names by hash. */
  async #learn(url: URL, agent: Agent | undefined): Promise<void> {
    let chain: Buffer[];
    try {
      chain = await probeChain(url, agent);
    } catch (error) {
      this.#deps.log.warn('relay certificate chain not fetched', {
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    const matches = chain
      .filter((der) => this.#thumbprints.has(sha256(der)))
      .map((der) => new X509Certificate(der).toString());
    if (matches.length > 0) this.#learned.set(url.origin, matches);
    else
      this.#deps.log.warn('no certificate in the relay chain matches RelayCaCertificates', {
        code: 'relay_untrusted',
        chainLength: chain.length,
      });
  }
}

const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
]);
const isConnectFailure = (error: unknown) =>
  typeof error === 'object' && error !== null && CONNECT_FAILURES.has(String((error as { code?: unknown }).code));

/** The DER certificates the relay presents, leaf first, fetched over an unverified TLS connection. */
function probeChain(url: URL, agent: Agent | undefined): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || 443,
      path: '/',
      method: 'GET',
      // Only hashes are taken from this connection; it carries nothing but this request.
      rejectUnauthorized: false,
      agent: agent ?? false,
      timeout: PROBE_TIMEOUT_MS,
    });
    const take = (socket: TLSSocket) => {
      const chain: Buffer[] = [];
      let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
      while (cert?.raw && !chain.some((c) => c.equals(cert!.raw))) {
        chain.push(cert.raw);
        cert = cert.issuerCertificate;
      }
      return chain;
    };
    req.once('response', (res) => {
      const socket = res.socket;
      try {
        // A proxy that refused the tunnel (403, 407, 502) answers itself, on a plain socket: there
        // is no relay certificate to take, and the dial reports the proxy's status.
        if (!(socket instanceof TLSSocket)) reject(new Error(`the proxy answered ${res.statusCode ?? 'nothing'}`));
        // Taken before the socket is destroyed: afterwards it has no peer certificate.
        else resolve(take(socket));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      } finally {
        res.destroy();
        req.destroy();
      }
    });
    req.once('timeout', () => req.destroy(new Error('probe timed out')));
    req.once('error', reject);
    req.end();
  });
}
