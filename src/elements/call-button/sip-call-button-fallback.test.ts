import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import {
  axeViolations,
  collect,
  mountWithFakeEngine,
  resetElements,
  shadow,
  VALID_CONFIG,
} from '../test-support/dom.js';
import { FakePhone, lastPhone } from '../test-support/fake-engine.js';
import type { SipCallButton } from './sip-call-button.js';
import './sip-call-button.js';

afterEach(() => {
  resetElements();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

const CALLBACK_URL = 'https://shop.example/api/callback';
const WITH_FALLBACKS = {
  ...VALID_CONFIG,
  target: 'ivr',
  'fallback-tel': '+34 900-123 456',
  'callback-url': CALLBACK_URL,
};

function main(el: SipCallButton): HTMLButtonElement {
  return shadow<HTMLButtonElement>(el, 'button.main');
}

function part(el: SipCallButton, name: string): HTMLElement | null {
  return el.shadowRoot?.querySelector<HTMLElement>(`[part~="${name}"]`) ?? null;
}

function text(node: Element | null | undefined): string {
  return node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

function callCount(): number {
  return FakePhone.instances.flatMap((p) => p.commands).filter((c) => c.startsWith('call ')).length;
}

/** Clicks to call, then the engine reports the microphone denied, as phone.ts does. */
async function microphoneDenied(attributes: Record<string, string> = WITH_FALLBACKS) {
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const { el } = await mountWithFakeEngine('sip-call-button', attributes);
  await userEvent.click(main(el));
  await expect.poll(() => el.call).toBeDefined();
  lastPhone().emit('error', { code: 'microphone-denied', message: 'Permission denied' });
  lastPhone().calls[0]!.end('microphone');
  await el.updateComplete;
  return el;
}

/** `fetch` answering `status` (and a body that must never reach the screen). */
function fakeFetch(...statuses: (number | Error)[]) {
  const answers = [...statuses];
  return vi.spyOn(globalThis, 'fetch').mockImplementation(async () => {
    const next = answers.shift() ?? 202;
    if (next instanceof Error) throw next;
    return new Response('<img src=x id=injected>', { status: next });
  });
}

async function typeAndSubmit(el: SipCallButton, number: string): Promise<void> {
  const input = shadow<HTMLInputElement>(el, '[part="callback-number"]');
  input.focus();
  await userEvent.clear(input);
  await userEvent.keyboard(number);
  await userEvent.keyboard('{Enter}');
}

describe('<sip-call-button> fallback attributes', () => {
  it.each([
    ['fallback-tel', '900 123 456', /^fallback-tel: a phone number must start with \+/],
    ['callback-url', 'http://shop.example/cb', /^callback-url must use https:\/\//],
  ])(
    'a wrong %s is a configuration error that names it; fixing it recovers',
    async (name, value, message) => {
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      const errors = collect<{ code: string; message: string }>(document, 'sip-error');
      const { el } = await mountWithFakeEngine('sip-call-button', {
        ...WITH_FALLBACKS,
        [name]: value,
      });
      expect(el.getAttribute('state')).toBe('error');
      expect(errors.at(-1)?.code).toBe('config-invalid');
      expect(errors.at(-1)?.message).toMatch(message);
      expect(text(shadow(el, '[role="alert"]'))).toContain('not set up correctly');

      el.setAttribute(name, WITH_FALLBACKS[name as keyof typeof WITH_FALLBACKS]);
      await el.updateComplete;
      expect(el.getAttribute('state')).toBe('idle');
    },
  );
});

describe('<sip-call-button> when a call cannot happen', () => {
  it('microphone denied: says what happened, offers the number and the call-back form, focus on them; axe clean', async () => {
    const el = await microphoneDenied();
    const fallback = part(el, 'fallback');
    expect(fallback).not.toBeNull();
    expect(part(el, 'panel')).toBeNull();
    expect(text(part(el, 'fallback-reason'))).toBe(
      "We can't call from here: this page may not use your microphone.",
    );
    expect(part(el, 'fallback-reason')?.getAttribute('role')).toBe('alert');
    // One alert: the explanation replaces the error's.
    expect(el.shadowRoot?.querySelectorAll('[role="alert"]')).toHaveLength(1);
    const tel = part(el, 'fallback-tel') as HTMLAnchorElement;
    expect(tel.getAttribute('href')).toBe('tel:+34900123456');
    expect(text(tel)).toBe('Call us on +34 900-123 456');
    const input = shadow<HTMLInputElement>(el, '[part="callback-number"]');
    expect(input.labels?.[0]?.textContent).toBe('Your phone number');
    await expect.poll(() => el.shadowRoot?.activeElement?.id).toBe('fallback');
    expect(await axeViolations(el)).toEqual([]);
  });

  it('the visitor types a number with the keyboard and sends it: one CORS POST without credentials, then "sent", focused', async () => {
    const fetch = fakeFetch(202);
    const el = await microphoneDenied({ ...WITH_FALLBACKS, context: '{"orderId":"A-17"}' });
    await typeAndSubmit(el, '+34 600 123 456');
    await expect
      .poll(() => text(part(el, 'callback-sent')))
      .toBe("Thank you: we'll call you back on +34 600 123 456.");
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(CALLBACK_URL);
    expect(init).toMatchObject({
      method: 'POST',
      credentials: 'omit',
      mode: 'cors',
      redirect: 'error',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(JSON.parse(String(init?.body))).toEqual({
      target: 'ivr',
      reason: 'microphone-denied',
      context: { orderId: 'A-17' },
      number: '+34600123456',
    });
    expect(part(el, 'callback-form')).toBeNull();
    expect(part(el, 'callback-sent')?.getAttribute('role')).toBe('status');
    await expect.poll(() => el.shadowRoot?.activeElement?.id).toBe('callback-sent');
    // The answer's body is never rendered.
    expect(el.shadowRoot?.querySelector('#injected')).toBeNull();
    expect(await axeViolations(el)).toEqual([]);
  });

  it('a wrong number is refused on the spot, said next to the field; nothing is sent', async () => {
    const fetch = fakeFetch();
    const el = await microphoneDenied();
    await typeAndSubmit(el, '600 123 456');
    await el.updateComplete;
    const input = shadow<HTMLInputElement>(el, '[part="callback-number"]');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe('callback-hint callback-error');
    expect(text(part(el, 'callback-error'))).toBe(
      'Enter the number with + and the country code, e.g. +34 600 123 456.',
    );
    expect(fetch).not.toHaveBeenCalled();
    expect(await axeViolations(el)).toEqual([]);
  });

  it('a refused or failed request says so and offers to try again, which sends again', async () => {
    const fetch = fakeFetch(500, new TypeError('Failed to fetch'), 202);
    const el = await microphoneDenied();
    await typeAndSubmit(el, '+34 600 123 456');
    await expect
      .poll(() => text(part(el, 'callback-failed')))
      .toBe("We couldn't send your number.");
    expect(part(el, 'callback-failed')?.getAttribute('role')).toBe('alert');
    const submit = part(el, 'callback-submit') as HTMLButtonElement;
    expect(text(submit)).toBe('Try again');
    expect(el.shadowRoot?.querySelector('#injected')).toBeNull();

    await userEvent.click(submit);
    await expect.poll(() => fetch.mock.calls.length).toBe(2);
    await el.updateComplete;
    expect(text(part(el, 'callback-failed'))).toBe("We couldn't send your number.");

    submit.focus();
    await userEvent.keyboard('{Enter}');
    await expect.poll(() => part(el, 'callback-sent')).not.toBeNull();
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('offers only what the page set: the number alone, or the form alone', async () => {
    const telOnly = await microphoneDenied({ ...WITH_FALLBACKS, 'callback-url': '' });
    expect(part(telOnly, 'fallback-tel')).not.toBeNull();
    expect(part(telOnly, 'callback-form')).toBeNull();
    resetElements();

    const formOnly = await microphoneDenied({ ...WITH_FALLBACKS, 'fallback-tel': '' });
    expect(part(formOnly, 'fallback-tel')).toBeNull();
    expect(part(formOnly, 'callback-form')).not.toBeNull();
  });

  it('without either attribute, the denied microphone is the usual alert in the panel, as before', async () => {
    const el = await microphoneDenied({ ...VALID_CONFIG, target: 'ivr' });
    expect(part(el, 'fallback')).toBeNull();
    expect(text(part(el, 'panel')?.querySelector('[role="alert"]'))).toBe(
      'Microphone access was denied. Allow microphone access in your browser, then try again.',
    );
  });

  it('a new click tries the call again, and the fallbacks give way', async () => {
    const el = await microphoneDenied();
    await userEvent.click(main(el));
    await expect.poll(() => callCount()).toBe(2);
    await el.updateComplete;
    expect(part(el, 'fallback')).toBeNull();
  });

  it('no WebRTC in this browser: offered at the click, without placing a call', async () => {
    vi.stubGlobal('RTCPeerConnection', undefined);
    const { el } = await mountWithFakeEngine('sip-call-button', WITH_FALLBACKS);
    await userEvent.click(main(el));
    // Their module loads at the click when no engine brought it.
    await expect
      .poll(() => text(part(el, 'fallback-reason')))
      .toBe("We can't call from here: this browser can't make calls from a page.");
    expect(callCount()).toBe(0);
    expect(await axeViolations(el)).toEqual([]);
  });

  it('the phone service out of reach: offered until the phone is connected again', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { el } = await mountWithFakeEngine('sip-call-button', WITH_FALLBACKS);
    main(el).focus();
    await expect.poll(() => el.phone).toBeDefined();
    lastPhone().setRegistration('failed', {
      code: 'credentials-failed',
      message: 'Could not fetch credentials from https://shop.example (TypeError)',
    });
    await el.updateComplete;
    expect(text(part(el, 'fallback-reason'))).toBe("We can't reach our phone service right now.");
    // Focus stays where the visitor put it: the alert speaks, the fallbacks come next.
    expect(el.shadowRoot?.activeElement).toBe(main(el));

    lastPhone().setRegistration('connected');
    await el.updateComplete;
    expect(part(el, 'fallback')).toBeNull();
    expect(el.getAttribute('state')).toBe('idle');
  });

  it("the call's audio could not connect (ICE failed): offered, and sent with that reason", async () => {
    const fetch = fakeFetch(202);
    const { el } = await mountWithFakeEngine('sip-call-button', WITH_FALLBACKS);
    await userEvent.click(main(el));
    await expect.poll(() => el.call).toBeDefined();
    lastPhone().calls[0]!.setState('active');
    lastPhone().calls[0]!.end('media-failed');
    await el.updateComplete;
    expect(text(part(el, 'fallback-reason'))).toBe(
      "The call couldn't connect: your network may be blocking it.",
    );
    await typeAndSubmit(el, '+44 20 7946 0000');
    await expect.poll(() => fetch.mock.calls.length).toBe(1);
    expect(JSON.parse(String(fetch.mock.calls[0]![1]?.body))).toMatchObject({
      reason: 'media-failed',
      number: '+442079460000',
    });
  });

  it('speaks Spanish', async () => {
    const el = await microphoneDenied({ ...WITH_FALLBACKS, lang: 'es' });
    await expect.poll(() => text(part(el, 'fallback-tel'))).toBe('Llámanos al +34 900-123 456');
    expect(text(part(el, 'fallback-reason'))).toBe(
      'No podemos llamar desde aquí: esta página no puede usar tu micrófono.',
    );
    expect(shadow<HTMLInputElement>(el, '[part="callback-number"]').labels?.[0]?.textContent).toBe(
      'Tu número de teléfono',
    );
    expect(text(part(el, 'callback-submit'))).toBe('Llamadme');
  });
});

describe('<sip-call-button preflight-url>: the way to the self-check', () => {
  const CHECK = { 'preflight-url': '/help/check-your-setup' };
  const checkHref = new URL('/help/check-your-setup', location.href).href;

  it('is linked beside the fallbacks when a call cannot happen', async () => {
    const el = await microphoneDenied({ ...WITH_FALLBACKS, ...CHECK });
    const link = part(el, 'preflight-link') as HTMLAnchorElement;
    expect(part(el, 'fallback')?.contains(link)).toBe(true);
    expect(link.href).toBe(checkHref);
    expect(text(link)).toBe('Check your call setup');
    expect(await axeViolations(el)).toEqual([]);
  });

  it('is linked under the alert of a failed call without fallbacks', async () => {
    const el = await microphoneDenied({ ...VALID_CONFIG, target: 'ivr', ...CHECK });
    expect(part(el, 'panel')?.querySelector('[part="preflight-link"]')).not.toBeNull();
  });

  it('is linked during a call only while quality warnings are up', async () => {
    const { el } = await mountWithFakeEngine('sip-call-button', { ...WITH_FALLBACKS, ...CHECK });
    await userEvent.click(main(el));
    await expect.poll(() => el.call).toBeDefined();
    const call = lastPhone().calls[0]!;
    call.setState('active');
    await el.updateComplete;
    expect(part(el, 'preflight-link')).toBeNull();
    call.quality = { ...call.quality, warnings: ['high-loss'] };
    call.emit('quality-warning', { warning: 'high-loss', raised: true, value: 0.2 });
    await expect.poll(() => part(el, 'preflight-link')).not.toBeNull();
    expect(part(el, 'panel')?.contains(part(el, 'preflight-link'))).toBe(true);
  });

  it('refuses a link that is not https (a javascript: URL) as a configuration error', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const errors = collect<{ code: string; message: string }>(document, 'sip-error');
    const { el } = await mountWithFakeEngine('sip-call-button', {
      ...WITH_FALLBACKS,
      'preflight-url': 'javascript:alert(1)',
    });
    expect(el.getAttribute('state')).toBe('error');
    expect(errors.at(-1)?.message).toMatch(/^preflight-url must be an https:\/\/ URL/);
  });
});
