/**
 * The SIP identity of a JsSIP UA follows its credentials.
 *
 * auth_ephemeral credentials name the user they were minted for (`"<expiry>:<user>"`), and
 * Kamailio's autheph_check_from refuses a request whose From user is not that user
 * (backend/kamailio/kamailio.cfg, route[AUTH]). The credentials service mints a new
 * `visitor-…` user on every fetch, so after a refresh the From of every new request must
 * carry the new user along with the new digest user name and password. JsSIP's `set()`
 * changes only the digest part (its UA has no way to change its URI at run time), so the
 * URI in the UA's configuration is updated here, the one place that reaches into JsSIP.
 *
 * What keeps its identity: a dialog (a call in progress) copied its From at creation
 * (JsSIP's Dialog `_local_uri`), so its re-INVITEs, INFOs and BYE keep the From they
 * started with. A challenge to one of them is answered with the UA's credentials, though:
 * the phone keeps those of the call's identity until the call ends (Phone.applyCredentials).
 */
import { type UA, URI } from 'jssip';
import type { SipCredentials } from './credentials';

/** The SIP URI new requests go out with: the one the service named, or user@domain. */
export function identityUri(credentials: SipCredentials, domain: string): string {
  return credentials.uri ?? `sip:${credentials.user}@${domain}`;
}

/** The parts of JsSIP's UA (UA.js) that its typings leave out. */
interface UaInternals {
  configuration: { uri: URI };
}

/**
 * Make `ua` use `credentials` for every request it sends from now on: digest user name
 * and password, and its URI (From; To of REGISTER). Returns whether the URI changed.
 */
export function applyCredentialsToUa(
  ua: UA,
  credentials: SipCredentials,
  domain: string,
): { identityChanged: boolean } {
  ua.set('authorization_user', credentials.username);
  // After a challenge JsSIP keeps an ha1 and clears the password; a password set here
  // takes precedence again (DigestAuthentication.js), so ha1 of old credentials is unused.
  if (credentials.password !== undefined) ua.set('password', credentials.password);
  const current = (ua as unknown as UaInternals).configuration.uri;
  const next = URI.parse(identityUri(credentials, domain)) as unknown as URI | undefined;
  if (!next || current.toString() === next.toString()) return { identityChanged: false };
  // UA.js seals its configuration (`uri` is read-only) but the URI object itself is
  // mutable, and it is the one object every new request reads (SIPMessage.js) and the
  // REGISTER's To (Registrator.js `_to_uri`) shares. Headers already sent are strings.
  current.scheme = next.scheme;
  current.user = next.user;
  current.host = next.host;
  current.port = next.port;
  return { identityChanged: true };
}

/** The URI the UA sends new requests from (for tests and logs). */
export function uaIdentity(ua: UA): string {
  return (ua as unknown as UaInternals).configuration.uri.toString();
}
