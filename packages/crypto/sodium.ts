// libsodium (wasm, sumo build for Argon2id) initialised once per process. Modules call
// `sodium()` after the composition root awaited `readySodium()`.
import libsodium from 'libsodium-wrappers-sumo';

export type Sodium = typeof libsodium;

let ready: Promise<Sodium> | null = null;
let instance: Sodium | null = null;

export function readySodium(): Promise<Sodium> {
  ready ??= libsodium.ready.then(() => (instance = libsodium));
  return ready;
}

export function sodium(): Sodium {
  if (!instance) throw new Error('libsodium is not initialised: await readySodium() in the composition root first');
  return instance;
}
