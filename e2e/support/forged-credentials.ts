/**
 * A customer backend that hands out bad credentials: the credentials URL is intercepted
 * and answered with a well-formed auth_ephemeral pair that Kamailio must reject.
 */
import { randomBytes } from 'node:crypto';
import type { BrowserContext } from '@playwright/test';
import { CREDENTIALS_ORIGIN, PAGES_ORIGIN, SIP_DOMAIN } from './paths';

export type Forgery = 'wrong-password' | 'expired';

export function serveForgedCredentials(forgery: Forgery, user: string) {
  return async (context: BrowserContext): Promise<void> => {
    const now = Math.floor(Date.now() / 1000);
    const expires = forgery === 'expired' ? now - 3600 : now + 600;
    const username = `${expires}:${user}`;
    await context.route(`${CREDENTIALS_ORIGIN}/credentials/**`, (route) =>
      route.fulfill({
        status: 200,
        headers: {
          'access-control-allow-origin': PAGES_ORIGIN,
          'access-control-allow-credentials': 'true',
        },
        json: {
          username,
          password: randomBytes(20).toString('base64'),
          expires,
          uri: `sip:${user}@${SIP_DOMAIN}`,
        },
      }),
    );
  };
}
