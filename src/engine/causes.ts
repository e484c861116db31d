/**
 * Why a call ended: JsSIP's `originator` + `cause` + SIP status → {@link EndCause} and an
 * English sentence. The elements translate by code, so codes must be precise; the SIP
 * status, when there is one, is more precise than JsSIP's cause (which groups 403 with
 * 603, and 408 with 480).
 */
import type { EndCause } from './types';

export interface EndInput {
  originator: 'local' | 'remote' | 'system';
  /** JsSIP cause text, e.g. `'Busy'`, `'Terminated'`, `'Canceled'`. */
  cause: string;
  /** Final SIP status of the failed INVITE, when the far end or a proxy answered. */
  statusCode?: number | undefined;
  /** The Reason header (RFC 3326) of the far end's BYE, when it had one. */
  reason?: string | undefined;
  /** The call's media connected (ICE) at some point: a later ICE failure lost it. */
  mediaConnected?: boolean;
}

export interface EndDescription {
  cause: EndCause;
  message: string;
}

const MESSAGES: Record<EndCause, string> = {
  'hangup-local': 'You ended the call.',
  'hangup-remote': 'The other party ended the call.',
  canceled: 'The call was canceled.',
  declined: 'The call was declined.',
  busy: 'The line is busy.',
  'not-found': 'That number does not exist.',
  unavailable: 'The person you called is not available right now.',
  'no-answer': 'No one answered.',
  forbidden: 'You are not allowed to make this call.',
  microphone: 'The microphone is not available.',
  'connection-lost': 'The connection to the phone service was lost.',
  'media-failed': "The call's audio could not connect (the network may block it).",
  'service-lost': 'The phone service lost the call (not your connection).',
  transferred: 'You transferred the call.',
  replaced: 'Your colleague transferred their call to you in place of this one.',
  failed: 'The call failed.',
};

/** The English sentence for an end cause (the elements show translated text instead). */
export function endMessage(cause: EndCause): string {
  return MESSAGES[cause];
}

function causeFromStatus(status: number): EndCause | undefined {
  if (status === 404 || status === 604 || status === 484) return 'not-found';
  if (status === 486 || status === 600) return 'busy';
  if (status === 603) return 'declined';
  if (status === 401 || status === 403 || status === 407) return 'forbidden';
  if (status === 480 || status === 410 || status === 430) return 'unavailable';
  if (status === 408) return 'no-answer';
  if (status === 487) return 'canceled';
  return undefined;
}

const BY_JSSIP_CAUSE: Record<string, EndCause> = {
  Busy: 'busy',
  'Not Found': 'not-found',
  'Address Incomplete': 'not-found',
  Unavailable: 'unavailable',
  'No Answer': 'no-answer',
  Expires: 'no-answer',
  'User Denied Media Access': 'microphone',
  'Connection Error': 'connection-lost',
  'Request Timeout': 'connection-lost',
  'Authentication Error': 'forbidden',
};

function causeFromJssip(input: EndInput): EndCause {
  switch (input.cause) {
    case 'Terminated':
      return input.originator === 'local' ? 'hangup-local' : 'hangup-remote';
    case 'Canceled':
      return 'canceled';
    case 'Rejected':
      return input.originator === 'local' ? 'declined' : 'forbidden';
    // JsSIP's cause when the peer connection's ICE failed (RTCSession.js, its only use):
    // media that never connected could not (a network that blocks it); media that did
    // was lost.
    case 'RTP Timeout':
      return input.mediaConnected ? 'connection-lost' : 'media-failed';
    default:
      return BY_JSSIP_CAUSE[input.cause] ?? 'failed';
  }
}

/**
 * Whether a BYE's Reason header (RFC 3326) says the service failed rather than someone hung
 * up: a SIP 5xx cause, or Q.850 38 (network out of order) or 41 (temporary failure). The
 * SBC ends a call whose media server stopped answering with `SIP;cause=503` (kamailio.cfg,
 * dialog keep-alives); FreeSWITCH's own hang-ups say `Q.850;cause=16` (normal clearing).
 */
export function isServiceFailure(reason: string | undefined): boolean {
  const [, protocol = '', cause = ''] =
    /^\s*(SIP|Q\.850)\s*;(?:.*;)?\s*cause\s*=\s*(\d+)/i.exec(reason ?? '') ?? [];
  const name = protocol.toUpperCase();
  if (name === 'SIP') return /^5\d\d$/.test(cause);
  return name === 'Q.850' && (cause === '38' || cause === '41');
}

/** A final answer that may mean "these credentials no longer work" (RFC 3261 §22). */
export function isAuthRejection(status: number | undefined): boolean {
  return status === 401 || status === 403 || status === 407;
}

/** Map a JsSIP `ended`/`failed` event to an end cause and message. */
export function describeEnd(input: EndInput): EndDescription {
  const fromStatus =
    input.originator === 'remote' && input.statusCode !== undefined
      ? causeFromStatus(input.statusCode)
      : undefined;
  const serviceLost =
    input.originator === 'remote' && input.cause === 'Terminated' && isServiceFailure(input.reason);
  const cause = fromStatus ?? (serviceLost ? 'service-lost' : causeFromJssip(input));
  let message = MESSAGES[cause];
  if (cause === 'failed') {
    const detail = input.statusCode ? `${input.cause}, SIP ${input.statusCode}` : input.cause;
    message = `${message} (${detail})`;
  }
  return { cause, message };
}

/** How the re-INVITE that moves an answered call to a new connection ended the call. */
export interface ReinviteEnd {
  /** JsSIP's cause for ending the session (`'WebRTC Error'` for any failed re-INVITE). */
  cause: string;
  /** Final status the server answered to the re-INVITE, when it answered. */
  statusCode?: number | undefined;
}

export interface LostReinvite {
  /** Completes "The call was lost: …". */
  reason: string;
  /** The server's refusal, for the `ended` event (absent when nothing refused it). */
  sipStatus?: number;
}

/**
 * Why a call was lost when its re-INVITE after a reconnect failed, or `undefined` when
 * the call ended for another reason meanwhile (the far end hung up): JsSIP reports every
 * failed re-INVITE as a "WebRTC Error", which names none of what happened.
 */
export function describeLostReinvite(end: ReinviteEnd): LostReinvite | undefined {
  if (end.cause === 'Terminated' || end.cause === 'Canceled') return undefined;
  const status = end.statusCode;
  if (status === 408 || (status === undefined && end.cause === 'Request Timeout')) {
    return withStatus("no answer to the call's re-INVITE after reconnecting", status);
  }
  if (status === 481 || (status === undefined && end.cause === 'Dialog Error')) {
    return withStatus('the server no longer knew the call after reconnecting', status);
  }
  if (status !== undefined && status >= 300) {
    return withStatus("the server refused the call's re-INVITE after reconnecting", status);
  }
  if (status !== undefined) {
    return { reason: "the answer to the call's re-INVITE after reconnecting was unusable" };
  }
  if (end.cause === 'Connection Error') {
    return { reason: "the connection dropped again during the call's re-INVITE" };
  }
  if (end.cause === 'WebRTC Error') {
    // Nothing answered and nothing was sent: the browser could not make the new offer.
    return { reason: "the call's media could not be renegotiated after reconnecting" };
  }
  return { reason: `the call's re-INVITE after reconnecting failed (${end.cause})` };
}

function withStatus(reason: string, status: number | undefined): LostReinvite {
  return status === undefined
    ? { reason }
    : { reason: `${reason} (SIP ${status})`, sipStatus: status };
}
