/**
 * The phone takes the WebSocket the script-tag core opened before the engine was in
 * (early-socket.ts), end to end inside the engine against the fake SBC.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EARLY_SOCKET_KEPT_MS, openSocketEarly, takeEarlySocket } from './early-socket';
import { FAKE_SBC_PHONE } from './test-support/fake-sbc';
import { useFakeSbc } from './test-support/fake-sbc-suite';

const [SERVER] = FAKE_SBC_PHONE.servers;

describe('a WebSocket opened early', () => {
  const fake = useFakeSbc();
  afterEach(() => {
    takeEarlySocket(SERVER!)?.close();
    vi.useRealTimers();
  });

  it('is the connection the phone uses, already open when it starts', async () => {
    openSocketEarly(SERVER!);
    await expect.poll(() => fake.sbc.connectionStates()).toEqual([WebSocket.OPEN]);
    const phone = fake.phone();
    await phone.prepare();
    expect(phone.state).toBe('connected');
    expect(fake.sbc.connectionCount).toBe(1);
    await expect.poll(() => fake.sbc.requests('OPTIONS').length).toBeGreaterThan(0);
  });

  it('is the connection the phone uses while it is still connecting', async () => {
    openSocketEarly(SERVER!);
    const phone = fake.phone();
    await phone.prepare();
    expect(phone.state).toBe('connected');
    expect(fake.sbc.connectionCount).toBe(1);
  });

  it('is left when it failed, and the phone opens its own', async () => {
    fake.sbc.refuseConnections = true;
    openSocketEarly(SERVER!);
    await expect.poll(() => fake.sbc.connectionStates()).toEqual([WebSocket.CLOSED]);
    fake.sbc.refuseConnections = false;
    const phone = fake.phone();
    await phone.prepare();
    expect(phone.state).toBe('connected');
    expect(fake.sbc.connectionCount).toBe(2);
  });

  it('is closed when no phone took it in time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    openSocketEarly(SERVER!);
    await vi.advanceTimersByTimeAsync(EARLY_SOCKET_KEPT_MS);
    expect(takeEarlySocket(SERVER!)).toBeUndefined();
  });
});
