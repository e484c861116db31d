/**
 * A widget on a test page, as a journey drives and observes it: its element, its buttons
 * (by accessible name, through the shadow DOM), the engine call behind it, the events it
 * emitted, the SIP it put on the wire and its audio stats.
 */
import {
  type BrowserContext,
  expect,
  type Locator,
  type Page,
  type TestInfo,
} from '@playwright/test';
import { saveScreenshot } from './artifacts';
import { CallObserver } from './call-observer';
import { recordElementEvents } from './element-events';
import { type PlayingSound, playingSounds, recordMediaPlayback } from './media-playback';
import { pageUrl } from './page-attributes';
import { SipWire } from './sip-wire';

/** The test pages in e2e/pages a widget can be opened on. */
export type TestPage =
  | 'click-to-call.html'
  | 'click-to-call-csp.html'
  | 'dashboard.html'
  | 'preflight.html';

export type WidgetTag = 'sip-call-button' | 'sip-phone' | 'sip-preflight';

/** The element each page is about. */
const PAGE_ELEMENT: Record<TestPage, WidgetTag> = {
  'click-to-call.html': 'sip-call-button',
  'click-to-call-csp.html': 'sip-call-button',
  'dashboard.html': 'sip-phone',
  'preflight.html': 'sip-preflight',
};

export interface HttpExchange {
  url: string;
  status: number;
}

export class Widget extends CallObserver {
  readonly wire: SipWire;
  /** Every HTTP response the page received (credentials fetches, bundles, sounds). */
  readonly http: HttpExchange[] = [];

  constructor(
    readonly page: Page,
    readonly tag: WidgetTag,
    private readonly testInfo: TestInfo,
  ) {
    super();
    this.wire = new SipWire(page);
    page.on('response', (response) => {
      this.http.push({ url: response.url(), status: response.status() });
    });
  }

  protected inPage<A extends string | undefined, R>(
    fn: (arg: A) => R | Promise<R>,
    arg: A,
  ): Promise<R> {
    // The driver's typings cannot follow a generic argument into the page; these are plain.
    return this.page.evaluate(fn as (arg: string | undefined) => R | Promise<R>, arg);
  }

  /** Opens a test page in `context` with its element configured by `attributes`. */
  static async open(
    context: BrowserContext,
    testInfo: TestInfo,
    file: TestPage,
    attributes: Record<string, string> = {},
  ): Promise<Widget> {
    const page = await context.newPage();
    const tag = PAGE_ELEMENT[file];
    const widget = new Widget(page, tag, testInfo);
    widget.opened = { file, attributes };
    page.on('console', (message) => {
      if (message.type() === 'error') console.log(`[${tag} console] ${message.text()}`);
    });
    await recordElementEvents(page);
    await recordMediaPlayback(page);
    await page.goto(pageUrl(file, attributes));
    await expect(widget.element).toBeVisible();
    return widget;
  }

  /** The page and attributes it was opened with (for another tab of the same). */
  private opened: { file: TestPage; attributes: Record<string, string> } | undefined;

  /** Opens the same page in another tab of the same browser context (same site storage). */
  async openAnotherTab(): Promise<Widget> {
    const { file, attributes } = this.opened!;
    return Widget.open(this.page.context(), this.testInfo, file, attributes);
  }

  /**
   * Sets engine fields on the element's `config` property (merged over its attributes):
   * a phone with no call is made anew with them.
   */
  async setConfig(config: Record<string, unknown>): Promise<void> {
    await this.page.evaluate(
      ({ tag, config }) => {
        const el = document.querySelector(tag) as (Element & { config?: object }) | null;
        if (el) el.config = { ...el.config, ...config };
      },
      { tag: this.tag, config },
    );
  }

  /** With `single-tab`: `owner`, `follower` or `electing` (`no phone` before there is one). */
  tabRole(): Promise<string> {
    return this.page.evaluate((tag) => {
      const el = document.querySelector(tag) as (Element & { phone?: { tabRole?: string } }) | null;
      return el?.phone?.tabRole ?? 'no phone';
    }, this.tag);
  }

  get element(): Locator {
    return this.page.locator(this.tag);
  }

  /** A button by its accessible name; a string matches the whole name. */
  button(name: string | RegExp): Locator {
    return this.element.getByRole('button', { name, exact: typeof name === 'string' });
  }

  /** `<sip-call-button>`'s launcher: named "Call us" at rest, after the call's state during one. */
  get launcher(): Locator {
    // Its part is `button button-<state>`; the quality indicator inside has a plain `button`.
    return this.element.locator('button[part~="button"][part*="button-"]');
  }

  /** `<sip-call-button>`: opens the call panel if the launcher left it closed. */
  async openPanel(): Promise<void> {
    if ((await this.launcher.getAttribute('aria-expanded')) !== 'true') await this.launcher.click();
    await expect(this.launcher).toHaveAttribute('aria-expanded', 'true');
  }

  /** A keypad key, by its accessible name (`1`, `2 ABC`, …, `Star`, `Pound`). */
  key(digit: string): Locator {
    const name = digit === '*' ? 'Star' : digit === '#' ? 'Pound' : new RegExp(`^${digit}( |$)`);
    return this.element.getByRole('button', { name, exact: true });
  }

  async screenshot(state: string): Promise<void> {
    await saveScreenshot(this.page, this.testInfo, state);
  }

  /** Sounds playing now whose URL contains `name` (e.g. `hold-music`, `ringtone`). */
  async playingSound(name: string): Promise<PlayingSound | undefined> {
    return (await playingSounds(this.page)).find((sound) => sound.src.includes(name));
  }

  /** Waits until the sound named `name` is playing (true) or not (false). */
  async expectSoundPlaying(name: string, playing: boolean, timeout = 10_000): Promise<void> {
    await expect
      .poll(async () => (await this.playingSound(name)) !== undefined, {
        message: `${this.tag} plays ${name}`,
        timeout,
        intervals: [50],
      })
      .toBe(playing);
  }

  registration(): Promise<string> {
    return this.page.evaluate((tag) => {
      const el = document.querySelector(tag) as (Element & { phone?: { state: string } }) | null;
      return el?.phone?.state ?? 'no phone';
    }, this.tag);
  }

  async expectRegistration(state: string, timeout = 10_000): Promise<void> {
    await expect
      .poll(() => this.registration(), {
        message: `${this.tag} registration state`,
        timeout,
        intervals: [50],
      })
      .toBe(state);
  }

  /** Stops the engine (un-REGISTER, close the socket), as a page being closed should. */
  async stopPhone(): Promise<void> {
    await this.page.evaluate(async (tag) => {
      const el = document.querySelector(tag) as (Element & { phone?: { stop(): unknown } }) | null;
      await el?.phone?.stop();
    }, this.tag);
  }

  /** The SIP Call-ID of this page's only outgoing call. */
  async outgoingCallId(): Promise<string> {
    await expect.poll(() => this.wire.outgoingCallIds().length, { intervals: [50] }).toBe(1);
    return this.wire.outgoingCallIds()[0]!;
  }

  /** Waits until inbound audio power rises above `minLevel` (audioLevel, 0..1). */
  async expectInboundAudio(minLevel = 0.01, timeout = 10_000): Promise<void> {
    await expect
      .poll(async () => (await this.stats())?.audioLevel ?? -1, {
        message: `${this.tag} inbound audio level`,
        timeout,
        intervals: [50],
      })
      .toBeGreaterThan(minLevel);
  }
}
