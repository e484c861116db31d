import type { EndEvent, RTCSession, TerminateOptions } from 'jssip/lib/RTCSession';
import { describe, expect, it } from 'vitest';
import { describeEnd } from './causes';
import { describeSessionEnd } from './session-facts';
import { keepTerminateCause, sessionEndCause } from './terminate-cause';

/** JsSIP's `failed` event of a session it ended itself (no SIP message). */
function localEnd(cause: string): EndEvent {
  return { originator: 'local', cause, message: null } as unknown as EndEvent;
}

/** A session whose terminate() only records what it was given. */
function recordingSession(): { session: RTCSession; calls: (TerminateOptions | undefined)[] } {
  const calls: (TerminateOptions | undefined)[] = [];
  const session = {
    terminate(options?: TerminateOptions) {
      calls.push(options);
    },
  } as unknown as RTCSession;
  return { session, calls };
}

describe('keepTerminateCause', () => {
  it("keeps the cause JsSIP gives its own terminate() (its ICE failure handler's) and still terminates", () => {
    const { session, calls } = recordingSession();
    const kept: string[] = [];
    keepTerminateCause(session, (cause) => kept.push(cause));
    const options = { cause: 'RTP Timeout', status_code: 408, reason_phrase: 'RTP Timeout' };
    session.terminate(options);
    expect(kept).toEqual(['RTP Timeout']);
    expect(calls).toEqual([options]);
  });

  it('keeps nothing from ours, which give a status or nothing', () => {
    const { session, calls } = recordingSession();
    const kept: string[] = [];
    keepTerminateCause(session, (cause) => kept.push(cause));
    session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
    session.terminate({});
    session.terminate();
    expect(kept).toEqual([]);
    expect(calls).toHaveLength(3);
  });
});

describe('sessionEndCause', () => {
  it("names JsSIP's own cancel by the cause it gave", () => {
    expect(sessionEndCause({ originator: 'local', cause: 'Canceled' }, 'RTP Timeout')).toBe(
      'RTP Timeout',
    );
  });

  it('leaves every other end as JsSIP told it', () => {
    expect(sessionEndCause({ originator: 'local', cause: 'Canceled' }, undefined)).toBe('Canceled');
    expect(sessionEndCause({ originator: 'remote', cause: 'Canceled' }, 'RTP Timeout')).toBe(
      'Canceled',
    );
    expect(sessionEndCause({ originator: 'local', cause: 'Terminated' }, 'RTP Timeout')).toBe(
      'Terminated',
    );
  });
});

describe('describeSessionEnd after an ICE failure before the answer', () => {
  it('is told as the ICE failure it was, not as a cancel', () => {
    const end = describeSessionEnd(localEnd('Canceled'), undefined, false, 'RTP Timeout');
    expect(end.cause).toBe('media-failed');
    expect(end).toEqual(describeEnd({ originator: 'local', cause: 'RTP Timeout' }));
  });

  it('a cancel of ours (hang-up before the answer) is still a cancel', () => {
    expect(describeSessionEnd(localEnd('Canceled'), undefined).cause).toBe('canceled');
  });
});
