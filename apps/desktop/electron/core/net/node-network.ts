// The network platform under plain Node (tests, the harness, and the default of the fakes): the
// OS certificate store as Node 24 reads it, and the proxy from HTTPS_PROXY/NO_PROXY (what a
// Linux session exports; Electron asks Chromium instead, apps/desktop/electron/main/electron-platform.ts).
import { getCACertificates } from 'node:tls';
import type { NetworkPlatform } from './network-platform.ts';
import { fromEnvironment } from './proxy-choice.ts';

export function nodeNetwork(env: NodeJS.ProcessEnv = process.env): NetworkPlatform {
  return {
    systemCaCertificates: () => getCACertificates('system'),
    resolveProxy: async (url) => fromEnvironment(url, env),
  };
}
