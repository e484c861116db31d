/**
 * Debian's Firefox ESR, driven over WebDriver BiDi by puppeteer-core (Playwright's own
 * Firefox build cannot be downloaded here), and the widget on a test page in it: the same
 * observations as `widget.ts` (the engine call, the `sip-…` events, the SIP on the page's
 * WebSocket, getStats), read with the same in-page functions.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from '@playwright/test';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import type { QualitySample } from '../../src/engine/quality/types';
import { CallObserver } from './call-observer';
import { installSipEventRecorder } from './element-events';
import { pageUrl } from './page-attributes';
import { PAGES_ORIGIN } from './paths';
import { outgoingCallIds, parseSipMessage, type SipMessage } from './sip-wire';
import type { TestPage } from './widget';

export const FIREFOX_PATH = '/usr/bin/firefox-esr';

/**
 * The prefs of a visitor's Firefox that the lab must set itself. Firefox gathers ICE
 * candidates on every interface only while the page captures a device (or holds a stored
 * permission); otherwise only on the default route's address, and the lab namespace has no
 * default route, so nothing at all (ICE fails at once). A fake device counts as a capture
 * only with `media.navigator.permission.fake`, which stands for the real microphone a
 * visitor allows.
 */
export const FIREFOX_PREFS: Readonly<Record<string, boolean | number>> = {
  // The fake microphone (a tone), granted without a prompt, and counted as a capture.
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.navigator.permission.fake': true,
  // The lab's only interface is loopback; host candidates as plain addresses (no mDNS).
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // The widget's sounds play without a click first, as in the Chromium journeys.
  'media.autoplay.default': 0,
};

export interface LaunchedFirefox {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Ends the browser and everything it started (it leads its own process group:
 * puppeteer launches it detached), then removes its profile with Node's retrying rm:
 * Firefox's helpers may still be writing it a moment after the main process exited.
 */
async function stop(
  browser: Browser | undefined,
  child: ChildProcess | null,
  profile: string,
): Promise<void> {
  await browser?.close().catch(() => undefined);
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    await exited;
  }
  rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
}

/**
 * Firefox ESR, headless, with {@link FIREFOX_PREFS} (`prefs` override them) and a fresh
 * profile of its own.
 */
export async function launchFirefox(
  prefs: Readonly<Record<string, boolean | number>> = {},
): Promise<LaunchedFirefox> {
  const profile = mkdtempSync(path.join(tmpdir(), 'journey-firefox-'));
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      // The lab's WSS and credentials service use a self-signed certificate.
      acceptInsecureCerts: true,
      userDataDir: profile,
      // Starting Firefox took tens of seconds on a loaded machine (puppeteer's default: 30 s).
      timeout: 120_000,
      extraPrefsFirefox: { ...FIREFOX_PREFS, ...prefs },
    });
  } catch (error) {
    await stop(undefined, null, profile);
    throw error;
  }
  const launched = browser;
  const child = launched.process();
  return { browser: launched, close: () => stop(launched, child, profile) };
}

/** A SIP frame as the page's WebSocket carried it. */
interface RecordedFrame {
  direction: SipMessage['direction'];
  payload: string;
}

declare global {
  interface Window {
    __sipFrames?: RecordedFrame[];
  }
}

/**
 * Runs in the page before its scripts: records every text frame of its WebSockets in
 * `window.__sipFrames` (puppeteer's BiDi session has no WebSocket frame events).
 */
function installWebSocketRecorder(): void {
  const frames: RecordedFrame[] = [];
  window.__sipFrames = frames;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data === 'string')
          frames.push({ direction: 'received', payload: event.data });
      });
    }
    override send(data: Parameters<WebSocket['send']>[0]): void {
      if (typeof data === 'string') frames.push({ direction: 'sent', payload: data });
      super.send(data);
    }
  };
}

/**
 * Runs in the page: the first `button` in the element's composed tree (shadow roots
 * included) whose accessible name (aria-label, else its text) matches. `pattern` is a
 * RegExp source, so that it crosses into the page as a string.
 */
function findButtonInPage(tag: string, pattern: string): HTMLButtonElement | null {
  const name = new RegExp(pattern);
  const search = (root: Element | ShadowRoot): HTMLButtonElement | null => {
    for (const el of root.querySelectorAll('*')) {
      if (el instanceof HTMLButtonElement) {
        const label = el.getAttribute('aria-label') ?? el.textContent ?? '';
        if (name.test(label.replace(/\s+/g, ' ').trim())) return el;
      }
      if (el.shadowRoot) {
        const found = search(el.shadowRoot);
        if (found) return found;
      }
    }
    return null;
  };
  const host = document.querySelector(tag);
  return host ? search(host.shadowRoot ?? host) : null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `<sip-call-button>` on a test page in Firefox. */
export class FirefoxWidget extends CallObserver {
  readonly tag = 'sip-call-button';
  /** What the page logged (the widget logs through the console). */
  readonly console: string[] = [];

  private constructor(readonly page: Page) {
    super();
    page.on('console', (message) => {
      this.console.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => {
      this.console.push(`pageerror: ${String(error)}`);
    });
  }

  protected inPage<A extends string | undefined, R>(
    fn: (arg: A) => R | Promise<R>,
    arg: A,
  ): Promise<R> {
    // The driver's typings cannot follow a generic argument into the page; these are plain.
    return this.page.evaluate(fn as (arg: string | undefined) => R | Promise<R>, arg);
  }

  /** Opens a test page (`pageUrl` rules) in a new tab with the recorders installed. */
  static async open(
    browser: Browser,
    file: Exclude<TestPage, 'dashboard.html'>,
    attributes: Record<string, string> = {},
  ): Promise<FirefoxWidget> {
    const page = await browser.newPage();
    const widget = new FirefoxWidget(page);
    await page.evaluateOnNewDocument(installSipEventRecorder);
    await page.evaluateOnNewDocument(installWebSocketRecorder);
    await page.goto(`${PAGES_ORIGIN}${pageUrl(file, attributes)}`);
    // Drawn at rest by the script-tag core; defined at the first intent (README).
    await expect
      .poll(
        () =>
          page.evaluate(
            () =>
              document.querySelector('sip-call-button')?.shadowRoot?.querySelector('button') !=
              null,
          ),
        { message: 'sip-call-button shows its button', intervals: [50] },
      )
      .toBe(true);
    return widget;
  }

  /** The launcher (named "Call us" at rest): its part is `button button-<state>`. */
  async clickLauncher(): Promise<void> {
    await this.page.locator('sip-call-button >>> button[part~="button"][part*="button-"]').click();
  }

  /** A button by its whole accessible name (or a pattern), clicked as a user would. */
  async clickButton(name: string | RegExp): Promise<void> {
    const pattern = typeof name === 'string' ? `^${escapeRegExp(name)}$` : name.source;
    let handle: ElementHandle<HTMLButtonElement> | null = null;
    await expect
      .poll(
        async () => {
          const found = await this.page.evaluateHandle(findButtonInPage, this.tag, pattern);
          handle = found.asElement() as ElementHandle<HTMLButtonElement> | null;
          return handle !== null;
        },
        { message: `button ${pattern} in ${this.tag}`, intervals: [50] },
      )
      .toBe(true);
    await handle!.click();
  }

  /** A keypad key, by its accessible name (`1`, `2 ABC`, …, `Star`, `Pound`). */
  async pressKey(digit: string): Promise<void> {
    if (digit === '*' || digit === '#') await this.clickButton(digit === '*' ? 'Star' : 'Pound');
    else await this.clickButton(new RegExp(`^${escapeRegExp(digit)}( |$)`));
  }

  /** The element's `state` attribute (what it shows: `idle`, `in-call`, …). */
  shownState(): Promise<string | null> {
    return this.page.evaluate(
      (tag) => document.querySelector(tag)?.getAttribute('state') ?? null,
      this.tag,
    );
  }

  /** The element's visible text, shadow roots included. */
  text(): Promise<string> {
    return this.page.evaluate((tag) => {
      const collect = (node: Node): string => {
        if (node instanceof Text) return node.data;
        const children: Node[] = [...node.childNodes];
        if (node instanceof Element && node.shadowRoot) children.unshift(node.shadowRoot);
        return children.map(collect).join(' ');
      };
      const host = document.querySelector(tag);
      return host ? collect(host).replace(/\s+/g, ' ') : '';
    }, this.tag);
  }

  /** Every SIP message the page sent or received on its WebSockets so far. */
  async sipMessages(): Promise<SipMessage[]> {
    const frames = await this.page.evaluate(() => window.__sipFrames ?? []);
    return frames.flatMap((f) => parseSipMessage(f.payload, f.direction) ?? []);
  }

  /** The SIP Call-ID of this page's only outgoing call. */
  async outgoingCallId(): Promise<string> {
    let ids: string[] = [];
    await expect
      .poll(
        async () => {
          ids = outgoingCallIds(await this.sipMessages());
          return ids.length;
        },
        { message: 'one INVITE sent', intervals: [50] },
      )
      .toBe(1);
    return ids[0]!;
  }

  /** The engine's latest quality sample of the call (`el.call.quality.sample`). */
  qualitySample(): Promise<QualitySample | null> {
    return this.page.evaluate((tag) => {
      const el = document.querySelector(tag) as
        | (Element & { call?: { quality: { sample: QualitySample | null } } | null })
        | null;
      const sample = el?.call?.quality.sample;
      return sample ? (JSON.parse(JSON.stringify(sample)) as QualitySample) : null;
    }, this.tag);
  }
}
