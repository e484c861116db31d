/**
 * The `iceServers` a credentials service hands out with the SIP credentials (a TURN relay
 * with short-lived TURN REST API credentials: backend/credentials/server.ts), validated
 * before they reach an RTCPeerConnection, and merged with the configured ones.
 *
 * Validated because the browser throws on a bad entry (a `turn:` URL without credentials,
 * an unknown scheme) in the middle of placing or answering a call, and because the service
 * is another origin: its answer is bounded in size.
 */

/** More servers than this is not a relay set but a mistake (each one is tried by every call). */
export const MAX_MINTED_ICE_SERVERS = 4;
export const MAX_URLS_PER_SERVER = 4;
export const MAX_ICE_URL_LENGTH = 256;
export const MAX_ICE_CREDENTIAL_LENGTH = 512;

/** `stun:host[:port]`, `turn:host[:port][?transport=udp|tcp]`, `turns:...` (RFC 7064, RFC 7065). */
const ICE_URL = /^(stun|turns?):[^\s?#/@]+(\?transport=(udp|tcp))?$/i;

export type IceServersResult =
  | { ok: true; iceServers: RTCIceServer[] }
  | { ok: false; message: string };

function shortText(value: unknown): string {
  return typeof value === 'string' ? `'${value.slice(0, 80)}'` : typeof value;
}

function boundedString(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= MAX_ICE_CREDENTIAL_LENGTH;
}

function parseServer(value: unknown, index: number): RTCIceServer | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `iceServers[${index}] is not an object`;
  }
  const { urls, username, credential } = value as Record<string, unknown>;
  const list = Array.isArray(urls) ? (urls as unknown[]) : [urls];
  if (list.length === 0 || list.length > MAX_URLS_PER_SERVER) {
    return `iceServers[${index}] must have 1 to ${MAX_URLS_PER_SERVER} urls`;
  }
  for (const url of list) {
    if (typeof url !== 'string' || url.length > MAX_ICE_URL_LENGTH || !ICE_URL.test(url)) {
      return `iceServers[${index}] has a url that is not stun:, turn: or turns: (${shortText(url)})`;
    }
  }
  const urlList = list as string[];
  const server: RTCIceServer = { urls: urlList };
  if (username !== undefined || credential !== undefined) {
    if (!boundedString(username) || !boundedString(credential)) {
      return `iceServers[${index}] has a username or credential that is not a short string`;
    }
    server.username = username;
    server.credential = credential;
  } else if (urlList.some((url) => /^turns?:/i.test(url))) {
    // RTCPeerConnection refuses a TURN server without them (InvalidAccessError).
    return `iceServers[${index}] is a TURN server without username and credential`;
  }
  return server;
}

/**
 * The `iceServers` field of a credentials answer: absent means none; anything else must be
 * a short list of well-formed STUN/TURN servers.
 */
export function parseMintedIceServers(value: unknown): IceServersResult {
  if (value === undefined) return { ok: true, iceServers: [] };
  if (!Array.isArray(value) || value.length > MAX_MINTED_ICE_SERVERS) {
    return {
      ok: false,
      message: `iceServers must be a list of at most ${MAX_MINTED_ICE_SERVERS} servers`,
    };
  }
  const iceServers: RTCIceServer[] = [];
  for (const [index, entry] of value.entries()) {
    const server = parseServer(entry, index);
    if (typeof server === 'string') return { ok: false, message: server };
    iceServers.push(server);
  }
  return { ok: true, iceServers };
}

/** What a call's RTCPeerConnection uses: the configured servers, then the minted ones. */
export function callIceServers(
  configured: readonly RTCIceServer[],
  minted: readonly RTCIceServer[] | undefined,
): RTCIceServer[] {
  return [...configured, ...(minted ?? [])];
}
