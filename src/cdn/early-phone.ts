/**
 * An agent's `<sip-phone>` registers as soon as the engine is in: the core makes and starts
 * its phone from the element's attributes (and a `config` the page set on it before it was
 * upgraded) while Lit and the element are still evaluating and rendering, and keeps it for
 * the element (elements/shared/early-phone.ts). The element takes it only if its own
 * configuration turns out the same; otherwise it stops it and makes its own, as it would
 * after any configuration change (issue 16, "registered ≤ 1.0× the minimal JsSIP page").
 */

import {
  phoneSettingsConfig,
  phoneSettingsFromAttributes,
} from '../elements/phone/phone-settings.js';
import { attributesOf, configFromAttributes } from '../elements/shared/config-input.js';
import { type EarlyPhone, startRecorded } from '../elements/shared/early-phone.js';
import { type EngineLoader, phoneClass } from '../elements/shared/engine-api.js';
import { loadEngine } from '../elements/shared/load-engine.js';
import type { PhoneConfig } from '../engine/types.js';
import { connectEarly } from './early-connection.js';

/** A `config` object the page set on the element before it was upgraded. */
function configSetBefore(element: Element): Partial<PhoneConfig> {
  const config: unknown = Object.getOwnPropertyDescriptor(element, 'config')?.value;
  return typeof config === 'object' && config !== null ? config : {};
}

/**
 * Connects `element`'s phone early (early-connection.ts) and, once the engine is in, makes
 * and starts it; undefined when this tab follows another tab's phone or the configuration
 * does not pass the engine's check (the element reports that).
 * @param load how the engine is loaded (the element's own default)
 */
export async function startPhoneEarly(
  element: Element,
  load: EngineLoader = loadEngine,
): Promise<EarlyPhone | undefined> {
  const defaults = { register: true, singleTab: true };
  const input = configFromAttributes(attributesOf(element), defaults, {
    ...phoneSettingsConfig(phoneSettingsFromAttributes(element)),
    ...configSetBefore(element),
  });
  // Imported while the tabs' lock is asked for: the files are on their way already.
  const modules = Promise.all([
    import('../engine/config.js'),
    load({ singleTab: input['singleTab'] === true }),
  ]);
  if (!(await connectEarly(element, defaults.singleTab))) {
    // Another tab's phone is the connected one; this tab's element loads its own engine.
    modules.catch(() => undefined);
    return undefined;
  }
  const [{ validateConfig }, engine] = await modules;
  const checked = validateConfig(input);
  if (!checked.ok || !element.isConnected) return undefined;
  // Checked just above, as the element's controller does.
  const config = input as unknown as PhoneConfig;
  return startRecorded(
    new (phoneClass(engine, checked.config))(config),
    JSON.stringify(checked.config),
  );
}
