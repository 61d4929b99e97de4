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
export declare function isTrustedSender(sender: SenderInfo, allowedOrigin: string): boolean;
