import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterNextPaint } from './after-next-paint.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('afterNextPaint', () => {
  it('resolves after the next frame’s animation callbacks', async () => {
    const order: string[] = [];
    requestAnimationFrame(() => order.push('frame'));
    await afterNextPaint();
    order.push('after paint');
    expect(order).toEqual(['frame', 'after paint']);
  });

  it('resolves when the page is hidden before its next frame, which then never comes', async () => {
    vi.stubGlobal('requestAnimationFrame', () => 0);
    let resolved = false;
    const waiting = afterNextPaint().then(() => {
      resolved = true;
    });
    await Promise.resolve();
    expect(resolved).toBe(false);
    // The visitor switched tabs: the page goes hidden, and paints nothing until shown again.
    document.dispatchEvent(new Event('visibilitychange'));
    await waiting;
    expect(resolved).toBe(true);
  });
});
