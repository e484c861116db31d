import { defaultLogger } from '../engine/log.js';
import { en } from './en.js';
import type { Messages } from './messages.js';

export type { Messages } from './messages.js';

/**
 * English ships with the elements; other languages are separate modules, loaded when an
 * element first needs them (the script-tag build makes each one a small chunk).
 */
const loaders = {
  es: () => import('./es.js').then((module) => module.es),
} satisfies Record<string, () => Promise<Messages>>;

export type Language = 'en' | keyof typeof loaders;

const loaded: Partial<Record<Language, Messages>> = { en };
const loading: Partial<Record<Language, Promise<void>>> = {};

/** Picks a supported language from a BCP 47 tag (`es-MX` → `es`); English otherwise. */
export function languageFromTag(tag: string | null | undefined): Language {
  const primary = (tag ?? '').trim().toLowerCase().split('-')[0] ?? '';
  return primary in loaders ? (primary as Language) : 'en';
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

/** The strings of `language` once loaded ({@link loadMessages}); English until then. */
export function messagesFor(language: Language): Messages {
  return loaded[language] ?? en;
}

/**
 * Loads the strings of `language`: a promise while they load, `undefined` when they are
 * there. Never rejects: a table that fails to load leaves English in its place.
 */
export function loadMessages(language: Language): Promise<void> | undefined {
  if (language === 'en' || loaded[language]) return undefined;
  loading[language] ??= loaders[language]().then(
    (messages) => {
      loaded[language] = messages;
    },
    (error: unknown) => {
      defaultLogger.warn(`could not load the "${language}" strings, using English`, { error });
      loaded[language] = en;
    },
  );
  return loading[language];
}
