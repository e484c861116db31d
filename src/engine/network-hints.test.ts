/**
 * The browser's online/offline events (network-hints.ts), alone and in a phone on the fake
 * SBC: each makes the phone check its connection at once (a keepalive OPTIONS now, not at
 * the next keepalive interval).
 */
import { describe, expect, it, vi } from 'vitest';
import { onNetworkChange } from './network-hints';
import { header } from './test-support/fake-sbc';
import { useFakeSbc } from './test-support/fake-sbc-suite';
import { reach } from './test-support/waits';

describe('onNetworkChange', () => {
  it('calls online and offline, and no more once removed', () => {
    const page = new EventTarget();
    const hints = { online: vi.fn(), offline: vi.fn() };
    const remove = onNetworkChange(hints, page);
    page.dispatchEvent(new Event('offline'));
    page.dispatchEvent(new Event('online'));
    expect(hints.offline).toHaveBeenCalledOnce();
    expect(hints.online).toHaveBeenCalledOnce();
    remove();
    page.dispatchEvent(new Event('online'));
    expect(hints.online).toHaveBeenCalledOnce();
  });
});

describe('a phone and the page', () => {
  const fake = useFakeSbc();
  const keepalives = () =>
    fake.sbc.received.filter(
      (m) => m.method === 'OPTIONS' && header(m, 'call-id').startsWith('keepalive-'),
    ).length;

  it('checks its connection at once when the browser goes offline or comes back online', async () => {
    // A keepalive interval far longer than the test: any OPTIONS comes from the events.
    const phone = fake.phone({ user: 'agent1', register: true, keepaliveIntervalMs: 600_000 });
    await phone.start();
    const before = keepalives();

    window.dispatchEvent(new Event('offline'));
    await expect.poll(keepalives).toBe(before + 1);
    window.dispatchEvent(new Event('online'));
    await expect.poll(keepalives).toBe(before + 2);
    expect(phone.state).toBe('registered');
  });

  it('asks before the page goes while a call is up, unless confirmPageExit is false', async () => {
    const leave = () => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    };
    const phone = fake.phone();
    const call = phone.call('echo');
    await reach(call, 'active');
    expect(leave()).toBe(true);
    call.hangup();
    await reach(call, 'ended');
    expect(leave()).toBe(false);

    const relaxed = fake.phone({ user: 'visitor-2', confirmPageExit: false });
    const other = relaxed.call('echo');
    await reach(other, 'active');
    expect(leave()).toBe(false);
  });
});
