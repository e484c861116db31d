import { describe, expect, it, vi } from 'vitest';
import { onLeaveAttempt, onPageExit } from './page-exit';

describe('onPageExit', () => {
  it('runs the handler on pagehide, and no more once removed', () => {
    const page = new EventTarget();
    const leave = vi.fn();
    const remove = onPageExit(leave, page);
    page.dispatchEvent(new Event('beforeunload'));
    expect(leave).not.toHaveBeenCalled();
    page.dispatchEvent(new Event('pagehide'));
    expect(leave).toHaveBeenCalledTimes(1);
    remove();
    page.dispatchEvent(new Event('pagehide'));
    expect(leave).toHaveBeenCalledTimes(1);
  });

  it('never throws into the page as it goes', () => {
    const page = new EventTarget();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    onPageExit(() => {
      throw new Error('boom');
    }, page);
    expect(() => page.dispatchEvent(new Event('pagehide'))).not.toThrow();
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });

  it('hooks the window by default', () => {
    const leave = vi.fn();
    const remove = onPageExit(leave);
    window.dispatchEvent(new Event('pagehide'));
    remove();
    expect(leave).toHaveBeenCalledTimes(1);
  });
});

describe('onLeaveAttempt', () => {
  const attempt = (page: EventTarget): Event => {
    const event = new Event('beforeunload', { cancelable: true });
    page.dispatchEvent(event);
    return event;
  };

  it('asks (cancels beforeunload) only while in a call, and no more once removed', () => {
    const page = new EventTarget();
    let inCall = false;
    const remove = onLeaveAttempt(() => inCall, page);
    expect(attempt(page).defaultPrevented).toBe(false);
    inCall = true;
    expect(attempt(page).defaultPrevented).toBe(true);
    remove();
    expect(attempt(page).defaultPrevented).toBe(false);
  });
});
