import { describe, expect, it } from 'vitest';
import {
  describeEnd,
  describeLostReinvite,
  type EndInput,
  isServiceFailure,
  type ReinviteEnd,
} from './causes';

describe('describeEnd', () => {
  it.each<[EndInput, string]>([
    [{ originator: 'remote', cause: 'Not Found', statusCode: 404 }, 'not-found'],
    [{ originator: 'remote', cause: 'Busy', statusCode: 486 }, 'busy'],
    [{ originator: 'remote', cause: 'Busy', statusCode: 600 }, 'busy'],
    [{ originator: 'remote', cause: 'Rejected', statusCode: 603 }, 'declined'],
    [{ originator: 'remote', cause: 'Rejected', statusCode: 403 }, 'forbidden'],
    [{ originator: 'remote', cause: 'Unavailable', statusCode: 480 }, 'unavailable'],
    [{ originator: 'remote', cause: 'Unavailable', statusCode: 408 }, 'no-answer'],
    [{ originator: 'remote', cause: 'Address Incomplete', statusCode: 484 }, 'not-found'],
    [{ originator: 'remote', cause: 'Authentication Error', statusCode: 407 }, 'forbidden'],
    [{ originator: 'remote', cause: 'Canceled', statusCode: 487 }, 'canceled'],
    [{ originator: 'remote', cause: 'Terminated' }, 'hangup-remote'],
    [
      { originator: 'remote', cause: 'Terminated', reason: 'SIP;cause=503;text="x"' },
      'service-lost',
    ],
    [{ originator: 'remote', cause: 'Terminated', reason: 'Q.850;cause=16' }, 'hangup-remote'],
    [{ originator: 'local', cause: 'Terminated', reason: 'SIP;cause=503' }, 'hangup-local'],
    [{ originator: 'local', cause: 'Terminated' }, 'hangup-local'],
    [{ originator: 'local', cause: 'Canceled' }, 'canceled'],
    [{ originator: 'remote', cause: 'Canceled' }, 'canceled'],
    [{ originator: 'local', cause: 'Rejected' }, 'declined'],
    [{ originator: 'local', cause: 'No Answer' }, 'no-answer'],
    [{ originator: 'system', cause: 'Expires' }, 'no-answer'],
    [{ originator: 'local', cause: 'User Denied Media Access' }, 'microphone'],
    [{ originator: 'system', cause: 'Connection Error' }, 'connection-lost'],
    [{ originator: 'system', cause: 'Request Timeout' }, 'connection-lost'],
    [{ originator: 'local', cause: 'RTP Timeout' }, 'media-failed'],
    [{ originator: 'local', cause: 'RTP Timeout', mediaConnected: true }, 'connection-lost'],
    [{ originator: 'remote', cause: 'Incompatible SDP', statusCode: 488 }, 'failed'],
    [{ originator: 'remote', cause: 'SIP Failure Code', statusCode: 500 }, 'failed'],
    [{ originator: 'local', cause: 'WebRTC Error' }, 'failed'],
  ])('%o → %s', (input, expected) => {
    expect(describeEnd(input).cause).toBe(expected);
  });

  it('gives a human message, with the SIP detail for generic failures', () => {
    expect(describeEnd({ originator: 'remote', cause: 'Busy', statusCode: 486 }).message).toBe(
      'The line is busy.',
    );
    expect(
      describeEnd({ originator: 'remote', cause: 'SIP Failure Code', statusCode: 503 }).message,
    ).toBe('The call failed. (SIP Failure Code, SIP 503)');
  });

  it('does not trust a status code for local endings', () => {
    expect(describeEnd({ originator: 'local', cause: 'Terminated', statusCode: 486 }).cause).toBe(
      'hangup-local',
    );
  });
});

describe("isServiceFailure (a BYE's Reason, RFC 3326)", () => {
  it.each<[string | undefined, boolean]>([
    ['SIP;cause=503;text="Media server lost"', true],
    ['SIP ;cause=500 ;text="Server Internal Error"', true],
    ['sip;text="x";cause=502', true],
    ['Q.850;cause=41;text="TEMPORARY_FAILURE"', true],
    ['Q.850;cause=38', true],
    ['Q.850;cause=16;text="NORMAL_CLEARING"', false],
    ['SIP;cause=200;text="Call completed elsewhere"', false],
    ['SIP;cause=5030', false],
    ['SIP', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (reason, expected) => {
    expect(isServiceFailure(reason)).toBe(expected);
  });
});

describe('describeLostReinvite', () => {
  it.each<[ReinviteEnd, string, number | undefined]>([
    // JsSIP calls every refused re-INVITE a "WebRTC Error": the server's status says more.
    [
      { cause: 'WebRTC Error', statusCode: 503 },
      "the server refused the call's re-INVITE after reconnecting (SIP 503)",
      503,
    ],
    [
      { cause: 'WebRTC Error', statusCode: 488 },
      "the server refused the call's re-INVITE after reconnecting (SIP 488)",
      488,
    ],
    [
      { cause: 'Dialog Error', statusCode: 408 },
      "no answer to the call's re-INVITE after reconnecting (SIP 408)",
      408,
    ],
    [
      { cause: 'Request Timeout' },
      "no answer to the call's re-INVITE after reconnecting",
      undefined,
    ],
    [
      { cause: 'Dialog Error', statusCode: 481 },
      'the server no longer knew the call after reconnecting (SIP 481)',
      481,
    ],
    [{ cause: 'Dialog Error' }, 'the server no longer knew the call after reconnecting', undefined],
    [
      { cause: 'WebRTC Error', statusCode: 200 },
      "the answer to the call's re-INVITE after reconnecting was unusable",
      undefined,
    ],
    [
      { cause: 'Connection Error' },
      "the connection dropped again during the call's re-INVITE",
      undefined,
    ],
    [
      { cause: 'WebRTC Error' },
      "the call's media could not be renegotiated after reconnecting",
      undefined,
    ],
    [
      { cause: 'RTP Timeout' },
      "the call's re-INVITE after reconnecting failed (RTP Timeout)",
      undefined,
    ],
  ])('%o → "%s"', (end, reason, sipStatus) => {
    const lost = describeLostReinvite(end);
    expect(lost?.reason).toBe(reason);
    expect(lost?.sipStatus).toBe(sipStatus);
    expect(lost?.reason).not.toContain('WebRTC Error');
  });

  it('leaves a call the far end hung up meanwhile to the usual causes', () => {
    expect(describeLostReinvite({ cause: 'Terminated' })).toBeUndefined();
    expect(describeLostReinvite({ cause: 'Canceled' })).toBeUndefined();
  });
});
