/**
 * The script-tag bundle on a plain page. Needs `dist/cdn` (run `npm run build` first):
 * the test serves the built files unchanged through a service worker and loads pages
 * that have nothing but `<script src=".../softphone.js">` and the elements.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';

// Through a variable: Vite rewrites `new URL('literal', import.meta.url)` as an asset URL
// and would drop the trailing slash of the scope.
const here = import.meta.url;
const SW_URL = new URL('./test-support/serve-files-sw.js', here);
const SCOPE = new URL('./test-support/served/', here);

const page = (body: string, lang = 'en') => `<!doctype html>
<html lang="${lang}">
  <head><meta charset="utf-8"><title>Plain page</title></head>
  <body>
    <script src="softphone.js"></script>
    ${body}
  </body>
</html>`;

const BUTTON_PAGE = page(`<sip-call-button target="ivr" server="wss://127.0.0.1:9"
  domain="helpline.test" user="visitor" password="dev"></sip-call-button>`);

/**
 * A customer's article (as bench/src/pages.ts): text above, beside and below the button,
 * which would move if the button's box changed once painted. Its credentials never come
 * (the worker holds them back): the intent connects, and the button stays idle, with no
 * connection error to show.
 */
const ARTICLE_PAGE = page(`<p>Orders placed before noon ship the same day. You can change the
  address until the parcel leaves our warehouse.</p>
  <p>Still stuck? <sip-call-button target="ivr" server="wss://127.0.0.1:9" domain="helpline.test"
  credentials-url="pending-credentials.json">Call us</sip-call-button> Our advisers answer from
  8:00 to 20:00.</p>
  <p>Returns are free within 30 days. Keep the receipt until the refund arrives.</p>`);

/** The same button on a Spanish page. */
const SPANISH_PAGE = page(
  `<sip-call-button target="ivr" server="wss://127.0.0.1:9" domain="helpline.test"
  user="visitor" password="dev"></sip-call-button>`,
  'es',
);

/**
 * The button with fallbacks in a browser without WebRTC: the page hides
 * RTCPeerConnection before the widget loads.
 */
const NO_WEBRTC_PAGE = page(`<script>window.RTCPeerConnection = undefined;</script>
  <sip-call-button target="ivr" server="wss://127.0.0.1:9" domain="helpline.test"
  user="visitor" password="dev" fallback-tel="+34 900 123 456"></sip-call-button>`);

/** An agent phone, with a valid configuration it never gets to use (no server). */
const PHONE_PAGE = page(`<sip-phone server="wss://127.0.0.1:9" domain="helpline.test"
  user="agent" password="dev"></sip-phone>`);

/** An agent phone whose credentials come from a service (a file the worker serves). */
const PHONE_WITH_SERVICE_PAGE = page(`<sip-phone server="wss://127.0.0.1:9" domain="helpline.test"
  credentials-url="agent-credentials.json"></sip-phone>`);

/**
 * What a page may load later: the engine and its sharing between tabs, Lit with what the
 * elements share and the button's on-intent parts (call panel with the keypad and quality
 * indicator, fallbacks: one file), the other elements, Spanish.
 */
const LAZY_FILES = [
  'softphone-engine.js',
  'softphone-tab-phone.js',
  'softphone-elements.js',
  'softphone-sip-phone.js',
  'softphone-sip-preflight.js',
  'softphone-es.js',
];

async function readBuilt(file: string): Promise<string> {
  try {
    return await commands.readFile(`dist/cdn/${file}`);
  } catch (error) {
    throw new Error(`dist/cdn/${file} is missing: run \`npm run build\` before the tests`, {
      cause: error,
    });
  }
}

/** `softphone.js` and every module it may load: the core and the chunks named in them. */
async function readBundle(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const queue = ['softphone.js', 'softphone-core.js', ...LAZY_FILES];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (files.has(file)) continue;
    const body = await readBuilt(file);
    files.set(file, body);
    for (const match of body.matchAll(/["'`]\.\/(softphone-[\w.-]+\.js)["'`]/g))
      queue.push(match[1]!);
  }
  return files;
}

/**
 * The agent phone's module comes slowly (a slow network for that file), so that what the
 * page asks for before it is in shows.
 */
const SLOW_FILE = 'softphone-sip-phone.js';

/**
 * How long the worker holds each file back. The core comes after the page's first paint,
 * as on a real network, so that a button it drew would be painted late.
 */
const DELAY_MS: Record<string, number> = { [SLOW_FILE]: 300, 'softphone-core.js': 100 };

async function storeFiles(
  worker: ServiceWorker,
  files: Record<string, { body: string; type: string; delayMs?: number; status?: number }>,
) {
  const channel = new MessageChannel();
  const stored = new Promise((resolve) => {
    channel.port1.onmessage = resolve;
  });
  worker.postMessage({ files }, [channel.port2]);
  await stored;
}

function loadFrame(src: string): Promise<HTMLIFrameElement> {
  const frame = document.createElement('iframe');
  frame.style.width = '600px';
  frame.style.height = '400px';
  // Earlier tests leave the runner's mouse somewhere on the page; Chromium sends a
  // pointerenter when the button renders under it, which is intent. This test shows
  // intent by focus only.
  frame.style.pointerEvents = 'none';
  const loaded = new Promise<HTMLIFrameElement>((resolve) => {
    frame.addEventListener('load', () => resolve(frame), { once: true });
  });
  frame.src = src;
  document.body.append(frame);
  return loaded;
}

type FrameWindow = Window & typeof globalThis;

/** When the page started fetching `file` (page clock), if it did. */
function requestStart(win: FrameWindow, file: string): number | undefined {
  return win.performance
    .getEntriesByType('resource')
    .find((entry) => new URL(entry.name).pathname.endsWith(`/${file}`))?.startTime;
}

/** The JavaScript files the page fetched so far. */
function scriptsFetched(win: FrameWindow): string[] {
  return win.performance
    .getEntriesByType('resource')
    .map((entry) => new URL(entry.name).pathname.split('/').pop() ?? '')
    .filter((file) => file.endsWith('.js'));
}

/**
 * Resolves at `win`'s first idle period after the core came (the loader draws the buttons
 * before it, so a button at rest does not say the core is in).
 */
async function coreInThenIdle(win: FrameWindow): Promise<void> {
  await expect.poll(() => requestStart(win, 'softphone-core.js')).toBeDefined();
  await new Promise((resolve) => win.requestIdleCallback(resolve));
}

/** Resolves after `win` has rendered a frame (layout shifts are reported per frame). */
function nextFrame(win: FrameWindow): Promise<void> {
  return new Promise((resolve) => win.requestAnimationFrame(() => win.setTimeout(resolve)));
}

/** A `layout-shift` entry (Layout Instability API; not in TypeScript's DOM types). */
interface LayoutShift extends PerformanceEntry {
  readonly value: number;
  readonly sources: readonly { readonly node: Node | null }[];
}

/** What moved in `win` since navigation: each shift's score and the nodes it names. */
function layoutShiftsOf(win: FrameWindow): Promise<{ value: number; nodes: string[] }[]> {
  return new Promise((resolve) => {
    const observer = new win.PerformanceObserver((list) => {
      observer.disconnect();
      resolve(summary(list.getEntries()));
    });
    const summary = (entries: PerformanceEntryList) =>
      (entries as LayoutShift[]).map((shift) => ({
        value: shift.value,
        nodes: shift.sources.map((source) => source.node?.nodeName ?? '(gone)'),
      }));
    // Buffered: the entries since navigation come in one first call, none or some.
    observer.observe({ type: 'layout-shift', buffered: true });
    nextFrame(win).then(() => {
      const pending = observer.takeRecords();
      observer.disconnect();
      resolve(summary(pending));
    });
  });
}

/** The button `el` shows at rest (drawn by the core, before the element is defined). */
async function restButton(el: Element | null): Promise<HTMLButtonElement> {
  await expect.poll(() => el?.shadowRoot?.querySelector('button')).toBeTruthy();
  return el!.shadowRoot!.querySelector('button')!;
}

describe('dist/cdn/softphone.js from a plain <script> tag', () => {
  let registration: ServiceWorkerRegistration;

  beforeAll(async () => {
    const bundle = await readBundle();
    registration = await navigator.serviceWorker.register(SW_URL, { scope: SCOPE.pathname });
    const worker = registration.installing ?? registration.waiting ?? registration.active;
    if (!worker) throw new Error('the service worker did not install');
    if (worker.state !== 'activated') {
      await new Promise<void>((resolve) => {
        worker.addEventListener('statechange', () => {
          if (worker.state === 'activated') resolve();
        });
      });
    }
    await storeFiles(worker, {
      'page.html': { body: BUTTON_PAGE, type: 'text/html' },
      'article.html': { body: ARTICLE_PAGE, type: 'text/html' },
      'phone.html': { body: PHONE_PAGE, type: 'text/html' },
      'es.html': { body: SPANISH_PAGE, type: 'text/html' },
      'no-webrtc.html': { body: NO_WEBRTC_PAGE, type: 'text/html' },
      'phone-service.html': { body: PHONE_WITH_SERVICE_PAGE, type: 'text/html' },
      // The core missing: the buttons drawn at rest must not stay, looking ready.
      'no-core/softphone-core.js': { body: 'not found', type: 'text/plain', status: 404 },
      // Longer than any test: never, for the page.
      'pending-credentials.json': { body: '{}', type: 'application/json', delayMs: 600_000 },
      'agent-credentials.json': {
        body: JSON.stringify({
          username: 'agent9',
          password: 'dev',
          expires: Math.floor(Date.now() / 1000) + 3600,
        }),
        type: 'application/json',
      },
      ...Object.fromEntries(
        [...bundle].map(([file, body]) => [
          file,
          { body, type: 'text/javascript', delayMs: DELAY_MS[file] ?? 0 },
        ]),
      ),
    });
  });

  afterAll(async () => {
    for (const frame of document.querySelectorAll('iframe')) frame.remove();
    await registration?.unregister();
  });

  it('draws the button at rest without Lit, and loads the element, the call panel and the engine on intent, in one round', async () => {
    const frame = await loadFrame(new URL('page.html', SCOPE).href);
    const win = frame.contentWindow as FrameWindow;
    const el = win.document.querySelector('sip-call-button');
    const button = await restButton(el);
    expect(button.textContent?.trim()).toBe('Call us');
    expect(el!.getAttribute('state')).toBe('idle');

    expect(requestStart(win, 'softphone.js')).toBeDefined();
    // Give the page an idle period in which an eager loader would start.
    await coreInThenIdle(win);
    for (const file of LAZY_FILES) expect(requestStart(win, file), file).toBeUndefined();
    // Nothing else either: the core imports no other chunk, Lit included.
    expect(scriptsFetched(win).sort()).toEqual(['softphone-core.js', 'softphone.js']);
    expect(win.customElements.get('sip-call-button')).toBeUndefined();
    expect(win.customElements.get('sip-phone')).toBeUndefined();

    button.focus();
    await expect.poll(() => win.customElements.get('sip-call-button')).toBeDefined();
    await expect.poll(() => (el as Element & { phone?: unknown }).phone).toBeDefined();
    // The element took the pre-render's place, and its focus.
    expect(el!.shadowRoot!.querySelectorAll('button.main')).toHaveLength(1);
    expect(el!.shadowRoot!.activeElement).toBe(el!.shadowRoot!.querySelector('button.main'));
    // Every file the intent brought is one the core asked for at once, in the same task as
    // its import of the element (a modulepreload link each; the build lists the chunks
    // the element and the call import): none is left for a chain of imports to find. The
    // agent phone did not come.
    const afterIntent = win.performance
      .getEntriesByType('resource')
      .filter(
        (entry) => entry.name.endsWith('.js') && !/\/softphone(-core)?\.js$/.test(entry.name),
      );
    const preloaded = [
      ...win.document.querySelectorAll<HTMLLinkElement>('link[rel="modulepreload"]'),
    ].map((link) => link.href);
    expect(afterIntent.map((entry) => entry.name).sort()).toEqual(preloaded.sort());
    expect(preloaded.map((href) => href.split('/').pop())).toEqual(
      expect.arrayContaining(['softphone-engine.js', 'softphone-elements.js']),
    );
    expect(win.customElements.get('sip-dialpad')).toBeDefined();
    expect(requestStart(win, 'softphone-sip-phone.js')).toBeUndefined();
    expect(requestStart(win, 'softphone-tab-phone.js')).toBeUndefined();
  });

  it('moves nothing on the page: the button is painted in its final box, and the element takes it over in place', async () => {
    const frame = await loadFrame(new URL('article.html', SCOPE).href);
    const win = frame.contentWindow as FrameWindow;
    const el = win.document.querySelector('sip-call-button');
    const button = await restButton(el);
    button.focus();
    await expect.poll(() => win.customElements.get('sip-call-button')).toBeDefined();
    await (el as Element & { updateComplete: Promise<boolean> }).updateComplete;
    await nextFrame(win);
    expect(el!.shadowRoot!.querySelector('button.main')?.getAttribute('part')).toBe(
      'button button-idle',
    );
    expect(await layoutShiftsOf(win)).toEqual([]);
  });

  it("without the core (it failed to load), shows the page's own content instead of a button that does nothing", async () => {
    const frame = await loadFrame(new URL('no-core/page.html', SCOPE).href);
    const win = frame.contentWindow as FrameWindow;
    const el = win.document.querySelector('sip-call-button')!;
    await expect.poll(() => requestStart(win, 'softphone-core.js')).toBeDefined();
    // Its shadow root only passes the page's content through.
    await expect.poll(() => el.shadowRoot?.innerHTML).toBe('<slot></slot>');
    expect(el.hasAttribute('state')).toBe(false);
  });

  it('on a Spanish page, the button at rest says so without fetching the Spanish strings', async () => {
    const frame = await loadFrame(new URL('es.html', SCOPE).href);
    const win = frame.contentWindow as FrameWindow;
    const button = await restButton(win.document.querySelector('sip-call-button'));
    expect(button.textContent?.trim()).toBe('Llámanos');
    await coreInThenIdle(win);
    expect(scriptsFetched(win).sort()).toEqual(['softphone-core.js', 'softphone.js']);
  });

  it('without WebRTC, a click (no hover or focus first) loads and shows the fallbacks, not the engine', async () => {
    const frame = await loadFrame(new URL('no-webrtc.html', SCOPE).href);
    const win = frame.contentWindow as FrameWindow;
    const el = win.document.querySelector('sip-call-button');
    const button = await restButton(el);
    await coreInThenIdle(win);
    expect(requestStart(win, 'softphone-elements.js')).toBeUndefined();

    // A synthetic click on the button at rest: no pointerdown or focus before it.
    button.click();
    await expect
      .poll(() => el!.shadowRoot!.querySelector('[part~="fallback-reason"]')?.textContent?.trim())
      .toBe("We can't call from here: this browser can't make calls from a page.");
    expect(el!.shadowRoot!.querySelector('[part~="fallback-tel"]')?.getAttribute('href')).toBe(
      'tel:+34900123456',
    );
    expect(requestStart(win, 'softphone-elements.js')).toBeDefined();
    expect(requestStart(win, 'softphone-engine.js')).toBeUndefined();
  });

  it('defines <sip-phone> when the page has one, and when one is added later', async () => {
    const frame = await loadFrame(new URL('phone.html', SCOPE).href);
    const win = frame.contentWindow as FrameWindow;
    await expect.poll(() => win.customElements.get('sip-phone')).toBeDefined();
    await expect
      .poll(() => win.document.querySelector('sip-phone')?.shadowRoot?.querySelector('sip-dialpad'))
      .toBeTruthy();

    const later = await loadFrame(new URL('page.html', SCOPE).href);
    const laterWin = later.contentWindow as FrameWindow;
    await restButton(laterWin.document.querySelector('sip-call-button'));
    const wrapper = laterWin.document.createElement('div');
    wrapper.innerHTML = '<sip-quality-indicator></sip-quality-indicator>';
    laterWin.document.body.append(wrapper);
    await expect.poll(() => laterWin.customElements.get('sip-quality-indicator')).toBeDefined();
    wrapper.innerHTML = '<sip-preflight></sip-preflight>';
    await expect.poll(() => laterWin.customElements.get('sip-preflight')).toBeDefined();
    expect(laterWin.customElements.get('sip-phone')).toBeUndefined();
  });

  it("asks for <sip-phone>'s credentials, module and engine in one round, and its phone takes that request", async () => {
    const frame = await loadFrame(new URL('phone-service.html', SCOPE).href);
    const win = frame.contentWindow as FrameWindow;
    const el = win.document.querySelector('sip-phone')!;
    const states: string[] = [];
    el.addEventListener('sip-registration-change', (event) => {
      states.push((event as CustomEvent<{ state: string }>).detail.state);
    });
    // The server does not exist: the phone got its credentials when it tries again.
    await expect.poll(() => states).toContain('reconnecting');
    // Heard before the element was in (the core's phone: early-phone.ts), which comes next.
    await expect.poll(() => win.customElements.get('sip-phone')).toBeDefined();
    const entries = win.performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const fetched = (file: string) => entries.filter((entry) => entry.name.endsWith(`/${file}`));
    const credentials = fetched('agent-credentials.json');
    expect(credentials).toHaveLength(1);
    // Asked for by the core as it asked for the element's module (which comes slowly), not
    // by the element once its module and the engine were in.
    const [module] = fetched(SLOW_FILE);
    expect(credentials[0]!.startTime).toBeLessThan(module!.responseEnd);
    // The engine, asked for by the loader as the parser inserted the element: a round of
    // fetches before the core (which the worker holds back) could have asked.
    const [engine] = fetched('softphone-engine.js');
    const [core] = fetched('softphone-core.js');
    expect(engine!.startTime).toBeLessThan(core!.responseEnd);
    const preloaded = [
      ...win.document.querySelectorAll<HTMLLinkElement>('link[rel="modulepreload"]'),
    ].map((link) => link.href.split('/').pop());
    expect(preloaded).toEqual(
      expect.arrayContaining(['softphone-sip-phone.js', 'softphone-engine.js']),
    );
    const modules = entries
      .map((entry) => entry.name.split('/').pop() ?? '')
      .filter((file) => file.endsWith('.js') && !/^softphone(-core)?\.js$/.test(file));
    expect(modules.sort()).toEqual([...preloaded].sort());
  });

  it('survives being loaded twice on the same page', async () => {
    const frame = await loadFrame(new URL('page.html', SCOPE).href);
    const win = frame.contentWindow as FrameWindow;
    const el = win.document.querySelector('sip-call-button');
    await restButton(el);
    const errors: string[] = [];
    win.addEventListener('error', (event) => errors.push(event.message));
    const again = win.document.createElement('script');
    const loaded = new Promise((resolve) => again.addEventListener('load', resolve));
    again.src = 'softphone.js';
    win.document.body.append(again);
    await loaded;
    expect(errors).toEqual([]);
    expect(el!.shadowRoot!.querySelectorAll('button')).toHaveLength(1);
  });
});

/** The files each on-demand load preloads, as the build wrote them into the core. */
function chunkListsIn(core: string): Record<'button' | 'call' | 'phone', string[]> {
  const written = core.match(/\(\{"button":.*?\]\}\)/)?.[0];
  if (!written) throw new Error('softphone-core.js has no chunk lists (vite.config.ts)');
  return JSON.parse(written.slice(1, -1));
}

/**
 * The agent phone's parts a click-to-call visitor never uses, each by code that only it
 * has and that minifying keeps.
 */
const AGENT_PARTS: Record<string, string> = {
  'one registration across tabs (engine/tabs/election.ts)': 'navigator.locks',
  'transfer (engine/transfer.ts)': 'a transfer is under way',
  '3-way call (engine/participants.ts)': 'X-Conference: add',
};

describe('dist/cdn: what a click brings (issue 16, weight after a click)', () => {
  it("brings none of the agent phone's parts, which come with <sip-phone> in its one round", async () => {
    const lists = chunkListsIn(await readBuilt('softphone-core.js'));
    const bodies = new Map<string, string>();
    for (const file of new Set([...lists.button, ...lists.call, ...lists.phone])) {
      bodies.set(file, await readBuilt(file));
    }
    const having = (files: string[], code: string) =>
      files.filter((file) => bodies.get(file)?.includes(code));
    for (const [part, code] of Object.entries(AGENT_PARTS)) {
      expect(having([...lists.button, ...lists.call], code), part).toEqual([]);
      expect(having(lists.phone, code), part).toHaveLength(1);
    }
  });
});
