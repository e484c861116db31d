/**
 * A visitor's connection proves its credentials before the first call (connection-proof.ts),
 * end to end inside the engine: a real Phone, JsSIP and WebRTC against the fake SBC, which
 * binds a connection to the credentials that answered a challenge on it, as Kamailio does
 * (test-support/fake-sbc.ts `bindConnections`).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Phone } from './phone';
import { serveVisitorCredentials } from './test-support/fake-credentials';
import { digestUser, header, type SipMessage, uriUser } from './test-support/fake-sbc';
import { useFakeSbc } from './test-support/fake-sbc-suite';
import { reach } from './test-support/waits';

const DOMAIN = 'helpline.test';

describe('a visitor that connects before its call', () => {
  const fake = useFakeSbc();
  beforeEach(() => {
    fake.sbc.bindConnections = true;
  });

  /** The proof's OPTIONS (not the keepalive's): the Request-URI and its digest user. */
  const proofs = () =>
    fake.sbc
      .requests('OPTIONS')
      .map((m: SipMessage) => ({ to: m.raw.split(' ')[1], signed: digestUser(m) }));

  /** The signed proofs so far (each one answered 200 by the fake SBC, which binds it). */
  const signedProofs = () => proofs().filter((proof) => proof.signed !== undefined).length;

  /** The INVITEs of the phone's last call: more than one means it was challenged. */
  const lastCallInvites = () => {
    const callId = fake.sbc.lastCallId();
    return fake.sbc
      .requests('INVITE')
      .filter((m) => header(m, 'call-id') === callId && !/;\s*tag=/.test(header(m, 'to')));
  };

  async function echoCall(phone: Phone): Promise<void> {
    const call = phone.call('echo');
    await reach(call, 'active');
    call.hangup();
    await reach(call, 'ended');
  }

  it('proves its credentials as prepare() connects: the first call goes out once, unchallenged', async () => {
    const phone = fake.phone();
    await phone.prepare();
    expect(phone.state).toBe('connected');
    await expect.poll(signedProofs).toBe(1);
    // Challenged unsigned, then signed: an OPTIONS to the visitor's own address.
    expect(proofs()).toEqual([
      { to: `sip:visitor-1@${DOMAIN}`, signed: undefined },
      { to: `sip:visitor-1@${DOMAIN}`, signed: 'visitor-1' },
    ]);

    await echoCall(phone);
    const invites = lastCallInvites();
    expect(invites).toHaveLength(1);
    expect(digestUser(invites[0]!)).toBeUndefined();
    expect(uriUser(header(invites[0]!, 'from'))).toBe('visitor-1');
  });

  it('proves again on a new connection after a drop', async () => {
    const phone = fake.phone();
    await phone.prepare();
    await expect.poll(signedProofs).toBe(1);

    fake.sbc.dropConnections();
    await expect.poll(() => phone.state).toBe('reconnecting');
    await expect.poll(() => phone.state).toBe('connected');
    await expect.poll(signedProofs).toBe(2);

    await echoCall(phone);
    expect(lastCallInvites()).toHaveLength(1);
  });

  it('sends no proof when it registers: the REGISTER proves the connection', async () => {
    const phone = fake.phone({ user: 'agent1', register: true });
    await phone.start();
    expect(phone.state).toBe('registered');
    await echoCall(phone);
    expect(proofs()).toEqual([]);
    expect(lastCallInvites()).toHaveLength(1);
  });

  it('lets refreshed credentials of another identity bind on their first call, challenged as before', async () => {
    const credentials = serveVisitorCredentials(600, DOMAIN);
    const phone = fake.phone({ credentialsUrl: 'https://credentials.test/credentials/visitor' });
    await phone.prepare();
    await expect.poll(signedProofs).toBe(1);
    await echoCall(phone);
    expect(lastCallInvites()).toHaveLength(1);

    // visitor-2 now: the connection is bound to visitor-1, so its first INVITE is
    // challenged and signed, and binds the connection to visitor-2.
    await phone.refreshCredentials();
    await echoCall(phone);
    const challenged = lastCallInvites();
    expect(challenged.map((m) => [uriUser(header(m, 'from')), digestUser(m)])).toEqual([
      ['visitor-2', undefined],
      ['visitor-2', credentials.minted[1]],
    ]);

    await echoCall(phone);
    const invites = lastCallInvites();
    expect(invites).toHaveLength(1);
    expect(uriUser(header(invites[0]!, 'from'))).toBe('visitor-2');
    // The refresh sent no proof of its own.
    expect(signedProofs()).toBe(1);
  });

  it('changes nothing for an SBC that does not bind connections: every call is challenged', async () => {
    fake.sbc.bindConnections = false;
    const phone = fake.phone();
    await phone.prepare();
    await expect.poll(signedProofs).toBe(1);
    await echoCall(phone);
    expect(lastCallInvites().map(digestUser)).toEqual([undefined, 'visitor-1']);
  });
});
