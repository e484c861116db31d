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

/** Installs the service as the page's `fetch`: credentials `lifetimeS` long, for `domain`. */
export function serveVisitorCredentials(lifetimeS: number, domain: string): FakeCredentials {
  const minted: string[] = [];
  const fetch = vi.fn(async () => {
    const serial = minted.length + 1;
    // + serial: two fetches within one second still get different user names.
    const expires = Math.floor(Date.now() / 1000) + lifetimeS + serial;
    const username = `${expires}:visitor-${serial}`;
    minted.push(username);
    return Response.json({
      username,
      password: `pw-${serial}`,
      expires,
      uri: `sip:visitor-${serial}@${domain}`,
    });
  });
  vi.stubGlobal('fetch', fetch);
  return { fetch, minted };
}
