/**
 * `<sip-phone>`'s availability control (issue 13): Available / Away for queue calls, the
 * wrap-up countdown after a call, the attributes that set them up, in English and Spanish,
 * by keyboard, axe clean.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { AvailabilityEvent } from '../../engine/types.js';
import {
  axeViolations,
  buttonNamed,
  collect,
  mountWithFakeEngine,
  resetElements,
  shadow,
  VALID_CONFIG,
} from '../test-support/dom.js';
import { lastPhone } from '../test-support/fake-engine.js';
import type { SipPhone } from './sip-phone.js';
import './sip-phone.js';
import { readyPhone } from './test-support/phone.js';

afterEach(() => {
  resetElements();
  vi.restoreAllMocks();
});

function pressed(el: SipPhone): string[] {
  return [...(el.shadowRoot?.querySelectorAll('[part="availability-option"]') ?? [])]
    .filter((button) => button.getAttribute('aria-pressed') === 'true')
    .map((button) => button.getAttribute('data-value') ?? '');
}

function text(el: SipPhone, selector: string): string {
  return shadow(el, selector).textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

const wrapUp = (seconds: number): AvailabilityEvent => ({
  availability: 'wrap-up',
  previous: 'available',
  reason: 'call-ended',
  wrapUpEndsAt: Date.now() + seconds * 1000,
});

describe('<sip-phone> availability', () => {
  it('passes availability and wrap-up-seconds on to the engine', async () => {
    await readyPhone({ ...VALID_CONFIG, availability: 'away', 'wrap-up-seconds': '30' });
    expect(lastPhone().config).toMatchObject({ availability: 'away', wrapUpSeconds: 30 });
  });

  it('refuses a bad wrap-up-seconds with an alert naming it', async () => {
    const errors = collect<{ code: string; message: string }>(document, 'sip-error');
    const { el } = await mountWithFakeEngine('sip-phone', {
      ...VALID_CONFIG,
      'wrap-up-seconds': '-5',
    });
    expect(shadow(el, '[role="alert"]')).toBeDefined();
    expect(errors[0]?.message).toMatch(/wrapUpSeconds/);
    // No phone, so nothing to choose yet.
    expect(el.shadowRoot?.querySelector('[part="availability"]')).toBeNull();
  });

  it('Available and Away are toggle buttons in a labelled group; a press tells the engine', async () => {
    const el = await readyPhone();
    const changes = collect<AvailabilityEvent>(document, 'sip-availability-change');
    expect(shadow(el, '[part="availability"]').getAttribute('aria-label')).toBe(
      'Availability for queue calls',
    );
    expect(pressed(el)).toEqual(['available']);

    buttonNamed(el, 'Away').click();
    await el.updateComplete;
    expect(lastPhone().commands).toContain('setAvailability away');
    expect(pressed(el)).toEqual(['away']);
    expect(changes).toEqual([{ availability: 'away', previous: 'available', reason: 'agent' }]);
    expect(text(el, '[part="availability"] [role="status"]')).toBe(
      'Availability for queue calls: Away',
    );
  });

  it('shows the wrap-up countdown after a call; Available (by keyboard) ends it early', async () => {
    const el = await readyPhone();
    lastPhone().changeAvailability(wrapUp(23));
    await el.updateComplete;
    expect(pressed(el)).toEqual([]);
    expect(text(el, '[part="wrap-up"]')).toBe(
      'Wrap-up: 00:23 left. Queue calls wait until then, or choose Available.',
    );
    // It counts down (the clock re-renders once a second).
    await expect.poll(() => text(el, '[part="wrap-up"]')).toMatch(/^Wrap-up: 00:2[12] left/);
    expect(await axeViolations(el)).toEqual([]);

    buttonNamed(el, 'Available').focus();
    await userEvent.keyboard('{Enter}');
    await el.updateComplete;
    expect(lastPhone().commands).toContain('setAvailability available');
    expect(el.shadowRoot?.querySelector('[part="wrap-up"]')).toBeNull();
    expect(pressed(el)).toEqual(['available']);
  });

  it('speaks Spanish with lang="es"', async () => {
    const el = await readyPhone({ ...VALID_CONFIG, lang: 'es' });
    await expect.poll(() => buttonNamed(el, 'Disponible')).toBeDefined();
    expect(buttonNamed(el, 'Ausente')).toBeDefined();
    expect(shadow(el, '[part="availability"]').getAttribute('aria-label')).toBe(
      'Disponibilidad para llamadas de la cola',
    );
    lastPhone().changeAvailability(wrapUp(65));
    await el.updateComplete;
    expect(text(el, '[part="wrap-up"]')).toBe(
      'Tiempo de cierre: quedan 01:05. Las llamadas de la cola esperan hasta entonces, o elige Disponible.',
    );
    expect(await axeViolations(el)).toEqual([]);
  });
});
