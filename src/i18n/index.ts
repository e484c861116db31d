import { defaultLogger } from '../engine/log.js';
import { enIdle } from './en-idle.js';
import type { Language } from './language.js';
import type { IdleMessages, Messages } from './messages.js';

export { type Language, langTagOf, languageFromTag } from './language.js';
export type { IdleMessages, Messages } from './messages.js';

/**
 * Every table is a module of its own, loaded when an element first needs it (the
 * script-tag build puts English with the call chunk, Spanish in a chunk of its own). Only
 * English's idle part (en-idle.ts) ships with the elements, for the call button's first render.
 */
const loaders = {
  en: () => import('./en.js').then((module) => module.en),
  es: () => import('./es.js').then((module) => module.es),
} satisfies Record<Language, () => Promise<Messages>>;

const loaded: Partial<Record<Language, Messages>> = {};
const loading: Partial<Record<Language, Promise<void>>> = {};

/**
 * The strings of `language` once loaded ({@link loadMessages}); English until then. The
 * elements load them before they render; reading them earlier is a bug, said as such.
 */
export function messagesFor(language: Language): Messages {
  const messages = loaded[language] ?? loaded.en;
  if (!messages) throw new Error(`the "${language}" strings were read before they loaded`);
  return messages;
}

/** What a call button at rest shows: from the whole table once loaded, else English's idle part. */
export function idleMessagesFor(language: Language): IdleMessages {
  return loaded[language] ?? loaded.en ?? enIdle;
}

/**
 * Loads the strings of `language`: a promise while they load, `undefined` when they are
 * there. Never rejects: another language that fails to load leaves English in its place;
 * English that fails is tried again on its next use.
 */
export function loadMessages(language: Language): Promise<void> | undefined {
  if (loaded[language]) return undefined;
  loading[language] ??= loaders[language]().then(
    (messages) => {
      loaded[language] = messages;
    },
    async (error: unknown) => {
      if (language === 'en') {
        defaultLogger.error('could not load the English strings', { error });
        delete loading.en;
        return;
      }
      defaultLogger.warn(`could not load the "${language}" strings, using English`, { error });
      await loadMessages('en');
      if (loaded.en) loaded[language] = loaded.en;
      else delete loading[language];
    },
  );
  return loading[language];
}
