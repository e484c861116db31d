/**
 * Availability (issue 13): the state and its wrap-up timer (fake timers), the configuration
 * checks, and a real Phone and JsSIP against the fake SBC: every REGISTER says the
 * availability, a change re-registers at once, a reconnect keeps it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AvailabilityState } from './availability';
import { validateConfig } from './config';
import { Phone } from './phone';
import { digestUser, FAKE_SBC_PHONE, FakeSbc, header } from './test-support/fake-sbc';
import { reach, record } from './test-support/waits';
import type { AvailabilityEvent, PhoneConfig, PhoneEventMap } from './types';

describe('AvailabilityState', () => {
  let events: AvailabilityEvent[];
  const make = (wrapUpSeconds: number, initial: 'available' | 'away' = 'available') =>
    new AvailabilityState(initial, wrapUpSeconds, (event) => events.push(event));

  beforeEach(() => {
    events = [];
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => vi.useRealTimers());

  it('after an answered call: wrap-up for wrapUpSeconds, then available again', () => {
    const state = make(30);
    state.callEnded();
    expect(state.value).toBe('wrap-up');
    expect(state.wrapUpEndsAt).toBe(Date.now() + 30_000);
    vi.advanceTimersByTime(29_999);
    expect(state.value).toBe('wrap-up');
    vi.advanceTimersByTime(1);
    expect(state.value).toBe('available');
    expect(state.wrapUpEndsAt).toBeUndefined();
    expect(events.map((e) => [e.availability, e.previous, e.reason])).toEqual([
      ['wrap-up', 'available', 'call-ended'],
      ['available', 'wrap-up', 'wrap-up-over'],
    ]);
    expect(events[0]?.wrapUpEndsAt).toBeGreaterThan(0);
  });

  it('the agent may end wrap-up early, or go Away, which the timer does not undo', () => {
    const early = make(30);
    early.callEnded();
    expect(early.choose('available')).toBeUndefined();
    expect(early.value).toBe('available');

    const away = make(30);
    away.callEnded();
    away.choose('away');
    vi.advanceTimersByTime(60_000);
    expect(away.value).toBe('away');
    expect(events.at(-1)).toMatchObject({
      availability: 'away',
      previous: 'wrap-up',
      reason: 'agent',
    });
  });

  it('a call ending while Away leaves the agent Away; another call restarts wrap-up', () => {
    const away = make(30, 'away');
    away.callEnded();
    expect(away.value).toBe('away');
    expect(events).toEqual([]);

    const state = make(30);
    state.callEnded();
    vi.advanceTimersByTime(20_000);
    state.callEnded();
    vi.advanceTimersByTime(20_000);
    expect(state.value).toBe('wrap-up');
    vi.advanceTimersByTime(10_000);
    expect(state.value).toBe('available');
    expect(events.map((e) => e.reason)).toEqual(['call-ended', 'call-ended', 'wrap-up-over']);
  });

  it('without wrap-up (0 s) a call ending changes nothing', () => {
    const state = make(0);
    state.callEnded();
    expect(state.value).toBe('available');
    expect(events).toEqual([]);
  });

  it('refuses what an agent cannot choose, and changes nothing', () => {
    const state = make(30);
    expect(state.choose('wrap-up')).toMatch(/starts by itself/);
    expect(state.choose('busy')).toMatch(/'available' or 'away': got 'busy'/);
    expect(state.choose(undefined)).toMatch(/got undefined/);
    expect(state.value).toBe('available');
    // The same choice again is no news.
    state.choose('available');
    expect(events).toEqual([]);
  });
});

describe('configuration', () => {
  const base = { servers: ['wss://sbc.test/ws'], domain: 'helpline.test', user: 'agent1' };
  const error = (extra: Record<string, unknown>) => {
    const result = validateConfig({ ...base, ...extra });
    return result.ok ? undefined : result.error.message;
  };

  it('defaults to available without wrap-up', () => {
    const result = validateConfig(base);
    expect(result.ok && [result.config.availability, result.config.wrapUpSeconds]).toEqual([
      'available',
      0,
    ]);
  });

  it('refuses a wrap-up that is not a whole number of seconds up to an hour', () => {
    expect(error({ wrapUpSeconds: 30 })).toBeUndefined();
    for (const bad of [-1, 1.5, 3601, '30']) {
      expect(error({ wrapUpSeconds: bad })).toMatch(/wrapUpSeconds must be a whole number/);
    }
  });

  it('starts only available or away', () => {
    expect(error({ availability: 'away' })).toBeUndefined();
    expect(error({ availability: 'wrap-up' })).toMatch(/starts by itself/);
    expect(error({ availability: 'lunch' })).toMatch(/got 'lunch'/);
  });
});

describe('a registering phone', () => {
  let sbc: FakeSbc;
  const phones: Phone[] = [];

  beforeEach(() => {
    sbc = new FakeSbc();
    vi.stubGlobal('WebSocket', sbc.webSocketClass());
  });
  afterEach(async () => {
    await Promise.all(phones.splice(0).map((phone) => phone.stop()));
    sbc.close();
    vi.unstubAllGlobals();
  });

  function makePhone(config: Partial<PhoneConfig>): Phone {
    const phone = new Phone({
      ...FAKE_SBC_PHONE,
      user: 'agent1',
      password: 'pw',
      register: true,
      ...config,
    });
    phones.push(phone);
    return phone;
  }

  /** The availability each signed REGISTER said, in order (the challenged ones repeat). */
  const said = () =>
    sbc
      .requests('REGISTER')
      .filter((m) => digestUser(m) !== undefined)
      .map((m) => /;availability=([a-z-]+)/.exec(header(m, 'contact'))?.[1]);

  it('says its availability in every REGISTER: the first, after a change, after a reconnect', async () => {
    const phone = makePhone({ availability: 'away' });
    const events = record<PhoneEventMap, 'availability'>(phone.on.bind(phone), 'availability');
    await phone.start();
    expect(phone.state).toBe('registered');
    expect(phone.availability).toBe('away');
    expect(said()).toEqual(['away']);

    phone.setAvailability('available');
    await expect.poll(said, { interval: 20 }).toEqual(['away', 'available']);
    expect(events.map((e) => [e.availability, e.reason])).toEqual([['available', 'agent']]);

    phone.setAvailability('away');
    await expect.poll(said, { interval: 20 }).toEqual(['away', 'available', 'away']);
    sbc.dropConnections();
    await expect.poll(() => phone.state, { interval: 20 }).not.toBe('registered');
    await expect.poll(() => phone.state, { interval: 20 }).toBe('registered');
    expect(said()).toEqual(['away', 'available', 'away', 'away']);
  });

  it('a change while a REGISTER is in flight goes in one more REGISTER', async () => {
    const phone = makePhone({});
    // The moment the SBC has the first REGISTER, before it answers: JsSIP's is in flight.
    const push = sbc.received.push.bind(sbc.received);
    sbc.received.push = (...messages) => {
      if (messages.some((m) => m.method === 'REGISTER') && phone.availability === 'available') {
        phone.setAvailability('away');
      }
      return push(...messages);
    };
    await phone.start();
    await expect.poll(said, { interval: 20 }).toEqual(['available', 'away']);
    expect(phone.state).toBe('registered');
  });

  it('is in wrap-up after an answered call, and available again after wrapUpSeconds', async () => {
    const phone = makePhone({ wrapUpSeconds: 1 });
    const events = record<PhoneEventMap, 'availability'>(phone.on.bind(phone), 'availability');
    await phone.start();
    const call = phone.call('echo');
    await reach(call, 'active');
    call.hangup();
    await reach(call, 'ended');
    await expect.poll(() => phone.availability, { interval: 20 }).toBe('wrap-up');
    expect(phone.wrapUpEndsAt).toBeGreaterThan(Date.now());
    await expect.poll(() => phone.availability, { interval: 20 }).toBe('available');
    await expect.poll(said, { interval: 20 }).toEqual(['available', 'wrap-up', 'available']);
    expect(events.map((e) => e.reason)).toEqual(['call-ended', 'wrap-up-over']);
  });

  it('refuses an unknown availability with an error, and sends nothing', async () => {
    const phone = makePhone({});
    const errors = record<PhoneEventMap, 'error'>(phone.on.bind(phone), 'error');
    await phone.start();
    phone.setAvailability('lunch' as 'away');
    expect(errors.map((e) => e.code)).toEqual(['config-invalid']);
    expect(phone.availability).toBe('available');
    expect(said()).toEqual(['available']);
  });
});
