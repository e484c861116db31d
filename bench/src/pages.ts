/**
 * The benchmark pages and the loopback server that serves them: `/cdn/` is the built
 * widget (dist/cdn) unchanged (with its default settings: sounds next to the script, DTMF
 * `auto`), `/peers/` the bundled minimal peer pages; pages are generated here so every page gets the same server,
 * domain and credentials.
 */
import { cpSync, createReadStream, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { bundlePeerPages, type PeerPage } from './bundle-peers';
import {
  CALL_TARGET,
  CDN_DIR,
  CDN_SNAPSHOT_DIR,
  PAGES_HOST,
  PAGES_ORIGIN,
  PAGES_PORT,
  PEER_BUNDLES_DIR,
  SIP_DOMAIN,
  SIP_SERVER,
  VISITOR_CREDENTIALS_URL,
} from './config';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wav': 'audio/wav',
};

/** Some text so the page is not empty; identical on every page. */
const PAGE_TEXT = '<h1>Helpline</h1><p>Questions about your order? Call us from your browser.</p>';
/** Keypad of the minimal pages (the widget has its own). */
const KEYPAD = [...'123456789*0#']
  .map((key) => `<button class="key" data-key="${key}">${key}</button>`)
  .join('');

function document(title: string, body: string, head = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${PAGE_TEXT}${body}</body></html>`;
}

function attributes(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}="${value.replaceAll('&', '&amp;').replaceAll('"', '&quot;')}"`)
    .join(' ');
}

const WIDGET_SCRIPT = '<script src="/cdn/softphone.js"></script>';

/** The click-to-call button, with `label` inside it as README "Embedding" shows. */
const callButton = (label = ''): string =>
  `<sip-call-button ${attributes({
    target: CALL_TARGET,
    server: SIP_SERVER,
    domain: SIP_DOMAIN,
    'credentials-url': VISITOR_CREDENTIALS_URL,
  })}>${label}</sip-call-button>`;

/**
 * A customer's article with text above and below the line that holds the call button, for
 * the layout shift benchmark: anything the button does to its size moves the text around
 * it. The script tag is in `<head>`, where README ("Where to put the tag") says: a tag in
 * the paragraph lets the browser paint the text before it while the script is fetched, and
 * the button, taller than a line, then moves that text down whatever the widget does.
 * Without `widget`, the same page without the script and the element.
 */
function article(widget: boolean): string {
  const paragraph = (id: string, text: string) => `<p id="${id}">${text}</p>`;
  return document(
    widget ? 'article' : 'article-plain',
    `${paragraph('above', 'Orders placed before noon ship the same day. You can change the address until the parcel leaves our warehouse; after that, the carrier can redirect it for a fee.')}` +
      `<p id="contact">Still stuck? ${widget ? callButton('Call us') : ''} Our advisers answer from 8:00 to 20:00.</p>` +
      `${paragraph('below', 'Returns are free within 30 days. Print the label from your account, drop the parcel at any pick-up point and keep the receipt until the refund arrives.')}`,
    widget ? WIDGET_SCRIPT : '',
  );
}

export const pages = {
  /** The page without any phone: the baseline for load timings. */
  plain: () => document('plain', ''),
  /** A public page with the click-to-call button (visitor). */
  button: () => document('button', `${WIDGET_SCRIPT}${callButton()}`),
  /** A customer's article with the button inside its text (script tag, as customers do). */
  article: () => article(true),
  /** The same article without the widget: the baseline for layout shifts. */
  plainArticle: () => article(false),
  /** An agent's page: `<sip-phone>` registers at once. */
  phone: (credentialsUrl: string) =>
    document(
      'phone',
      `${WIDGET_SCRIPT}<sip-phone ${attributes({
        server: SIP_SERVER,
        domain: SIP_DOMAIN,
        'credentials-url': credentialsUrl,
      })}></sip-phone>`,
    ),
  /** A minimal peer page: the config inline, then its bundle. */
  peer: (page: PeerPage, credentialsUrl: string, register: boolean) =>
    document(
      page,
      `<button id="call" data-target="${CALL_TARGET}">Call us</button><div>${KEYPAD}</div>` +
        `<script>window.benchConfig=${JSON.stringify({ server: SIP_SERVER, domain: SIP_DOMAIN, credentialsUrl, register })}</script>` +
        `<script src="/peers/${page}.js"></script>`,
    ),
};

/** HTML served at `/page/<id>`: registered by the benchmarks before they navigate. */
const generated = new Map<string, string>();
let nextPageId = 0;

/** Serve `html` and return its absolute URL. */
export function publish(html: string, name: string): string {
  const id = `${name}-${nextPageId++}`;
  generated.set(id, html);
  return `${PAGES_ORIGIN}/page/${id}`;
}

const STATIC_ROOTS: Record<string, string> = {
  '/cdn/': CDN_SNAPSHOT_DIR,
  '/peers/': PEER_BUNDLES_DIR,
};

function staticFile(urlPath: string): string | undefined {
  for (const [prefix, root] of Object.entries(STATIC_ROOTS)) {
    if (!urlPath.startsWith(prefix)) continue;
    const file = path.resolve(root, decodeURIComponent(urlPath.slice(prefix.length)));
    if (!file.startsWith(root + path.sep)) return undefined;
    try {
      return statSync(file).isFile() ? file : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Plain HTTP/1.1 without compression: the byte counts are computed by the benchmark. */
export function startPageServer(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', PAGES_ORIGIN);
    const html = url.pathname.startsWith('/page/')
      ? generated.get(url.pathname.slice('/page/'.length))
      : undefined;
    if (html !== undefined) {
      res.writeHead(200, { 'content-type': CONTENT_TYPES['.html']!, 'cache-control': 'no-store' });
      res.end(html);
      return;
    }
    const file = staticFile(url.pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(PAGES_PORT, PAGES_HOST, () => resolve(server));
  });
}

/**
 * The pages of a run: the widget as built copied to {@link CDN_SNAPSHOT_DIR} (a rebuild of
 * dist/ during the run cannot break it), the peer pages bundled, the server started.
 */
export async function servePages(): Promise<Server> {
  rmSync(CDN_SNAPSHOT_DIR, { recursive: true, force: true });
  cpSync(CDN_DIR, CDN_SNAPSHOT_DIR, { recursive: true });
  await bundlePeerPages();
  return startPageServer();
}
