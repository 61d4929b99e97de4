// A stand-in for Electron's `app` and `protocol` (the binary cannot run here) that records every
// call main.ts makes, in order, so tests can check its start-up order. Used through
// `vi.mock('electron', () => import('./electron-stand-in.ts'))`; the test reads `calls` and sets
// `state` from the same module instance.
export const calls: string[] = [];
export const state = { userData: '', singleInstanceLock: true };

export const app = {
  getPath: (name: string) => {
    calls.push(`getPath ${name}`);
    return state.userData;
  },
  setPath: (name: string, value: string) => calls.push(`setPath ${name} ${value}`),
  enableSandbox: () => calls.push('enableSandbox'),
  requestSingleInstanceLock: () => {
    calls.push('requestSingleInstanceLock');
    return state.singleInstanceLock;
  },
  quit: () => calls.push('quit'),
  on: (event: string) => calls.push(`on ${event}`),
  whenReady: () => {
    calls.push('whenReady');
    return new Promise(() => undefined);
  },
};

export const protocol = { registerSchemesAsPrivileged: () => calls.push('registerSchemesAsPrivileged') };
