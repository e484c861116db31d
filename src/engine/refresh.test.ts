/**
 * Credentials refresh end to end inside the engine: a real Phone, JsSIP and WebRTC, against
 * a fake SBC that checks identities like Kamailio's auth_ephemeral (test-support/fake-sbc.ts)
 * and a fake credentials service that mints a new visitor on every fetch, like
 * backend/credentials/server.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Phone } from './phone';
import { serveVisitorCredentials } from './test-support/fake-credentials';
import {
  digestUser,
  FAKE_SBC_PHONE,
  FakeSbc,
  header,
  type SipMessage,
  uriUser,
} from './test-support/fake-sbc';
import { reach } from './test-support/waits';
import type {
  CallHandle,
  CallState,
  CredentialsEvent,
  PhoneConfig,
  RegistrationState,
} from './types';

const DOMAIN = 'helpline.test';
const CREDENTIALS_URL = 'https://credentials.test/credentials/visitor?session=s3cret';

let sbc: FakeSbc;
/** User names handed out, in order. */
let minted: string[];
const phones: Phone[] = [];

/** The fake credentials service: `user` (or a new visitor each time), `lifetimeS` long. */
function serveCredentials(lifetimeS: number, user?: string) {
  const served = serveVisitorCredentials(lifetimeS, DOMAIN, user ? { user } : {});
  minted = served.minted;
  return served.fetch;
}

function makePhone(config: Partial<PhoneConfig>): Phone {
  const phone = new Phone({
    ...FAKE_SBC_PHONE,
    domain: DOMAIN,
    credentialsUrl: CREDENTIALS_URL,
    ...config,
  });
  phones.push(phone);
  return phone;
}

/** Every state the call went through, recorded from its creation. */
function states(call: CallHandle): CallState[] {
  const seen: CallState[] = [call.state];
  call.on('state', ({ state }) => seen.push(state));
  return seen;
}

async function hangUp(call: CallHandle): Promise<void> {
  call.hangup();
  await reach(call, 'ended');
}

/** INVITEs that carried credentials (the ones Kamailio checks), out of dialog. */
function authenticatedInvites(): SipMessage[] {
  return sbc
    .requests('INVITE')
    .filter((m) => digestUser(m) !== undefined && !/;\s*tag=/.test(header(m, 'to')));
}

function userOf(username: string | undefined): string {
  return /^\d+:(.+)$/.exec(username ?? '')?.[1] ?? '';
}

beforeEach(() => {
  sbc = new FakeSbc();
  minted = [];
  vi.stubGlobal('WebSocket', sbc.webSocketClass());
});

afterEach(async () => {
  await Promise.all(phones.splice(0).map((phone) => phone.stop()));
  sbc.close();
  vi.unstubAllGlobals();
});

describe('a visitor whose credentials were refreshed', () => {
  it('calls as the identity of the new credentials (scheduled refresh)', async () => {
    // 6 s credentials: refreshed after 5 s (the engine's shortest refresh delay).
    const fetchMock = serveCredentials(6);
    const phone = makePhone({});
    const refreshes: CredentialsEvent[] = [];
    phone.on('credentials', (event) => refreshes.push(event));

    const first = phone.call('echo');
    await reach(first, 'active');
    await hangUp(first);
    await expect.poll(() => fetchMock.mock.calls.length, { interval: 50 }).toBe(2);
    sbc.stale.add(minted[0]!);

    const second = phone.call('echo');
    const seen = states(second);
    await reach(second, 'active');
    expect(seen).not.toContain('ended');
    const invites = authenticatedInvites();
    expect(invites.map((m) => uriUser(header(m, 'from')))).toEqual(['visitor-1', 'visitor-2']);
    expect(invites.map((m) => userOf(digestUser(m)))).toEqual(['visitor-1', 'visitor-2']);
    expect(refreshes.map((r) => [r.reason, r.uri])).toEqual([
      ['initial', `sip:visitor-1@${DOMAIN}`],
      ['refresh', `sip:visitor-2@${DOMAIN}`],
    ]);
  }, 15_000);

  it('keeps a call in progress as it was: its re-INVITE and BYE keep their From', async () => {
    serveCredentials(600);
    const phone = makePhone({});
    const uris: string[] = [];
    phone.on('credentials', ({ uri }) => uris.push(uri));
    // As after a reconnect: the SBC challenges the call's in-dialog requests.
    sbc.challengeInDialog = true;
    const call = phone.call('echo');
    const seen = states(call);
    await reach(call, 'active');
    await phone.refreshCredentials();
    expect(minted).toHaveLength(2);

    await call.setHold(true);
    expect(call.hold).toBe('local');
    await call.setHold(false);
    expect(call.hold).toBe('none');
    // The call's identity stays in use until it ends, then the new one takes over.
    expect(uris).toEqual([`sip:visitor-1@${DOMAIN}`]);
    await hangUp(call);
    expect(uris).toEqual([`sip:visitor-1@${DOMAIN}`, `sip:visitor-2@${DOMAIN}`]);

    expect(seen).toEqual(['connecting', 'active', 'on-hold', 'active', 'ended']);
    expect(call.endCause).toBe('hangup-local');
    const inDialog = sbc.received.filter(
      (m) => m.method !== 'ACK' && /;\s*tag=/.test(header(m, 'to')) && digestUser(m),
    );
    expect(inDialog.map((m) => m.method)).toEqual(['INVITE', 'INVITE', 'BYE']);
    for (const request of inDialog) {
      expect(uriUser(header(request, 'from'))).toBe('visitor-1');
      expect(digestUser(request)).toBe(minted[0]);
    }
    // No new call went out because of the refresh; the next one is the new identity.
    expect(authenticatedInvites()).toHaveLength(1);
    sbc.challengeInDialog = false;
    const next = phone.call('echo');
    await reach(next, 'active');
    expect(uriUser(header(authenticatedInvites()[1]!, 'from'))).toBe('visitor-2');
  });

  it('sends the next call with matching identity and credentials right after a refresh', async () => {
    serveCredentials(600);
    const phone = makePhone({});
    await phone.prepare();
    await phone.refreshCredentials();
    await phone.refreshCredentials();

    const call = phone.call('echo');
    await reach(call, 'active');
    const [invite] = authenticatedInvites();
    expect(uriUser(header(invite!, 'from'))).toBe('visitor-3');
    expect(digestUser(invite!)).toBe(minted[2]);
  });
});

describe('a call refused for its credentials', () => {
  it.each([
    ['expired (challenged again: 407)', 'stale'],
    ['not matching the identity (403)', 'mismatch'],
  ])('is sent again once with fresh ones, unnoticed by the UI: %s', async (_, how) => {
    const fetchMock = serveCredentials(600);
    const phone = makePhone({});
    await phone.prepare();
    if (how === 'stale') sbc.stale.add(minted[0]!);
    else {
      // The first INVITE only: a retry must not race a test that clears the refusal.
      sbc.refuseAllInvites = 403;
      sbc.invitesToRefuse = 1;
    }

    const call = phone.call('echo');
    const seen = states(call);
    const ended = vi.fn();
    call.on('ended', ended);
    await reach(call, 'active');

    expect(seen).toEqual(['connecting', 'active']);
    expect(ended).not.toHaveBeenCalled();
    expect(fetchMock).toHaveBeenCalledTimes(2);
    const invites = authenticatedInvites();
    expect(invites.map((m) => userOf(digestUser(m)))).toEqual(['visitor-1', 'visitor-2']);
    expect(uriUser(header(invites[1]!, 'from'))).toBe('visitor-2');
    // The retry is a new call (new Call-ID), the refused one is over.
    expect(header(invites[0]!, 'call-id')).not.toBe(header(invites[1]!, 'call-id'));
    await hangUp(call);
    expect(call.endCause).toBe('hangup-local');
  });

  it.each([403, 407] as const)('is sent again only once: a second %i ends it', async (status) => {
    const fetchMock = serveCredentials(600);
    const phone = makePhone({});
    sbc.refuseAllInvites = status;

    const call = phone.call('echo');
    const ended = new Promise<{ cause: string; sipStatus?: number }>((resolve) =>
      call.on('ended', resolve),
    );
    expect(await ended).toMatchObject({ cause: 'forbidden', sipStatus: status });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(authenticatedInvites()).toHaveLength(2);
  });

  it('is not sent again with static credentials (nothing fresher to get)', async () => {
    vi.stubGlobal('fetch', vi.fn());
    const phone = makePhone({ credentialsUrl: undefined, user: 'agent1', password: 'pw' });
    sbc.refuseAllInvites = 403;
    const call = phone.call('echo');
    await reach(call, 'ended');
    expect(call.endCause).toBe('forbidden');
    expect(authenticatedInvites()).toHaveLength(1);
  });

  it('hung up while fresh credentials are fetched: ends canceled, nothing sent again', async () => {
    serveCredentials(600);
    const phone = makePhone({});
    await phone.prepare();
    sbc.refuseAllInvites = 403;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const original = globalThis.fetch;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (...args: Parameters<typeof fetch>) => {
        await gate;
        return original(...args);
      }),
    );
    const call = phone.call('echo');
    await expect.poll(() => authenticatedInvites().length, { interval: 20 }).toBe(1);
    call.hangup();
    release();
    await reach(call, 'ended');
    expect(call.endCause).toBe('canceled');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(authenticatedInvites()).toHaveLength(1);
  });
});

describe('the end-of-call report', () => {
  it('names the server without its query string', async () => {
    serveCredentials(600);
    const phone = makePhone({ servers: ['wss://sbc.test/ws?token=s3cret'] });
    const call = phone.call('echo');
    await reach(call, 'active');
    await hangUp(call);
    expect(call.quality.report?.server).toBe('wss://sbc.test/ws');
  });
});

describe('an agent registering', () => {
  it('sends one REGISTER per connect, the first time and after a reconnect', async () => {
    serveCredentials(600, 'agent1');
    const phone = makePhone({ register: true });
    const registration: RegistrationState[] = [];
    phone.on('registration', ({ state }) => registration.push(state));
    await phone.start();
    expect(phone.state).toBe('registered');
    const unsigned = () => sbc.requests('REGISTER').filter((m) => !digestUser(m)).length;
    expect(unsigned()).toBe(1);

    sbc.dropConnections();
    await expect.poll(() => phone.state, { interval: 20 }).not.toBe('registered');
    await expect.poll(() => phone.state, { interval: 20 }).toBe('registered');
    expect(unsigned()).toBe(2);
    // `connected` is for phones that do not register: an agent goes through `registering`.
    expect(registration).not.toContain('connected');
  });
});

describe('a registered agent whose credentials were refreshed', () => {
  it('re-registers with each new credential at once and stays registered', async () => {
    serveCredentials(600, 'agent1');
    const phone = makePhone({ register: true });
    const registration: string[] = [];
    phone.on('registration', ({ state }) => registration.push(state));
    await phone.start();
    expect(phone.state).toBe('registered');

    const signedBy = () =>
      sbc
        .requests('REGISTER')
        .map(digestUser)
        .filter((username) => username !== undefined);
    const initial = signedBy().length;
    expect(new Set(signedBy())).toEqual(new Set([minted[0]]));

    for (const refresh of [1, 2]) {
      await phone.refreshCredentials();
      // One REGISTER challenged, then signed with the new credentials.
      await expect.poll(() => signedBy().length, { interval: 20 }).toBe(initial + refresh);
      expect(signedBy().at(-1)).toBe(minted[refresh]);
    }
    for (const request of sbc.requests('REGISTER')) {
      expect(uriUser(header(request, 'from'))).toBe('agent1');
      expect(uriUser(header(request, 'to'))).toBe('agent1');
    }
    // Re-registering is invisible: no `registering` between the refreshes.
    expect(registration).toEqual(['connecting', 'registering', 'registered']);
    expect(phone.state).toBe('registered');
  });
});
