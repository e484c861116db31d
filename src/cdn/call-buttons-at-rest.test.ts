/**
 * The script-tag call button at rest: drawn by the loader (pre-render.ts,
 * src/cdn/draw-call-buttons.ts), its intent handled by the core
 * (src/cdn/call-buttons-at-rest.ts), and its upgrade to the Lit element. One page for the
 * whole file: the element can be defined once, so the tests run in order, the buttons drawn
 * at rest in the first, the core attached in the second and the buttons upgraded in the last.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { SipCallButton } from '../elements/call-button/sip-call-button.js';
import {
  cleanup,
  collect,
  create,
  parkPointer,
  shadow,
  VALID_CONFIG,
} from '../elements/test-support/dom.js';
import { FakePhone } from '../elements/test-support/fake-engine.js';
import { dropEarlyMicrophone } from '../engine/early-microphone.js';
import { callButtonsAtRest } from './call-buttons-at-rest.js';
import { drawCallButtons } from './draw-call-buttons.js';

// Every button's engine is the fake one: the clicks made at rest must place one call each.
vi.mock('../elements/shared/load-engine.js', async () => {
  const { fakeLoader } = await import('../elements/test-support/fake-engine.js');
  return { loadEngine: fakeLoader() };
});

declare global {
  // The build writes it into the core (vite.config.ts, chunkFilesInCore); none here.
  var __SOFTPHONE_CHUNK_FILES__: { button: string[]; call: string[]; phone: string[] };
}
globalThis.__SOFTPHONE_CHUNK_FILES__ = { button: [], call: [], phone: [] };

const VISITOR = { ...VALID_CONFIG, target: 'ivr' };

/** The buttons of the page, each showing one thing the upgrade must keep. */
const buttons = {
  // First in the page, so first to upgrade: the panels that clicks open take focus after.
  focused: create('sip-call-button', VISITOR),
  english: create('sip-call-button', VISITOR),
  spanish: create('sip-call-button', VISITOR),
  dark: create('sip-call-button', { ...VISITOR, theme: 'dark' }),
  styled: create('sip-call-button', VISITOR),
  clicked: create('sip-call-button', VISITOR),
  enter: create('sip-call-button', VISITOR),
  space: create('sip-call-button', VISITOR),
  held: create('sip-call-button', VISITOR),
  // A caller context is the element's to check and send: its click waits for the element.
  withContext: create('sip-call-button', { ...VISITOR, 'data-context-order-id': 'A-17' }),
  property: create('sip-call-button', { ...VALID_CONFIG }),
  noTarget: create('sip-call-button', { ...VALID_CONFIG }),
};
type Name = keyof typeof buttons;
const names = Object.keys(buttons) as Name[];

/** The element's module loads when the test says so, to act on the buttons at rest first. */
let releaseElement: () => void = () => {};
const elementRequested = vi.fn();
const elementReleased = new Promise<void>((resolve) => {
  releaseElement = resolve;
});

interface Look {
  box: DOMRect;
  background: string;
  color: string;
  markup: string;
}

/** What a visitor sees of `el`'s button, and its markup without Lit's comments. */
function lookOf(el: Element): Look {
  const button = shadow<HTMLButtonElement>(el, 'button.main');
  const style = getComputedStyle(button);
  return {
    box: button.getBoundingClientRect(),
    background: style.backgroundColor,
    color: style.color,
    markup: (el.shadowRoot?.innerHTML ?? '')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/>\s+</g, '><')
      .trim(),
  };
}

const atRest = new Map<Name, Look>();
const errors = vi.fn();

/** The calls placed so far, on every button's phone. */
const placedCalls = () =>
  FakePhone.instances.flatMap((phone) => phone.commands).filter((c) => c.startsWith('call '));

/** What the page heard of the clicked button's call, from the start. */
const clickedCallStates = collect<{ state: string }>(buttons.clicked, 'sip-call-state');

beforeAll(async () => {
  await parkPointer();
  vi.spyOn(console, 'error').mockImplementation(errors);
  buttons.styled.style.setProperty('--sip-accent', 'rgb(120, 20, 60)');
  buttons.styled.textContent = 'Talk to a nurse';
  // Set before the element is defined: Lit keeps it when it upgrades.
  Object.assign(buttons.property, { target: 'sales', context: { orderId: 'A-17' } });
  const container = document.createElement('div');
  container.dataset.testContainer = '';
  for (const name of names) {
    const row = document.createElement('p');
    if (name === 'spanish') row.lang = 'es';
    row.append(buttons[name], ' after');
    container.append(row);
  }
  document.body.append(container);
  drawCallButtons();
});

afterAll(() => {
  cleanup();
  dropEarlyMicrophone();
  vi.restoreAllMocks();
});

describe('<sip-call-button> at rest, before the element is defined', () => {
  it('draws the idle button in the element language, theme and custom properties', async () => {
    expect(customElements.get('sip-call-button')).toBeUndefined();
    for (const name of names) atRest.set(name, lookOf(buttons[name]));
    expect(shadow(buttons.english, 'button.main').getAttribute('part')).toBe('button button-idle');
    expect(buttons.english.getAttribute('state')).toBe('idle');
    await expect.element(page.getByRole('button', { name: 'Llámanos', exact: true })).toBeVisible();
    await expect.element(page.getByRole('button', { name: 'Talk to a nurse' })).toBeVisible();
    expect(atRest.get('dark')!.background).not.toBe(atRest.get('english')!.background);
    expect(atRest.get('styled')!.background).toBe('rgb(120, 20, 60)');
    // The core checks, and it is not in yet.
    expect(errors).not.toHaveBeenCalled();
  });

  it('takes clicks, Enter and Space before the element is there (before the core, too), and asks for it', async () => {
    const microphone = vi.spyOn(navigator.mediaDevices, 'getUserMedia');
    // Drawn by the loader, clicked before the core is in: remembered for it.
    await userEvent.click(shadow(buttons.clicked, 'button.main'));
    await userEvent.click(shadow(buttons.clicked, 'button.main'));
    expect(microphone).not.toHaveBeenCalled();
    callButtonsAtRest(async () => {
      elementRequested();
      await elementReleased;
      return import('../elements/call-button/sip-call-button.js');
    });
    expect(elementRequested).toHaveBeenCalledTimes(1);
    // The click asked for a call: the core opens the microphone now, not once the element
    // and the engine are in (engine/early-microphone.ts).
    expect(microphone).toHaveBeenCalledOnce();
    // The one check at rest: the full one runs when the element upgrades.
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]?.[0])).toMatch(/<sip-call-button> has no target/);

    shadow(buttons.enter, 'button.main').focus();
    await userEvent.keyboard('{Enter}');

    await userEvent.click(shadow(buttons.withContext, 'button.main'));

    // A press still down when the element arrives: its click must land once, after it.
    const held = shadow(buttons.held, 'button.main');
    held.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }));

    shadow(buttons.space, 'button.main').focus();
    await userEvent.keyboard('[Space]');

    // Last, not clicked (a click opens the panel, which takes focus): the upgrade keeps it.
    shadow(buttons.focused, 'button.main').focus();

    // The core places each click's call once its phone is in, before the element is: the
    // clicked, Enter and Space ones (the held one is not clicked yet; the one with a caller
    // context waits for the element).
    await expect.poll(placedCalls).toEqual(['call ivr', 'call ivr', 'call ivr']);
    for (const phone of FakePhone.instances)
      for (const call of phone.calls) call.setState('ringing');
    // The page hears the call from the button as it goes, element or not yet.
    expect(clickedCallStates.map((change) => change.state)).toEqual(['ringing']);
    expect(customElements.get('sip-call-button')).toBeUndefined();
  });
});

describe('<sip-call-button> upgraded at the first intent', () => {
  it('looks the same, keeps focus and properties, and places each click made at rest once', async () => {
    // The buttons clicked at rest open their panels, which take focus after it: the
    // focused one's new button must have had it first.
    const focusedTargets: EventTarget[] = [];
    buttons.focused.addEventListener('focusin', (event) => {
      const target = event.composedPath()[0];
      if (target) focusedTargets.push(target);
    });
    releaseElement();
    await customElements.whenDefined('sip-call-button');
    const upgraded = (name: Name) => buttons[name] as SipCallButton;
    for (const name of names.filter((n) => n !== 'held')) await upgraded(name).updateComplete;

    // The press is still down: the pre-render stays until it is released.
    expect(upgraded('held').hasUpdated).toBe(false);
    expect(buttons.held.shadowRoot?.querySelectorAll('button')).toHaveLength(1);
    const heldButton = shadow<HTMLButtonElement>(buttons.held, 'button.main');
    // The release and its click come in one task, as a browser sends them.
    window.dispatchEvent(new PointerEvent('pointerup'));
    heldButton.click();
    await expect.poll(() => upgraded('held').hasUpdated).toBe(true);

    // The buttons still idle (the others are calling, or show their configuration error).
    for (const name of ['english', 'spanish', 'dark', 'styled', 'property', 'focused'] as const) {
      const before = atRest.get(name)!;
      const after = lookOf(buttons[name]);
      expect(after.box.toJSON(), name).toEqual(before.box.toJSON());
      expect(after.background, name).toBe(before.background);
      expect(after.color, name).toBe(before.color);
    }
    // Idle, nothing clicked, nothing wrong: the same markup.
    expect(lookOf(buttons.english).markup).toBe(atRest.get('english')!.markup);
    expect(lookOf(buttons.spanish).markup).toBe(atRest.get('spanish')!.markup);
    await expect.element(page.getByRole('button', { name: 'Llámanos', exact: true })).toBeVisible();

    expect(upgraded('property').target).toBe('sales');
    expect(upgraded('property').context).toEqual({ orderId: 'A-17' });
    expect(buttons.property.shadowRoot?.querySelector('[part~="error"]')).toBeNull();
    await expect
      .poll(() => buttons.noTarget.shadowRoot?.querySelector('[part~="error"]'))
      .toBeTruthy();

    const calls = (name: Name) =>
      ((upgraded(name).phone as FakePhone | undefined)?.commands ?? []).filter((c) =>
        c.startsWith('call '),
      );
    for (const name of ['clicked', 'enter', 'space', 'held', 'withContext'] as const) {
      await expect.poll(() => calls(name), { message: name }).toEqual(['call ivr']);
    }
    // The calls the core placed are the elements' now, shown as they stand and heard once.
    await upgraded('clicked').updateComplete;
    expect(upgraded('clicked').state).toBe('ringing');
    expect(clickedCallStates.map((change) => change.state)).toEqual(['ringing']);
    const withContext = upgraded('withContext').phone as FakePhone;
    expect(withContext.callOptions).toEqual([{ context: { orderId: 'A-17' } }]);
    for (const name of ['english', 'spanish', 'dark', 'property', 'focused'] as const) {
      expect(calls(name), name).toEqual([]);
    }
    expect(
      FakePhone.instances.flatMap((p) => p.commands).filter((c) => c.startsWith('call ')),
    ).toHaveLength(5);
    expect(focusedTargets).toContain(shadow(buttons.focused, 'button.main'));
    // Its focus was intent: the engine was prepared for the call to come.
    expect((upgraded('focused').phone as FakePhone | undefined)?.commands).toEqual(['prepare']);
  });
});
