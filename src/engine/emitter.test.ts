import { describe, expect, it, vi } from 'vitest';
import { Emitter } from './emitter';

interface Events {
  ping: { n: number };
  other: string;
}

describe('Emitter', () => {
  it('delivers payloads to the handlers of that event only', () => {
    const emitter = new Emitter<Events>();
    const pings: number[] = [];
    const others: string[] = [];
    emitter.on('ping', ({ n }) => pings.push(n));
    emitter.on('other', (s) => others.push(s));
    emitter.emit('ping', { n: 1 });
    emitter.emit('other', 'x');
    expect(pings).toEqual([1]);
    expect(others).toEqual(['x']);
  });

  it('isolates a throwing handler: the others still run, the emitter does not throw', () => {
    const emitter = new Emitter<Events>();
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: number[] = [];
    emitter.on('ping', () => {
      throw new Error('host bug');
    });
    emitter.on('ping', ({ n }) => seen.push(n));
    expect(() => emitter.emit('ping', { n: 7 })).not.toThrow();
    expect(seen).toEqual([7]);
    expect(consoleError).toHaveBeenCalledOnce();
    consoleError.mockRestore();
  });

  it('unsubscribes, also from inside a handler', () => {
    const emitter = new Emitter<Events>();
    const seen: number[] = [];
    const off = emitter.on('ping', ({ n }) => {
      seen.push(n);
      off();
    });
    emitter.emit('ping', { n: 1 });
    emitter.emit('ping', { n: 2 });
    expect(seen).toEqual([1]);
  });
});
