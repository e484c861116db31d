/**
 * A tiny static HTTP server for the test pages: `/` → e2e/pages, `/cdn/` → dist/cdn,
 * anything else → public/ (sounds the widget may load); `/beacon(s)`: the report beacon
 * collector (beacon-collector.ts). Loopback only. HTML pages take
 * their element's attributes from the query string (see page-attributes.ts).
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { handleBeaconRequest } from './beacon-collector';
import { configurePage } from './page-attributes';
import { CDN_DIR, PAGES_DIR, PUBLIC_DIR } from './paths';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.css': 'text/css',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.svg': 'image/svg+xml',
};

function resolveFile(urlPath: string): string | undefined {
  const decoded = decodeURIComponent(urlPath);
  const [root, rest] = decoded.startsWith('/cdn/')
    ? [CDN_DIR, decoded.slice('/cdn/'.length)]
    : [PAGES_DIR, decoded.slice(1)];
  for (const base of root === PAGES_DIR ? [PAGES_DIR, PUBLIC_DIR] : [root]) {
    const file = path.resolve(base, rest || 'index.html');
    if (!file.startsWith(base + path.sep) && file !== base) return undefined;
    try {
      if (statSync(file).isFile()) return file;
    } catch {
      // try the next root
    }
  }
  return undefined;
}

export function startStaticServer(host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (handleBeaconRequest(req, res)) return;
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = resolveFile(url.pathname);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const contentType = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    if (file.endsWith('.html')) {
      res.end(configurePage(readFileSync(file, 'utf8'), url.searchParams));
    } else {
      createReadStream(file).pipe(res);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
