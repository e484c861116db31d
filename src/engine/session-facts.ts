/**
 * What the engine reads from JsSIP's session objects: who the far end is, and the status
 * and Reason of the message that ended a session.
 */
import type { EndEvent, RTCSession } from 'jssip/lib/RTCSession';
import { describeEnd, type EndDescription, isAuthRejection } from './causes';
import { sessionEndCause } from './terminate-cause';
import type { CallDirection, RemoteIdentity } from './types';

/** Identity of `sip:user@host` (or a bare user) before the far end tells us more. */
export function identityFromUri(uri: string): RemoteIdentity {
  const user = /^sips?:([^@;>]+)@/.exec(uri)?.[1] ?? uri;
  return { uri, user: decodeURIComponent(user), displayName: '' };
}

/** The far end as the session knows it (From of an incoming call, To of an outgoing one). */
export function sessionIdentity(session: RTCSession): RemoteIdentity {
  const identity = session.remote_identity;
  return {
    uri: identity.uri.toString(),
    user: identity.uri.user ?? '',
    displayName: identity.display_name ?? '',
  };
}

/** The SIP status of the response that ended the session, if a response did. */
export function endStatus(event: EndEvent): number | undefined {
  const message = event.message as { status_code?: unknown } | null | undefined;
  return typeof message?.status_code === 'number' ? message.status_code : undefined;
}

/**
 * Did the far end refuse our INVITE for its credentials (401/403/407)? Such a call is sent
 * once more with fresh ones (phone.ts renewCall), so the refusal never shows.
 */
export function refusedForCredentials(direction: CallDirection, event: EndEvent): boolean {
  return (
    direction === 'outgoing' && event.originator === 'remote' && isAuthRejection(endStatus(event))
  );
}

/** The Reason header of the far end's BYE (RFC 3326), which says why it ended the call. */
function endReason(event: EndEvent): string | undefined {
  const message = event.message as { method?: unknown; getHeader?: unknown } | null | undefined;
  if (event.originator !== 'remote' || message?.method !== 'BYE') return undefined;
  if (typeof message.getHeader !== 'function') return undefined;
  const reason: unknown = message.getHeader('Reason');
  return typeof reason === 'string' ? reason : undefined;
}

/**
 * Why the session ended, for the user (see causes.ts); `statusCode` is the SIP status,
 * `mediaConnected` whether its ICE ever connected, `terminateCause` the cause JsSIP gave
 * its own terminate() (terminate-cause.ts).
 */
export function describeSessionEnd(
  event: EndEvent,
  statusCode: number | undefined,
  mediaConnected = false,
  terminateCause?: string,
): EndDescription {
  const { originator } = event;
  const cause = sessionEndCause(event, terminateCause);
  return describeEnd({ originator, cause, statusCode, reason: endReason(event), mediaConnected });
}
