// IPC router round trip: the fixed cost every renderer call pays in the main process before the
// core does any work (sender check, name check, schema parse, output validation).
import { createCore } from '../apps/desktop/electron/core/wiring.ts';
import { createMemoryLogger } from '../apps/desktop/electron/core/log/logger.ts';
import { createFakePlatform } from '../apps/desktop/electron/core/platform/fakes.ts';
import { builtInPolicy } from '../apps/desktop/electron/core/policy/policy.ts';
import { createRouter } from '../apps/desktop/electron/ipc/router.ts';
import { repeated } from './lib/stats.ts';
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
  const routers = [true, false].map((validateOutput) => ({
    validateOutput,
    router: createRouter({
      handlers: core.handlers,
      guards: core.guards,
      allowedOrigin: 'app://klinikfunk',
      validateOutput,
      log: logger,
    }),
    rates: [] as number[],
  }));
  for (const { router } of routers) for (let i = 0; i < 5_000; i++) await router.invoke(sender, 'app.info', {});
  // Check on and off take turns, seven rounds each, so a busy moment of the machine falls on both
  // rather than flipping their order; each figure is the median of its rounds.
  const n = 20_000;
  for (let round = 0; round < 7; round++) {
    for (const r of round % 2 === 0 ? routers : [...routers].reverse()) {
      const start = performance.now();
      for (let i = 0; i < n; i++) await r.router.invoke(sender, 'app.info', {});
      r.rates.push(n / ((performance.now() - start) / 1000));
    }
  }
  return routers.map((r) =>
    repeated(r.rates, {
      suite: 'ipc',
      name: `router invoke app.info (output check ${r.validateOutput ? 'on' : 'off'})`,
      unit: 'calls/s',
      note: r.validateOutput ? `${n.toLocaleString('en')} calls per round, on and off alternating` : undefined,
    }),
  );
}
