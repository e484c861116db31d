// Registration and call authorisation with auth_ephemeral credentials.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SippResult } from '../../testkit/sipp';
import { DOMAIN, ephemeral, sipp } from './lib';

const expectOk = (result: SippResult) => assert.ok(result.ok, result.output);

test('REGISTER with valid ephemeral credentials gets 200', async () => {
  expectOk(
    await sipp('register.xml', {
      vars: { EXPECT: 200 },
      service: 'agent5',
      auth: ephemeral('agent5'),
    }),
  );
});

test('REGISTER with forged credentials is challenged again (401)', async () => {
  expectOk(
    await sipp('register.xml', {
      vars: { EXPECT: 401 },
      service: 'agent5',
      auth: ephemeral('agent5', { secret: 'not-the-secret' }),
    }),
  );
});

test('REGISTER with expired credentials is challenged again (401)', async () => {
  expectOk(
    await sipp('register.xml', {
      vars: { EXPECT: 401 },
      service: 'agent5',
      auth: ephemeral('agent5', { ttl: -60 }),
    }),
  );
});

test("REGISTER with someone else's credentials gets 403", async () => {
  expectOk(
    await sipp('register.xml', {
      vars: { EXPECT: 403 },
      service: 'agent6',
      auth: ephemeral('agent5'),
    }),
  );
});

test('a visitor cannot REGISTER (403): visitors only place calls', async () => {
  expectOk(
    await sipp('register.xml', {
      vars: { EXPECT: 403 },
      service: 'visitor-test2',
      auth: ephemeral('visitor-test2'),
    }),
  );
});

const rejected = (caller: string, callee: string, expect: number, domain = DOMAIN) =>
  sipp('invite-rejected.xml', {
    vars: { EXPECT: expect, CALLER: caller, DOMAIN: domain },
    service: callee,
    auth: ephemeral(caller),
  });

test('a visitor calling an agent gets 403', async () => {
  expectOk(await rejected('visitor-test1', 'agent1', 403));
});

test('calls to foreign domains are not relayed (403)', async () => {
  expectOk(await rejected('agent1', 'someone', 403, 'example.com'));
});

test('an agent calling an offline agent gets 480', async () => {
  expectOk(await rejected('agent1', 'agent9', 480));
});

test('an agent calling an unknown user gets 404', async () => {
  expectOk(await rejected('agent1', 'nobody', 404));
});
