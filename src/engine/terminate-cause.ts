/**
 * The cause JsSIP gave when it ended a session by itself. JsSIP's terminate() takes one
 * (`RTP Timeout` when the peer connection's ICE failed, `Connection Error`, `Request
 * Timeout`), but before the far end answered it cancels the INVITE and reports `Canceled`
 * instead (RTCSession.js, terminate()). A visitor whose browser found no network path
 * (Firefox without a usable interface fails ICE at once) read "The call was canceled." as
 * if they had hung up.
 */
import type { RTCSession } from 'jssip/lib/RTCSession';

/**
 * Calls `keep` with the cause of every terminate() that names one. Ours never do (they
 * give a SIP status, or nothing), so a cause kept is JsSIP's own.
 */
export function keepTerminateCause(session: RTCSession, keep: (cause: string) => void): void {
  const terminate = session.terminate.bind(session);
  session.terminate = (options) => {
    if (options?.cause !== undefined) keep(String(options.cause));
    terminate(options);
  };
}

/** JsSIP's cause for a session's end, with the cause it gave its own cancel. */
export function sessionEndCause(
  event: { originator: string; cause: string },
  terminateCause: string | undefined,
): string {
  return terminateCause !== undefined && event.originator === 'local' && event.cause === 'Canceled'
    ? terminateCause
    : event.cause;
}
