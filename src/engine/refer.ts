/**
 * One REFER in a call's dialog (RFC 3515) and its outcome: the far end's answer to the
 * REFER, then the NOTIFYs whose message/sipfrag body is the status line of the referred
 * request (RFC 5589 §6; JsSIP's ReferSubscriber reads them). Blind transfer (transfer.ts)
 * and the 3-way call's add and drop (participants.ts) are REFERs with different targets.
 */
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { Unsubscribe } from './types';

export type ReferOutcome = { ok: true } | { ok: false; sipStatus?: number; reason?: string };

export interface ReferOptions {
  /** Extra headers of the REFER (`X-Conference: add`). */
  extraHeaders?: string[];
  /**
   * An attended transfer's consultation: JsSIP adds its dialog to the Refer-To as
   * `?Replaces=` (RFC 3891 §7.1).
   */
  replaces?: RTCSession;
  /** The far end took the REFER on (2xx to it); the outcome comes later. */
  onTrying(): void;
  /** Subscribes to the call's end: a REFER under way then cannot finish. */
  onEnded(handler: () => void): Unsubscribe;
  /** The reason of the outcome when the call ends first. */
  endedReason: string;
}

/** JsSIP's NOTIFY outcome: the status line of the far end's referred request. */
interface SipfragEvent {
  status_line?: { status_code?: number | string; reason_phrase?: string };
}

/** JsSIP's answer to the REFER itself. */
interface ReferReplyEvent {
  response?: { status_code?: number; reason_phrase?: string } | null;
  cause?: string;
}

export function failed(sipStatus?: number, reason?: string): ReferOutcome {
  const outcome: { ok: false; sipStatus?: number; reason?: string } = { ok: false };
  if (sipStatus !== undefined && Number.isFinite(sipStatus)) outcome.sipStatus = sipStatus;
  if (reason) outcome.reason = reason;
  return outcome;
}

/** Sends the REFER and resolves with its outcome; never rejects. */
export function sendRefer(
  session: RTCSession,
  uri: string,
  options: ReferOptions,
): Promise<ReferOutcome> {
  return new Promise((resolve) => {
    const settle = (outcome: ReferOutcome): void => {
      stopWaiting();
      resolve(outcome);
    };
    const stopWaiting = options.onEnded(() => settle(failed(undefined, options.endedReason)));
    try {
      session.refer(uri, {
        extraHeaders: options.extraHeaders ?? [],
        ...(options.replaces ? { replaces: options.replaces } : {}),
        eventHandlers: {
          requestSucceeded: () => options.onTrying(),
          requestFailed: ({ response, cause }: ReferReplyEvent) =>
            settle(failed(response?.status_code, response?.reason_phrase ?? cause)),
          accepted: () => settle({ ok: true }),
          failed: ({ status_line }: SipfragEvent) =>
            settle(failed(Number(status_line?.status_code), status_line?.reason_phrase)),
        },
      });
    } catch (error) {
      settle(failed(undefined, String(error)));
    }
  });
}
