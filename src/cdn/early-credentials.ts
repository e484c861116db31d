/**
 * The request for a phone element's credentials, started by the core as soon as it knows
 * the element wants them: for `<sip-phone>` when it is found (it registers at once), for a
 * call button at the first intent. Its module, Lit and the engine are then still on their
 * way; the phone takes the request under way (engine/credentials-request.ts). Only a
 * `credentials-url` attribute that keeps the https rule is asked early; any other
 * configuration is checked, and its credentials asked for, once the element is in.
 */
import { requestCredentialsEarly } from '../engine/credentials-request.js';
import { secureHttpUrl } from '../engine/secure-url.js';

export function requestCredentialsOf(el: Element): void {
  const value = el.getAttribute('credentials-url');
  const url = value === null ? undefined : secureHttpUrl(value);
  if (url) requestCredentialsEarly(url);
}
