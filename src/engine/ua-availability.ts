/**
 * The agent's availability on the wire: a parameter of the Contact in every REGISTER
 * (`;availability=away`), which the SBC stores with the binding and checks when the queue
 * rings (backend/kamailio/kamailio.cfg, REGISTRAR and LOCATION). Every REGISTER JsSIP sends
 * by itself (on reconnect, on refresh, with new credentials, to another region) carries it,
 * so nothing on the server has to remember it across those.
 */
import type { UA } from 'jssip';
import type { Availability } from './types';

/** The Contact parameter's name (backend/kamailio/kamailio.cfg reads it). */
export const AVAILABILITY_PARAM = 'availability';

/** What JsSIP's UA inherits from EventEmitter and its typings leave out. */
interface UaOnce {
  once(event: 'registered', listener: () => void): void;
}

/** The part of JsSIP's Registrator (Registrator.js) that its typings leave out. */
interface RegistratorInternals {
  /** A REGISTER is in flight: `register()` does nothing until it is answered. */
  _registering: boolean;
}

/** Every REGISTER `ua` sends from now on says `availability`. */
export function setRegisteredAvailability(ua: UA, availability: Availability): void {
  ua.registrator().setExtraContactParams({ [AVAILABILITY_PARAM]: availability });
}

/**
 * Tell the SBC now: a REGISTER with the new value. JsSIP ignores `register()` while a
 * REGISTER is in flight (it carries the old value), so then one more goes once that one is
 * answered. (A refused one is retried by the phone, with the new value already.)
 */
export function reRegisterNow(ua: UA): void {
  const registrator = ua.registrator() as unknown as RegistratorInternals;
  if (!registrator._registering) {
    ua.register();
    return;
  }
  (ua as unknown as UaOnce).once('registered', () => {
    if (ua.isConnected()) ua.register();
  });
}
