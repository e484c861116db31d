/**
 * Bundles the engine and the elements from source (the journeys test this tree, not a
 * stale CDN build) and serves them with a one-line page on 127.0.0.1:4173 of the client
 * host, an origin on Kamailio's allowlist.
 */

import { createServer } from 'node:http';
import path from 'node:path';
import { build } from 'esbuild';
import { PAGES } from '../../testkit/topology';
import { REPO_ROOT } from '../support/paths';

const PAGE = `<!doctype html><meta charset="utf-8"><title>regions</title>
<script type="module">import * as engine from '/engine.js'; import '/elements.js'; window.engine = engine; window.ready = true;</script>`;

export default async function setup(): Promise<() => Promise<void>> {
  const result = await build({
    entryPoints: {
      engine: path.join(REPO_ROOT, 'src/engine/index.ts'),
      // The npm entry: defines the elements; their lazy parts are inlined (no splitting).
      elements: path.join(REPO_ROOT, 'src/index.ts'),
    },
    bundle: true,
    format: 'esm',
    write: false,
    outdir: '/',
    target: 'es2022',
    // package.json marks the source free of side effects (it lists the built files);
    // here the bare imports that define the elements must be kept.
    ignoreAnnotations: true,
  });
  const scripts = new Map(result.outputFiles.map((file) => [file.path, file.text]));
  const server = createServer((req, res) => {
    const script = req.url && scripts.get(req.url);
    if (script) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    }
  });
  await new Promise<void>((resolve) => server.listen(PAGES.port, PAGES.host, resolve));
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
