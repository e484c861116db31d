/**
 * Which language an element speaks, free of the string tables: the script-tag core's call
 * button at rest (src/elements/call-button/pre-render.ts) reads it without loading them.
 */

/** The languages with a string table (index.ts loads each on demand). */
export const LANGUAGES = ['en', 'es'] as const;

export type Language = (typeof LANGUAGES)[number];

/** Picks a supported language from a BCP 47 tag (`es-MX` → `es`); English otherwise. */
export function languageFromTag(tag: string | null | undefined): Language {
  const primary = (tag ?? '').trim().toLowerCase().split('-')[0] ?? '';
  return LANGUAGES.find((language) => language === primary) ?? 'en';
}

/**
 * The language tag that applies to `el`: its own `lang`, else the closest ancestor's,
 * crossing shadow roots (an element inside another component inherits the host's
 * language), else the document's.
 */
export function langTagOf(el: Element): string {
  let node: Element | null = el;
  while (node) {
    const tagged: Element | null = node.closest('[lang]');
    if (tagged) return tagged.getAttribute('lang') ?? '';
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return document.documentElement.lang;
}
