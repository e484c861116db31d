/**
 * The fallbacks a `<sip-call-button>` offers when a call cannot happen: `fallback-tel` (a
 * number to call instead, shown as a `tel:` link) and `callback-url` (where the visitor's
 * number is POSTed, README "Fallbacks"). Checked when the page loads, like the other
 * attributes, so a wrong value is a configuration error, not a surprise at the visitor's
 * failed call.
 */
import { httpsUrlOf } from '../../engine/config.js';
import { parsePhoneNumber } from '../../engine/phone-number.js';

export interface FallbackAttributes {
  fallbackTel: string | undefined;
  callbackUrl: string | undefined;
  preflightUrl?: string | undefined;
}

export interface FallbackConfig {
  /** The number as the page wrote it (shown), and canonical (the link). */
  tel: { shown: string; number: string } | undefined;
  /** The absolute https:// URL to POST call-back requests to. */
  callbackUrl: string | undefined;
  /** The page with `<sip-preflight>` (absolute https://), linked when a call fails or sounds poor. */
  preflightUrl: string | undefined;
}

export type FallbackConfigResult =
  | { ok: true; config: FallbackConfig }
  | { ok: false; message: string };

function given(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export function fallbackConfigFrom(attributes: FallbackAttributes): FallbackConfigResult {
  const config: FallbackConfig = {
    tel: undefined,
    callbackUrl: undefined,
    preflightUrl: undefined,
  };
  const tel = given(attributes.fallbackTel);
  if (tel !== undefined) {
    const number = parsePhoneNumber(tel);
    if (!number.ok) return { ok: false, message: `fallback-tel: ${number.message}` };
    config.tel = { shown: tel, number: number.number };
  }
  const url = given(attributes.callbackUrl);
  if (url !== undefined) {
    const checked = httpsUrlOf('callback-url', url);
    if (!checked.ok) return { ok: false, message: checked.message };
    config.callbackUrl = checked.url;
  }
  const preflight = given(attributes.preflightUrl);
  if (preflight !== undefined) {
    // The rule of the other URLs: never a `javascript:` or `data:` link on the page.
    const checked = httpsUrlOf('preflight-url', preflight);
    if (!checked.ok) return { ok: false, message: checked.message };
    config.preflightUrl = checked.url;
  }
  return { ok: true, config };
}

/** Whether the page configured any fallback (without one the button behaves as before). */
export function offersFallback(config: FallbackConfig | undefined): config is FallbackConfig {
  return config?.tel !== undefined || config?.callbackUrl !== undefined;
}
