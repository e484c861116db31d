/**
 * The rules for the URLs a page gives the phone: https:// for the credentials service and
 * the elements' own links, wss:// for the SBC; http:// and ws:// only on this machine.
 * Small and without imports, so the script-tag core can apply them before the
 * configuration check loads.
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

/** Why `url` breaks the SBC's rule (wss://, ws:// only on this machine), or undefined. */
export function insecureSocketUrl(url: URL | undefined): 'not-ws' | 'ws-not-local' | undefined {
  if (!url || (url.protocol !== 'wss:' && url.protocol !== 'ws:')) return 'not-ws';
  if (url.protocol === 'ws:' && !LOOPBACK_HOSTS.has(url.hostname)) return 'ws-not-local';
  return undefined;
}

/** `value` as the phone's socket uses it (trimmed) when it keeps the rule, else undefined. */
export function secureSocketUrl(value: string): string | undefined {
  const trimmed = value.trim();
  return insecureSocketUrl(parseUrl(trimmed)) ? undefined : trimmed;
}
