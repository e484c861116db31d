// The customer-backend stand-in that mints ephemeral credentials (HTTPS 8444): the
// running container as deployed, plus private instances of the same bundle started
// here with other settings (production mode, the production rate limits).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { recordedCallbacks } from '../../testkit/callback-log';
import { freePort } from '../../testkit/ports';
import { ALLOWED_ORIGINS, CREDENTIALS_ORIGIN, DOMAIN } from '../../testkit/topology';
import { BACKEND, CA, RUN_DIR } from './lib';

const SECRET = readFileSync(join(RUN_DIR, 'secret'), 'utf8').trim();
/** An origin the lab allows (compose.yml's ALLOWED_ORIGINS, the service's dev default). */
const ALLOWED = ALLOWED_ORIGINS[0];
/** The lab's credentials container. */
const LAB_PORT = Number(new URL(CREDENTIALS_ORIGIN).port);
/** `agent1 <password>` lines written at first start (backend/credentials/agents.mjs). */
const PASSWORDS = Object.fromEntries(
  readFileSync(join(RUN_DIR, 'agent-passwords'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(' ') as [string, string]),
);
const SECURITY_HEADERS: Record<string, string | RegExp> = {
  'cache-control': 'no-store',
  'strict-transport-security': /^max-age=\d{7,}/,
  'x-content-type-options': 'nosniff',
  'content-security-policy': /^default-src 'none'/,
};

/** What /credentials/visitor and /credentials/agent answer. */
interface MintedCredentials {
  /** `<expiry>:<user>` (auth_ephemeral), `<expiry>:<user>:supervisor` for a supervisor. */
  username: string;
  password: string;
  /** Epoch seconds. */
  expires: number;
  uri: string;
  /** Agents' credentials only. */
  role?: 'agent' | 'supervisor';
}

/** What /session answers: the signed-in agent. */
interface SessionAnswer {
  agent: string;
}

interface CallOptions {
  origin?: string;
  method?: string;
  /** Sent as is when a string, as JSON otherwise. */
  body?: unknown;
  cookie?: string;
  /** Default application/json (when there is a body). */
  contentType?: string;
  port?: number;
  /** The source address. */
  local?: string;
}

interface Answer {
  status: number | undefined;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, taken to be a `T`. */
  json<T>(): T;
}

/**
 * One HTTPS request. `cookie` is sent as is; `local` picks the source address (every
 * 127.x.y.z is on the lab's `lo`), which is how per-address limits are told apart.
 */
function call(
  path: string,
  { origin, method = 'GET', body, cookie, contentType, port = LAB_PORT, local }: CallOptions = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (origin) headers.Origin = origin;
    if (cookie) headers.Cookie = cookie;
    if (body !== undefined) headers['Content-Type'] = contentType ?? 'application/json';
    const req = request(
      { host: '127.0.0.1', port, path, method, ca: CA, headers, localAddress: local },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            text,
            json: <T>() => JSON.parse(text) as T,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(
      body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    );
  });
}

function assertSecurityHeaders(res: Answer, what: string): void {
  for (const [name, expected] of Object.entries(SECURITY_HEADERS)) {
    // Each of them is a single-valued header.
    const value = res.headers[name] as string | undefined;
    if (expected instanceof RegExp) assert.match(value ?? '', expected, `${what}: ${name}`);
    else assert.equal(value, expected, `${what}: ${name}`);
  }
}

async function signIn(
  agent: string,
  password = PASSWORDS[agent],
  options: CallOptions = {},
): Promise<{ res: Answer; setCookie: string | undefined; cookie: string | undefined }> {
  const res = await call('/session', {
    origin: ALLOWED,
    method: 'POST',
    body: { agent, password },
    ...options,
  });
  const setCookie = res.headers['set-cookie']?.[0];
  return { res, setCookie, cookie: setCookie?.split(';')[0] };
}

// --- private instances of the bundle --------------------------------------------

// CREDENTIALS_BUNDLE runs these tests against another build (e.g. an older version).
const BUNDLE = process.env.CREDENTIALS_BUNDLE ?? join(BACKEND, 'credentials/dist/server.mjs');
const instances: ChildProcess[] = [];

/** A private instance of the service; exitCode null while it runs. */
interface Service {
  port: number;
  output: string;
  exitCode: number | null;
}

/** Starts the service with `env` on a fresh port; resolves once it listens (or exited). */
async function startService(env: NodeJS.ProcessEnv): Promise<Service> {
  const port = await freePort();
  const child = spawn(process.execPath, [BUNDLE], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      CERT_DIR: join(RUN_DIR, 'certs'),
      SECRET_FILE: join(RUN_DIR, 'secret'),
      AGENTS_FILE: join(RUN_DIR, 'agents'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  instances.push(child);
  let output = '';
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('credentials: https://')) resolve({ port, output, exitCode: null });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ port, output, exitCode: code }));
  });
}

before(async () => {
  // The instances run the bundle of the current source, as the image does.
  const build = spawn(process.execPath, [join(BACKEND, 'credentials/build.mjs')], {
    stdio: 'inherit',
  });
  const code = await new Promise<number | null>((resolve) => build.on('exit', resolve));
  assert.equal(code, 0, 'credentials bundle builds');
});

after(() => {
  for (const child of instances) child.kill();
});

// --- the deployed service ---------------------------------------------------------

test('GET /health answers 200 over TLS signed by the dev CA, with the security headers', async () => {
  const res = await call('/health');
  assert.equal(res.status, 200);
  assertSecurityHeaders(res, '/health');
});

test('every answer carries HSTS, nosniff, CSP default-src none and no-store, errors too', async () => {
  const answers = {
    visitor: await call('/credentials/visitor', { origin: ALLOWED }),
    'no origin': await call('/credentials/visitor'),
    'foreign origin': await call('/credentials/visitor', { origin: 'https://evil.example' }),
    'unknown path': await call('/nope', { origin: ALLOWED }),
    'no session': await call('/credentials/agent', { origin: ALLOWED }),
    preflight: await call('/session', { origin: ALLOWED, method: 'OPTIONS' }),
  };
  for (const [what, res] of Object.entries(answers)) assertSecurityHeaders(res, what);
  assert.equal(answers['unknown path'].status, 404);
});

test('visitor credentials: fresh visitor name, valid HMAC, TTL, no-store, CORS', async () => {
  const res = await call('/credentials/visitor', { origin: ALLOWED });
  assert.equal(res.status, 200);
  assert.equal(res.headers['access-control-allow-origin'], ALLOWED);
  const body = res.json<MintedCredentials>();
  const [expires, user] = body.username.split(':');
  assert.match(user, /^visitor-[0-9a-f]+$/);
  assert.equal(Number(expires), body.expires);
  const ttl = body.expires - Date.now() / 1000;
  assert.ok(ttl > 500 && ttl <= 600, `ttl ${ttl}`);
  assert.equal(body.password, createHmac('sha1', SECRET).update(body.username).digest('base64'));
  assert.equal(body.uri, `sip:${user}@${DOMAIN}`);
  const again = (await call('/credentials/visitor', { origin: ALLOWED })).json<MintedCredentials>();
  assert.notEqual(again.username.split(':')[1], user, 'each visitor gets a new name');
});

test('?ttl=N asks for a shorter lifetime, from 10 s up to TTL_SECONDS', async () => {
  const res = await call('/credentials/visitor?ttl=20', { origin: ALLOWED });
  assert.equal(res.status, 200);
  const ttl = res.json<MintedCredentials>().expires - Date.now() / 1000;
  assert.ok(ttl > 17 && ttl <= 20, `ttl ${ttl}`);
  for (const bad of ['9', '601', '20.5', 'abc', '-20', '']) {
    const rejected = await call(`/credentials/visitor?ttl=${bad}`, { origin: ALLOWED });
    assert.equal(rejected.status, 400, `ttl=${bad}`);
  }
});

test('minting needs an Origin: none gives 403 (no server-to-server allowance in the lab)', async () => {
  const res = await call('/credentials/visitor');
  assert.equal(res.status, 403);
  assert.equal(res.headers['access-control-allow-origin'], undefined);
});

test('a foreign Origin gets 403 and no CORS headers', async () => {
  for (const path of ['/credentials/visitor', '/credentials/agent', '/session']) {
    const res = await call(path, { origin: 'https://evil.example' });
    assert.equal(res.status, 403, path);
    assert.equal(res.headers['access-control-allow-origin'], undefined, path);
  }
});

test('CORS preflight from an allowed Origin gets 204 for GET and POST', async () => {
  const res = await call('/session', { origin: ALLOWED, method: 'OPTIONS' });
  assert.equal(res.status, 204);
  assert.equal(res.headers['access-control-allow-origin'], ALLOWED);
  assert.equal(res.headers['access-control-allow-credentials'], 'true');
  assert.match(res.headers['access-control-allow-methods'] as string, /GET/);
  assert.match(res.headers['access-control-allow-methods'] as string, /POST/);
});

test('the old shared agent key in the URL mints nothing', async () => {
  for (const path of [
    '/credentials/agent?agent=agent1&key=anything',
    '/credentials/agent?agent=agent1',
  ]) {
    const res = await call(path, { origin: ALLOWED });
    assert.equal(res.status, 401, path);
    assert.doesNotMatch(res.text, /anything/, 'the URL secret is not echoed');
  }
  assert.equal((await call('/credentials/agent?agent=agent1&key=x')).status, 403, 'no Origin');
});

test('agent credentials without a session: 401', async () => {
  const res = await call('/credentials/agent', { origin: ALLOWED });
  assert.equal(res.status, 401);
  const forged = await call('/credentials/agent', {
    origin: ALLOWED,
    cookie: '__Host-helpline-session=forged',
  });
  assert.equal(forged.status, 401);
});

test('an agent signs in with its own password: an HttpOnly, Secure, SameSite=None session cookie', async () => {
  const { res, setCookie, cookie } = await signIn('agent1');
  assert.equal(res.status, 200);
  assert.equal(res.json<SessionAnswer>().agent, 'agent1');
  assert.equal(res.headers['access-control-allow-credentials'], 'true');
  // Passed as they are: assert.match fails on a missing header.
  assert.match(setCookie as string, /^__Host-helpline-session=[\w-]{40,};/);
  for (const attribute of ['HttpOnly', 'Secure', 'SameSite=None', 'Path=/']) {
    assert.ok(
      (setCookie as string).split('; ').includes(attribute),
      `${attribute} in ${setCookie}`,
    );
  }
  const maxAge = Number(/Max-Age=(\d+)/.exec(setCookie as string)?.[1]);
  assert.ok(maxAge > 0 && maxAge <= 24 * 3600, `a bounded lifetime, got Max-Age=${maxAge}`);

  const minted = await call('/credentials/agent', { origin: ALLOWED, cookie });
  assert.equal(minted.status, 200);
  const body = minted.json<MintedCredentials>();
  assert.match(body.username, /^\d+:agent1$/);
  assert.equal(body.password, createHmac('sha1', SECRET).update(body.username).digest('base64'));
  const session = await call('/session', { origin: ALLOWED, cookie });
  assert.equal(session.json<SessionAnswer>().agent, 'agent1');
  const short = await call('/credentials/agent?ttl=30', { origin: ALLOWED, cookie });
  assert.ok(short.json<MintedCredentials>().expires - Date.now() / 1000 <= 30);
});

test("the account's role: a supervisor's username carries it under the HMAC, an agent's does not", async () => {
  // agents.mjs makes agent9 the lab's supervisor (the accounts file's role column).
  const supervisor = await signIn('agent9');
  const minted = (
    await call('/credentials/agent', { origin: ALLOWED, cookie: supervisor.cookie })
  ).json<MintedCredentials>();
  assert.match(minted.username, /^\d+:agent9:supervisor$/);
  assert.equal(minted.role, 'supervisor');
  assert.equal(minted.uri, 'sip:agent9@helpline.test');
  assert.equal(
    minted.password,
    createHmac('sha1', SECRET).update(minted.username).digest('base64'),
  );

  const agent = await signIn('agent2');
  const plain = (
    await call('/credentials/agent', { origin: ALLOWED, cookie: agent.cookie })
  ).json<MintedCredentials>();
  assert.match(plain.username, /^\d+:agent2$/);
  assert.equal(plain.role, 'agent');
});

test("a session for agent1 cannot mint agent2's credentials", async () => {
  const { cookie } = await signIn('agent1');
  for (const path of ['/credentials/agent?agent=agent2', '/credentials/agent?user=agent2']) {
    const res = await call(path, { origin: ALLOWED, cookie });
    assert.equal(res.status, 400, path);
    assert.doesNotMatch(res.text, /:agent2/);
  }
  // Another agent's password does not open agent1's session either.
  const wrong = await signIn('agent1', PASSWORDS.agent2);
  assert.equal(wrong.res.status, 401);
  assert.equal(wrong.setCookie, undefined);
});

test('logout ends the session: the cookie mints nothing afterwards', async () => {
  const { cookie } = await signIn('agent3');
  const out = await call('/session/logout', { origin: ALLOWED, method: 'POST', cookie });
  assert.equal(out.status, 204);
  assert.match(out.headers['set-cookie']?.[0] ?? '', /Max-Age=0/);
  assert.equal((await call('/credentials/agent', { origin: ALLOWED, cookie })).status, 401);
});

test('wrong password or unknown agent: 401 without a cookie; bad bodies: 4xx', async () => {
  const wrong = await signIn('agent2', 'not-the-password');
  assert.equal(wrong.res.status, 401);
  assert.equal(wrong.setCookie, undefined);
  const unknown = await signIn('root', 'x');
  assert.equal(unknown.res.status, 401);
  const notJson = await call('/session', { origin: ALLOWED, method: 'POST', body: '{"agent":' });
  assert.equal(notJson.status, 400);
  const form = await call('/session', {
    origin: ALLOWED,
    method: 'POST',
    body: 'agent=agent1',
    contentType: 'application/x-www-form-urlencoded',
  });
  assert.equal(form.status, 415, 'a form post (no CORS preflight) is refused');
  const huge = await call('/session', {
    origin: ALLOWED,
    method: 'POST',
    body: { agent: 'agent1', password: 'x'.repeat(5000) },
  });
  assert.equal(huge.status, 413);
  assert.equal((await call('/health')).status, 200, 'still serving');
});

// --- the same bundle with other settings -----------------------------------------

test('wrong passwords are rate-limited per address: 429 with Retry-After, even for the right one', async () => {
  const service = await startService({ ALLOWED_ORIGINS: ALLOWED });
  assert.equal(service.exitCode, null, service.output);
  const port = service.port;
  // Production defaults: 5 failures per minute, burst 5.
  for (let i = 0; i < 5; i++) {
    assert.equal((await signIn('agent4', `guess-${i}`, { port })).res.status, 401, `guess ${i}`);
  }
  const limited = await signIn('agent4', PASSWORDS.agent4, { port });
  assert.equal(limited.res.status, 429);
  assert.ok(Number(limited.res.headers['retry-after']) >= 1, 'Retry-After in seconds');
  assert.equal(limited.setCookie, undefined);
  // Another client address is not affected, and a right password does not use up tokens.
  for (let i = 0; i < 6; i++) {
    const ok = await signIn('agent4', PASSWORDS.agent4, { port, local: '127.0.0.2' });
    assert.equal(ok.res.status, 200, `sign-in ${i} from 127.0.0.2`);
  }
});

test('visitor minting is rate-limited per address (10/min, burst 5): 429 with Retry-After', async () => {
  const service = await startService({ ALLOWED_ORIGINS: ALLOWED });
  const port = service.port;
  for (let i = 0; i < 5; i++) {
    const res = await call('/credentials/visitor', { origin: ALLOWED, port });
    assert.equal(res.status, 200, `request ${i} within the burst`);
  }
  const limited = await call('/credentials/visitor', { origin: ALLOWED, port });
  assert.equal(limited.status, 429);
  const retryAfter = Number(limited.headers['retry-after']);
  assert.ok(retryAfter >= 1 && retryAfter <= 6, `Retry-After ${retryAfter}`);
  assertSecurityHeaders(limited, '429');
  const elsewhere = await call('/credentials/visitor', {
    origin: ALLOWED,
    port,
    local: '127.0.0.2',
  });
  assert.equal(elsewhere.status, 200);
});

test('no Origin is allowed only from the configured server-to-server addresses', async () => {
  const service = await startService({ ALLOWED_ORIGINS: ALLOWED, SERVER_CLIENTS: '127.0.0.3' });
  const port = service.port;
  assert.equal((await call('/credentials/visitor', { port, local: '127.0.0.3' })).status, 200);
  assert.equal((await call('/credentials/visitor', { port, local: '127.0.0.1' })).status, 403);
  const agent = await call('/credentials/agent', { port, local: '127.0.0.3' });
  assert.equal(agent.status, 403, 'agents always come from a browser with an Origin');
});

test('production mode fails closed without ALLOWED_ORIGINS; dev origins only outside it', async () => {
  for (const env of [{ NODE_ENV: 'production' }, { CREDENTIALS_PRODUCTION: '1' }]) {
    const refused = await startService(env);
    assert.notEqual(refused.exitCode, null, `${JSON.stringify(env)} must not start`);
    assert.notEqual(refused.exitCode, 0);
    assert.match(refused.output, /ALLOWED_ORIGINS/);
  }
  const production = await startService({
    NODE_ENV: 'production',
    ALLOWED_ORIGINS: 'https://shop.example',
  });
  assert.equal(production.exitCode, null, production.output);
  const dev = await call('/credentials/visitor', { origin: ALLOWED, port: production.port });
  assert.equal(dev.status, 403, 'dev origins are not a production default');
  const shop = await call('/credentials/visitor', {
    origin: 'https://shop.example',
    port: production.port,
  });
  assert.equal(shop.status, 200);

  const lab = await startService({});
  assert.equal(lab.exitCode, null, lab.output);
  assert.equal(
    (await call('/credentials/visitor', { origin: ALLOWED, port: lab.port })).status,
    200,
  );
});

// --- POST /callback: a visitor whose call could not happen leaves a number ---------------

/** A number of its own for each run, so the log holds nothing else with it. */
function runNumber(): { typed: string; canonical: string } {
  const tail = String(Date.now() % 1_000_000).padStart(6, '0');
  return { typed: `+34 600-${tail.slice(0, 3)} ${tail.slice(3)}`, canonical: `+34600${tail}` };
}

test('POST /callback from an allowed Origin: 202, CORS, and the request is recorded as sent', async () => {
  const since = Date.now();
  const { typed, canonical } = runNumber();
  const preflight = await call('/callback', { origin: ALLOWED, method: 'OPTIONS' });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], ALLOWED);
  assert.match(preflight.headers['access-control-allow-methods'] as string, /POST/);
  assert.match(preflight.headers['access-control-allow-headers'] as string, /Content-Type/i);

  const res = await call('/callback', {
    origin: ALLOWED,
    method: 'POST',
    body: {
      number: typed,
      target: 'ivr',
      reason: 'microphone-denied',
      context: { orderId: 'A-17' },
    },
  });
  assert.equal(res.status, 202, res.text);
  assert.deepEqual(res.json(), { status: 'accepted' });
  assert.equal(res.headers['access-control-allow-origin'], ALLOWED);
  assertSecurityHeaders(res, '202');

  const recorded = (await recordedCallbacks(since)).filter((r) => r.number === canonical);
  assert.equal(recorded.length, 1, 'recorded once');
  assert.deepEqual(
    { ...recorded[0], at: undefined },
    {
      number: canonical,
      target: 'ivr',
      reason: 'microphone-denied',
      context: { orderId: 'A-17' },
      origin: ALLOWED,
      at: undefined,
    },
  );
});

test('POST /callback refuses what it was not built for, and records none of it', async () => {
  const since = Date.now();
  const { typed, canonical } = runNumber();
  const good = { number: typed, target: 'ivr', reason: 'service-unreachable' };
  const post = (options: CallOptions) => call('/callback', { method: 'POST', ...options });
  const cases: [string, Promise<Answer>, number][] = [
    ['a foreign Origin', post({ origin: 'https://evil.example', body: good }), 403],
    ['no Origin (a browser always sends one)', post({ body: good }), 403],
    ['a bad number', post({ origin: ALLOWED, body: { ...good, number: '600 123 456' } }), 400],
    [
      'letters in the number',
      post({ origin: ALLOWED, body: { ...good, number: '+34 6OO 123' } }),
      400,
    ],
    ['a bad target', post({ origin: ALLOWED, body: { ...good, target: 'ivr@evil' } }), 400],
    ['an unknown reason', post({ origin: ALLOWED, body: { ...good, reason: 'bored' } }), 400],
    ['an unknown field', post({ origin: ALLOWED, body: { ...good, admin: true } }), 400],
    ['not an object', post({ origin: ALLOWED, body: [good] }), 400],
    ['not JSON', post({ origin: ALLOWED, body: '{"number":' }), 400],
    [
      'a huge body',
      post({ origin: ALLOWED, body: { ...good, context: { note: 'x'.repeat(4000) } } }),
      413,
    ],
    [
      'a form body',
      post({
        origin: ALLOWED,
        body: `number=${canonical}`,
        contentType: 'application/x-www-form-urlencoded',
      }),
      415,
    ],
    [
      'text/plain',
      post({ origin: ALLOWED, body: JSON.stringify(good), contentType: 'text/plain' }),
      415,
    ],
    ['GET', call('/callback', { origin: ALLOWED }), 405],
    ['PUT', call('/callback', { origin: ALLOWED, method: 'PUT', body: good }), 405],
    ['DELETE', call('/callback', { origin: ALLOWED, method: 'DELETE' }), 405],
    ['another path', call('/callback/list', { origin: ALLOWED }), 404],
  ];
  for (const [what, answer, status] of cases) {
    const res = await answer;
    assert.equal(res.status, status, `${what}: ${res.text}`);
    assert.ok(res.json<{ error: string }>().error, `${what}: says why`);
    if (status === 403) assert.equal(res.headers['access-control-allow-origin'], undefined, what);
  }
  const recorded = (await recordedCallbacks(since)).filter((r) => r.number === canonical);
  assert.deepEqual(recorded, []);
});

test('POST /callback is rate-limited per address like minting (10/min, burst 5): 429 with Retry-After', async () => {
  const service = await startService({ ALLOWED_ORIGINS: ALLOWED });
  const port = service.port;
  const request = (local?: string) =>
    call('/callback', {
      origin: ALLOWED,
      method: 'POST',
      port,
      local,
      body: { number: '+34600123456', target: 'ivr', reason: 'media-failed' },
    });
  for (let i = 0; i < 5; i++) assert.equal((await request()).status, 202, `request ${i}`);
  const limited = await request();
  assert.equal(limited.status, 429);
  const retryAfter = Number(limited.headers['retry-after']);
  assert.ok(retryAfter >= 1 && retryAfter <= 6, `Retry-After ${retryAfter}`);
  assert.equal((await request('127.0.0.2')).status, 202, 'another address has its own bucket');
  // Minting keeps its own budget.
  assert.equal((await call('/credentials/visitor', { origin: ALLOWED, port })).status, 200);
});

test('a malformed agents file stops the start with a clear message', async () => {
  const refused = await startService({ AGENTS_FILE: join(RUN_DIR, 'secret') });
  assert.equal(refused.exitCode, 1);
  assert.match(refused.output, /not an agent:scrypt/);
});

test('a turns: URL by IP address stops the start with a clear message; by name it starts', async () => {
  const turnSecret = { TURN_SECRET_FILE: join(RUN_DIR, 'turn-secret') };
  for (const url of ['turns:127.0.0.1:4443?transport=tcp', 'turns:[::1]:4443']) {
    const refused = await startService({ ...turnSecret, TURN_URLS: `turn:127.0.0.1:3478 ${url}` });
    assert.equal(refused.exitCode, 1, `${url} must not start`);
    assert.match(refused.output, /names an IP address: a turns: URL needs the host name/);
  }
  const byName = await startService({
    ...turnSecret,
    TURN_URLS: 'turn:127.0.0.1:3478?transport=udp turns:localhost:4443?transport=tcp',
  });
  assert.equal(byName.exitCode, null, byName.output);
});
