/** `<sip-phone>` on the page with the fake engine, for the phone's element tests. */
import { expect } from 'vitest';
import { mountWithFakeEngine, VALID_CONFIG } from '../../test-support/dom.js';
import { lastPhone } from '../../test-support/fake-engine.js';
import type { SipPhone } from '../sip-phone.js';
import '../sip-phone.js';

/** A `<sip-phone>` on the page with a fake engine, once its phone exists. */
export async function phoneOnPage(
  attributes: Record<string, string> = VALID_CONFIG,
): Promise<SipPhone> {
  const { el } = await mountWithFakeEngine('sip-phone', attributes);
  await expect.poll(() => el.phone).toBeDefined();
  await el.updateComplete;
  return el;
}

/** A `<sip-phone>` that finished signing in, ready to place calls. */
export async function readyPhone(
  attributes: Record<string, string> = VALID_CONFIG,
): Promise<SipPhone> {
  const el = await phoneOnPage(attributes);
  lastPhone().setRegistration('registered');
  await el.updateComplete;
  return el;
}
