/**
 * What the core starts for a phone element as soon as it knows the element wants its phone:
 * for `<sip-phone>` when it is found (it registers at once), for a call button at the first
 * intent. The element's module, Lit and the engine are then still on their way; the phone
 * takes what was started instead of starting it again:
 * - the request for its credentials (engine/credentials-request.ts), from a
 *   `credentials-url` attribute that keeps the https rule;
 * - the WebSocket to its first server (engine/early-socket.ts), from a `server` attribute
 *   that keeps the wss rule;
 * - with `single-tab` on, the tabs' lock (engine/tabs/early-election.ts), named from its
 *   `domain` and its `credentials-url` (or `user`) as the phone will name it. When another
 *   tab holds it, that tab's phone is the one connected: this one will follow it, so
 *   neither credentials nor a socket are started for it (each would be minted or opened,
 *   then dropped unused).
 * Any other configuration is checked, and its phone connected, once the element is in.
 */

import { attributesOf, onOff, splitList } from '../elements/shared/config-input.js';
import { requestCredentialsEarly } from '../engine/credentials-request.js';
import { openSocketEarly } from '../engine/early-socket.js';
import { secureHttpUrl, secureSocketUrl } from '../engine/secure-url.js';
import { electEarly } from '../engine/tabs/early-election.js';
import { sharedPhoneName } from '../engine/tabs/shared-identity.js';

/**
 * @param singleTab the element's default for its `single-tab` attribute
 * @returns resolves once what this tab's phone needs is started: true, or false when
 *   another tab's phone is the one connected
 */
export async function connectEarly(el: Element, singleTab: boolean): Promise<boolean> {
  const attributes = attributesOf(el);
  // Empty is unset, as for the configuration check.
  const credentials = attributes.credentialsUrl || null;
  const credentialsUrl = credentials === null ? undefined : secureHttpUrl(credentials);
  const [server] = splitList(attributes.server ?? '');
  const serverUrl = server === undefined ? undefined : secureSocketUrl(server);
  const shared = onOff(attributes.singleTab) ?? singleTab;
  const domain = attributes.domain?.trim();
  const who = credentials === null ? attributes.user : credentialsUrl;
  // A name the phone will not use only delays another tab's election by EARLY_LOCK_KEPT_MS.
  if (shared === true && domain && who && !(await electEarly(sharedPhoneName(domain, who)))) {
    return false;
  }
  if (credentialsUrl) requestCredentialsEarly(credentialsUrl);
  if (serverUrl) openSocketEarly(serverUrl);
  return true;
}
