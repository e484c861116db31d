import type { PhoneConfig } from '../../engine/types.js';

/** The configuration attributes shared by the elements that own a phone. */
export interface ConfigAttributes {
  server: string | undefined;
  domain: string | undefined;
  user: string | undefined;
  password: string | undefined;
  credentialsUrl: string | undefined;
  displayName: string | undefined;
  dtmfMode: string | undefined;
  holdMusic: string | undefined;
  soundsBase: string | undefined;
  statsUrl: string | undefined;
  logLevel: string | undefined;
  singleTab: string | undefined;
}

/**
 * The attribute of each configuration property (the elements' `@property` declarations in
 * phone-element.ts name the same: config-input.test.ts checks), for reading an element
 * that is not yet upgraded.
 */
export const CONFIG_ATTRIBUTES: Readonly<Record<keyof ConfigAttributes, string>> = {
  server: 'server',
  domain: 'domain',
  user: 'user',
  password: 'password',
  credentialsUrl: 'credentials-url',
  displayName: 'display-name',
  dtmfMode: 'dtmf-mode',
  holdMusic: 'hold-music',
  soundsBase: 'sounds-base',
  statsUrl: 'stats-url',
  logLevel: 'log-level',
  singleTab: 'single-tab',
};

/** The configuration attributes of `element` as they are now (it need not be upgraded). */
export function attributesOf(element: Element): ConfigAttributes {
  const entries = Object.entries(CONFIG_ATTRIBUTES).map(([property, attribute]) => [
    property,
    element.getAttribute(attribute) ?? undefined,
  ]);
  return Object.fromEntries(entries) as ConfigAttributes;
}

/** `soundsBase` used when neither the attribute nor `config` sets one (the CDN build sets it). */
let defaultSoundsBase: string | undefined;

export function setDefaultSoundsBase(url: string): void {
  defaultSoundsBase = url;
}

/** A list attribute: `"wss://a, wss://b"` or `"wss://a wss://b"` → `['wss://a', 'wss://b']`. */
export function splitList(value: string): string[] {
  return value.split(/[\s,]+/).filter((part) => part !== '');
}

function holdMusicUrl(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  return value.trim().toLowerCase() === 'off' ? null : value;
}

/** An on/off attribute: `on`, `off` (or `true`, `false`; present and empty is on). */
export function onOff(value: string | undefined): boolean | string | undefined {
  if (value === undefined) return undefined;
  const word = value.trim().toLowerCase();
  if (word === '' || word === 'on' || word === 'true') return true;
  if (word === 'off' || word === 'false') return false;
  // Anything else goes to the engine, whose check names the attribute's value.
  return value;
}

/** What the element itself decides: whether it registers, and its `singleTab` default. */
export interface ElementDefaults {
  register: boolean;
  singleTab: boolean;
}

/**
 * The engine configuration the attributes describe, with `overrides` (the element's
 * `config` property) merged over them. Unset attributes are left out so the engine's
 * defaults apply; checking the values is the engine's job (`validateConfig`).
 */
export function configFromAttributes(
  attributes: ConfigAttributes,
  defaults: ElementDefaults,
  overrides: Partial<PhoneConfig> | undefined,
): Record<string, unknown> {
  const fromAttributes: Record<string, unknown> = {
    servers: attributes.server === undefined ? undefined : splitList(attributes.server),
    domain: attributes.domain,
    user: attributes.user,
    password: attributes.password,
    credentialsUrl: attributes.credentialsUrl,
    displayName: attributes.displayName,
    dtmfMode: attributes.dtmfMode,
    holdMusicUrl: holdMusicUrl(attributes.holdMusic),
    soundsBase: attributes.soundsBase ?? defaultSoundsBase,
    statsUrl: attributes.statsUrl,
    logLevel: attributes.logLevel,
    register: defaults.register,
    singleTab: onOff(attributes.singleTab) ?? defaults.singleTab,
  };
  const defined = Object.entries(fromAttributes).filter(([, value]) => value !== undefined);
  return { ...Object.fromEntries(defined), ...overrides };
}
