/**
 * A tab that is really hidden, in headless Chromium. Playwright keeps every page it drives
 * visible and focused (it turns on CDP focus emulation for each page), so a second page in
 * front changes nothing there. Connected over CDP with `noDefaults`, Playwright leaves the
 * browser's default context alone: a page opened after another one in the same window is
 * a background tab (`document.visibilityState === 'hidden'`), as in a desktop browser.
 * Verified on Debian's Chromium: hidden behind a second tab, visible again when brought
 * to front; minimising the window did not hide it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, expect, type Page } from '@playwright/test';
import { CHROMIUM_PATH, chromiumArgs } from './browser';
import { TONE_BURSTS_WAV } from './paths';

export interface TabbedBrowser {
  browser: Browser;
  /** The browser's default context: its pages are tabs of one window. */
  context: BrowserContext;
  close(): Promise<void>;
}

/** The DevTools port Chromium chose (`--remote-debugging-port=0`), once it wrote it. */
async function devToolsPort(profile: string, chromium: ChildProcess): Promise<string> {
  const file = path.join(profile, 'DevToolsActivePort');
  let port = '';
  await expect
    .poll(
      () => {
        if (chromium.exitCode !== null) throw new Error(`Chromium exited (${chromium.exitCode})`);
        try {
          port = readFileSync(file, 'utf8').split('\n')[0] ?? '';
        } catch {
          port = '';
        }
        return port !== '';
      },
      { message: 'Chromium writes its DevTools port', intervals: [50] },
    )
    .toBe(true);
  return port;
}

/**
 * Ends the Chromium this module started, its helper processes with it (it leads its own
 * process group), and removes its profile. The helpers may still be writing the profile for
 * a moment after the browser process exited (a fresh-clone run failed with ENOTEMPTY), so
 * the removal is Node's own retrying one, made for exactly that race.
 */
async function stop(child: ChildProcess, profile: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      child.kill();
    }
    await exited;
  }
  rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
}

/** Debian's Chromium, headless, with the journeys' flags, driven over CDP without defaults. */
export async function launchTabbedChromium(): Promise<TabbedBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'tabbed-chromium-'));
  const child = spawn(
    CHROMIUM_PATH,
    [
      '--headless',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      ...chromiumArgs({ wav: TONE_BURSTS_WAV }),
      'about:blank',
    ],
    // Its own process group, so that stop() ends its helper processes too.
    { stdio: 'ignore', detached: true },
  );
  try {
    const port = await devToolsPort(profile, child);
    const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`, {
      noDefaults: true,
    });
    const context = browser.contexts()[0]!;
    return {
      browser,
      context,
      async close() {
        await browser.close().catch(() => undefined);
        await stop(child, profile);
      },
    };
  } catch (error) {
    await stop(child, profile);
    throw error;
  }
}

/** What `document.visibilityState` says in `page`. */
export function visibility(page: Page): Promise<DocumentVisibilityState> {
  return page.evaluate(() => document.visibilityState);
}

/** Opens another tab in front of `page` and waits until `page` is hidden. */
export async function hideBehindAnotherTab(page: Page): Promise<Page> {
  const front = await page.context().newPage();
  await expect.poll(() => visibility(page), { intervals: [50] }).toBe('hidden');
  return front;
}
