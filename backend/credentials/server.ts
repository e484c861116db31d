// The "customer backend" of the lab: mints auth_ephemeral credentials for web
// visitors (service numbers only, enforced by Kamailio) and for agents who signed in
// with their own password (a session cookie, never a secret in a URL).
// Contract: docs/CONTRACTS.md. Deny by default: every endpoint but /health needs an
// allowed Origin, minting is rate-limited per client address, failed sign-ins too.
import { createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { checkCallbackRequest } from '../../src/engine/callback-request';

/** Only the default outside production: the lab's and the demo's page origins. */
const DEV_ORIGINS =
  'http://localhost:5173 http://127.0.0.1:5173 http://localhost:4173 http://127.0.0.1:4173';
/** `__Host-`: Secure, Path=/ and no Domain, so no sibling host can set or shadow it (RFC 6265bis §4.1.3.2). */
const SESSION_COOKIE = '__Host-helpline-session';
const AGENT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MIN_TTL_SECONDS = 10;
const MAX_BODY_BYTES = 1024;
/** A call-back request carries the caller context (at most 1 KB itself) besides the number. */
const MAX_CALLBACK_BODY_BYTES = 2048;
const MAX_SESSIONS = 10_000;
const MAX_BUCKETS = 100_000;

/** Headers on every response: nothing here is a document, nothing may be cached. */
const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'Strict-Transport-Security': 'max-age=31536000',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  Vary: 'Origin',
};

interface Rate {
  perMinute: number;
  burst: number;
}

/**
 * What an account may do besides taking calls: a supervisor may also listen in on agents'
 * calls. Kamailio enforces it (backend/kamailio/kamailio.cfg, route[LISTEN]) from the role
 * the credentials' username carries (see mint()).
 */
export type Role = 'agent' | 'supervisor';
const ROLES: readonly string[] = ['agent', 'supervisor'] satisfies Role[];

interface AgentAccount {
  role: Role;
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

export interface Config {
  port: number;
  host: string;
  domain: string;
  ttlSeconds: number;
  sessionSeconds: number;
  secret: string;
  agents: Map<string, AgentAccount>;
  allowedOrigins: Set<string>;
  /** Addresses that may mint visitor credentials without an Origin (a customer's own servers). */
  serverClients: Set<string>;
  visitorRate: Rate;
  loginRate: Rate;
  cert: Buffer;
  key: Buffer;
  /** The TURN relay phones may use (coturn, use-auth-secret), or none. */
  turn: TurnConfig | undefined;
}

export interface TurnConfig {
  /** coturn's static-auth-secret. */
  secret: string;
  /** `turn:`/`turns:`/`stun:` URLs of the relay, handed to phones as one iceServer. */
  urls: string[];
}

/** An RTCIceServer with TURN REST API credentials. */
interface IceServer {
  urls: string[];
  username: string;
  credential: string;
}

interface Credentials {
  username: string;
  password: string;
  expires: number;
  uri: string;
  /** Agents' credentials only: what the phone may offer (Kamailio decides from the username). */
  role?: Role;
  /** The TURN relay with credentials that expire with the SIP ones, when there is one. */
  iceServers?: IceServer[];
}

interface Session {
  agent: string;
  expiresAt: number;
}

function readSecretFile(path: string): string {
  const value = readFileSync(path, 'utf8').trim();
  if (!value) throw new Error(`${path} is empty`);
  return value;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/**
 * `agent:scrypt:N:r:p:salt:hash[:role]` lines (backend/credentials/agents.mjs writes them).
 * The role column is optional: a line without it (files written before roles existed) is an
 * agent.
 */
export function parseAgents(text: string, file: string): Map<string, AgentAccount> {
  const agents = new Map<string, AgentAccount>();
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [name = '', kind, n, r, p, salt, hash, role = 'agent', ...rest] = line.split(':');
    const account = {
      role: role as Role,
      n: Number(n),
      r: Number(r),
      p: Number(p),
      salt: Buffer.from(salt ?? '', 'base64'),
      hash: Buffer.from(hash ?? '', 'base64'),
    };
    const valid =
      AGENT_NAME.test(name) &&
      kind === 'scrypt' &&
      ROLES.includes(role) &&
      rest.length === 0 &&
      [account.n, account.r, account.p].every((v) => Number.isInteger(v) && v > 0) &&
      account.salt.length >= 16 &&
      account.hash.length >= 16;
    if (!valid) {
      throw new Error(`${file}:${index + 1}: not an agent:scrypt:N:r:p:salt:hash[:role] line`);
    }
    agents.set(name, account);
  }
  return agents;
}

const TURN_URL = /^(turns?|stun):[A-Za-z0-9.:[\]-]+(\?transport=(udp|tcp))?$/;

/** A `turns:` URL whose host is an IPv4 or IPv6 address rather than a name. */
function isTurnsByAddress(url: string): boolean {
  if (!url.startsWith('turns:')) return false;
  const hostPort = url.slice('turns:'.length).split('?')[0] ?? '';
  return hostPort.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}(:\d+)?$/.test(hostPort);
}

/** TURN_URLS (space-separated) and TURN_SECRET_FILE; no URLs means no TURN relay. */
export function loadTurnConfig(env: NodeJS.ProcessEnv): TurnConfig | undefined {
  const urls = (env.TURN_URLS ?? '').split(/\s+/).filter(Boolean);
  if (urls.length === 0) return undefined;
  for (const url of urls) {
    if (!TURN_URL.test(url)) {
      throw new Error(`TURN_URLS: not a turn:, turns: or stun: URL: ${JSON.stringify(url)}`);
    }
    if (isTurnsByAddress(url)) {
      throw new Error(
        `TURN_URLS: ${JSON.stringify(url)} names an IP address: a turns: URL needs the host name ` +
          'its certificate is for (Firefox ignores a turns: URL by address, and visitors whose ' +
          'network blocks UDP then cannot be relayed)',
      );
    }
  }
  return { urls, secret: readSecretFile(env.TURN_SECRET_FILE ?? '/etc/softphone/turn-secret') };
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const certDir = env.CERT_DIR ?? '/etc/softphone/certs';
  const production = env.NODE_ENV === 'production' || env.CREDENTIALS_PRODUCTION === '1';
  const origins = (env.ALLOWED_ORIGINS ?? (production ? '' : DEV_ORIGINS))
    .split(/\s+/)
    .filter(Boolean);
  // Fail closed: in production a forgotten ALLOWED_ORIGINS must not quietly mean "the dev pages".
  if (production && origins.length === 0) {
    throw new Error('production mode: set ALLOWED_ORIGINS to the pages that may mint credentials');
  }
  const agentsFile = env.AGENTS_FILE ?? '/etc/softphone/agents';
  return {
    port: positiveInt(env, 'PORT', 8444),
    host: env.HOST ?? '127.0.0.1',
    domain: env.DOMAIN ?? 'helpline.test',
    ttlSeconds: Math.max(MIN_TTL_SECONDS, positiveInt(env, 'TTL_SECONDS', 600)),
    sessionSeconds: positiveInt(env, 'SESSION_SECONDS', 8 * 3600),
    secret: readSecretFile(env.SECRET_FILE ?? '/etc/softphone/secret'),
    agents: parseAgents(readFileSync(agentsFile, 'utf8'), agentsFile),
    allowedOrigins: new Set(origins),
    serverClients: new Set((env.SERVER_CLIENTS ?? '').split(/\s+/).filter(Boolean)),
    visitorRate: {
      perMinute: positiveInt(env, 'VISITOR_RATE_PER_MINUTE', 10),
      burst: positiveInt(env, 'VISITOR_BURST', 5),
    },
    loginRate: {
      perMinute: positiveInt(env, 'LOGIN_FAILURES_PER_MINUTE', 5),
      burst: positiveInt(env, 'LOGIN_FAILURE_BURST', 5),
    },
    cert: readFileSync(`${certDir}/server.pem`),
    key: readFileSync(`${certDir}/server-key.pem`),
    turn: loadTurnConfig(env),
  };
}

/**
 * auth_ephemeral: username "<expiry>:<user>", password base64(HMAC-SHA1(secret, username)).
 * A supervisor's username carries the role as a third field, "<expiry>:<user>:supervisor":
 * covered by the HMAC like the rest, so a browser cannot give itself the role, and read by
 * Kamailio (route[CREDENTIAL_USER]). Other accounts' usernames are unchanged.
 */
function mint(config: Config, user: string, ttlSeconds: number, role?: Role): Credentials {
  const expires = Math.floor(Date.now() / 1000) + ttlSeconds;
  const username = role === 'supervisor' ? `${expires}:${user}:${role}` : `${expires}:${user}`;
  const password = createHmac('sha1', config.secret).update(username).digest('base64');
  const credentials: Credentials = {
    username,
    password,
    expires,
    uri: `sip:${user}@${config.domain}`,
  };
  if (role) credentials.role = role;
  if (config.turn) credentials.iceServers = [turnServer(config.turn, user, expires)];
  return credentials;
}

/**
 * TURN REST API credentials (coturn's use-auth-secret): username "<expiry>:<user>", password
 * base64(HMAC-SHA1(secret, username)), the same expiry as the SIP credentials, so the
 * phone refreshes both at once.
 */
export function turnServer(turn: TurnConfig, user: string, expires: number): IceServer {
  const username = `${expires}:${user}`;
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64');
  return { urls: [...turn.urls], username, credential };
}

/**
 * Token buckets per client address: `take` answers 0 when a token was available,
 * else the seconds until one is (for Retry-After).
 */
class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly rate: Rate) {}

  private refill(address: string, now: number): { tokens: number; at: number } {
    const bucket = this.buckets.get(address) ?? { tokens: this.rate.burst, at: now };
    bucket.tokens = Math.min(
      this.rate.burst,
      bucket.tokens + ((now - bucket.at) / 60_000) * this.rate.perMinute,
    );
    bucket.at = now;
    if (!this.buckets.has(address)) {
      // Full buckets carry no information: drop them before the map grows without bound.
      if (this.buckets.size >= MAX_BUCKETS) this.sweep(now);
      this.buckets.set(address, bucket);
    }
    return bucket;
  }

  /** Seconds until `address` may try again (0: it may now). */
  wait(address: string, now = Date.now()): number {
    const bucket = this.refill(address, now);
    if (bucket.tokens >= 1) return 0;
    return Math.ceil(((1 - bucket.tokens) * 60) / this.rate.perMinute);
  }

  /** Takes one token; the same answer as `wait` before it. */
  take(address: string, now = Date.now()): number {
    const wait = this.wait(address, now);
    if (wait === 0) this.buckets.get(address)!.tokens -= 1;
    return wait;
  }

  /** Gives back a token taken for an attempt that turned out fine. */
  refund(address: string): void {
    const bucket = this.buckets.get(address);
    if (bucket) bucket.tokens = Math.min(this.rate.burst, bucket.tokens + 1);
  }

  private sweep(now: number): void {
    for (const [address, bucket] of this.buckets) {
      const tokens = bucket.tokens + ((now - bucket.at) / 60_000) * this.rate.perMinute;
      if (tokens >= this.rate.burst) this.buckets.delete(address);
    }
  }
}

class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(private readonly lifetimeSeconds: number) {}

  create(agent: string): { id: string; session: Session } {
    const now = Date.now();
    if (this.byId.size >= MAX_SESSIONS) this.sweep(now);
    const id = randomBytes(32).toString('base64url');
    const session = { agent, expiresAt: now + this.lifetimeSeconds * 1000 };
    this.byId.set(id, session);
    return { id, session };
  }

  get(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const session = this.byId.get(id);
    if (session && session.expiresAt <= Date.now()) {
      this.byId.delete(id);
      return undefined;
    }
    return session;
  }

  delete(id: string | undefined): void {
    if (id !== undefined) this.byId.delete(id);
  }

  private sweep(now: number): void {
    for (const [id, session] of this.byId) if (session.expiresAt <= now) this.byId.delete(id);
    // Still full: the oldest sessions go first (Map keeps insertion order).
    for (const id of this.byId.keys()) {
      if (this.byId.size < MAX_SESSIONS) break;
      this.byId.delete(id);
    }
  }
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function scryptAsync(password: string, account: AgentAccount): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password,
      account.salt,
      account.hash.length,
      { N: account.n, r: account.r, p: account.p, maxmem: 256 * account.n * account.r },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

// Checked against when the agent does not exist, so a wrong name costs as much as a
// wrong password and response times do not reveal which agents exist.
const DECOY: AgentAccount = {
  role: 'agent',
  n: 16384,
  r: 8,
  p: 1,
  salt: randomBytes(16),
  hash: randomBytes(32),
};

async function passwordMatches(account: AgentAccount | undefined, password: string) {
  const expected = account ?? DECOY;
  const actual = await scryptAsync(password, expected);
  return account !== undefined && timingSafeEqual(actual, expected.hash);
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The page and this service are different sites (the widget is embedded on the
 * customer's pages), so the cookie must be SameSite=None, which browsers only accept
 * with Secure. Partitioned (CHIPS) keeps it working where third-party cookies are
 * blocked: it is then keyed to the embedding site, which is where the agent signed in.
 */
function sessionCookie(id: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${id}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=None; Partitioned`;
}

function clientAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

function readJson(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return Promise.reject(new HttpError(415, 'expected Content-Type: application/json'));
  }
  const tooLarge = () => new HttpError(413, 'request body too large', { Connection: 'close' });
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
    req.resume(); // discarded; the connection closes after the answer
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    const onData = (chunk: string) => {
      body += chunk;
      if (body.length > maxBytes) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge());
      }
    };
    req.on('data', onData);
    req.on('end', () => {
      try {
        resolve(JSON.parse(body));
      } catch {
        reject(new HttpError(400, 'request body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

/** `?ttl=N` asks for a shorter lifetime (MIN_TTL_SECONDS ≤ N ≤ TTL_SECONDS); nothing else is accepted. */
function requestedTtl(config: Config, url: URL): number {
  for (const name of url.searchParams.keys()) {
    if (name !== 'ttl') throw new HttpError(400, `unknown parameter "${name}"`);
  }
  const raw = url.searchParams.get('ttl');
  if (raw === null) return config.ttlSeconds;
  const ttl = Number(raw);
  if (!/^\d+$/.test(raw) || ttl < MIN_TTL_SECONDS || ttl > config.ttlSeconds) {
    throw new HttpError(
      400,
      `ttl must be an integer from ${MIN_TTL_SECONDS} to ${config.ttlSeconds}`,
    );
  }
  return ttl;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function createHandler(config: Config) {
  const visitorLimiter = new RateLimiter(config.visitorRate);
  const loginLimiter = new RateLimiter(config.loginRate);
  // Its own bucket at the visitors' rate: call-back requests do not use up minting.
  const callbackLimiter = new RateLimiter(config.visitorRate);
  const sessions = new Sessions(config.sessionSeconds);

  async function signIn(req: IncomingMessage, res: ServerResponse, address: string) {
    // Refused while the address is over its failure budget, whatever the password.
    const limited = loginLimiter.wait(address);
    if (limited > 0) {
      throw new HttpError(429, 'too many failed sign-ins', { 'Retry-After': String(limited) });
    }
    const body = await readJson(req);
    const { agent, password } = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    if (typeof agent !== 'string' || typeof password !== 'string' || password.length > 256) {
      throw new HttpError(400, 'expected {"agent": "…", "password": "…"}');
    }
    // The token is taken before the (slow) check, so parallel guesses cannot all slip
    // through, and given back when the password was right: only failures count.
    const wait = loginLimiter.take(address);
    if (wait > 0)
      throw new HttpError(429, 'too many failed sign-ins', { 'Retry-After': String(wait) });
    if (!(await passwordMatches(config.agents.get(agent), password))) {
      console.log(`credentials: failed sign-in from ${address}`);
      throw new HttpError(401, 'wrong agent or password');
    }
    loginLimiter.refund(address);
    const { id, session } = sessions.create(agent);
    console.log(`credentials: ${agent} signed in from ${address}`);
    send(
      res,
      200,
      { agent, expires: Math.floor(session.expiresAt / 1000) },
      { 'Set-Cookie': sessionCookie(id, config.sessionSeconds) },
    );
  }

  /**
   * A visitor whose call could not happen leaves a number (`<sip-call-button callback-url>`,
   * README "Fallbacks"). The customer's backend would queue it for an agent; this stand-in
   * logs one JSON line per accepted request, which is where the lab's tests read it back.
   */
  async function requestCallback(req: IncomingMessage, res: ServerResponse, address: string) {
    const wait = callbackLimiter.take(address);
    if (wait > 0) {
      req.resume();
      throw new HttpError(429, 'too many call-back requests', { 'Retry-After': String(wait) });
    }
    const checked = checkCallbackRequest(await readJson(req, MAX_CALLBACK_BODY_BYTES));
    if (!checked.ok) throw new HttpError(400, checked.message);
    const record = { ...checked.request, origin: req.headers.origin, at: new Date().toISOString() };
    console.log(`credentials: callback ${JSON.stringify(record)}`);
    send(res, 202, { status: 'accepted' });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'https://localhost');
    } catch {
      throw new HttpError(400, 'bad request target');
    }
    const address = clientAddress(req);
    const endpoint = `${req.method} ${url.pathname}`;
    if (endpoint === 'GET /health') {
      send(res, 200, { status: 'ok' });
      return;
    }

    // Browsers always send Origin on cross-origin fetches: a page that is not ours
    // must not mint or sign in. No Origin means a non-browser client, which is only
    // allowed from the customer's own servers (SERVER_CLIENTS), and only for visitors.
    const origin = req.headers.origin;
    if (origin === undefined) {
      if (!(endpoint === 'GET /credentials/visitor' && config.serverClients.has(address))) {
        throw new HttpError(403, 'Origin required');
      }
    } else if (!config.allowedOrigins.has(origin)) {
      throw new HttpError(403, 'origin not allowed');
    } else {
      res.setHeader('Access-Control-Allow-Origin', origin);
      // The widget fetches with `credentials: 'include'` (the agent's session cookie),
      // which browsers only allow with this header.
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      // So a sign-in page can say how long to wait after a 429.
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    }

    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }

    const sessionId = cookieValue(req, SESSION_COOKIE);
    switch (endpoint) {
      case 'GET /credentials/visitor': {
        const ttl = requestedTtl(config, url);
        const wait = visitorLimiter.take(address);
        if (wait > 0) {
          throw new HttpError(429, 'too many credentials requests', {
            'Retry-After': String(wait),
          });
        }
        send(res, 200, mint(config, `visitor-${randomBytes(6).toString('hex')}`, ttl));
        return;
      }
      case 'GET /credentials/agent': {
        const session = sessions.get(sessionId);
        if (!session) throw new HttpError(401, 'sign in first (POST /session)');
        const role = config.agents.get(session.agent)?.role ?? 'agent';
        send(res, 200, mint(config, session.agent, requestedTtl(config, url), role));
        return;
      }
      case 'POST /session':
        await signIn(req, res, address);
        return;
      case 'GET /session': {
        const session = sessions.get(sessionId);
        if (!session) throw new HttpError(401, 'not signed in');
        send(res, 200, { agent: session.agent, expires: Math.floor(session.expiresAt / 1000) });
        return;
      }
      case 'POST /callback':
        await requestCallback(req, res, address);
        return;
      case 'POST /session/logout':
        sessions.delete(sessionId);
        res.writeHead(204, { 'Set-Cookie': sessionCookie('', 0) });
        res.end();
        return;
    }
    const known = [
      '/credentials/visitor',
      '/credentials/agent',
      '/session',
      '/session/logout',
      '/callback',
    ];
    throw known.includes(url.pathname)
      ? new HttpError(405, 'method not allowed')
      : new HttpError(404, 'not found');
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    route(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) {
        send(res, error.status, { error: error.message }, error.headers);
        return;
      }
      console.error('credentials: request failed', error);
      send(res, 500, { error: 'internal error' });
    });
  };
}

function main(): void {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    console.error(`credentials: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const server = createServer({ cert: config.cert, key: config.key }, createHandler(config));
  server.listen(config.port, config.host, () => {
    console.log(
      `credentials: https://${config.host}:${config.port} (ttl ${config.ttlSeconds}s, ${config.agents.size} agents, origins: ${[...config.allowedOrigins].join(' ')})`,
    );
  });
  // As PID 1 in its container Node gets no default signal handling; sessions live in
  // memory only (a restart signs everyone out), so stop at once.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => process.exit(0));
  }
}

main();
