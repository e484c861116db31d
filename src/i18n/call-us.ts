import type { Language } from './language.js';

/**
 * The call button's label at rest in every language: the string tables (en-idle.ts, es.ts)
 * take theirs from here, and so does the script-tag core's pre-render
 * (src/elements/call-button/pre-render.ts), which shows the label before any table loads.
 */
export const callUsLabels: Readonly<Record<Language, string>> = {
  en: 'Call us',
  es: 'Llámanos',
};
