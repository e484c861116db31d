/**
 * SIP credentials: static (development) or ephemeral ones fetched from the customer's
 * backend (auth_ephemeral: `username = "<unix-expiry>:<user>"`), refreshed before they
 * expire.
 */
import { Backoff } from './backoff';
import type { CredentialSource } from './config';
import { CREDENTIALS_TIMEOUT_MS, requestCredentials } from './credentials-request';
import { parseMintedIceServers } from './ice-servers';
import { redactUrl } from './redact';
import type { PhoneError } from './types';

export interface SipCredentials {
  /** Digest user name (`"<expiry>:<user>"` for ephemeral credentials). */
  username: string;
  password: string | undefined;
  /** SIP user for the From/To URI (the part after `<expiry>:`). */
  user: string;
  /**
   * The SIP identity the service minted them for (`sip:visitor-ab12@helpline.example`), when
   * it says; its user is always `user` (checked), since Kamailio's autheph_check_from
   * refuses a From whose user is not the one in the credentials.
   */
  uri: string | undefined;
  /** When the credentials stop working, ms since epoch; undefined = never. */
  expiresAt: number | undefined;
  /**
   * `supervisor` when the username carries that role (`"<expiry>:<user>:supervisor"`, minted
   * by backend/credentials): the phone may then listen in on agents' calls. Only a hint for
   * what to offer: the SBC decides from the same, HMAC-covered, username.
   */
  role?: 'supervisor';
  /**
   * STUN/TURN servers minted with the credentials (a TURN relay whose short-lived
   * credentials expire with these): used by calls besides the configured ones, and
   * refreshed with them (ice-servers.ts).
   */
  iceServers?: RTCIceServer[];
}

export type CredentialsResult =
  | { ok: true; credentials: SipCredentials }
  | { ok: false; error: PhoneError };

/** Refresh when this share of the lifetime has passed. */
export const REFRESH_AT_LIFETIME = 0.8;
/** Never refresh more often than this, even when the service hands out short lifetimes. */
export const MIN_REFRESH_DELAY_MS = 5000;
/**
 * Refresh at least this long before expiry. An SBC that caps a registration at the
 * credentials' remaining lifetime (backend/kamailio/kamailio.cfg) lets JsSIP refresh it
 * 5 s before it lapses (Registrator.js, for expiries up to 64 s), when the credentials
 * have 5 s left, and refuses credentials that close to expiry: the refresh, with its
 * REGISTER, must come first (Phone re-registers on every refresh).
 */
export const REFRESH_MARGIN_MS = 15_000;

/** `<expiry>:<user>`, or `<expiry>:<user>:supervisor` for a supervisor. */
const EPHEMERAL_USERNAME = /^(\d+):(.+?)(:supervisor)?$/;
/** `sip:user@host[:port]`, nothing else (no parameters, no display name). */
const SIP_URI = /^sips?:([^@:;?>\s]+)@([a-z0-9.-]+(?::\d+)?)$/i;

function failure(message: string, cause?: unknown): { ok: false; error: PhoneError } {
  return { ok: false, error: { code: 'credentials-failed', message, cause } };
}

/**
 * The SIP user inside a user name: `"1700000000:agent1"` → `"agent1"`, also for a
 * supervisor's `"1700000000:agent9:supervisor"` → `"agent9"`.
 */
export function userFromUsername(username: string): string {
  return EPHEMERAL_USERNAME.exec(username)?.[2] ?? username;
}

/** Validate the JSON body of the credentials service. `now` in ms. */
export function parseCredentials(body: unknown, now: number): CredentialsResult {
  if (typeof body !== 'object' || body === null) {
    return failure('The credentials service returned no JSON object.');
  }
  const { username, password, expires, uri, iceServers } = body as Record<string, unknown>;
  if (typeof username !== 'string' || username.trim() === '') {
    return failure('The credentials service returned no username.');
  }
  if (typeof password !== 'string' || password === '') {
    return failure('The credentials service returned no password.');
  }
  if (typeof expires !== 'number' || !Number.isFinite(expires)) {
    return failure('The credentials service returned no expiry time ("expires", unix seconds).');
  }
  const expiresAt = expires * 1000;
  if (expiresAt <= now) {
    return failure(
      `The credentials service returned credentials that already expired (${new Date(expiresAt).toISOString()}).`,
    );
  }
  const user = userFromUsername(username);
  if (uri !== undefined && !identityMatches(uri, user)) {
    return failure(
      `The credentials service returned a uri that is not sip:${user}@<domain> (the user of the username): got ${typeof uri === 'string' ? `'${uri.slice(0, 120)}'` : typeof uri}.`,
    );
  }
  const relays = parseMintedIceServers(iceServers);
  if (!relays.ok) {
    return failure(`The credentials service returned unusable iceServers: ${relays.message}.`);
  }
  const credentials: SipCredentials = {
    username,
    password,
    user,
    uri: uri as string | undefined,
    expiresAt,
  };
  if (EPHEMERAL_USERNAME.exec(username)?.[3]) credentials.role = 'supervisor';
  if (relays.iceServers.length > 0) credentials.iceServers = relays.iceServers;
  return { ok: true, credentials };
}

function identityMatches(uri: unknown, user: string): boolean {
  if (typeof uri !== 'string') return false;
  const match = SIP_URI.exec(uri);
  if (!match) return false;
  try {
    return decodeURIComponent(match[1]!) === user;
  } catch {
    return false;
  }
}

/**
 * Delay until the credentials should be refreshed: at 80 % of their remaining lifetime
 * (counted from `now`, when they were obtained) and at least 15 s before they expire,
 * never sooner than 5 s. Undefined for credentials that do not expire.
 */
export function refreshDelay(credentials: SipCredentials, now: number): number | undefined {
  if (credentials.expiresAt === undefined) return undefined;
  const lifetime = credentials.expiresAt - now;
  const delay = Math.min(lifetime * REFRESH_AT_LIFETIME, lifetime - REFRESH_MARGIN_MS);
  return Math.max(MIN_REFRESH_DELAY_MS, Math.floor(delay));
}

/** Fetch and validate credentials; every failure is a `credentials-failed` value. */
export async function fetchCredentials(
  url: string,
  timeoutMs = CREDENTIALS_TIMEOUT_MS,
): Promise<CredentialsResult> {
  // Messages name the service without its query string (it may carry a key: issue 10).
  const shown = redactUrl(url);
  let response: Response;
  try {
    response = await requestCredentials(url, timeoutMs);
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return failure(
      timedOut
        ? `The credentials service at ${shown} did not answer within ${timeoutMs / 1000} s.`
        : `Could not reach the credentials service at ${shown}.`,
      error,
    );
  }
  if (!response.ok) {
    return failure(
      `The credentials service at ${shown} answered ${response.status} ${response.statusText}.`.trim(),
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    return failure(`The credentials service at ${shown} did not return JSON.`, error);
  }
  return parseCredentials(body, Date.now());
}

function isLocalPage(): boolean {
  const host = globalThis.location?.hostname;
  return host === undefined || host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/** The warning for a static password on a real site, or undefined when there is none. */
export function insecureCredentialsWarning(source: CredentialSource): PhoneError | undefined {
  if (source.kind !== 'static' || source.password === undefined || isLocalPage()) return undefined;
  return {
    code: 'insecure-credentials',
    message:
      'A static SIP password is embedded in this page: anyone can read it. Use credentialsUrl with short-lived credentials in production.',
  };
}

/**
 * Holds the current credentials and keeps ephemeral ones fresh: refetched at ~80 % of
 * their lifetime, and on demand (once per auth failure, decided by the caller).
 */
export class CredentialStore {
  private currentValue: SipCredentials | undefined;
  private pending: Promise<CredentialsResult> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly retry = new Backoff();

  /**
   * @param onRefreshed called with credentials obtained by a scheduled refresh
   * @param onFailed called when a scheduled refresh fails
   */
  constructor(
    private readonly source: CredentialSource,
    private readonly onRefreshed: (credentials: SipCredentials) => void,
    private readonly onFailed: (error: PhoneError) => void,
  ) {}

  /** Credentials in use, if any were obtained. */
  get current(): SipCredentials | undefined {
    return this.currentValue;
  }

  /** Can fetching again yield different credentials? (Static ones cannot.) */
  get refreshable(): boolean {
    return this.source.kind === 'url';
  }

  /** The current credentials, fetching them first if needed (concurrent calls share one fetch). */
  async get(): Promise<CredentialsResult> {
    const current = this.currentValue;
    if (current && !this.expired(current)) {
      this.stopped = false;
      if (this.timer === undefined) this.schedule(current);
      return { ok: true, credentials: current };
    }
    return this.fetch();
  }

  /** Fetch new credentials now, whatever the current ones are. */
  fetch(): Promise<CredentialsResult> {
    this.stopped = false;
    if (this.source.kind === 'static') {
      const { user, password } = this.source;
      this.currentValue = {
        username: user,
        password,
        user: userFromUsername(user),
        uri: undefined,
        expiresAt: undefined,
      };
      return Promise.resolve({ ok: true, credentials: this.currentValue });
    }
    this.pending ??= this.load(this.source.url).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Cancel the refresh timer; `get()` starts again. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private expired(credentials: SipCredentials): boolean {
    return credentials.expiresAt !== undefined && credentials.expiresAt <= Date.now();
  }

  private async load(url: string): Promise<CredentialsResult> {
    const result = await fetchCredentials(url);
    if (this.stopped) return result;
    if (result.ok) {
      this.currentValue = result.credentials;
      this.schedule(result.credentials);
    }
    return result;
  }

  private schedule(credentials: SipCredentials): void {
    clearTimeout(this.timer);
    const delay = refreshDelay(credentials, Date.now());
    if (delay === undefined) return;
    this.timer = setTimeout(() => void this.refresh(), delay);
  }

  /**
   * A scheduled refresh. A failed one is retried with backoff (the service may be down
   * for a moment): the credentials in use keep working until they expire, and a phone
   * that is registered must not be left with expired ones for good.
   */
  private async refresh(): Promise<void> {
    this.timer = undefined;
    const result = await this.fetch();
    if (this.stopped) return;
    if (result.ok) {
      this.retry.reset();
      this.onRefreshed(result.credentials);
      return;
    }
    this.onFailed(result.error);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), this.retry.next());
  }
}
