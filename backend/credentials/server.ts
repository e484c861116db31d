// The "customer backend" of the lab: mints auth_ephemeral credentials for web
// visitors (service numbers only, enforced by Kamailio) and for agents who
// present the agent key. Contract: docs/CONTRACTS.md.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';

const DEFAULT_ORIGINS =
  'http://localhost:5173 http://127.0.0.1:5173 http://localhost:4173 http://127.0.0.1:4173';
const AGENT_NAME = /^agent[1-9]$/;

interface Config {
  port: number;
  host: string;
  domain: string;
  ttlSeconds: number;
  secret: string;
  agentKey: string;
  allowedOrigins: Set<string>;
  cert: Buffer;
  key: Buffer;
}

interface Credentials {
  username: string;
  password: string;
  expires: number;
  uri: string;
}

function readSecretFile(path: string): string {
  const value = readFileSync(path, 'utf8').trim();
  if (!value) throw new Error(`${path} is empty`);
  return value;
}

function loadConfig(env: NodeJS.ProcessEnv): Config {
  const certDir = env.CERT_DIR ?? '/etc/softphone/certs';
  const ttlSeconds = Number(env.TTL_SECONDS ?? 600);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new Error(`TTL_SECONDS must be a positive integer, got ${env.TTL_SECONDS}`);
  }
  return {
    port: Number(env.PORT ?? 8444),
    host: env.HOST ?? '127.0.0.1',
    domain: env.DOMAIN ?? 'helpline.test',
    ttlSeconds,
    secret: readSecretFile(env.SECRET_FILE ?? '/etc/softphone/secret'),
    agentKey: readSecretFile(env.AGENT_KEY_FILE ?? '/etc/softphone/agent-key'),
    allowedOrigins: new Set((env.ALLOWED_ORIGINS ?? DEFAULT_ORIGINS).split(/\s+/).filter(Boolean)),
    cert: readFileSync(`${certDir}/server.pem`),
    key: readFileSync(`${certDir}/server-key.pem`),
  };
}

/** auth_ephemeral: username "<expiry>:<user>", password base64(HMAC-SHA1(secret, username)). */
function mint(config: Config, user: string, now = Date.now()): Credentials {
  const expires = Math.floor(now / 1000) + config.ttlSeconds;
  const username = `${expires}:${user}`;
  const password = createHmac('sha1', config.secret).update(username).digest('base64');
  return { username, password, expires, uri: `sip:${user}@${config.domain}` };
}

function keyMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function handle(config: Config, req: IncomingMessage, res: ServerResponse): void {
  // Credentials must never be cached by the browser or an intermediary.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Vary', 'Origin');

  // Browsers always send Origin on cross-origin requests; a page we do not
  // serve must not be able to mint credentials. Non-browser clients send none.
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (!config.allowedOrigins.has(origin)) {
      send(res, 403, { error: 'origin not allowed' });
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    // The widget fetches with `credentials: 'include'` (the customer's session cookie
    // identifies an agent), which browsers only allow with this header.
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }

  if (req.method === 'OPTIONS') {
    res.writeHead(204, {
      'Access-Control-Allow-Methods': 'GET, OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type',
      'Access-Control-Max-Age': '600',
    });
    res.end();
    return;
  }
  if (req.method !== 'GET') {
    send(res, 405, { error: 'method not allowed' });
    return;
  }

  const url = new URL(req.url ?? '/', 'https://localhost');
  switch (url.pathname) {
    case '/health':
      send(res, 200, { status: 'ok' });
      return;
    case '/credentials/visitor':
      send(res, 200, mint(config, `visitor-${randomBytes(6).toString('hex')}`));
      return;
    case '/credentials/agent': {
      const agent = url.searchParams.get('agent') ?? '';
      if (!AGENT_NAME.test(agent)) {
        send(res, 400, { error: 'agent must be agent1 … agent9' });
        return;
      }
      if (!keyMatches(config.agentKey, url.searchParams.get('key'))) {
        send(res, 403, { error: 'invalid agent key' });
        return;
      }
      send(res, 200, mint(config, agent));
      return;
    }
    default:
      send(res, 404, { error: 'not found' });
  }
}

const config = loadConfig(process.env);
const server = createServer({ cert: config.cert, key: config.key }, (req, res) =>
  handle(config, req, res),
);
server.listen(config.port, config.host, () => {
  console.log(`credentials: https://${config.host}:${config.port} (ttl ${config.ttlSeconds}s)`);
});
// As PID 1 in its container Node gets no default signal handling; nothing is in
// flight worth waiting for (every request is stateless), so stop at once.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => process.exit(0));
}
