/**
 * Test pages stay plain HTML; a query string configures the element marked
 * `data-configurable`: `?target=echo&dtmf-mode=info` sets those attributes, an empty value
 * (`?credentials-url=`) removes one. Used by the static server, so the page a journey
 * loads is exactly what a customer would paste.
 */

const CONFIGURABLE_TAG = /<([a-z][a-z0-9-]*)(\s[^>]*?)?\sdata-configurable(\s[^>]*)?>/s;
const ATTRIBUTE_NAME = /^[a-z][a-z0-9-]*$/;

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function setAttribute(attributes: string, name: string, value: string): string {
  const existing = new RegExp(`\\s${name}="[^"]*"`);
  const rendered = value === '' ? '' : ` ${name}="${escapeAttribute(value)}"`;
  return existing.test(attributes) ? attributes.replace(existing, rendered) : attributes + rendered;
}

export function configurePage(html: string, query: URLSearchParams): string {
  return html.replace(CONFIGURABLE_TAG, (_tag, name: string, before = '', after = '') => {
    let attributes = `${before}${after}`;
    for (const [attribute, value] of query) {
      if (!ATTRIBUTE_NAME.test(attribute)) throw new Error(`bad attribute name: ${attribute}`);
      attributes = setAttribute(attributes, attribute, value);
    }
    return `<${name}${attributes} data-configurable>`;
  });
}

/** The URL of a test page with its element configured. */
export function pageUrl(page: string, attributes: Record<string, string> = {}): string {
  const query = new URLSearchParams(attributes).toString();
  return query ? `/${page}?${query}` : `/${page}`;
}
