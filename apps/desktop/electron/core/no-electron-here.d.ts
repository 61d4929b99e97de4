// apps/desktop/electron/core and apps/desktop/electron/ipc run under plain Node and in tests; Electron's APIs reach them only
// through the interfaces in core/platform. tsconfig maps 'electron' here, so any import fails.
export {};
