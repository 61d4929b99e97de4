// IPC router round trip: the fixed cost every renderer call pays in the main process before the
// core does any work (sender check, name check, schema parse, output validation).
import { createCore } from '../electron/core/compose.ts';
import { createMemoryLogger } from '../electron/core/log/logger.ts';
import { createFakePlatform } from '../electron/core/platform/fakes.ts';
import { builtInPolicy } from '../electron/core/policy/policy.ts';
import { createRouter } from '../electron/ipc/router.ts';
import type { BenchResult } from './types.ts';

export async function run(): Promise<BenchResult[]> {
  const { logger } = createMemoryLogger('error');
  const core = createCore({
    build: { name: 'Klinikfunk', version: '0.0.0', commit: 'bench', date: '', electron: null },
    policy: builtInPolicy(),
    platform: createFakePlatform(),
    dataDir: '/nonexistent',
    log: logger,
    emit: () => {},
  });
  const sender = { url: 'app://klinikfunk/index.html', isMainFrame: true };
  const results: BenchResult[] = [];
  for (const validateOutput of [true, false]) {
    const router = createRouter({
      handlers: core.handlers,
      allowedOrigin: 'app://klinikfunk',
      validateOutput,
      log: logger,
    });
    for (let i = 0; i < 5_000; i++) await router.invoke(sender, 'app.info', {});
    const n = 50_000;
    const start = performance.now();
    for (let i = 0; i < n; i++) await router.invoke(sender, 'app.info', {});
    const seconds = (performance.now() - start) / 1000;
    results.push({
      suite: 'ipc',
      name: `router invoke app.info (output check ${validateOutput ? 'on' : 'off'})`,
      value: n / seconds,
      unit: 'calls/s',
    });
  }
  return results;
}
