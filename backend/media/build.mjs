// Builds the media server for its container: dist/server.js (one CommonJS bundle for
// Node 18, sdp-transform included), dist/ivr.json and dist/sounds/ (generated prompts and
// music). Run from anywhere: node backend/media/build.mjs
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [join(here, 'src/main.ts')],
  outfile: join(dist, 'server.js'),
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
});
// The repository is an ES module package; the bundle is CommonJS wherever it runs.
writeFileSync(join(dist, 'package.json'), '{ "type": "commonjs" }\n');
copyFileSync(join(here, 'ivr.json'), join(dist, 'ivr.json'));
execFileSync('bash', [join(here, 'sounds/make-sounds.sh'), join(dist, 'sounds')], {
  stdio: 'inherit',
});
console.log(`media server built into ${dist}`);
