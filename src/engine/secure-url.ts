/**
 * The rule for the URLs a page gives the phone (the credentials service, the elements'
 * own links): https://, or http:// only on this machine. Small and without imports, so the
 * script-tag core can apply it before the configuration check loads.
 */

/** Hosts where ws:// and http:// are allowed (development on this machine). */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

export function parseUrl(value: string, base?: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** Why `url` breaks the rule, or undefined when it keeps it. */
export function insecureHttpUrl(url: URL | undefined): 'not-http' | 'http-not-local' | undefined {
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return 'not-http';
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) return 'http-not-local';
  return undefined;
}

/** `value` resolved against the page when it keeps the rule, else undefined. */
export function secureHttpUrl(value: string): string | undefined {
  const url = parseUrl(value, globalThis.location?.href);
  return insecureHttpUrl(url) ? undefined : url?.href;
}
