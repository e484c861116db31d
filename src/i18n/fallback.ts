import { fallbackEn } from './fallback-en.js';
import { fallbackEs } from './fallback-es.js';
import type { FallbackMessages } from './fallback-messages.js';
import type { Language } from './index.js';

export type { FallbackMessages } from './fallback-messages.js';

/**
 * `<sip-call-button>`'s fallback strings in every language. Not part of `Messages`: they
 * are shown only after an intent (a click, or a call that failed), so they load with the
 * button's on-intent chunk instead of with the button at rest (issue 16, "only idle
 * strings at rest"). Both languages together: a few hundred bytes, one chunk fewer.
 */
export const fallbackMessages: Record<Language, FallbackMessages> = {
  en: fallbackEn,
  es: fallbackEs,
};
