// Bundles server.ts into one ES module for Debian's Node 18 in the image.
import { build } from 'esbuild';

await build({
  entryPoints: [new URL('./server.ts', import.meta.url).pathname],
  outfile: new URL('./dist/server.mjs', import.meta.url).pathname,
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'esm',
  logLevel: 'warning',
});
