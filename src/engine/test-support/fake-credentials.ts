/**
 * The credentials service in engine tests: a `fetch` that mints a new visitor on every call
 * (`visitor-1`, `visitor-2`, …), as backend/credentials/server.ts does, with
 * auth_ephemeral user names (`"<expiry>:<user>"`).
 */
import { vi } from 'vitest';

export interface FakeCredentials {
  /** The installed `fetch` (one call per credentials fetch). */
  readonly fetch: ReturnType<typeof vi.fn>;
  /** The digest user names handed out, in order. */
  readonly minted: string[];
}

export interface FakeCredentialsOptions {
  /** Always this user (an agent), instead of a new visitor each time. */
  user?: string;
  /** STUN/TURN servers minted with the `serial`-th credentials (`username`). */
  iceServers?: (username: string, serial: number) => RTCIceServer[];
}

/** Installs the service as the page's `fetch`: credentials `lifetimeS` long, for `domain`. */
export function serveVisitorCredentials(
  lifetimeS: number,
  domain: string,
  options: FakeCredentialsOptions = {},
): FakeCredentials {
  const minted: string[] = [];
  const fetch = vi.fn(async () => {
    const serial = minted.length + 1;
    const user = options.user ?? `visitor-${serial}`;
    // + serial: two fetches within one second still get different user names.
    const expires = Math.floor(Date.now() / 1000) + lifetimeS + serial;
    const username = `${expires}:${user}`;
    minted.push(username);
    return Response.json({
      username,
      password: `pw-${serial}`,
      expires,
      uri: `sip:${user}@${domain}`,
      ...(options.iceServers && { iceServers: options.iceServers(username, serial) }),
    });
  });
  vi.stubGlobal('fetch', fetch);
  return { fetch, minted };
}
