#!/usr/bin/env node
/**
 * Renders the demo page (index.html) in headless Chromium for the README screenshot,
 * and, with `--review DIR`, every element state in light/dark and English/Spanish for a
 * visual review.
 *
 * These are FIXED VIEW STATES, not a live call: no backend, no SIP, no audio. The page
 * is served by Vite with the engine loader pointed at the test fake (so the agent phone
 * does not try to connect), and each state is set through the elements' test seam
 * (`el.engine.view = …`).
 *
 *   node scripts/screenshot.mjs                 → docs/screenshot.png (1200×700, 2× pixels)
 *   node scripts/screenshot.mjs --review DIR    → DIR/<state>-<theme>-<lang>.png
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const engineLoader = fileURLToPath(
  new URL('../src/elements/shared/load-engine.ts', import.meta.url),
);

/** Serves the engine loader as one that hands out the test fake instead of JsSIP. */
const fakeEngine = {
  name: 'screenshot:fake-engine',
  enforce: 'pre',
  load(id) {
    if (id !== engineLoader) return null;
    return `export const loadEngine = async () => ({
      Phone: (await import('/src/elements/test-support/fake-engine.ts')).FakePhone,
    });`;
  },
};

/**
 * Runs in the page: sets the views of both elements for one scene. A function with no
 * closure, so Playwright can send it over.
 */
async function showScene(scene) {
  const { makeSample } = await import('/src/engine/quality/test-support/samples.ts');
  const now = Date.now();
  const call = (changes) => ({
    direction: 'outgoing',
    state: 'active',
    hold: 'none',
    muted: false,
    remoteName: '',
    remoteUser: 'ivr',
    answeredAt: now - 83_000,
    endCause: undefined,
    quality: makeSample({ mos: 4.3 }),
    warnings: [],
    ...changes,
  });
  const idle = {
    registration: 'registered',
    error: undefined,
    autoplayBlocked: false,
    placing: false,
    call: undefined,
  };
  const micDenied = { code: 'microphone-denied', message: 'Permission denied' };
  const scenes = {
    rest: { button: idle, phone: idle },
    'in-call': {
      button: { ...idle, call: call({}) },
      phone: {
        ...idle,
        call: call({
          direction: 'incoming',
          remoteName: 'María López',
          remoteUser: 'visitor-4821',
          answeredAt: now - 215_000,
        }),
      },
    },
    'on-hold': {
      button: { ...idle, call: call({ state: 'on-hold', hold: 'remote' }) },
      phone: { ...idle, call: call({ state: 'on-hold', hold: 'local', remoteName: 'Ann' }) },
    },
    keypad: {
      button: { ...idle, call: call({}) },
      phone: { ...idle, call: call({ remoteUser: '1000', muted: true }) },
      keypad: true,
    },
    ringing: {
      button: { ...idle, call: call({ state: 'ringing', answeredAt: undefined, quality: null }) },
      phone: {
        ...idle,
        autoplayBlocked: true,
        call: call({
          direction: 'incoming',
          state: 'ringing',
          remoteName: 'Ann Example',
          remoteUser: 'ann',
          answeredAt: undefined,
          quality: null,
        }),
      },
    },
    error: {
      button: {
        ...idle,
        error: micDenied,
        call: call({ state: 'ended', endCause: 'microphone', answeredAt: undefined }),
      },
      phone: {
        ...idle,
        registration: 'failed',
        error: { code: 'connection-failed', message: 'code 1006' },
      },
    },
    reconnecting: {
      button: { ...idle, error: micDenied },
      phone: { ...idle, registration: 'reconnecting' },
    },
  };
  const { button: buttonView, phone: phoneView, keypad } = scenes[scene];
  const button = document.querySelector('sip-call-button');
  const phone = document.querySelector('sip-phone');
  button.engine.view = buttonView;
  phone.engine.view = phoneView;
  await Promise.all([button.updateComplete, phone.updateComplete]);
  // The panel as the visitor's click left it (a click on an ended call would call again);
  // the keypads the way people open them.
  button.panelOpen = buttonView.call !== undefined;
  await button.updateComplete;
  if (keypad) {
    for (const el of [button, phone]) {
      el.shadowRoot.querySelector('[part~="keypad-toggle"]')?.click();
      await el.updateComplete;
    }
  }
  // Focus back to the page: a focus ring on the launcher would be noise in a screenshot.
  document.activeElement?.blur();
  for (const el of [button, phone]) el.shadowRoot.activeElement?.blur();
}

const args = process.argv.slice(2);
const reviewDir = args[0] === '--review' ? args[1] : undefined;

const server = await createServer({
  root,
  configFile: false,
  logLevel: 'error',
  plugins: [fakeEngine],
  server: { host: '127.0.0.1', port: 0, hmr: false },
});
await server.listen();
const base = server.resolvedUrls.local[0];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

/** Loads the demo page with `theme` and `lang` applied through its own controls. */
async function openDemo({ theme, lang, width, height }) {
  const page = await browser.newPage({
    viewport: { width, height },
    deviceScaleFactor: 2,
    colorScheme: theme,
    reducedMotion: 'reduce',
  });
  page.on('pageerror', (error) => console.error(`[page] ${error.message}`));
  await page.goto(`${base}?lang=${lang}`);
  await page.waitForFunction(
    () => customElements.get('sip-phone') && customElements.get('sip-call-button'),
  );
  await page.selectOption('#theme', theme);
  return page;
}

try {
  if (reviewDir) {
    mkdirSync(reviewDir, { recursive: true });
    const scenes = ['rest', 'in-call', 'on-hold', 'keypad', 'ringing', 'error', 'reconnecting'];
    for (const theme of ['light', 'dark']) {
      for (const lang of ['en', 'es']) {
        const page = await openDemo({ theme, lang, width: 1200, height: 900 });
        for (const scene of scenes) {
          await page.evaluate(showScene, scene);
          await page.screenshot({ path: `${reviewDir}/${scene}-${theme}-${lang}.png` });
        }
        await page.close();
      }
    }
  } else {
    const page = await openDemo({ theme: 'light', lang: 'en', width: 1200, height: 700 });
    await page.evaluate(showScene, 'in-call');
    await page.screenshot({
      path: fileURLToPath(new URL('../docs/screenshot.png', import.meta.url)),
    });
  }
} finally {
  await browser.close();
  await server.close();
}
