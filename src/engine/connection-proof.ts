/**
 * A phone that does not register (a visitor) proves its credentials on each new connection,
 * before its first call, so that the call's INVITE is not challenged (issue 16).
 *
 * The SBC challenges one request per WebSocket connection and binds the connection to the
 * credentials that answered it; later requests on it from the same user go through without
 * a 407 (backend/kamailio/kamailio.cfg, routes CONNECTION_USER and BIND_CONNECTION). An
 * agent's REGISTER does that as it connects. A visitor sends nothing before its first
 * INVITE, which then paid INVITE → 407 → INVITE: two round trips before the call proceeds.
 * Instead, as the connection opens (on the visitor's intent, `Phone.prepare()`), an OPTIONS
 * to the visitor's own address goes out: the SBC challenges it, JsSIP answers the challenge
 * with the UA's credentials (RequestSender.js), the SBC binds the connection and answers
 * 200 itself, and the request goes nowhere else.
 *
 * Nothing waits for it: a call placed before the proof is answered is challenged as before
 * (and that INVITE binds the connection). A proof that fails costs nothing but the request.
 * New credentials for another identity (a visitor's refresh) are bound by the next request
 * they sign, as before.
 */
import type { UA } from 'jssip';
import type { IncomingResponse } from 'jssip/lib/SIPMessage';
import type { Logger } from './log';
import { uaIdentity } from './ua-identity';

/** How a proof went: `proved` when the SBC accepted the credentials (200). */
export type ConnectionProof = { proved: true } | { proved: false; reason: string };

/** The part of JsSIP's UA (UA.js `sendOptions`, Options.js) that its typings leave out. */
interface UaOptions {
  sendOptions(
    target: string,
    body: string | null,
    options: {
      eventHandlers: {
        succeeded: () => void;
        failed: (event: { response: IncomingResponse | null; cause: string }) => void;
      };
    },
  ): void;
}

/**
 * Send the proof on `ua`'s connection: an OPTIONS to its own address, challenged and
 * answered with its credentials. Resolves with the outcome (logged); never rejects.
 */
export function proveConnection(ua: UA, log: Logger): Promise<ConnectionProof> {
  return new Promise<ConnectionProof>((resolve) => {
    const settle = (outcome: ConnectionProof) => {
      if (outcome.proved) log.debug('the connection proved its credentials');
      else log.info(`the connection did not prove its credentials (${outcome.reason})`);
      resolve(outcome);
    };
    try {
      (ua as unknown as UaOptions).sendOptions(uaIdentity(ua), null, {
        eventHandlers: {
          succeeded: () => settle({ proved: true }),
          failed: ({ response, cause }) =>
            settle({
              proved: false,
              reason: response ? `SIP ${response.status_code}` : String(cause),
            }),
        },
      });
    } catch (error) {
      settle({ proved: false, reason: String(error) });
    }
  });
}
