// Playwright fixtures: `workstation` starts one harness workstation per test (own core, own
// data folder) and closes it afterwards.
import { test as base, expect } from '@playwright/test';
import { startWorkstation, type Workstation } from '../harness/workstation.ts';

export const test = base.extend<{ workstation: Workstation }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the object pattern here.
  workstation: async ({}, use) => {
    const workstation = await startWorkstation();
    await use(workstation);
    await workstation.close();
  },
});

export { expect };
