// Playwright fixtures: `workstation` starts one harness workstation per test (own core, own
// data folder); `clinic` a real relay process waiting for its first-run set-up; `openWorkstation`
// more workstations (each its own browser context = its own PC).
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { startClinicRelay, type ClinicRelay } from '../harness/clinic-relay.ts';
import { startWorkstation, type Workstation, type WorkstationOptions } from '../harness/workstation.ts';

export interface OpenWorkstation {
  workstation: Workstation;
  page: Page;
}

interface Fixtures {
  workstation: Workstation;
  clinic: ClinicRelay;
  /** `options` (policy, clock) go to the harness workstation; the label names its device. */
  openWorkstation: (label?: string, options?: Omit<WorkstationOptions, 'deviceLabel'>) => Promise<OpenWorkstation>;
}

async function open(
  browser: Browser,
  label: string,
  options: Omit<WorkstationOptions, 'deviceLabel'>,
  cleanups: Array<() => Promise<void>>,
): Promise<OpenWorkstation> {
  const workstation = await startWorkstation({ ...options, deviceLabel: label });
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'de-DE' });
  const page = await context.newPage();
  await page.goto(workstation.url);
  cleanups.push(async () => {
    await context.close();
    await workstation.close();
  });
  return { workstation, page };
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the object pattern here.
  workstation: async ({}, use) => {
    const workstation = await startWorkstation();
    await use(workstation);
    await workstation.close();
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the object pattern here.
  clinic: async ({}, use) => {
    const clinic = await startClinicRelay();
    await use(clinic);
    await clinic.relay.dispose();
  },
  openWorkstation: async ({ browser }, use) => {
    const cleanups: Array<() => Promise<void>> = [];
    let n = 0;
    await use((label, options = {}) => open(browser, label ?? `Arbeitsplatz ${++n}`, options, cleanups));
    for (const cleanup of cleanups.reverse()) await cleanup();
  },
});

export { expect };
