/**
 * JsSIP's trace in the phone's log through the real `debug` package (what the npm build
 * gets, and these tests load), with a real Phone, JsSIP and the fake SBC
 * (test-support/fake-sbc.ts). The script-tag build's shim: src/cdn/jssip-debug.test.ts.
 */
import jssip from 'jssip';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatDebugArgs } from './jssip-log';
import type { LogContext, LogLevel, LogMessageLevel } from './log';
import { Phone } from './phone';
import { FAKE_SBC_PHONE, FakeSbc, header } from './test-support/fake-sbc';

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

const SECRETS = /pw-s3cret|tok-s3cret/;

/**
 * Every console call of this file's page, recorded from before JsSIP loads: JsSIP binds the
 * console's methods once, as it loads (node_modules/jssip/lib/Logger.js), so a spy set up
 * later would never see its lines.
 */
const consoleCalls = vi.hoisted(() => {
  const calls: unknown[][] = [];
  for (const method of ['debug', 'info', 'log', 'warn', 'error'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      calls.push(args);
      original(...args);
    };
  }
  return calls;
});

describe('JsSIP through the debug package (npm build)', () => {
  let sbc: FakeSbc;
  const phones: Phone[] = [];

  function agent(logLevel: LogLevel, logger: ReturnType<typeof recorder>['logger']): Phone {
    const phone = new Phone({
      ...FAKE_SBC_PHONE,
      servers: ['wss://sbc.test/ws?token=tok-s3cret'],
      register: true,
      user: 'agent1',
      password: 'pw-s3cret',
      logLevel,
      logger,
    });
    phones.push(phone);
    return phone;
  }

  beforeEach(() => {
    sbc = new FakeSbc();
    vi.stubGlobal('WebSocket', sbc.webSocketClass());
  });

  afterEach(async () => {
    await Promise.all(phones.splice(0).map((phone) => phone.stop()));
    sbc.close();
    vi.unstubAllGlobals();
  });

  it('at debug, a registration logs JsSIP SIP messages by namespace, without the secrets', async () => {
    const { lines, logger } = recorder();
    const phone = agent('debug', logger);
    await phone.start();
    expect(phone.state).toBe('registered');

    const jssip = lines.filter((line) => String(line.namespace).startsWith('JsSIP'));
    expect(jssip.length).toBeGreaterThan(0);
    expect(jssip.every((line) => line.level === 'debug')).toBe(true);
    expect(new Set(jssip.map((line) => line.namespace))).toContain('JsSIP:Transport');
    // The answered REGISTER: the wire carried the digest, the log only its header name.
    const [, authorized] = sbc.requests('REGISTER');
    const digest = header(authorized!, 'authorization');
    expect(digest).toMatch(/response="[0-9a-f]+"/);
    const sent = jssip.filter(
      (line) => line.message.includes('sending message') && line.message.includes('REGISTER sip:'),
    );
    expect(sent).toHaveLength(2);
    expect(sent[1]!.message).toMatch(/^Authorization: \[redacted\]\r$/m);
    const all = lines.map((line) => line.message).join('\n');
    expect(all).not.toContain(digest);
    expect(all).not.toMatch(SECRETS);
    expect(all).toContain('wss://sbc.test/ws');
  });

  it('below debug, JsSIP logs nothing, and stops once the debug phone stops', async () => {
    const quiet = recorder();
    const phone = agent('info', quiet.logger);
    await phone.start();
    expect(phone.state).toBe('registered');
    expect(quiet.lines.filter((line) => line.namespace !== undefined)).toEqual([]);
    expect(quiet.lines.map((line) => `${line.level} ${line.message}`)).toEqual([
      'info registration unregistered → connecting',
      'info registration connecting → registering',
      'info registration registering → registered',
    ]);

    const verbose = recorder();
    const debugPhone = agent('debug', verbose.logger);
    await debugPhone.start();
    await debugPhone.stop();
    const heard = verbose.lines.length;
    expect(heard).toBeGreaterThan(0);
    // The info phone goes on talking SIP (un-REGISTER): nobody hears it at debug now.
    await phone.stop();
    expect(verbose.lines).toHaveLength(heard);
    expect(quiet.lines.filter((line) => line.namespace !== undefined)).toEqual([]);
  });
});

describe("the page's own debug switches", () => {
  /** The `debug` package as JsSIP exposes it (JsSIP.debug). */
  const debugPackage = jssip.debug as unknown as {
    enable(namespaces: string): void;
    disable(): string;
    namespaces?: string;
  };
  let sbc: FakeSbc;

  beforeEach(() => {
    sbc = new FakeSbc();
    vi.stubGlobal('WebSocket', sbc.webSocketClass());
  });

  afterEach(() => {
    debugPackage.disable();
    sbc.close();
    vi.unstubAllGlobals();
  });

  it('JsSIP.debug.enable() alone shows nothing: the log level decides', async () => {
    debugPackage.enable('JsSIP:*');
    const before = consoleCalls.length;
    const phone = new Phone({ ...FAKE_SBC_PHONE, register: true, user: 'agent1' });
    await phone.start();
    await phone.stop();
    expect(sbc.requests('REGISTER').length).toBeGreaterThan(0);
    const fromJssip = consoleCalls
      .slice(before)
      .filter((args) => args.some((arg) => String(arg).includes('JsSIP')));
    expect(fromJssip).toEqual([]);
  });

  it("a phone at debug keeps the page's own namespaces and leaves them as they were", async () => {
    debugPackage.enable('host-app:*');
    const { lines, logger } = recorder();
    const phone = new Phone({ ...FAKE_SBC_PHONE, user: 'agent1', logLevel: 'debug', logger });
    await phone.start();
    expect(debugPackage.namespaces).toBe('host-app:*,JsSIP*');
    await phone.stop();
    expect(debugPackage.namespaces).toBe('host-app:*');
    expect(lines.some((line) => line.namespace === 'JsSIP:UA')).toBe(true);
  });
});

describe('formatDebugArgs', () => {
  it.each([
    [['plain'], 'plain'],
    [['%s and %d%%', 'a', 4.7], 'a and 4%'],
    [['%o', { a: [1] }], '{"a":[1]}'],
    [['%c styled', 'color: red'], ' styled'],
    [['extra', 1, 'two'], 'extra 1 two'],
    [['missing %s'], 'missing %s'],
    [[{ b: true }], '{"b":true}'],
  ])('%j → %s', (args, expected) => {
    expect(formatDebugArgs(args)).toBe(expected);
  });

  it('shows a circular object without throwing', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    expect(formatDebugArgs(['%o', loop])).toBe('{"name":"loop","self":"[circular]"}');
  });
});
