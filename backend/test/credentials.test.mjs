// The customer-backend stand-in that mints ephemeral credentials (HTTPS 8444).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { test } from 'node:test';
import { AGENT_KEY, CA, RUN_DIR } from './lib.mjs';

const SECRET = readFileSync(join(RUN_DIR, 'secret'), 'utf8').trim();
const ALLOWED = 'http://localhost:5173';

function get(path, { origin, method = 'GET' } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: 8444,
        path,
        method,
        ca: CA,
        headers: origin ? { Origin: origin } : {},
      },
      (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('GET /health answers 200 over TLS signed by the dev CA', async () => {
  const res = await get('/health');
  assert.equal(res.status, 200);
});

test('visitor credentials: fresh visitor name, valid HMAC, TTL, no-store, CORS', async () => {
  const res = await get('/credentials/visitor', { origin: ALLOWED });
  assert.equal(res.status, 200);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(res.headers['access-control-allow-origin'], ALLOWED);
  const body = JSON.parse(res.body);
  const [expires, user] = body.username.split(':');
  assert.match(user, /^visitor-[0-9a-f]+$/);
  assert.equal(Number(expires), body.expires);
  const ttl = body.expires - Date.now() / 1000;
  assert.ok(ttl > 500 && ttl <= 600, `ttl ${ttl}`);
  assert.equal(body.password, createHmac('sha1', SECRET).update(body.username).digest('base64'));
  assert.equal(body.uri, `sip:${user}@helpline.test`);
  const again = JSON.parse((await get('/credentials/visitor', { origin: ALLOWED })).body);
  assert.notEqual(again.username.split(':')[1], user, 'each visitor gets a new name');
});

test('agent credentials need the agent key', async () => {
  const ok = await get(`/credentials/agent?agent=agent2&key=${AGENT_KEY}`, { origin: ALLOWED });
  assert.equal(ok.status, 200);
  assert.match(JSON.parse(ok.body).username, /^\d+:agent2$/);
  assert.equal((await get('/credentials/agent?agent=agent2&key=wrong')).status, 403);
  assert.equal((await get('/credentials/agent?agent=agent2')).status, 403);
  assert.equal((await get(`/credentials/agent?agent=root&key=${AGENT_KEY}`)).status, 400);
});

test('a foreign Origin gets 403 and no CORS headers', async () => {
  const res = await get('/credentials/visitor', { origin: 'https://evil.example' });
  assert.equal(res.status, 403);
  assert.equal(res.headers['access-control-allow-origin'], undefined);
});

test('CORS preflight from an allowed Origin gets 204', async () => {
  const res = await get('/credentials/visitor', { origin: ALLOWED, method: 'OPTIONS' });
  assert.equal(res.status, 204);
  assert.equal(res.headers['access-control-allow-origin'], ALLOWED);
  assert.match(res.headers['access-control-allow-methods'], /GET/);
});
