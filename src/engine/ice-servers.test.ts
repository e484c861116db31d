import { describe, expect, it } from 'vitest';
import { parseCredentials } from './credentials';
import {
  callIceServers,
  MAX_ICE_URL_LENGTH,
  MAX_MINTED_ICE_SERVERS,
  parseMintedIceServers,
} from './ice-servers';

const NOW = 1_700_000_000_000;
const EXPIRES = NOW / 1000 + 600;
/** What backend/credentials/server.ts answers with a TURN relay configured. */
const TURN = {
  urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:443?transport=tcp'],
  username: `${EXPIRES}:visitor-ab12`,
  credential: 'bWludGVkLWhtYWM=',
};
const ANSWER = {
  username: `${EXPIRES}:visitor-ab12`,
  password: 'c2lwLWhtYWM=',
  expires: EXPIRES,
  uri: 'sip:visitor-ab12@helpline.example',
};

describe('parseMintedIceServers', () => {
  it('accepts none', () => {
    expect(parseMintedIceServers(undefined)).toEqual({ ok: true, iceServers: [] });
  });

  it('accepts TURN over UDP and TLS with credentials, and STUN without', () => {
    const stun = { urls: 'stun:stun.example.com:3478' };
    expect(parseMintedIceServers([TURN, stun])).toEqual({
      ok: true,
      iceServers: [TURN, { urls: ['stun:stun.example.com:3478'] }],
    });
  });

  it.each([
    ['not a list', { urls: TURN.urls }, /list of at most/],
    ['too many servers', Array(MAX_MINTED_ICE_SERVERS + 1).fill(TURN), /list of at most/],
    ['an entry that is no object', ['turn:x'], /iceServers\[0\] is not an object/],
    ['no urls', [{ username: 'u', credential: 'c' }], /not stun:, turn: or turns:/],
    ['an empty url list', [{ ...TURN, urls: [] }], /1 to 4 urls/],
    ['an http url', [{ ...TURN, urls: 'https://turn.example.com' }], /not stun:, turn: or turns:/],
    ['a javascript url', [{ ...TURN, urls: 'javascript:alert(1)' }], /not stun:, turn: or turns:/],
    ['an unknown transport', [{ ...TURN, urls: 'turn:t.example?transport=sctp' }], /not stun:/],
    [
      'a url too long',
      [{ ...TURN, urls: `turn:${'a'.repeat(MAX_ICE_URL_LENGTH)}.example` }],
      /not stun:/,
    ],
    ['TURN without credentials', [{ urls: TURN.urls }], /TURN server without username/],
    ['a credential that is no string', [{ ...TURN, credential: 42 }], /not a short string/],
    ['a huge username', [{ ...TURN, username: 'u'.repeat(10_000) }], /not a short string/],
  ])('refuses %s with a clear message', (_what, value, message) => {
    const result = parseMintedIceServers(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('credentials with iceServers', () => {
  it('carry the minted TURN relay', () => {
    const result = parseCredentials({ ...ANSWER, iceServers: [TURN] }, NOW);
    expect(result.ok && result.credentials.iceServers).toEqual([TURN]);
  });

  it('have none when the service names none', () => {
    const result = parseCredentials(ANSWER, NOW);
    expect(result.ok && result.credentials).not.toHaveProperty('iceServers');
  });

  it('are refused as a whole when the iceServers are unusable', () => {
    const result = parseCredentials({ ...ANSWER, iceServers: [{ urls: 'http://x' }] }, NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('credentials-failed');
      expect(result.error.message).toMatch(/^The credentials service returned unusable iceServers/);
    }
  });
});

describe('callIceServers', () => {
  it('puts the configured servers first, then the minted ones', () => {
    const configured = [{ urls: 'stun:stun.example.org' }];
    expect(callIceServers(configured, [TURN])).toEqual([configured[0], TURN]);
    expect(callIceServers(configured, undefined)).toEqual(configured);
  });
});
