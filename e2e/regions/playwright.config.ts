import { defineConfig } from '@playwright/test';
import { PAGES } from '../../testkit/topology';
import { CHROMIUM_PATH, chromiumArgs } from '../support/browser';

/**
 * Failover journeys in the two-region lab (backend/regions/regions.sh). Not part of the
 * default run: `bash backend/regions/regions.sh test` runs them on the client host.
 * Files are `*.regions.ts` so the default config (testDir `e2e`) never picks them up.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.regions.ts',
  outputDir: '../../test-results/regions',
  globalSetup: './setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: PAGES.origin,
    ignoreHTTPSErrors: true,
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      // Chromium's own fake microphone (a beep): any signal does for gaps and routing.
      args: chromiumArgs({ wav: '' }).filter((arg) => !arg.startsWith('--use-file-for-fake')),
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
