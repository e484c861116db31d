import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateConfig } from './config';
import { type LogContext, Logger, type LogMessageLevel, loggerOf } from './log';
import { redactText, redactValue } from './redact';

interface Line {
  level: LogMessageLevel;
  message: string;
  context: LogContext | undefined;
}

function recorder(): {
  lines: Line[];
  hook: (...line: [LogMessageLevel, string, LogContext?]) => void;
} {
  const lines: Line[] = [];
  return { lines, hook: (level, message, context) => lines.push({ level, message, context }) };
}

function logEveryLevel(logger: Logger): void {
  logger.error('e');
  logger.warn('w');
  logger.info('i');
  logger.debug('d');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('log levels', () => {
  it.each([
    ['silent', []],
    ['error', ['e']],
    ['warn', ['e', 'w']],
    ['info', ['e', 'w', 'i']],
    ['debug', ['e', 'w', 'i', 'd']],
  ] as const)('%s lets through %j', (level, expected) => {
    const { lines, hook } = recorder();
    logEveryLevel(new Logger(level, hook));
    expect(lines.map((line) => line.message)).toEqual(expected);
  });

  it('the hook receives the level, the message and the context', () => {
    const { lines, hook } = recorder();
    const error = new Error('boom');
    new Logger('info', hook).info('registered', { region: 'eu', error });
    expect(lines).toEqual([
      { level: 'info', message: 'registered', context: { region: 'eu', error } },
    ]);
  });

  it('by default writes warnings and errors to the console, prefixed', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    logEveryLevel(new Logger());
    expect(warn).toHaveBeenCalledWith('[softphone] w');
    expect(error).toHaveBeenCalledWith('[softphone] e');
    expect(info).not.toHaveBeenCalled();
    expect(debug).not.toHaveBeenCalled();
  });

  it('a hook that throws does not reach the caller', () => {
    const logger = new Logger('warn', () => {
      throw new Error('the host hook is broken');
    });
    expect(() => logger.warn('still fine')).not.toThrow();
  });

  it('a configuration names its level and hook; an invalid one still logs through them', () => {
    const { lines, hook } = recorder();
    const logger = loggerOf({ servers: 'not a list', logLevel: 'error', logger: hook });
    logEveryLevel(logger);
    expect(lines.map((line) => line.message)).toEqual(['e']);
    expect(loggerOf({ logLevel: 'loud' }).level).toBe('warn');
  });
});

describe('logLevel and logger in the configuration', () => {
  const base = { servers: ['wss://sbc.example/ws'], domain: 'helpline.example', user: 'agent1' };

  it('defaults to warn on the console', () => {
    const result = validateConfig(base);
    expect(result.ok && result.config.logLevel).toBe('warn');
    expect(result.ok && result.config.logger).toBeUndefined();
  });

  it('refuses an unknown level, naming the levels', () => {
    const result = validateConfig({ ...base, logLevel: 'verbose' });
    expect(!result.ok && result.error).toEqual({
      code: 'config-invalid',
      message: "logLevel must be one of silent, error, warn, info, debug: got 'verbose'",
    });
  });

  it('refuses a logger that is not a function', () => {
    const result = validateConfig({ ...base, logger: 'console' });
    expect(!result.ok && result.error.message).toBe(
      "logger must be a function (level, message, context): got 'console'",
    );
  });
});

describe('redaction of every line', () => {
  const REGISTER = [
    'REGISTER sip:helpline.example SIP/2.0',
    'Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK1',
    'Authorization: Digest username="1700000000:agent1", realm="helpline.example", nonce="n", response="6629fae49393a05397450978507c4ef1"',
    'proxy-authorization : Digest username="1700000000:agent1", response="0123456789abcdef"',
    'Content-Length: 0',
  ].join('\r\n');

  function logged(message: string, context?: LogContext): Line {
    const { lines, hook } = recorder();
    new Logger('debug', hook).debug(message, context);
    return lines[0]!;
  }

  it('masks Authorization and Proxy-Authorization values of a logged SIP message', () => {
    const { message } = logged(`sending message:\n\n${REGISTER}\n`);
    expect(message).toContain('Authorization: [redacted]\r\n');
    expect(message).toContain('proxy-authorization : [redacted]\r\n');
    expect(message).toContain('Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK1');
    expect(message).not.toMatch(/6629fae4|0123456789abcdef|nonce/);
  });

  it('drops the query, fragment and user:password of URLs in messages and context', () => {
    const line = logged(
      'fetching https://agent:pw@b.example/credentials/agent?agent=agent1&key=s3cret#x',
      { url: 'wss://sbc.example/ws?token=s3cret', servers: ['wss://b.example/ws?t=s3cret'] },
    );
    expect(line.message).toBe('fetching https://b.example/credentials/agent');
    expect(line.context).toEqual({
      url: 'wss://sbc.example/ws',
      servers: ['wss://b.example/ws'],
    });
  });

  it('masks the password of a credentials object, and TURN credentials', () => {
    const { context } = logged('credentials', {
      credentials: { username: '1700000000:agent1', password: 'pw-s3cret', expires: 1700000000 },
      iceServers: [{ urls: 'turn:turn.example', username: 'u', credential: 't-s3cret' }],
    });
    expect(context).toEqual({
      credentials: { username: '1700000000:agent1', password: '[redacted]', expires: 1700000000 },
      iceServers: [{ urls: 'turn:turn.example', username: 'u', credential: '[redacted]' }],
    });
  });

  it('masks passwords written out in text', () => {
    expect(redactText('{"username":"agent1","password":"pw-s3cret"}')).toBe(
      '{"username":"agent1","password":[redacted]}',
    );
    expect(redactText('user=agent1&password=pw-s3cret&x=1')).toBe(
      'user=agent1&password=[redacted]&x=1',
    );
    expect(redactText("UA config { password: 'pw-s3cret' }")).toBe(
      'UA config { password: [redacted] }',
    );
  });

  it('redacts an error message, keeping the error as it is when nothing is secret', () => {
    const plain = new Error('socket closed');
    expect(redactValue(plain)).toBe(plain);
    const secret = redactValue(new TypeError('cannot open wss://sbc.example/ws?token=s3cret'));
    expect(secret).toBeInstanceOf(Error);
    expect((secret as Error).name).toBe('TypeError');
    expect((secret as Error).message).toBe('cannot open wss://sbc.example/ws');
  });

  it('leaves SIP URIs and ordinary text alone', () => {
    const text = 'To: <sip:agent1@helpline.example;transport=ws>;tag=abc';
    expect(redactText(text)).toBe(text);
  });
});
