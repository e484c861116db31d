/** Where things are, and how many runs: one place for every constant the benchmarks share. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import {
  AGENT_CREDENTIALS_URL,
  CREDENTIALS_ORIGIN,
  DOMAIN,
  PAGES,
  SBC_WSS_URL,
} from '../../testkit/topology';

export { MEDIA_SERVER_URLS, VISITOR_CREDENTIALS_URL } from '../../testkit/topology';

/** The harness runs as bench/results/build/harness.mjs; the repository is three levels up. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const BENCH_DIR = path.join(REPO_ROOT, 'bench');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');
export const BUILD_DIR = path.join(RESULTS_DIR, 'build');
export const PEER_BUNDLES_DIR = path.join(BUILD_DIR, 'peers');
export const PEERS_NODE_MODULES = path.join(BENCH_DIR, 'peers', 'node_modules');
/** The widget as built; copied to {@link CDN_SNAPSHOT_DIR} when a run starts. */
export const CDN_DIR = path.join(REPO_ROOT, 'dist', 'cdn');
/** What the pages load: a copy, so a rebuild of dist/ during a run cannot break it. */
export const CDN_SNAPSHOT_DIR = path.join(RESULTS_DIR, 'cdn');

/** Origin of the benchmark pages: on Kamailio's and the credentials service's allowlist.
 * These and the lab's URLs come from the one topology, testkit/topology.json. */
export const PAGES_HOST = PAGES.host;
export const PAGES_PORT = PAGES.port;
export const PAGES_ORIGIN = PAGES.origin;

export const SIP_SERVER = SBC_WSS_URL;
export const SIP_DOMAIN = DOMAIN;
/** The service number every call benchmark dials (answers at once, plays a prompt, echoes). */
export const CALL_TARGET = 'echo';
/** The agent both registration pages log in as (one page at a time). */
export const BENCH_AGENT = 'agent9';

/** The agent credentials endpoint: whose credentials it mints comes from the session cookie. */
export function agentCredentialsUrl(): string {
  return AGENT_CREDENTIALS_URL;
}

/** The agent's own password, written at first start by backend/credentials/agents.mjs. */
function agentPassword(agent: string): string {
  const file = path.join(REPO_ROOT, 'backend', 'run', 'agent-passwords');
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [name, password] = line.trim().split(' ');
    if (name === agent && password) return password;
  }
  throw new Error(`no password for ${agent} in ${file}`);
}

/**
 * Signs the benchmark agent in within `context` (a session cookie for the credentials
 * service), from a throw-away page of the pages' origin, so the measured page's own
 * navigation and timeline stay untouched.
 */
export async function signInAgent(context: BrowserContext, agent = BENCH_AGENT): Promise<void> {
  const page = await context.newPage();
  try {
    await page.goto(`${PAGES_ORIGIN}/sign-in`);
    const status = await page.evaluate(
      async ({ url, body }) =>
        (
          await fetch(url, {
            method: 'POST',
            credentials: 'include',
            headers: { 'Content-Type': 'application/json' },
            body,
          })
        ).status,
      {
        url: `${CREDENTIALS_ORIGIN}/session`,
        body: JSON.stringify({ agent, password: agentPassword(agent) }),
      },
    );
    if (status !== 200) throw new Error(`signing in ${agent} answered ${status}`);
  } finally {
    await page.close();
  }
}

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  const value = Number(raw);
  return raw !== undefined && raw !== '' && Number.isInteger(value) && value >= min
    ? value
    : fallback;
}

/** Measured runs per benchmark (after {@link WARMUP_RUNS} discarded ones). */
export const RUNS = intFromEnv('BENCH_RUNS', 12, 1);
/** Discarded runs first; `BENCH_WARMUP=0` for none (a quick check of the harness). */
export const WARMUP_RUNS = intFromEnv('BENCH_WARMUP', 1, 0);
/** Calls in a row for the leak check. */
export const LEAK_CALLS = intFromEnv('BENCH_LEAK_CALLS', 20, 1);
