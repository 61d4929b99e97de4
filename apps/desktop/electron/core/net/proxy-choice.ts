// Which proxy a relay connection goes through: none, or an HTTP(S) proxy that tunnels with
// CONNECT. From the policies ProxyMode/ProxyServer; with ProxyMode=system from the platform
// (Electron: the session's proxy resolution, PAC included; Node: HTTPS_PROXY/NO_PROXY).
import { z } from 'zod';

export type ProxyChoice = { kind: 'direct' } | { kind: 'proxy'; url: string };

/**
 * ProxyServer: `host:port`, or `http://[user:password@]host:port` (also https:// for a proxy
 * spoken to over TLS). Credentials percent-encoded as in any URL.
 */
export function parseProxyServer(raw: string): URL | null {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // The port is required, also when it is the scheme's default (which URL then leaves out).
  const authority = withScheme.replace(/^[^:]+:\/\//, '').split('/')[0] ?? '';
  if (!url.hostname || !/:\d{1,5}$/.test(authority)) return null;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return null;
  return url;
}

export const proxyServerSchema = z
  .string()
  .max(500)
  .refine((s) => parseProxyServer(s) !== null, 'must be host:port or http://[user:password@]host:port');

/** The address without credentials, for logs and the "managed settings" view. */
export function redactProxy(url: string): string {
  const parsed = parseProxyServer(url);
  if (!parsed) return url;
  const hadCredentials = parsed.username !== '' || parsed.password !== '';
  parsed.username = '';
  parsed.password = '';
  return `${hadCredentials ? '(Zugangsdaten) ' : ''}${parsed.origin}`;
}

/**
 * A PAC result as Chromium's resolveProxy returns it ("PROXY a:8080; DIRECT"): the first entry
 * this client can speak. SOCKS entries are skipped (only HTTP CONNECT proxies are supported);
 * nothing usable means direct.
 */
export function fromPacResult(result: string): ProxyChoice {
  for (const entry of result.split(';')) {
    const [type = '', hostPort = ''] = entry.trim().split(/\s+/);
    const kind = type.toUpperCase();
    if (kind === 'DIRECT') return { kind: 'direct' };
    if ((kind === 'PROXY' || kind === 'HTTP' || kind === 'HTTPS') && hostPort) {
      const url = parseProxyServer(`${kind === 'HTTPS' ? 'https' : 'http'}://${hostPort}`);
      if (url) return { kind: 'proxy', url: url.href };
    }
  }
  return { kind: 'direct' };
}

/** ws:// and wss:// as the http:// and https:// URLs proxy rules (PAC, NO_PROXY) are written for. */
export const asHttpUrl = (relayUrl: string): string => relayUrl.replace(/^ws(s?):\/\//i, 'http$1://');

/** Node fallback of the system setting: HTTPS_PROXY/HTTP_PROXY with NO_PROXY, as curl reads them. */
export function fromEnvironment(relayUrl: string, env: NodeJS.ProcessEnv): ProxyChoice {
  const target = new URL(asHttpUrl(relayUrl));
  const secure = target.protocol === 'https:';
  const proxy = secure
    ? (env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy)
    : (env.HTTP_PROXY ?? env.http_proxy);
  if (!proxy) return { kind: 'direct' };
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(/[,\s]+/).filter(Boolean);
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || (secure ? '443' : '80');
  for (const rule of noProxy) {
    if (rule === '*') return { kind: 'direct' };
    const [ruleHost = '', rulePort] = rule
      .toLowerCase()
      .replace(/^\*?\./, '.')
      .split(/:(?=\d+$)/);
    if (rulePort && rulePort !== port) continue;
    const bare = ruleHost.replace(/^\./, '');
    if (host === bare || host.endsWith(`.${bare}`)) return { kind: 'direct' };
  }
  const url = parseProxyServer(proxy);
  return url ? { kind: 'proxy', url: url.href } : { kind: 'direct' };
}
