/**
 * Short-lived credentials and their refreshes, as a journey observes them: the widget's
 * fetches of the credentials service (HTTP, from page load) and the engine's own
 * `credentials` events (`Phone.on('credentials')`, recorded once the phone exists).
 */
import { expect } from '@playwright/test';
import { CREDENTIALS_ORIGIN } from './paths';
import type { SipMessage } from './sip-wire';
import type { Widget } from './widget';

/**
 * The credentials URL asking for `ttlSeconds`-long credentials (`?ttl=N`, which the
 * credentials service accepts from 10 s up to its own lifetime).
 */
export function shortCredentialsUrl(kind: 'visitor' | 'agent', ttlSeconds: number): string {
  return `${CREDENTIALS_ORIGIN}/credentials/${kind}?ttl=${ttlSeconds}`;
}

/** Successful fetches of the credentials service by this page so far. */
export function credentialFetches(widget: Widget): number {
  return widget.http.filter((x) => x.url.includes('/credentials/') && x.status === 200).length;
}

interface CredentialsEventLike {
  uri: string;
  reason: string;
}

declare global {
  interface Window {
    __credentialEvents?: CredentialsEventLike[];
  }
}

/** Records the engine's `credentials` events from now on (waits for the phone to exist). */
export async function recordCredentialEvents(widget: Widget): Promise<void> {
  const hasPhone = () =>
    widget.page.evaluate(
      (tag) => Boolean((document.querySelector(tag) as { phone?: unknown } | null)?.phone),
      widget.tag,
    );
  await expect.poll(hasPhone, { message: `${widget.tag} has a phone`, intervals: [50] }).toBe(true);
  await widget.page.evaluate((tag) => {
    type Phone = { on(event: string, handler: (payload: CredentialsEventLike) => void): unknown };
    const phone = (document.querySelector(tag) as { phone?: Phone } | null)?.phone;
    const events: CredentialsEventLike[] = [];
    window.__credentialEvents = events;
    phone?.on('credentials', ({ uri, reason }) => events.push({ uri, reason }));
  }, widget.tag);
}

/** Credentials the engine took into use since `recordCredentialEvents`, by `reason`. */
export function credentialEvents(widget: Widget, reason = 'refresh'): Promise<string[]> {
  return widget.page.evaluate(
    (r) => (window.__credentialEvents ?? []).filter((e) => e.reason === r).map((e) => e.uri),
    reason,
  );
}

/** Waits until the page fetched credentials `count` times in all (the first one included). */
export async function expectCredentialFetches(widget: Widget, count: number, timeout = 30_000) {
  await expect
    .poll(() => credentialFetches(widget), {
      message: `${widget.tag}: credentials fetched ${count} times`,
      timeout,
      intervals: [100],
    })
    .toBeGreaterThanOrEqual(count);
}

/** The digest user name a request was signed with (Authorization or Proxy-Authorization). */
export function digestUsername(message: SipMessage): string | undefined {
  return /^(?:Proxy-)?Authorization:.*\busername="([^"]*)"/im.exec(message.raw)?.[1];
}

/**
 * The credentials a request went out with: its own signature, or else those its page last
 * signed a request with. The SBC takes a request it does not challenge as authenticated by
 * the credentials its connection proved last (kamailio.cfg, route[CONNECTION_USER]): a
 * visitor's proof as it connects (src/engine/connection-proof.ts), or a challenged request.
 */
export function credentialsOf(widget: Widget, request: SipMessage): string | undefined {
  const sent = widget.wire.messages.filter((m) => m.direction === 'sent');
  return sent
    .slice(0, sent.indexOf(request) + 1)
    .map(digestUsername)
    .filter((username) => username !== undefined)
    .at(-1);
}

/** `"1700000000:visitor-ab12"` → `visitor-ab12`. */
export function userOfUsername(username: string | undefined): string | undefined {
  return username === undefined ? undefined : /^\d+:(.+)$/.exec(username)?.[1];
}

/** The user of the first SIP URI in a From/To value. */
export function userOfUri(value: string): string {
  return /sips?:([^@;>]+)@/.exec(value)?.[1] ?? '';
}
