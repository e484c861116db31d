/**
 * A phone element's phone, made by the core as soon as the engine is in: an agent's
 * `<sip-phone>` registers, a call button a visitor showed intent on connects, while Lit and
 * the element are still evaluating and rendering (issue 16, "registered ≤ 1.0× the minimal
 * JsSIP page", "clicked at once ≤ 350 ms"). The phone is made from the element's attributes
 * (and a `config` the page set on it before it was upgraded) and kept for the element
 * (elements/shared/early-phone.ts), which takes it only if its own configuration turns out
 * the same; otherwise it stops it and makes its own, as after any configuration change.
 */

import {
  phoneSettingsConfig,
  phoneSettingsFromAttributes,
} from '../elements/phone/phone-settings.js';
import {
  attributesOf,
  configFromAttributes,
  type ElementDefaults,
} from '../elements/shared/config-input.js';
import { type EarlyPhone, startRecorded } from '../elements/shared/early-phone.js';
import { type EngineLoader, phoneClass } from '../elements/shared/engine-api.js';
import { loadEngine } from '../elements/shared/load-engine.js';
import type { PhoneConfig } from '../engine/types.js';
import { connectEarly } from './early-connection.js';

/** What an element makes of its phone: the defaults it gives, and how it begins. */
export interface PhoneRole {
  readonly defaults: ElementDefaults;
  /** The element's own part of the configuration, from its attributes. */
  elementConfig(element: Element): Partial<PhoneConfig>;
  /** `start` registers (agents); `prepare` only connects (visitors, until they call). */
  readonly begin: 'start' | 'prepare';
}

/** `<sip-phone>`: registers at once, shared between the tabs unless told otherwise. */
export const AGENT_PHONE: PhoneRole = {
  defaults: { register: true, singleTab: true },
  elementConfig: (element) => phoneSettingsConfig(phoneSettingsFromAttributes(element)),
  begin: 'start',
};

/** `<sip-call-button>`: connects at the visitor's intent, one phone per tab. */
export const CALL_BUTTON_PHONE: PhoneRole = {
  defaults: { register: false, singleTab: false },
  elementConfig: () => ({}),
  begin: 'prepare',
};

/** A `config` object the page set on the element before it was upgraded. */
function configSetBefore(element: Element): Partial<PhoneConfig> {
  const config: unknown = Object.getOwnPropertyDescriptor(element, 'config')?.value;
  return typeof config === 'object' && config !== null ? config : {};
}

/**
 * Connects `element`'s phone early (early-connection.ts) and, once the engine is in, makes
 * it and begins as `role` says; undefined when this tab follows another tab's phone or the configuration
 * does not pass the engine's check (the element reports that).
 * @param load how the engine is loaded (the element's own default)
 */
export async function startPhoneEarly(
  element: Element,
  role: PhoneRole,
  load: EngineLoader = loadEngine,
): Promise<EarlyPhone | undefined> {
  const { defaults } = role;
  const input = configFromAttributes(attributesOf(element), defaults, {
    ...role.elementConfig(element),
    ...configSetBefore(element),
  });
  // Another tab's phone is the connected one: this tab's element loads its own engine.
  if (!(await connectEarly(element, defaults.singleTab))) return undefined;
  // Imported only now that the credentials and the socket are on their way (the loader
  // fetched the files already, preload.ts): evaluating the engine takes the main thread
  // for a long task, which would hold up the tabs' lock grant and so both of them.
  const [{ validateConfig }, engine] = await Promise.all([
    import('../engine/config.js'),
    load({ singleTab: input['singleTab'] === true }),
  ]);
  const checked = validateConfig(input);
  if (!checked.ok || !element.isConnected) return undefined;
  // Checked just above, as the element's controller does.
  const config = input as unknown as PhoneConfig;
  const phone = new (phoneClass(engine, checked.config))(config);
  return startRecorded(phone, JSON.stringify(checked.config), element, role.begin);
}

/**
 * At most how long `<sip-phone>`'s module waits for its phone's first registration
 * ({@link firstRegistration}): the agent sees the phone by then, registered or not.
 */
export const ELEMENT_WAIT_MS = 1500;

/** Registered, or not registered for a reason the element shows (retrying, given up). */
const SETTLED = new Set(['registered', 'reconnecting', 'failed']);

/**
 * Resolves once the phone started early, if any, has its first registration settled, or
 * after {@link ELEMENT_WAIT_MS}. The element's module waits for it: evaluating Lit and the
 * element and rendering it take the main thread for tens of milliseconds, which would hold
 * up the REGISTER's challenge and its 200 OK, both handled there.
 */
export async function firstRegistration(early: Promise<EarlyPhone | undefined>): Promise<void> {
  const phone = (await early.catch(() => undefined))?.phone;
  if (!phone || SETTLED.has(phone.state)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      off();
      resolve();
    };
    const timer = setTimeout(done, ELEMENT_WAIT_MS);
    const off = phone.on('registration', ({ state }) => {
      if (SETTLED.has(state)) done();
    });
  });
}
