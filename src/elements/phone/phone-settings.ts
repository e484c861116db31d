import type { Availability, PhoneConfig } from '../../engine/types.js';

/**
 * `<sip-phone>`'s own part of its phone's configuration, read by the element from its
 * properties and by the script-tag core from its attributes before the element is in
 * (src/cdn/early-phone.ts): one mapping, so that both make the same phone.
 */
export interface PhoneSettings {
  maxCalls: number;
  availability: Availability | '';
  wrapUpSeconds: number;
}

export const DEFAULT_MAX_CALLS = 2;
export const DEFAULT_WRAP_UP_SECONDS = 0;

/** The engine configuration `settings` add to the shared attributes'. */
export function phoneSettingsConfig(settings: PhoneSettings): Partial<PhoneConfig> {
  return {
    maxCalls: settings.maxCalls,
    ...(settings.availability ? { availability: settings.availability } : {}),
    wrapUpSeconds: settings.wrapUpSeconds,
  };
}

/** The settings of a `<sip-phone>` not yet upgraded, as Lit will read its attributes. */
export function phoneSettingsFromAttributes(element: Element): PhoneSettings {
  // Lit's `type: Number` converter: `Number(value)` when the attribute is there.
  const number = (name: string, fallback: number): number => {
    const value = element.getAttribute(name);
    return value === null ? fallback : Number(value);
  };
  return {
    maxCalls: number('max-calls', DEFAULT_MAX_CALLS),
    availability: (element.getAttribute('availability') ?? '') as Availability | '',
    wrapUpSeconds: number('wrap-up-seconds', DEFAULT_WRAP_UP_SECONDS),
  };
}
