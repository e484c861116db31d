/**
 * The script-tag bundle on a plain page. Needs `dist/cdn` (run `npm run build` first):
 * the test serves the built files unchanged through a service worker and loads a page
 * that has nothing but `<script src=".../softphone.js">` and the element.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';

// Through a variable: Vite rewrites `new URL('literal', import.meta.url)` as an asset URL
// and would drop the trailing slash of the scope.
const here = import.meta.url;
const SW_URL = new URL('./test-support/serve-files-sw.js', here);
const SCOPE = new URL('./test-support/served/', here);

const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Plain page</title></head>
  <body>
    <script src="softphone.js"></script>
    <sip-call-button target="ivr" server="wss://127.0.0.1:9" domain="helpline.test"
      user="visitor" password="dev"></sip-call-button>
  </body>
</html>`;

async function readBuilt(file: string): Promise<string> {
  try {
    return await commands.readFile(`dist/cdn/${file}`);
  } catch (error) {
    throw new Error(`dist/cdn/${file} is missing: run \`npm run build\` before the tests`, {
      cause: error,
    });
  }
}

async function storeFiles(
  worker: ServiceWorker,
  files: Record<string, { body: string; type: string }>,
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

describe('dist/cdn/softphone.js from a plain <script> tag', () => {
  let registration: ServiceWorkerRegistration;

  beforeAll(async () => {
    const [script, engine] = await Promise.all([
      readBuilt('softphone.js'),
      readBuilt('softphone-engine.js'),
    ]);
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
      'page.html': { body: PAGE, type: 'text/html' },
      'softphone.js': { body: script, type: 'text/javascript' },
      'softphone-engine.js': { body: engine, type: 'text/javascript' },
    });
  });

  afterAll(async () => {
    for (const frame of document.querySelectorAll('iframe')) frame.remove();
    await registration?.unregister();
  });

  it('defines and renders the elements, and fetches the engine only on intent', async () => {
    const frame = await loadFrame(new URL('page.html', SCOPE).href);
    const win = frame.contentWindow as FrameWindow;
    const doc = win.document;

    await expect.poll(() => win.customElements.get('sip-call-button')).toBeDefined();
    expect(win.customElements.get('sip-phone')).toBeDefined();
    expect(win.customElements.get('sip-dialpad')).toBeDefined();
    const el = doc.querySelector('sip-call-button');
    await expect.poll(() => el?.shadowRoot?.querySelector('button')).toBeTruthy();
    const button = el!.shadowRoot!.querySelector('button')!;
    expect(button.textContent?.trim()).toBe('Call us');
    expect(el!.getAttribute('state')).toBe('idle');

    expect(requestStart(win, 'softphone.js')).toBeDefined();
    // Give the page an idle period in which an eager loader would start.
    await new Promise((resolve) => win.requestIdleCallback(resolve));
    expect(requestStart(win, 'softphone-engine.js')).toBeUndefined();

    const intentAt = win.performance.now();
    button.focus();
    await expect.poll(() => requestStart(win, 'softphone-engine.js')).toBeDefined();
    // Resource entries appear when a response ends: the start time tells whether the
    // request began before the intent.
    expect(requestStart(win, 'softphone-engine.js')).toBeGreaterThanOrEqual(intentAt);
    await expect.poll(() => (el as Element & { phone?: unknown }).phone).toBeDefined();
  });

  it('survives being loaded twice on the same page', async () => {
    const frame = await loadFrame(new URL('page.html', SCOPE).href);
    const win = frame.contentWindow as FrameWindow;
    await expect.poll(() => win.customElements.get('sip-call-button')).toBeDefined();
    const errors: string[] = [];
    win.addEventListener('error', (event) => errors.push(event.message));
    const again = win.document.createElement('script');
    const loaded = new Promise((resolve) => again.addEventListener('load', resolve));
    again.src = 'softphone.js';
    win.document.body.append(again);
    await loaded;
    expect(errors).toEqual([]);
  });
});
