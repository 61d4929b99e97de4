/**
 * Who is calling. Electron fills it from `event.senderFrame`; the harness from the WebSocket's
 * Origin. The router trusts a call only from the app's own top-level frame.
 */
export interface SenderInfo {
  /** URL of the calling frame, e.g. "app://klinikfunk/index.html". */
  url: string;
  /** False for iframes (the app has none, so any subframe call is foreign). */
  isMainFrame: boolean;
}

export function isTrustedSender(sender: SenderInfo, allowedOrigin: string): boolean {
  if (!sender.isMainFrame) return false;
  try {
    // URL.origin is "null" for custom schemes that are not registered as standard, so compare
    // scheme and host explicitly instead of relying on it.
    const url = new URL(sender.url);
    const allowed = new URL(allowedOrigin);
    return url.protocol === allowed.protocol && url.host === allowed.host;
  } catch {
    return false;
  }
}
