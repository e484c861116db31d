import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_BASE_ARGS, CHROMIUM_PATH } from './testkit/chromium.js';

export default defineConfig({
  server: { host: '127.0.0.1' },
  test: {
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
