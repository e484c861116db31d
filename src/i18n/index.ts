import { en } from './en.js';
import { es } from './es.js';
import type { Messages } from './messages.js';

export type { Messages } from './messages.js';

const tables = { en, es } satisfies Record<string, Messages>;

export type Language = keyof typeof tables;

/** Picks a supported language from a BCP 47 tag (`es-MX` → `es`); English otherwise. */
export function languageFromTag(tag: string | null | undefined): Language {
  const primary = (tag ?? '').trim().toLowerCase().split('-')[0] ?? '';
  return primary in tables ? (primary as Language) : 'en';
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

export function messagesFor(language: Language): Messages {
  return tables[language];
}
