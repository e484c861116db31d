import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATH, chromiumArgs } from './e2e/support/browser';
import { PAGES_ORIGIN, TONE_BURSTS_WAV } from './e2e/support/paths';

/**
 * End-to-end journeys through the real stack. Run inside the lab namespace:
 *   bash backend/lab/lab.sh exec -- npx playwright test
 * Calls share one backend (one agent queue, and one journey stops Kamailio), so journeys
 * run one at a time; each leaves the backend as it found it.
 */
// Each lab (LAB_NAME, backend/lab/lab.sh) gets its own output folders: Playwright empties
// them at start, so two labs' runs in one checkout must not share them.
const lab = process.env.LAB_NAME ?? 'lab';
const labSuffix = lab === 'lab' ? '' : `-${lab}`;

export default defineConfig({
  testDir: 'e2e',
  outputDir: `test-results${labSuffix}`,
  globalSetup: './e2e/support/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  // A deadline for a journey to reach its states, not a speed claim: at a load of 17-28 on
  // 2 cores (the suite beside another lab's) journey 06 took 40-72 s against 20 s quiet, and
  // failed 2 of 9 runs on 45 s with every state reached. Journeys that need longer set it.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: `e2e/artifacts/report${labSuffix}` }],
  ],
  use: {
    baseURL: PAGES_ORIGIN,
    ignoreHTTPSErrors: true,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: chromiumArgs({ wav: TONE_BURSTS_WAV }),
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
