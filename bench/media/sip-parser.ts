// The media server's SIP parsing code, bundled from source with esbuild (as
// backend/media/build.mjs does) for the benchmarks that time it without a server:
// bench/media/parse.ts (pathological input) and bench/fuzz/parse.mjs (the fuzz corpus).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { resolveUri } from '../../backend/media/src/sip/dialog';
import type { infoDigit } from '../../backend/media/src/sip/info';
import type * as message from '../../backend/media/src/sip/message';

/** What the built module exports, typed by the source it is built from. */
export type SipParser = typeof message & {
  infoDigit: typeof infoDigit;
  resolveUri: typeof resolveUri;
};

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The parser, `infoDigit` and `resolveUri`, as one freshly built module. */
export async function loadSipParser(): Promise<SipParser> {
  const out = join(mkdtempSync(join(os.tmpdir(), 'media-sip-')), 'sip.mjs');
  await build({
    stdin: {
      contents: [
        `export * from './src/sip/message.ts';`,
        `export { infoDigit } from './src/sip/info.ts';`,
        `export { resolveUri } from './src/sip/dialog.ts';`,
      ].join('\n'),
      resolveDir: join(root, 'backend/media'),
      loader: 'ts',
    },
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  return (await import(pathToFileURL(out).href)) as SipParser;
}
