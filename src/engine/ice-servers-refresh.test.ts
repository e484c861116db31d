/**
 * The TURN relay minted with the credentials (issue 15) end to end inside the engine: a
 * real Phone, JsSIP and RTCPeerConnection against the fake SBC (test-support/fake-sbc.ts)
 * and a fake credentials service that mints new TURN credentials with every SIP ones, like
 * backend/credentials/server.ts. Each call's peer connection uses the configured servers
 * and the relay with the credentials current when it started.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Phone } from './phone';
import { serveVisitorCredentials } from './test-support/fake-credentials';
import { FAKE_SBC_PHONE, FakeSbc } from './test-support/fake-sbc';
import { reach } from './test-support/waits';
import type { CallHandle } from './types';

const DOMAIN = 'helpline.test';
const CONFIGURED: RTCIceServer = { urls: ['stun:stun.configured.test:3478'] };
const TURN_URLS = ['turn:turn.helpline.test:3478?transport=udp'];

let sbc: FakeSbc;
const phones: Phone[] = [];

/** Mints `visitor-N` with a TURN credential `turn-N`, `lifetimeS` long. */
function serveCredentials(lifetimeS: number) {
  return serveVisitorCredentials(lifetimeS, DOMAIN, {
    iceServers: (username, serial) => [{ urls: TURN_URLS, username, credential: `turn-${serial}` }],
  }).fetch;
}

function iceServersOf(call: CallHandle): RTCIceServer[] {
  const pc = call.peerConnection;
  if (!pc) throw new Error('the call has no peer connection');
  return pc.getConfiguration().iceServers ?? [];
}

beforeEach(() => {
  sbc = new FakeSbc();
  vi.stubGlobal('WebSocket', sbc.webSocketClass());
});

afterEach(async () => {
  await Promise.all(phones.splice(0).map((phone) => phone.stop()));
  sbc.close();
  vi.unstubAllGlobals();
});

describe('a TURN relay minted with the credentials', () => {
  it('is used by calls after the configured servers, and refreshed with the credentials', async () => {
    // 6 s credentials: refreshed after 5 s (the engine's shortest refresh delay).
    const fetchMock = serveCredentials(6);
    const phone = new Phone({
      ...FAKE_SBC_PHONE,
      domain: DOMAIN,
      credentialsUrl: 'https://credentials.test/credentials/visitor',
      iceServers: [CONFIGURED],
    });
    phones.push(phone);

    const first = phone.call('echo');
    await reach(first, 'active');
    expect(iceServersOf(first)).toEqual([
      { urls: CONFIGURED.urls, username: '', credential: '' },
      { urls: TURN_URLS, username: expect.stringMatching(/:visitor-1$/), credential: 'turn-1' },
    ]);
    first.hangup();
    await reach(first, 'ended');

    await expect.poll(() => fetchMock.mock.calls.length, { interval: 50 }).toBe(2);
    const second = phone.call('echo');
    await reach(second, 'active');
    expect(iceServersOf(second)[1]).toEqual({
      urls: TURN_URLS,
      username: expect.stringMatching(/:visitor-2$/),
      credential: 'turn-2',
    });
    second.hangup();
    await reach(second, 'ended');
  }, 20_000);
});
