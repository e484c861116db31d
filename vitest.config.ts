import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_BASE_ARGS, CHROMIUM_PATH } from './testkit/chromium.js';

export default defineConfig({
  server: { host: '127.0.0.1' },
  test: {
    // Deadlines for a state to be reached, not speeds: CI and the bench share 2 cores with the
    // lab, and at a load of 20 a module load or an upgrade the default 1 s poll expects can
    // take longer (src/cdn/call-buttons-at-rest.test.ts failed so). A state reached sooner
    // ends the wait at once; speed is measured in bench/, never asserted here.
    expect: { poll: { timeout: 10_000 } },
    testTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'widget',
          include: ['src/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: {
                executablePath: CHROMIUM_PATH,
                // Loopback candidates: engine tests that place calls (src/engine/refresh.test.ts)
                // run in a namespace with only `lo`, where ICE would otherwise never gather.
                args: [
                  ...CHROMIUM_BASE_ARGS,
                  '--use-fake-ui-for-media-stream',
                  '--allow-loopback-in-peer-connection',
                ],
              },
            }),
            instances: [{ browser: 'chromium' }],
            api: { host: '127.0.0.1' },
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'media',
          include: ['backend/media/**/*.test.ts'],
          environment: 'node',
        },
      },
    ],
  },
});
