import { describe, expect, it } from 'vitest';
import { validateConfig } from './config';

const GOOD = { servers: ['wss://sbc.example:8443'], domain: 'helpline.example', user: 'agent1' };

function errorOf(input: unknown): string {
  const result = validateConfig(input);
  if (result.ok) throw new Error('expected the configuration to be refused');
  expect(result.error.code).toBe('config-invalid');
  return result.error.message;
}

describe('validateConfig', () => {
  it('fills in the defaults', () => {
    const result = validateConfig(GOOD);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toEqual({
      servers: ['wss://sbc.example:8443'],
      domain: 'helpline.example',
      credentials: { kind: 'static', user: 'agent1', password: undefined },
      displayName: undefined,
      register: true,
      dtmfMode: 'auto',
      dtmfDurationMs: 100,
      dtmfGapMs: 70,
      iceServers: [],
      iceGatheringTimeoutMs: 500,
      holdMusicUrl: '/sounds/hold-music.wav',
      ringtoneUrl: '/sounds/ringtone.wav',
      ringbackUrl: '/sounds/ringback.wav',
      callWaitingUrl: '/sounds/call-waiting.wav',
      speakerTestUrl: '/sounds/speaker-test.wav',
      autoSwitchDevices: true,
      maxCalls: 1,
      registerExpires: 300,
      availability: 'available',
      wrapUpSeconds: 0,
      statsIntervalMs: 1000,
      qualityThresholds: {
        rttMs: 400,
        jitterMs: 30,
        lossFraction: 0.03,
        mos: 3.5,
        audioLevel: 0.001,
      },
      statsUrl: null,
      keepaliveIntervalMs: 10_000,
      keepaliveTimeoutMs: 3000,
      callRecoveryTimeoutMs: 10_000,
      confirmPageExit: true,
      singleTab: false,
      logLevel: 'warn',
      logger: undefined,
    });
  });

  it('resolves sounds from soundsBase unless set, and null turns one off', () => {
    const result = validateConfig({
      ...GOOD,
      soundsBase: 'https://cdn.example/phone',
      ringtoneUrl: null,
      holdMusicUrl: '/my-music.mp3',
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.config.ringtoneUrl).toBeNull();
    expect(result.config.holdMusicUrl).toBe('/my-music.mp3');
    expect(result.config.ringbackUrl).toBe('https://cdn.example/phone/ringback.wav');
  });

  it('prefers credentialsUrl over a static user, resolving it against the page', () => {
    const result = validateConfig({ ...GOOD, credentialsUrl: '/api/sip-credentials' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.config.credentials).toEqual({
      kind: 'url',
      url: new URL('/api/sip-credentials', location.href).href,
    });
  });

  it('accepts a static user in the ephemeral "<expiry>:<user>" form', () => {
    expect(validateConfig({ ...GOOD, user: '1700000600:agent1', password: 'x' }).ok).toBe(true);
  });

  it('accepts ws:// for localhost only', () => {
    expect(validateConfig({ ...GOOD, servers: ['ws://localhost:8080'] }).ok).toBe(true);
    expect(validateConfig({ ...GOOD, servers: ['ws://127.0.0.1:8080'] }).ok).toBe(true);
    expect(errorOf({ ...GOOD, servers: ['ws://sbc.example'] })).toBe(
      "server must start with wss:// (ws:// is only allowed for localhost): got 'ws://sbc.example'",
    );
  });

  it.each([
    [null, 'configuration must be an object: got null'],
    ['wss://x', "configuration must be an object: got 'wss://x'"],
    [{ ...GOOD, servers: [] }, 'servers must be a non-empty list of wss:// URLs: got a list'],
    [
      { ...GOOD, servers: 'wss://a' },
      "servers must be a non-empty list of wss:// URLs: got 'wss://a'",
    ],
    [{ ...GOOD, servers: ['http://x'] }, "server must start with wss://: got 'http://x'"],
    [{ ...GOOD, servers: ['wss://a', 'nope'] }, "servers[1] must start with wss://: got 'nope'"],
    [{ ...GOOD, domain: undefined }, /^domain is required/],
    [{ ...GOOD, domain: 'sip:helpline.example' }, /^domain must be a host name/],
    [
      { servers: GOOD.servers, domain: GOOD.domain },
      'either credentialsUrl or user (with password) is required',
    ],
    [{ ...GOOD, user: 'a b' }, "user must be a SIP user name without spaces or '@': got 'a b'"],
    [{ ...GOOD, credentialsUrl: 'ftp://x/creds' }, /^credentialsUrl must be an https:\/\/ URL/],
    [{ ...GOOD, credentialsUrl: 'http://backend.example/creds' }, /http:\/\/ only for localhost/],
    [{ ...GOOD, dtmfMode: 'inband' }, "dtmfMode must be one of auto, rfc4733, info: got 'inband'"],
    [{ ...GOOD, dtmfDurationMs: 0 }, 'dtmfDurationMs must be a positive number: got 0'],
    [{ ...GOOD, dtmfDurationMs: 9000 }, 'dtmfDurationMs must be at most 6000: got 9000'],
    [{ ...GOOD, dtmfGapMs: -5 }, 'dtmfGapMs must be a positive number: got -5'],
    [
      { ...GOOD, iceGatheringTimeoutMs: '500' },
      "iceGatheringTimeoutMs must be a positive number: got '500'",
    ],
    [
      { ...GOOD, registerExpires: Number.NaN },
      'registerExpires must be a positive number: got NaN',
    ],
    [{ ...GOOD, register: 'yes' }, "register must be true or false: got 'yes'"],
    [{ ...GOOD, iceServers: [{ urls: 'http://stun' }] }, /^iceServers\[0\] must have urls/],
    [{ ...GOOD, ringtoneUrl: 5 }, 'ringtoneUrl must be a URL or null: got 5'],
    [{ ...GOOD, maxCalls: 0 }, 'maxCalls must be a whole number from 1 to 4: got 0'],
    [{ ...GOOD, maxCalls: 1.5 }, 'maxCalls must be a whole number from 1 to 4: got 1.5'],
    [{ ...GOOD, maxCalls: '2' }, "maxCalls must be a whole number from 1 to 4: got '2'"],
    [{ ...GOOD, displayName: {} }, 'displayName must be text: got an object'],
  ])('refuses %o', (input, expected) => {
    const message = errorOf(input);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });
});
