import { afterEach, describe, expect, it } from 'vitest';
import { langTagOf, languageFromTag, loadMessages, messagesFor } from './index.js';

afterEach(() => {
  document.documentElement.lang = 'en';
  document.body.replaceChildren();
});

describe('i18n', () => {
  it('maps language tags to a supported table, falling back to English', () => {
    expect(languageFromTag('es')).toBe('es');
    expect(languageFromTag('ES-mx')).toBe('es');
    expect(languageFromTag('fr')).toBe('en');
    expect(languageFromTag('')).toBe('en');
    expect(languageFromTag(null)).toBe('en');
  });

  it('takes the closest lang, crossing shadow roots, then the document', () => {
    const outer = document.createElement('div');
    outer.lang = 'es';
    const host = document.createElement('div');
    const inner = document.createElement('span');
    host.attachShadow({ mode: 'open' }).append(inner);
    outer.append(host);
    document.body.append(outer);
    expect(langTagOf(inner)).toBe('es');

    outer.removeAttribute('lang');
    document.documentElement.lang = 'es-AR';
    expect(langTagOf(inner)).toBe('es-AR');
  });

  it('loads Spanish on first use, English until then, and words end causes and errors', async () => {
    expect(loadMessages('en')).toBeUndefined();
    const loading = loadMessages('es');
    expect(loading).toBeInstanceOf(Promise);
    await loading;
    expect(loadMessages('es')).toBeUndefined();
    const es = messagesFor('es');
    expect(es.endCause['hangup-remote']).toBe('La otra parte ha colgado');
    expect(es.errorCode['microphone-denied']).toMatch(/micrófono/);
    expect(es.calling('ivr')).toBe('Llamando a ivr…');
  });
});
