/**
 * The two things the engine needs from JsSIP's in-dialog requests that JsSIP's API does not
 * give, in one place.
 *
 * 1. `RTCSession.sendRequest()` is public in node_modules/jssip/lib/RTCSession.js (it sends
 *    any request in the call's dialog) but missing from its typings: {@link inDialog} types
 *    it. reinvite.ts sends our hold re-INVITEs with it.
 * 2. `RTCSession.renegotiate()` drops the server's answer when its re-INVITE fails (its
 *    `failed` handler ignores the response and terminates the call with 500 "Media
 *    Renegotiation Failed"), and RTCSession emits no event that carries an in-dialog
 *    response. The ICE-restart re-INVITE after a reconnect (recovery.ts) must still tell
 *    why the call was lost, so {@link onNextInviteStatus} wraps the session's
 *    `sendRequest()` for exactly one INVITE to read its status. This is the only place
 *    the engine replaces a JsSIP method; everything else uses JsSIP as documented.
 */
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingResponse } from 'jssip/lib/SIPMessage';

/** What JsSIP calls back with for an in-dialog request (RequestSender.js). */
export interface InDialogHandlers {
  onSuccessResponse?: (response: IncomingResponse) => void;
  onErrorResponse?: (response: IncomingResponse) => void;
  onTransportError?: () => void;
  onRequestTimeout?: () => void;
  onDialogError?: () => void;
}

export interface InDialogRequest {
  extraHeaders?: string[];
  body?: string;
  eventHandlers?: InDialogHandlers;
}

/** An RTCSession with its public, untyped in-dialog request sender. */
export interface InDialogSession extends RTCSession {
  sendRequest(method: string, options?: InDialogRequest): unknown;
}

/** `session` with its `sendRequest()` typed (see the module comment). */
export function inDialog(session: RTCSession): InDialogSession {
  return session as InDialogSession;
}

/**
 * Report the status of the next INVITE the session sends in its dialog (the one
 * `renegotiate()` is about to send); later requests are left alone. The returned
 * function undoes it when no INVITE went out.
 */
export function onNextInviteStatus(session: RTCSession, report: (status: number) => void) {
  const sender = inDialog(session);
  const send = sender.sendRequest;
  const restore = () => {
    sender.sendRequest = send;
  };
  sender.sendRequest = (method, options) => {
    const handlers = options?.eventHandlers;
    if (method === 'INVITE') {
      restore();
      if (handlers) {
        const { onSuccessResponse, onErrorResponse } = handlers;
        handlers.onSuccessResponse = (response) => {
          report(response.status_code);
          onSuccessResponse?.(response);
        };
        handlers.onErrorResponse = (response) => {
          report(response.status_code);
          onErrorResponse?.(response);
        };
      }
    }
    return send.call(sender, method, options);
  };
  return restore;
}
