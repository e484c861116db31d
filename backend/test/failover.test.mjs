// The media farm behind the dispatcher: a stopped server is detected by OPTIONS
// probing, calls fail over to the other one, and the server comes back.
// Stops media1 while it runs, so it runs after the other suites.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import {
  compose,
  dispatcherState,
  ephemeral,
  kamailioLog,
  mediaHistory,
  poll,
  sipp,
} from './lib.mjs';

const MEDIA1 = 'sip:127.0.0.1:5071';
const MEDIA2 = 'sip:127.0.0.1:5072';
const isUp = (flags) => flags?.startsWith('A');

async function echoCalls(count) {
  // Not a visitor: the SBC allows a visitor 2 calls at once, and this places up to 4.
  const caller = `failover-${randomBytes(4).toString('hex')}`;
  const since = Date.now();
  // All calls at once, so round robin hands one of them to media1 first.
  const result = await sipp('call.xml', {
    vars: { CALLER: caller, PAUSE: 300 },
    service: 'echo',
    auth: ephemeral(caller),
    calls: count,
    rate: 100,
    limit: count,
  });
  assert.ok(result.ok, result.output);
  const calls = await poll(
    async () => {
      const mine = (await mediaHistory(since)).filter((c) => String(c.from).includes(caller));
      return mine.length === count && mine;
    },
    { what: `${count} calls from ${caller} in the media history` },
  );
  return calls.map((c) => c.server);
}

after(async () => {
  await compose('start', 'media1');
});

test('both media servers are probed and active', async () => {
  const state = await poll(
    async () => {
      const s = await dispatcherState();
      return isUp(s[MEDIA1]) && isUp(s[MEDIA2]) && s;
    },
    { timeoutMs: 20000, what: 'both media servers active' },
  );
  assert.ok(state);
});

test('calls to a freshly killed media server fail over to the other', async () => {
  const since = Date.now();
  await compose('kill', 'media1');
  // Before probing notices, round robin still picks media1 for one of the calls:
  // that INVITE times out and failure_route moves it to media2.
  const servers = await echoCalls(2);
  assert.deepEqual(servers, ['media2', 'media2']);
  assert.match(await kamailioLog(since), /media server failed, trying sip:127\.0\.0\.1:5072/);
});

test('OPTIONS probing marks the stopped server down; new calls avoid it', async () => {
  await poll(async () => !isUp((await dispatcherState())[MEDIA1]), {
    timeoutMs: 10000,
    what: 'media1 marked down',
  });
  assert.ok(isUp((await dispatcherState())[MEDIA2]), 'media2 should still be up');
  assert.deepEqual(await echoCalls(2), ['media2', 'media2']);
});

test('a restarted server is probed back up and takes calls again', async () => {
  await compose('start', 'media1');
  await poll(async () => isUp((await dispatcherState())[MEDIA1]), {
    timeoutMs: 20000,
    what: 'media1 active again',
  });
  const servers = await echoCalls(4);
  assert.ok(servers.includes('media1'), `no call reached media1: ${servers}`);
});
