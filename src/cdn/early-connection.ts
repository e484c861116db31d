/**
 * What the core starts for a phone element as soon as it knows the element wants its phone:
 * for `<sip-phone>` when it is found (it registers at once), for a call button at the first
 * intent. The element's module, Lit and the engine are then still on their way; the phone
 * takes what was started instead of starting it again:
 * - the request for its credentials (engine/credentials-request.ts), from a
 *   `credentials-url` attribute that keeps the https rule;
 * - the WebSocket to its first server (engine/early-socket.ts), from a `server` attribute
 *   that keeps the wss rule.
 * Any other configuration is checked, and its phone connected, once the element is in.
 */

import { splitList } from '../elements/shared/config-input.js';
import { requestCredentialsEarly } from '../engine/credentials-request.js';
import { openSocketEarly } from '../engine/early-socket.js';
import { secureHttpUrl, secureSocketUrl } from '../engine/secure-url.js';

export function connectEarly(el: Element): void {
  const credentials = el.getAttribute('credentials-url');
  const credentialsUrl = credentials === null ? undefined : secureHttpUrl(credentials);
  if (credentialsUrl) requestCredentialsEarly(credentialsUrl);
  const [server] = splitList(el.getAttribute('server') ?? '');
  const serverUrl = server === undefined ? undefined : secureSocketUrl(server);
  if (serverUrl) openSocketEarly(serverUrl);
}
