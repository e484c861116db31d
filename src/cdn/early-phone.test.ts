import { afterEach, describe, expect, it, vi } from 'vitest';
import '../elements/call-button/sip-call-button.js';
import type { SipCallButton } from '../elements/call-button/sip-call-button.js';
import '../elements/phone/sip-phone.js';
import { DEFAULT_MAX_CALLS, DEFAULT_WRAP_UP_SECONDS } from '../elements/phone/phone-settings.js';
import { SipPhone } from '../elements/phone/sip-phone.js';
import { CONFIG_ATTRIBUTES } from '../elements/shared/config-input.js';
import { keepEarlyPhone, startRecorded } from '../elements/shared/early-phone.js';
import { collect, resetElements, shadow, VALID_CONFIG } from '../elements/test-support/dom.js';
import { FakePhone, fakeLoader } from '../elements/test-support/fake-engine.js';
import { sharedPhoneName } from '../engine/tabs/shared-identity.js';
import type { PhoneConfig } from '../engine/types.js';
import {
  AGENT_PHONE,
  CALL_BUTTON_PHONE,
  ELEMENT_WAIT_MS,
  firstRegistration,
  startPhoneEarly,
} from './early-phone.js';

/** Network the early connection reaches for, going nowhere (the fake phone needs none). */
function offline(): void {
  vi.stubGlobal(
    'fetch',
    vi.fn(() => new Promise<Response>(() => {})),
  );
  class SilentWebSocket extends EventTarget {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    readyState = 0;
    close(): void {
      this.readyState = 3;
    }
  }
  vi.stubGlobal('WebSocket', SilentWebSocket);
}

/**
 * A `<sip-phone>` in the markup of a page whose script has not defined it yet: in a document
 * without custom elements, as the core finds it before the element's module is in.
 */
function phoneNotYetUpgraded(
  attributes: Record<string, string>,
  tag: 'sip-phone' | 'sip-call-button' = 'sip-phone',
): HTMLElement {
  const page = document.implementation.createHTMLDocument('');
  const el = page.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  page.body.append(el);
  return el;
}

/** The element's module arrives: it is defined, upgrades and connects its phone. */
function upgrade(el: HTMLElement): SipPhone {
  document.body.append(el);
  expect(el).toBeInstanceOf(SipPhone);
  return el as SipPhone;
}

/** The same for a call button. */
function upgradeButton(el: HTMLElement): SipCallButton {
  document.body.append(el);
  expect(customElements.get('sip-call-button')).toBeDefined();
  return el as SipCallButton;
}

const ATTRIBUTES = { ...VALID_CONFIG, 'single-tab': 'off' };

afterEach(() => {
  for (const el of document.querySelectorAll('body > sip-phone, body > sip-call-button')) {
    el.remove();
  }
  resetElements();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('<sip-phone> started by the core before its element is in', () => {
  it('registers before the element upgrades; the element takes that phone and hears all it said', async () => {
    offline();
    const el = phoneNotYetUpgraded(ATTRIBUTES);
    const loader = fakeLoader();
    keepEarlyPhone(el, startPhoneEarly(el, AGENT_PHONE, loader));
    await expect.poll(() => FakePhone.instances.length).toBe(1);
    const early = FakePhone.instances[0]!;
    expect(early.commands).toEqual(['start']);
    expect(early.config).toMatchObject({ servers: [VALID_CONFIG.server], register: true });
    // The page hears the registration from the element as it happens, element or not yet.
    const changes = collect<{ state: string }>(el, 'sip-registration-change');
    early.setRegistration('registering');
    early.setRegistration('registered');
    expect(changes.map((change) => change.state)).toEqual(['registering', 'registered']);

    const phone = upgrade(el);
    await expect.poll(() => phone.phone).toBe(early);
    await phone.updateComplete;
    // The element knows what it missed (it shows it), and the page does not hear it twice.
    expect(shadow(phone, '[part="base"]').textContent).toContain('Ready');
    expect(changes.map((change) => change.state)).toEqual(['registering', 'registered']);
    early.setRegistration('unregistered');
    expect(changes.map((change) => change.state)).toEqual([
      'registering',
      'registered',
      'unregistered',
    ]);
    // No second phone, no second start, no second engine load.
    expect(FakePhone.instances).toHaveLength(1);
    expect(early.commands).toEqual(['start']);
    expect(loader.loads).toBe(1);
  });

  it('stops that phone when the element turns out configured otherwise, and starts its own after', async () => {
    offline();
    const el = phoneNotYetUpgraded(ATTRIBUTES);
    keepEarlyPhone(el, startPhoneEarly(el, AGENT_PHONE, fakeLoader()));
    await expect.poll(() => FakePhone.instances.length).toBe(1);
    const early = FakePhone.instances[0]!;
    let stopped!: () => void;
    vi.spyOn(early, 'stop').mockImplementation(
      () =>
        new Promise<void>((resolve) => {
          stopped = resolve;
        }),
    );
    // Changed by the page after the core read the attributes.
    el.setAttribute('display-name', 'Desk 4');
    const phone = upgrade(el);
    // Read after the element has looked for the early phone (an await in), not before.
    phone.engine.loader = fakeLoader();
    await expect.poll(() => early.stop).toHaveBeenCalledOnce();
    // The old registration goes first (its un-REGISTER could take the new binding with it).
    expect(FakePhone.instances).toHaveLength(1);
    stopped();
    await expect.poll(() => FakePhone.instances.length).toBe(2);
    const own = FakePhone.instances[1]!;
    expect(own.config.displayName).toBe('Desk 4');
    expect(phone.phone).toBe(own);
    expect(own.commands).toEqual(['start']);
  });

  it('reports an engine that the core could not load like one the element could not', async () => {
    offline();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const el = phoneNotYetUpgraded(ATTRIBUTES);
    const failing = async () => {
      throw new TypeError('Failed to fetch dynamically imported module');
    };
    keepEarlyPhone(el, startPhoneEarly(el, AGENT_PHONE, failing));
    const errors = collect<{ code: string; message: string }>(document, 'sip-error');
    const phone = upgrade(el);
    await expect.poll(() => errors.map((error) => error.code)).toEqual(['connection-failed']);
    expect(errors[0]?.message).toMatch(/could not load the phone engine/);
    await phone.updateComplete;
    expect(shadow(phone, '[role="alert"]').textContent).toBeTruthy();
    expect(phone.phone).toBeUndefined();
  });

  it('stops a phone started early for an element whose configuration fails its check', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const el = phoneNotYetUpgraded({ ...ATTRIBUTES, 'max-calls': '9' });
    const early = new FakePhone({} as PhoneConfig);
    keepEarlyPhone(el, Promise.resolve(startRecorded(early, 'the core’s key', el)));
    const phone = upgrade(el);
    // At the element's check (not when the core's keeping runs out, EARLY_PHONE_KEPT_MS later).
    await phone.updateComplete;
    expect(early.commands).toEqual(['start', 'stop']);
    expect(phone.phone).toBeUndefined();
  });

  it("connects a call button's phone at the visitor's intent; the button calls on it", async () => {
    offline();
    const el = phoneNotYetUpgraded({ ...VALID_CONFIG, target: 'sales' }, 'sip-call-button');
    keepEarlyPhone(el, startPhoneEarly(el, CALL_BUTTON_PHONE, fakeLoader()));
    await expect.poll(() => FakePhone.instances.length).toBe(1);
    const early = FakePhone.instances[0]!;
    // Connects for the call to come; a visitor's phone never registers.
    expect(early.commands).toEqual(['prepare']);
    expect(early.config).toMatchObject({ register: false, singleTab: false });

    const button = upgradeButton(el);
    // The element's own intent (the drawn button's, handed over at its first render).
    button.engine.prepare();
    await expect.poll(() => button.phone).toBe(early);
    await button.updateComplete;
    shadow<HTMLButtonElement>(button, 'button.main').click();
    await expect.poll(() => early.commands).toEqual(['prepare', 'call sales']);
    expect(FakePhone.instances).toHaveLength(1);
  });

  describe('a call the core placed at a click, before the call button was in', () => {
    /** The core's phone for a button, with the call it placed at the click (call-buttons-at-rest.ts). */
    async function placedEarly(attributes: Record<string, string> = {}) {
      offline();
      const el = phoneNotYetUpgraded(
        { ...VALID_CONFIG, target: 'sales', ...attributes },
        'sip-call-button',
      );
      const early = startPhoneEarly(el, CALL_BUTTON_PHONE, fakeLoader());
      keepEarlyPhone(el, early);
      const phone = (await early)!.phone as FakePhone;
      const call = phone.call('sales');
      const states = collect<{ state: string }>(el, 'sip-call-state');
      const ends = collect<{ cause: string }>(el, 'sip-call-ended');
      const errors = collect<{ code: string }>(el, 'sip-error');
      return { el, phone, call, states, ends, errors };
    }

    it('is heard by the page as it goes, and followed by the element, which places no second one', async () => {
      const { el, phone, call, states } = await placedEarly();
      call.setState('ringing');
      // The page hears the call from the element before the element is in.
      expect(states.map((change) => change.state)).toEqual(['ringing']);

      const button = upgradeButton(el);
      // What the element does with the click the core placed (sip-call-button.ts, `press`).
      await button.engine.placeCall('sales', {}, true);
      expect(button.call).toBe(call);
      await button.updateComplete;
      expect(button.state).toBe('ringing');
      expect(phone.commands).toEqual(['prepare', 'call sales']);
      // Heard once; what comes next, from the element.
      expect(states.map((change) => change.state)).toEqual(['ringing']);
      call.setState('active');
      expect(states.map((change) => change.state)).toEqual(['ringing', 'active']);
      await button.updateComplete;
      expect(button.state).toBe('in-call');
    });

    it('that ended before the element was in is shown with its error, and not placed again', async () => {
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      const { el, phone, call, ends, errors } = await placedEarly({
        'fallback-tel': '+34 900 123 456',
      });
      // The microphone was refused, as the core's call asked for it.
      call.emit('error', { code: 'microphone-denied', message: 'Permission denied' });
      call.end('microphone');
      expect(ends.map((end) => end.cause)).toEqual(['microphone']);

      const button = upgradeButton(el);
      await button.engine.placeCall('sales', {}, true);
      await button.updateComplete;
      // The element shows why, with the page's fallback, as if it had placed the call itself.
      expect(button.engine.view.error?.code).toBe('microphone-denied');
      expect(shadow(button, '[part~="fallback-tel"]').getAttribute('href')).toBe(
        'tel:+34900123456',
      );
      expect(errors.map((error) => error.code)).toEqual(['microphone-denied']);
      expect(ends).toHaveLength(1);
      expect(phone.commands).toEqual(['prepare', 'call sales']);
    });

    it('is hung up with its phone when the element is configured otherwise; the element places its own', async () => {
      const { el, phone, call, ends } = await placedEarly();
      vi.spyOn(phone, 'stop').mockImplementation(async () => call.end('canceled'));
      // Changed by the page after the core read the attributes.
      el.setAttribute('display-name', 'Visitor');
      const button = upgradeButton(el);
      button.engine.loader = fakeLoader();
      const placing = button.engine.placeCall('sales', {}, true);
      // The visitor's pointer is on the button it just clicked: its intent may come while the
      // element's phone loads (a CI run saw it), and only connects that phone (idempotent).
      button.dispatchEvent(new PointerEvent('pointerenter'));
      await placing;
      expect(phone.stop).toHaveBeenCalledOnce();
      expect(ends.map((end) => end.cause)).toEqual(['canceled']);
      const own = FakePhone.instances[1]!;
      expect(button.phone).toBe(own);
      expect(own.commands.filter((command) => command !== 'prepare')).toEqual(['call sales']);
      expect(button.call).toBe(own.calls[0]);
    });
  });

  describe('asks for the engine only once its credentials and socket are on their way', () => {
    // Evaluating the engine is a long task: begun before the tabs' lock is granted, it
    // held up the grant and so the credentials and the socket (bench/analysis.md).
    const lockedAttributes = (who: string) => ({
      ...VALID_CONFIG,
      'credentials-url': `${VALID_CONFIG['credentials-url']}?tab-test=${who}`,
    });
    const lockName = (attributes: Record<string, string>) =>
      sharedPhoneName(attributes.domain!, attributes['credentials-url']!);

    it('in the tab whose phone it is', async () => {
      offline();
      const el = phoneNotYetUpgraded(lockedAttributes('owner'));
      const fetchesAtLoad: number[] = [];
      const loader = fakeLoader();
      const recording: typeof loader = Object.assign((config: Parameters<typeof loader>[0]) => {
        fetchesAtLoad.push(vi.mocked(fetch).mock.calls.length);
        return loader(config);
      }, loader);
      const early = await startPhoneEarly(el, AGENT_PHONE, recording);
      expect(early?.phone).toBe(FakePhone.instances[0]);
      expect(fetchesAtLoad).toEqual([1]);
      await early?.phone.stop();
    });

    it('not at all in a tab that follows another tab’s phone', async () => {
      offline();
      const attributes = lockedAttributes('follower');
      let release!: () => void;
      const otherTab = new Promise<void>((resolve) => {
        release = resolve;
      });
      const held = new Promise<void>((granted) => {
        void navigator.locks.request(lockName(attributes), () => {
          granted();
          return otherTab;
        });
      });
      await held;
      const loader = fakeLoader();
      try {
        const el = phoneNotYetUpgraded(attributes);
        await expect(startPhoneEarly(el, AGENT_PHONE, loader)).resolves.toBeUndefined();
        expect(loader.loads).toBe(0);
        expect(fetch).not.toHaveBeenCalled();
      } finally {
        release();
      }
    });
  });

  it('reads the attributes the element reads', () => {
    const declared = (name: string) => {
      const attribute = SipPhone.elementProperties.get(name)?.attribute;
      return typeof attribute === 'string' ? attribute : name.toLowerCase();
    };
    for (const [property, attribute] of Object.entries(CONFIG_ATTRIBUTES)) {
      expect(declared(property), property).toBe(attribute);
    }
    expect(declared('maxCalls')).toBe('max-calls');
    expect(declared('wrapUpSeconds')).toBe('wrap-up-seconds');
    const el = new SipPhone();
    expect([el.maxCalls, el.wrapUpSeconds]).toEqual([DEFAULT_MAX_CALLS, DEFAULT_WRAP_UP_SECONDS]);
  });
});

describe("<sip-phone>'s module waits for its phone's first registration", () => {
  const settledYet = (promise: Promise<void>) => {
    let settled = false;
    void promise.then(() => {
      settled = true;
    });
    return () => settled;
  };

  it('until the phone is registered, is retrying or has given up', async () => {
    for (const outcome of ['registered', 'reconnecting', 'failed'] as const) {
      const phone = new FakePhone({} as PhoneConfig);
      const waited = settledYet(
        firstRegistration(Promise.resolve(startRecorded(phone, 'key', document.body))),
      );
      phone.setRegistration('connecting');
      phone.setRegistration('registering');
      await Promise.resolve();
      expect(waited(), outcome).toBe(false);
      phone.setRegistration(outcome);
      await expect.poll(waited, { message: outcome }).toBe(true);
    }
  });

  it('not at all without a phone started early, or with one that failed to start', async () => {
    await firstRegistration(Promise.resolve(undefined));
    await firstRegistration(Promise.reject(new Error('no engine')));
  });

  it(`at most ${ELEMENT_WAIT_MS} ms: the agent sees the phone by then`, async () => {
    vi.useFakeTimers();
    try {
      const phone = new FakePhone({} as PhoneConfig);
      const early = Promise.resolve(startRecorded(phone, 'key', document.body));
      await early;
      const waited = settledYet(firstRegistration(early));
      phone.setRegistration('connecting');
      await vi.advanceTimersByTimeAsync(ELEMENT_WAIT_MS - 1);
      expect(waited()).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(waited()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
