/**
 * Bundles the minimal peer pages the way a customer would ship them: esbuild, one
 * minified browser file per page, every dependency included.
 */
import path from 'node:path';
import { build } from 'esbuild';
import { BENCH_DIR, PEER_BUNDLES_DIR, PEERS_NODE_MODULES } from './config';

/** Page name → its entry file. */
export const PEER_PAGES = {
  'minimal-jssip': path.join(BENCH_DIR, 'pages', 'minimal-jssip.ts'),
  'minimal-sipjs': path.join(BENCH_DIR, 'peers', 'pages', 'sipjs-simple-user.js'),
  'minimal-twilio': path.join(BENCH_DIR, 'peers', 'pages', 'twilio-device.js'),
} as const;

export type PeerPage = keyof typeof PEER_PAGES;

export async function bundlePeerPages(): Promise<void> {
  await build({
    entryPoints: Object.entries(PEER_PAGES).map(([out, entry]) => ({ in: entry, out })),
    outdir: PEER_BUNDLES_DIR,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    // sip.js and the Twilio SDK live in bench/peers, never in the repository root.
    nodePaths: [PEERS_NODE_MODULES],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
}
