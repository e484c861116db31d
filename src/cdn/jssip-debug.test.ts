/**
 * The `debug` shim of the script-tag build (jssip-debug.cjs) with the router of
 * src/engine/jssip-log.ts, driven as JsSIP's Logger (node_modules/jssip/lib/Logger.js)
 * drives it. The real package's path, with a real JsSIP: src/engine/jssip-log.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { jssipLogRouter } from '../engine/jssip-log.js';
import { type LogContext, Logger, type LogMessageLevel } from '../engine/log.js';
import shimSource from './jssip-debug.cjs?raw';

interface Line {
  level: LogMessageLevel;
  message: string;
  namespace: unknown;
}

function recorder() {
  const lines: Line[] = [];
  const logger = (level: LogMessageLevel, message: string, context?: LogContext) =>
    lines.push({ level, message, namespace: context?.namespace });
  return { lines, logger };
}

/** The shim as the script-tag build bundles it: a CommonJS module. */
function loadShim(): unknown {
  const module: { exports: unknown } = { exports: {} };
  new Function('module', 'exports', shimSource)(module, module.exports);
  return module.exports;
}

interface ShimLogger {
  (...args: unknown[]): void;
  enabled: boolean;
  log?: unknown;
}
type Shim = ((namespace: string) => ShimLogger) & { default: (namespace: string) => ShimLogger };

describe('JsSIP through our shim (script-tag build)', () => {
  it('forwards lines at debug with their namespace while a phone logs at debug', () => {
    const shim = loadShim() as Shim;
    const route = jssipLogRouter(shim);
    // What node_modules/jssip/lib/Logger.js does with each of its loggers.
    const rtcSession = shim.default('JsSIP:RTCSession');
    rtcSession.log = console.info.bind(console);
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});

    const { lines, logger } = recorder();
    expect(rtcSession.enabled).toBe(false);
    const stop = route(new Logger('debug', logger));
    expect(rtcSession.enabled).toBe(true);
    rtcSession('sendRequest() | %s %o', 'INVITE', { password: 'pw-s3cret', uri: 'sip:a@b' });
    shim('JsSIP')('version %s', '3.13.8');
    expect(lines).toEqual([
      {
        level: 'debug',
        message: 'sendRequest() | INVITE {"password":[redacted],"uri":"sip:a@b"}',
        namespace: 'JsSIP:RTCSession',
      },
      { level: 'debug', message: 'version 3.13.8', namespace: 'JsSIP' },
    ]);
    stop();
    expect(rtcSession.enabled).toBe(false);
    rtcSession('after stop');
    expect(lines).toHaveLength(2);
    expect(info).not.toHaveBeenCalled();
    info.mockRestore();
  });

  it('routes nothing for a phone below debug', () => {
    const shim = loadShim() as Shim;
    const stop = jssipLogRouter(shim)(new Logger('info', () => {}));
    expect(shim('JsSIP:UA').enabled).toBe(false);
    stop();
  });

  it('tells each line once per hook when several phones log at debug', () => {
    const shim = loadShim() as Shim;
    const route = jssipLogRouter(shim);
    const shared = recorder();
    const other = recorder();
    const stops = [
      route(new Logger('debug', shared.logger)),
      route(new Logger('debug', shared.logger)),
      route(new Logger('debug', other.logger)),
    ];
    shim('JsSIP:UA')('start()');
    expect(shared.lines).toHaveLength(1);
    expect(other.lines).toHaveLength(1);
    for (const stop of stops) stop();
  });
});
