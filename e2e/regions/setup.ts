/**
 * Bundles the engine from source (the journeys test this tree's engine, not a stale CDN
 * build) and serves it with a one-line page on 127.0.0.1:4173 of the client host, an
 * origin on Kamailio's allowlist.
 */

import { createServer } from 'node:http';
import path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../support/paths';

const PAGE = `<!doctype html><meta charset="utf-8"><title>regions</title>
<script type="module">import * as engine from '/engine.js'; window.engine = engine; window.ready = true;</script>`;

export default async function setup(): Promise<() => Promise<void>> {
  const result = await build({
    entryPoints: [path.join(REPO_ROOT, 'src/engine/index.ts')],
    bundle: true,
    format: 'esm',
    write: false,
    target: 'es2022',
  });
  const engine = result.outputFiles[0]!.text;
  const server = createServer((req, res) => {
    if (req.url === '/engine.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(engine);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    }
  });
  await new Promise<void>((resolve) => server.listen(4173, '127.0.0.1', resolve));
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
