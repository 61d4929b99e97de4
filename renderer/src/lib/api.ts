// The renderer's only way into the app: window.klinikfunk, provided by the preload in Electron
// and by the harness bridge in a browser. Both refuse names outside the contract.
import type { KlinikfunkBridge } from '../../../shared/api/bridge.ts';

declare global {
  interface Window {
    klinikfunk?: KlinikfunkBridge;
  }
}

export function getApi(): KlinikfunkBridge | null {
  return window.klinikfunk ?? null;
}
