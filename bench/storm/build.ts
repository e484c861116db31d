// Bundles the storm (bench/storm/storm.ts with the engine from src/engine) for Node with
// esbuild: the engine is TypeScript and imports JsSIP. Everything goes into the bundle (it
// may live outside the repository, away from node_modules); `ws` and JsSIP's dependencies
// are CommonJS and require Node's built-ins, hence the `require` the banner provides.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Builds the bundle to `outfile` and returns its path. */
export async function buildStorm(outfile: string): Promise<string> {
  await build({
    entryPoints: [join(here, 'storm.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return outfile;
}
