/**
 * auth_ephemeral credentials (the TURN REST API scheme Kamailio's auth_ephemeral module
 * checks, and backend/credentials mints): username `<expiry>:<user>`, password the
 * base64 HMAC-SHA1 of the username under the shared secret. Tests and benchmarks mint
 * their own with the lab's secret (backend/run/secret).
 */
import { createHmac } from 'node:crypto';

export interface EphemeralCredentials {
  username: string;
  password: string;
}

/**
 * Credentials for `user` valid for `ttlS` seconds (a negative ttl gives expired ones); a
 * `role` is carried as the username's third field, as backend/credentials mints a supervisor's.
 */
export function ephemeralCredentials(
  secret: string,
  user: string,
  ttlS = 600,
  role?: string,
): EphemeralCredentials {
  const expiry = Math.floor(Date.now() / 1000) + ttlS;
  const username = role === undefined ? `${expiry}:${user}` : `${expiry}:${user}:${role}`;
  return { username, password: createHmac('sha1', secret).update(username).digest('base64') };
}

// Run as a script (`node --import tsx testkit/ephemeral.ts <user> [ttl-seconds]`), for shell
// benchmarks: prints "<username> <password>" minted with the lab's secret (backend/run/secret).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync } = await import('node:fs');
  const [user, ttl = '600'] = process.argv.slice(2);
  if (!user) {
    console.error('usage: ephemeral.ts <user> [ttl-seconds]');
    process.exit(2);
  }
  const secret = readFileSync(new URL('../backend/run/secret', import.meta.url), 'utf8').trim();
  const { username, password } = ephemeralCredentials(secret, user, Number(ttl));
  console.log(`${username} ${password}`);
}
