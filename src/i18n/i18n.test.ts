import { afterEach, describe, expect, it } from 'vitest';
import { idleMessagesFor, langTagOf, languageFromTag, loadMessages, messagesFor } from './index.js';

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

  // Before the Spanish test: tables stay loaded for the rest of the file.
  it('has the idle English strings before any table loads, and loads all of English on first use', async () => {
    expect(idleMessagesFor('en').callUs).toBe('Call us');
    expect(idleMessagesFor('es').buttonState.error).toBe('Call unavailable');
    expect(idleMessagesFor('en').errorCode['config-invalid']).toBe(
      'The phone is not set up correctly.',
    );
    expect(() => messagesFor('en')).toThrow(/read before they loaded/);

    const loading = loadMessages('en');
    expect(loading).toBeInstanceOf(Promise);
    await loading;
    expect(loadMessages('en')).toBeUndefined();
    expect(messagesFor('en').endCause['hangup-remote']).toBe('The other side hung up');
    // The idle strings are the same table's once it is there; Spanish is English until loaded.
    expect(idleMessagesFor('en')).toBe(messagesFor('en'));
    expect(messagesFor('es').callUs).toBe('Call us');
  });

  it('loads Spanish on first use, English until then, and words end causes and errors', async () => {
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
