import { afterEach, describe, expect, it, vi } from 'vitest';
import { Phone } from './phone';
import { FAKE_SBC_PHONE, FakeSbc, header } from './test-support/fake-sbc';
import { reach, record } from './test-support/waits';
import type {
  CallEventMap,
  CallHandle,
  PhoneConfig,
  PhoneError,
  PhoneEventMap,
  RegistrationState,
} from './types';

// Nothing listens on port 9 (discard) inside the test's network namespace: connections
// are refused at once, which is what a dead server looks like to the browser.
const UNREACHABLE = { servers: ['wss://127.0.0.1:9'], domain: 'helpline.test', user: 'agent1' };

function nextEvent<M, K extends keyof M>(
  subscribe: (event: K, handler: (payload: M[K]) => void) => () => void,
  event: K,
  accept: (payload: M[K]) => boolean = () => true,
): Promise<M[K]> {
  return new Promise((resolve) => {
    const off = subscribe(event, (payload) => {
      if (!accept(payload)) return;
      off();
      resolve(payload);
    });
  });
}

const phones: Phone[] = [];
function makePhone(config: unknown): Phone {
  const phone = new Phone(config as ConstructorParameters<typeof Phone>[0]);
  phones.push(phone);
  return phone;
}

afterEach(async () => {
  await Promise.all(phones.splice(0).map((phone) => phone.stop()));
});

describe('Phone without a reachable server', () => {
  it('goes to reconnecting with a connection error, and stop() ends it cleanly', async () => {
    const phone = makePhone(UNREACHABLE);
    const states: RegistrationState[] = [];
    phone.on('registration', ({ state }) => states.push(state));
    const error = nextEvent<PhoneEventMap, 'error'>(phone.on.bind(phone), 'error');

    await phone.start();

    expect(phone.state).toBe('reconnecting');
    expect(states.slice(0, 2)).toEqual(['connecting', 'reconnecting']);
    const reported: PhoneError = await error;
    expect(reported.code).toBe('connection-failed');
    expect(reported.message).toContain('wss://127.0.0.1:9');

    await phone.stop();
    expect(phone.state).toBe('unregistered');
    const after = states.length;
    // A stopped phone must not keep reconnecting: no state change within a backoff period.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(states.length).toBe(after);
  });

  it('tries the servers in the configured order, again and again', async () => {
    const phone = makePhone({
      ...UNREACHABLE,
      servers: ['wss://127.0.0.1:9', 'wss://127.0.0.1:7'],
    });
    const urls: string[] = [];
    const twoRounds = new Promise<void>((resolve) => {
      phone.on('registration', ({ error }) => {
        const url = /wss:\/\/127\.0\.0\.1:\d+/.exec(error?.message ?? '')?.[0];
        if (url) urls.push(url);
        if (urls.length === 3) resolve();
      });
    });
    await phone.start();
    await twoRounds;
    expect(urls).toEqual(['wss://127.0.0.1:9', 'wss://127.0.0.1:7', 'wss://127.0.0.1:9']);
    expect(phone.state).toBe('reconnecting');
  });

  it('ends a call with a clear cause instead of throwing', async () => {
    const phone = makePhone({ ...UNREACHABLE, register: false });
    const call = phone.call('ivr');
    expect(call.state).toBe('connecting');
    expect(phone.calls).toEqual([call]);

    const ended = await nextEvent<CallEventMap, 'ended'>(call.on.bind(call), 'ended');

    expect(ended.cause).toBe('connection-lost');
    expect(ended.message).toMatch(/connection/i);
    expect(call.state).toBe('ended');
    expect(call.endCause).toBe('connection-lost');
    expect(phone.calls).toEqual([]);
  });

  it('ends a call to an invalid target with a message naming it', async () => {
    const phone = makePhone({ ...UNREACHABLE, register: false });
    const call = phone.call('not a number');
    const ended = await nextEvent<CallEventMap, 'ended'>(call.on.bind(call), 'ended');
    expect(ended.cause).toBe('failed');
    expect(ended.message).toContain("'not a number'");
  });

  it('cancels a call hung up before it reached the server', async () => {
    const phone = makePhone({ ...UNREACHABLE, register: false });
    const call = phone.call('ivr');
    const ended = nextEvent<CallEventMap, 'ended'>(call.on.bind(call), 'ended');
    call.hangup();
    expect((await ended).cause).toBe('canceled');
    expect(phone.calls).toEqual([]);
  });
});

describe('Phone with an invalid configuration', () => {
  it("is 'failed' with config-invalid, and never throws", async () => {
    const phone = makePhone({ servers: ['http://x'], domain: 'helpline.test', user: 'a' });
    expect(phone.state).toBe('failed');
    expect(phone.lastError?.code).toBe('config-invalid');
    expect(phone.lastError?.message).toBe("server must start with wss://: got 'http://x'");

    await phone.start();
    await phone.prepare();
    expect(phone.state).toBe('failed');

    const call = phone.call('ivr');
    const ended = await nextEvent<CallEventMap, 'ended'>(call.on.bind(call), 'ended');
    expect(ended.cause).toBe('failed');
    expect(ended.message).toContain('not configured');
  });

  it('reports the config error to handlers subscribed right after construction', async () => {
    const phone = makePhone({ domain: 'helpline.test' });
    const error = await nextEvent<PhoneEventMap, 'error'>(phone.on.bind(phone), 'error');
    expect(error.code).toBe('config-invalid');
    expect(error.message).toMatch(/servers/);
  });
});

/**
 * Registration and incoming calls against the fake SBC (test-support/fake-sbc.ts): a real
 * JsSIP UA over the engine's own socket, the SBC calling the agent as the media farm does.
 */
describe('Phone against the SBC', () => {
  let sbc: FakeSbc;

  function agent(): Phone {
    sbc = new FakeSbc();
    vi.stubGlobal('WebSocket', sbc.webSocketClass());
    return makePhone({ ...FAKE_SBC_PHONE, user: 'agent1', password: 'pw', register: true });
  }

  /** A visitor's phone (`register: false`, as FAKE_SBC_PHONE has it). */
  function visitor(config: Partial<PhoneConfig> = {}): Phone {
    sbc = new FakeSbc();
    vi.stubGlobal('WebSocket', sbc.webSocketClass());
    return makePhone({ ...FAKE_SBC_PHONE, user: 'visitor-1', password: 'pw', ...config });
  }

  /** A registered agent with the SBC's call ringing; the call and its final status. */
  async function ringing(): Promise<{ phone: Phone; call: CallHandle; final: Promise<number> }> {
    const phone = agent();
    await phone.start();
    const incoming = nextEvent<PhoneEventMap, 'incoming'>(phone.on.bind(phone), 'incoming');
    const { final } = await sbc.ring('agent1');
    const { call } = await incoming;
    return { phone, call, final };
  }

  afterEach(async () => {
    await Promise.all(phones.splice(0).map((phone) => phone.stop()));
    sbc.close();
    vi.unstubAllGlobals();
  });

  it('registers an agent: connecting, registering, registered', async () => {
    const phone = agent();
    const states = record<PhoneEventMap, 'registration'>(phone.on.bind(phone), 'registration');
    await phone.start();
    expect(states.map(({ state }) => state)).toEqual(['connecting', 'registering', 'registered']);
    expect(sbc.requests('REGISTER').map((m) => header(m, 'to'))).toContain(
      '<sip:agent1@helpline.test>',
    );
  });

  it('connects a visitor without registering: connecting, connected (never registered)', async () => {
    const phone = visitor();
    const states = record<PhoneEventMap, 'registration'>(phone.on.bind(phone), 'registration');
    await phone.start();
    expect(states.map(({ state }) => state)).toEqual(['connecting', 'connected']);
    expect(phone.state).toBe('connected');
    expect(sbc.requests('REGISTER')).toEqual([]);
  });

  it("places a visitor's call from connected, as the button does: prepare, then call", async () => {
    const phone = visitor();
    await phone.prepare();
    expect(phone.state).toBe('connected');
    const call = phone.call('echo');
    await reach(call, 'active');
    expect(header(sbc.requests('INVITE').at(-1)!, 'to')).toBe('<sip:echo@helpline.test>');
    expect(phone.state).toBe('connected');
    call.hangup();
    await reach(call, 'ended');
    expect(sbc.requests('REGISTER')).toEqual([]);
  });

  it('a visitor whose connection dropped: reconnecting, then connected again, still no REGISTER', async () => {
    // A keepalive answer tells the region once the connection is back (see phone.ts).
    const phone = visitor({ keepaliveIntervalMs: 60_000 });
    await phone.start();
    const states = record<PhoneEventMap, 'registration'>(phone.on.bind(phone), 'registration');
    const connection = record<PhoneEventMap, 'connection'>(phone.on.bind(phone), 'connection');
    sbc.dropConnections();
    await expect.poll(() => connection.length, { interval: 50 }).toBe(2);
    // `connected` counted as up: the drop is told (and calls would wait for the line).
    expect(connection.map(({ state }) => state)).toEqual(['reconnecting', 'recovered']);
    expect(connection[1]).toMatchObject({ region: 'test' });
    expect(phone.state).toBe('connected');
    expect(new Set(states.map(({ state }) => state))).toEqual(
      new Set(['reconnecting', 'connected']),
    );
    expect(states.at(-1)?.state).toBe('connected');
    expect(sbc.requests('REGISTER')).toEqual([]);
  });

  it('a REGISTER refused for its credentials: failed (auth-rejected), not retried', async () => {
    const phone = agent();
    sbc.refuseRegister = 403;
    await phone.start();
    expect(phone.state).toBe('failed');
    expect(phone.lastError).toEqual({
      code: 'auth-rejected',
      message: 'The phone service rejected the credentials (SIP 403).',
    });
    const signed = sbc.requests('REGISTER').filter((m) => header(m, 'authorization'));
    expect(signed).toHaveLength(1);
  });

  it('a REGISTER refused by an unwell server: reconnecting, then registered on retry', async () => {
    const phone = agent();
    sbc.refuseRegister = 503;
    await phone.start();
    expect(phone.state).toBe('reconnecting');
    expect(phone.lastError?.message).toMatch(
      /^Registration failed \(SIP 503\); retrying in \d s\.$/,
    );
    sbc.refuseRegister = undefined;
    await expect.poll(() => phone.state, { interval: 50 }).toBe('registered');
  });

  it('rings an agent; answered, the call is active; hung up, the SBC gets the BYE', async () => {
    const { call, final } = await ringing();
    expect(call.direction).toBe('incoming');
    expect(call.state).toBe('ringing');
    expect(call.remote.user).toBe('caller');

    await call.answer();
    expect(await final).toBe(200);
    await reach(call, 'active');

    call.hangup();
    await reach(call, 'ended');
    expect(call.endCause).toBe('hangup-local');
    expect(sbc.requests('BYE')).toHaveLength(1);
  });

  it('a call rejected by the agent ends declined (603)', async () => {
    const { call, final } = await ringing();
    call.reject();
    expect(await final).toBe(603);
    expect(call.endCause).toBe('declined');
  });

  it('a second call while one is up gets 486 Busy Here', async () => {
    const { phone, call } = await ringing();
    const calls = record<PhoneEventMap, 'call'>(phone.on.bind(phone), 'call');
    const second = await sbc.ring('agent1');
    expect(await second.final).toBe(486);
    expect(calls).toEqual([]);
    expect(phone.calls).toEqual([call]);
  });
});
