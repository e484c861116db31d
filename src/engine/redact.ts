/**
 * URLs as the widget may show them in messages, logs and events: without the query string,
 * the fragment or user:password@, which can carry secrets (an agent key, a session token)
 * that must not end up in consoles, error reports or the customer's analytics.
 */

/** `https://user:pw@host/path?key=x#y` → `https://host/path`. Any text is accepted. */
export function redactUrl(url: string): string {
  const cut = url.search(/[?#]/);
  const base = cut === -1 ? url : url.slice(0, cut);
  return base.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
