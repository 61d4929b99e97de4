// The port the network layer asks the OS through (implemented by net/node-network.ts under Node
// and apps/desktop/electron/main/electron-platform.ts in Electron); part of platform/platform.ts's
// Platform, kept here so net/ does not depend on platform/ (which builds its fakes from net/).
import type { ProxyChoice } from './proxy-choice.ts';

/**
 * What the network layer needs from the OS (apps/desktop/electron/core/net): the OS certificate store, where
 * Windows Group Policy distributes the clinic's CA, and the OS proxy setting. The trust decision
 * and the proxy tunnel themselves are core code, the same in Electron and under Node.
 */
export interface NetworkPlatform {
  /** PEM certificates the OS trusts as roots (Node: tls.getCACertificates('system')). */
  systemCaCertificates(): readonly string[];
  /**
   * The OS proxy for an http(s):// URL (a relay's ws/wss URL as http/https): Electron asks the
   * session (system settings, WPAD, PAC); under Node HTTPS_PROXY/NO_PROXY decide.
   */
  resolveProxy(url: string): Promise<ProxyChoice>;
}
