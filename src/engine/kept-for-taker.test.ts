import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KeptForTaker } from './kept-for-taker';

describe('KeptForTaker', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('hands a kept value to its taker once, and never releases it after', () => {
    const release = vi.fn();
    const kept = new KeptForTaker<string, string>(100, release);
    kept.keep('a', 'value');
    expect(kept.has('a')).toBe(true);
    expect(kept.take('a')).toBe('value');
    expect(kept.take('a')).toBeUndefined();
    vi.advanceTimersByTime(1000);
    expect(release).not.toHaveBeenCalled();
  });

  it('releases a value nobody took once the kept time is over', () => {
    const release = vi.fn();
    const kept = new KeptForTaker<string, string>(100, release);
    kept.keep('a', 'value');
    vi.advanceTimersByTime(99);
    expect(release).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(release).toHaveBeenCalledWith('value');
    expect(kept.take('a')).toBeUndefined();
  });

  it('releases at once when dropped, and a value kept again replaces (and releases) the old', () => {
    const release = vi.fn();
    const kept = new KeptForTaker<string, string>(100, release);
    kept.keep('a', 'first');
    kept.keep('a', 'second');
    expect(release).toHaveBeenCalledWith('first');
    kept.drop('a');
    expect(release).toHaveBeenCalledWith('second');
    kept.drop('a');
    vi.advanceTimersByTime(1000);
    expect(release).toHaveBeenCalledTimes(2);
  });

  it('keeps each key on its own', () => {
    const kept = new KeptForTaker<string, string>(100, () => undefined);
    kept.keep('a', 'for a');
    kept.keep('b', 'for b');
    expect(kept.take('b')).toBe('for b');
    expect(kept.take('a')).toBe('for a');
  });
});
