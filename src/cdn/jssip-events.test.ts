/**
 * The stand-in for the `events` package (jssip-events.cjs) against the package itself:
 * the same scripts of `on`, `once`, `emit`, `removeListener` and `listeners` (what JsSIP and
 * the engine use) leave the same trace on both.
 */

// The package as JsSIP's other builds load it: CommonJS, evaluated as the stand-in is.
import packageSource from 'events/events.js?raw';
import { describe, expect, it } from 'vitest';
import standInSource from './jssip-events.cjs?raw';

type Listener = (...args: unknown[]) => void;

interface Emitter {
  on(name: string, listener: Listener): Emitter;
  once(name: string, listener: Listener): Emitter;
  off(name: string, listener: Listener): Emitter;
  removeListener(name: string, listener: Listener): Emitter;
  removeAllListeners(name?: string): Emitter;
  emit(name: string, ...args: unknown[]): boolean;
  listeners(name: string): Listener[];
  listenerCount(name: string): number;
}

/** The `EventEmitter` a CommonJS source exports (as `EventEmitter`, as JsSIP requires it). */
function emitterOf(source: string): new () => Emitter {
  const module = { exports: {} as { EventEmitter: new () => Emitter } };
  new Function('module', 'exports', source)(module, module.exports);
  return module.exports.EventEmitter;
}

const PackageEmitter = emitterOf(packageSource);
const StandIn = emitterOf(standInSource);

/** A script run against an emitter: what it records in `trace` is compared. */
type Script = (emitter: Emitter, trace: unknown[]) => void;

function traceOf(Emitter: new () => Emitter, script: Script): unknown[] {
  const trace: unknown[] = [];
  try {
    script(new Emitter(), trace);
  } catch (error) {
    trace.push(['threw', error instanceof Error ? error.message : String(error)]);
  }
  return trace;
}

const scripts: Record<string, Script> = {
  'listeners run in the order added, with the arguments and the emitter as this'(e, trace) {
    e.on('a', function (this: unknown, ...args) {
      trace.push(['first', this === e, args]);
    });
    e.on('a', (...args) => trace.push(['second', args]));
    trace.push(e.emit('a', 1, 'two'), e.emit('nobody'));
  },
  'once runs once, and listeners() gives the listener it wraps'(e, trace) {
    const listener = (x: unknown) => trace.push(['once', x]);
    e.once('a', listener);
    trace.push(e.listeners('a')[0] === listener, e.listenerCount('a'));
    e.emit('a', 1);
    e.emit('a', 2);
    trace.push(e.listenerCount('a'));
  },
  'removeListener removes a once listener by the listener it wraps'(e, trace) {
    const listener = () => trace.push('ran');
    e.once('a', listener);
    e.removeListener('a', listener);
    trace.push(e.emit('a'), e.listeners('a').length);
  },
  'a listener added twice is removed once, the last one added'(e, trace) {
    const a = () => trace.push('a');
    const b = () => trace.push('b');
    e.on('x', a).on('x', b).on('x', a);
    e.off('x', a);
    e.emit('x');
    trace.push(e.listeners('x').map((l) => (l === a ? 'a' : 'b')));
  },
  'removing a listener during an emit does not skip it in that emit'(e, trace) {
    const second = () => trace.push('second');
    e.on('a', () => {
      trace.push('first');
      e.removeListener('a', second);
    });
    e.on('a', second);
    e.emit('a');
    e.emit('a');
  },
  'a listener added during an emit runs from the next one'(e, trace) {
    e.on('a', () => {
      trace.push('first');
      e.on('a', () => trace.push('added'));
    });
    e.emit('a');
    e.emit('a');
  },
  'a once listener runs once when an earlier listener emits the same event'(e, trace) {
    let depth = 0;
    e.on('a', () => {
      depth += 1;
      if (depth === 1) e.emit('a');
    });
    e.once('a', () => trace.push(['once', depth]));
    e.emit('a');
  },
  'removing an unknown listener or event changes nothing'(e, trace) {
    const a = () => trace.push('a');
    e.on('a', a);
    e.removeListener('a', () => undefined);
    e.removeListener('b', a);
    e.emit('a');
  },
  'removeAllListeners, of one event and of all'(e, trace) {
    e.on('a', () => trace.push('a'));
    e.on('b', () => trace.push('b'));
    e.removeAllListeners('a');
    trace.push(e.emit('a'), e.emit('b'));
    e.removeAllListeners();
    trace.push(e.emit('b'), e.listenerCount('b'));
  },
  'an error with no listener throws it'(e, trace) {
    e.on('error', (error) => trace.push(['heard', (error as Error).message]));
    e.emit('error', new Error('heard'));
    e.removeAllListeners('error');
    e.emit('error', new Error('unheard'));
  },
};

describe('the events stand-in of the script-tag build', () => {
  for (const [name, script] of Object.entries(scripts)) {
    it(name, () => {
      const expected = traceOf(PackageEmitter, script);
      expect(expected.length).toBeGreaterThan(0);
      expect(traceOf(StandIn, script)).toEqual(expected);
    });
  }

  it('extends as JsSIP extends it, each instance its own listeners', () => {
    class Session extends StandIn {}
    const a = new Session();
    const b = new Session();
    const heard: string[] = [];
    a.on('ended', () => heard.push('a'));
    b.on('ended', () => heard.push('b'));
    a.emit('ended');
    expect(heard).toEqual(['a']);
    expect(b.listenerCount('ended')).toBe(1);
  });
});
