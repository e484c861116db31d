import { afterEach, describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { SBC_WSS_URL } from '../../../testkit/topology.js';
import { makeSample } from '../../engine/quality/test-support/samples.js';
import type { QualityWarningName } from '../../engine/types.js';
import { RECOVERED_DISPLAY_MS } from '../shared/controllers/engine-controller.js';
import {
  axeViolations,
  buttonNamed,
  collect,
  create,
  mount,
  mountWithFakeEngine,
  parkPointer,
  resetElements,
  shadow,
  VALID_CONFIG,
} from '../test-support/dom.js';
import { FakePhone, fakeLoader, lastPhone } from '../test-support/fake-engine.js';
import type { SipCallButton } from './sip-call-button.js';
import './sip-call-button.js';

afterEach(() => {
  resetElements();
  vi.restoreAllMocks();
});

const VISITOR = { ...VALID_CONFIG, target: 'ivr' };

function buttonOnPage(attributes: Record<string, string> = VISITOR) {
  return mountWithFakeEngine('sip-call-button', attributes);
}

/** A button in an answered call, its panel open. */
async function inCall(attributes: Record<string, string> = VISITOR) {
  const { el } = await buttonOnPage(attributes);
  await userEvent.click(main(el));
  await expect.poll(() => el.call).toBeDefined();
  const call = lastPhone().calls[0]!;
  call.setState('active');
  await el.updateComplete;
  return { el, call };
}

function main(el: SipCallButton): HTMLButtonElement {
  return shadow<HTMLButtonElement>(el, 'button.main');
}

function callCount(): number {
  return FakePhone.instances.flatMap((p) => p.commands).filter((c) => c.startsWith('call ')).length;
}

describe('<sip-call-button> loading', () => {
  it('does not load the engine until the visitor shows intent, then prepares', async () => {
    const { el, loader } = await buttonOnPage();
    expect(loader.loads).toBe(0);
    expect(el.phone).toBeUndefined();

    main(el).focus();
    await expect.poll(() => el.phone).toBeDefined();
    expect(loader.loads).toBe(1);
    await expect.poll(() => lastPhone().commands).toEqual(['prepare']);
    expect(lastPhone().config.register).toBe(false);
    // A visitor's phone is its tab's own: the engine without the tabs' sharing.
    expect(loader.singleTab).toEqual([false]);

    await userEvent.hover(main(el));
    expect(loader.loads).toBe(1);
    expect(lastPhone().commands).toEqual(['prepare']);
  });

  it('with preload="idle", loads the engine once the page is idle, without connecting', async () => {
    await parkPointer();
    const { el, loader } = await buttonOnPage({ ...VISITOR, preload: 'idle' });
    await expect.poll(() => loader.loads).toBe(1);
    await expect.poll(() => el.phone).toBeDefined();
    expect(lastPhone().commands).toEqual([]);
  });

  it('loads on pointer hover too', async () => {
    const { el, loader } = await buttonOnPage();
    await userEvent.hover(main(el));
    await expect.poll(() => loader.loads).toBe(1);
  });
});

describe('<sip-call-button> calling', () => {
  it('calls the target on click and opens a focused panel; a second click never calls twice', async () => {
    const { el } = await buttonOnPage();
    await userEvent.click(main(el));
    await expect.poll(() => el.call).toBeDefined();
    await el.updateComplete;
    expect(lastPhone().commands).toContain('call ivr');
    expect(el.getAttribute('state')).toBe('connecting');
    expect(main(el).getAttribute('part')).toBe('button button-connecting');
    expect(main(el).getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => el.shadowRoot?.activeElement?.id).toBe('panel');

    await userEvent.click(main(el));
    await userEvent.click(main(el));
    expect(callCount()).toBe(1);
  });

  it('with its phone ready, shows the click before it makes the call (its peer connection is a long task)', async () => {
    const { el } = await buttonOnPage();
    main(el).focus();
    await expect.poll(() => el.phone).toBeDefined();
    main(el).click();
    // The click's task and its microtasks: the new state is rendered, no call is made yet.
    await el.updateComplete;
    expect(el.getAttribute('state')).toBe('connecting');
    expect(callCount()).toBe(0);
    // After the next paint.
    await expect.poll(callCount).toBe(1);
    await expect.poll(() => el.call).toBe(lastPhone().calls[0]);
  });

  it('places one call when clicked twice before the engine loaded', async () => {
    const { el } = await buttonOnPage();
    main(el).click();
    main(el).click();
    await expect.poll(() => el.call).toBeDefined();
    expect(callCount()).toBe(1);
  });

  it('reflects ringing, in-call and ended states, with the timer', async () => {
    const { el } = await buttonOnPage();
    await userEvent.click(main(el));
    await expect.poll(() => el.call).toBeDefined();
    const call = lastPhone().calls[0]!;

    call.setState('ringing');
    await el.updateComplete;
    expect(el.getAttribute('state')).toBe('ringing');
    expect(shadow(el, '[part="status"]').textContent).toBe('Ringing…');

    call.setState('active');
    await el.updateComplete;
    expect(el.getAttribute('state')).toBe('in-call');
    expect(shadow(el, '[part="elapsed"]').textContent).toMatch(/^00:0\d$/);
    expect(shadow(el, '[part="timer"]').textContent).toMatch(/^00:0\d$/);

    call.end('hangup-remote');
    await el.updateComplete;
    expect(el.getAttribute('state')).toBe('ended');
    expect(shadow(el, '[part="call-status"]').textContent?.trim()).toBe(
      'Call ended: The other side hung up',
    );
  });

  it('at rest, is named by its label, with a phone icon', async () => {
    const { el } = await buttonOnPage();
    expect(page.getByRole('button', { name: 'Call us', exact: true }).element()).toBe(main(el));
    expect(main(el).querySelector('.icon-phone')).not.toBeNull();
    expect(main(el).hasAttribute('aria-expanded')).toBe(false);
  });

  it('during a call, looks and is named like what it does: shows the call, toggles the panel', async () => {
    const { el, call } = await inCall();
    // The name is the call's state, steady while the timer ticks; no hang-up look.
    expect(page.getByRole('button', { name: 'In call', exact: true }).element()).toBe(main(el));
    expect(main(el).querySelector('.icon-hang-up')).toBeNull();
    expect(main(el).querySelector('.icon-phone')).not.toBeNull();
    expect(main(el).querySelector('.icon-chevron')).not.toBeNull();
    expect(main(el).getAttribute('aria-expanded')).toBe('true');
    expect(shadow(el, '.visually-hidden[role="status"]').textContent).toBe('In call with ivr');

    await userEvent.click(main(el));
    await el.updateComplete;
    expect(main(el).getAttribute('aria-expanded')).toBe('false');
    expect(el.shadowRoot?.querySelector('[part="panel"]')).toBeNull();
    await userEvent.click(main(el));
    await el.updateComplete;
    expect(main(el).getAttribute('aria-expanded')).toBe('true');
    expect(call.state).toBe('active');

    // Hanging up is the panel's red button, and only there.
    const hangups = [...(el.shadowRoot?.querySelectorAll('.icon-hang-up') ?? [])];
    expect(hangups).toHaveLength(1);
    const hangup = buttonNamed(el, 'Hang up');
    expect(hangup.closest('[part="panel"]')).not.toBeNull();
    expect(hangup.classList.contains('danger')).toBe(true);
  });

  it('says hold by the far end once', async () => {
    const { el, call } = await inCall();
    call.setState('on-hold', 'remote');
    await el.updateComplete;
    const panel = shadow(el, '[part="panel"]');
    expect(shadow(el, '[part="call-status"]').textContent?.trim()).toBe('Held by the other side');
    expect(panel.textContent?.match(/held by the other side/gi)).toHaveLength(1);
  });

  it('Escape collapses the panel without hanging up; the button reopens it', async () => {
    const { el, call } = await inCall();

    buttonNamed(el, 'Mute').focus();
    await userEvent.keyboard('{Escape}');
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[part="panel"]')).toBeNull();
    expect(call.state).toBe('active');
    expect(el.shadowRoot?.activeElement).toBe(main(el));
    expect(main(el).getAttribute('aria-expanded')).toBe('false');
    expect(await axeViolations(el), 'collapsed during a call').toEqual([]);

    await userEvent.keyboard('{Enter}');
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[part="panel"]')).not.toBeNull();
    expect(callCount()).toBe(1);
  });

  it('controls the call from the panel: hold, mute, keypad DTMF, hang up', async () => {
    const dtmf = collect<{ tone: string }>(document, 'sip-dtmf');
    const { el, call } = await inCall();

    await userEvent.click(buttonNamed(el, 'Hold'));
    await el.updateComplete;
    expect(call.hold).toBe('local');
    expect(shadow(el, '[part="call-status"]').textContent?.trim()).toBe('On hold');
    await userEvent.click(buttonNamed(el, 'Resume'));
    expect(call.holdRequests).toEqual([true, false]);

    await userEvent.click(buttonNamed(el, 'Mute'));
    expect(call.muted).toBe(true);

    await userEvent.click(buttonNamed(el, 'Keypad'));
    await el.updateComplete;
    const keypad = shadow(el, 'sip-dialpad');
    shadow(keypad, '[data-key="1"]').focus();
    await userEvent.keyboard('1#');
    expect(call.sentDtmf).toEqual(['1', '#']);
    expect(dtmf.map((d) => d.tone)).toEqual(['1', '#']);

    await userEvent.click(buttonNamed(el, 'Hang up'));
    expect(call.endCause).toBe('hangup-local');
  });
});

describe('<sip-call-button> configuration and errors', () => {
  it('shows an error state for a bad server and recovers when it is fixed', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const errors = collect<{ code: string }>(document, 'sip-error');
    const { el } = await buttonOnPage({ ...VISITOR, server: 'ftp://nope' });
    expect(el.getAttribute('state')).toBe('error');
    expect(shadow(el, '[role="alert"]').textContent).toContain('not set up correctly');
    expect(errors.map((e) => e.code)).toEqual(['config-invalid']);

    await userEvent.click(main(el));
    expect(el.phone).toBeUndefined();

    el.setAttribute('server', SBC_WSS_URL);
    await el.updateComplete;
    expect(el.getAttribute('state')).toBe('idle');
    expect(el.shadowRoot?.querySelector('[role="alert"]')).toBeNull();
  });

  it('passes log-level to the engine, and logs its own configuration errors at that level', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const errors = collect<{ code: string }>(document, 'sip-error');
    const { el } = await buttonOnPage({ ...VISITOR, server: 'ftp://nope', 'log-level': 'silent' });
    expect(el.getAttribute('state')).toBe('error');
    // The page still hears of it (sip-error); the console does not.
    expect(errors.map((e) => e.code)).toEqual(['config-invalid']);
    expect(warn).not.toHaveBeenCalled();

    el.setAttribute('server', SBC_WSS_URL);
    el.setAttribute('log-level', 'debug');
    await el.updateComplete;
    await userEvent.click(main(el));
    await expect.poll(() => el.phone).toBeDefined();
    expect(lastPhone().config).toMatchObject({ logLevel: 'debug' });
  });

  it('logs through the logger of its config property, and hands that logger to the engine', async () => {
    const lines: string[] = [];
    const logger = (level: string, message: string) => lines.push(`${level} ${message}`);
    const el = create('sip-call-button', { ...VISITOR, server: 'ftp://nope?key=s3cret' });
    el.config = { logger };
    el.engine.loader = fakeLoader();
    await mount(el);
    expect(lines).toEqual(["warn config-invalid: server must start with wss://: got 'ftp://nope'"]);

    el.setAttribute('server', SBC_WSS_URL);
    await el.updateComplete;
    await userEvent.click(main(el));
    await expect.poll(() => el.phone).toBeDefined();
    expect(lastPhone().config.logger).toBe(logger);
  });

  it('refuses a wrong log-level with a message naming the levels', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const errors = collect<{ message: string }>(document, 'sip-error');
    const { el } = await buttonOnPage({ ...VISITOR, 'log-level': 'verbose' });
    expect(el.getAttribute('state')).toBe('error');
    expect(errors[0]?.message).toBe(
      "logLevel must be one of silent, error, warn, info, debug: got 'verbose'",
    );
  });

  it('requires a target', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const errors = collect<{ message: string }>(document, 'sip-error');
    const { el } = await buttonOnPage(VALID_CONFIG);
    expect(el.getAttribute('state')).toBe('error');
    expect(errors[0]?.message).toMatch(/target/);
    el.target = 'sales';
    await el.updateComplete;
    expect(el.getAttribute('state')).toBe('idle');
  });

  it('sends the caller context from context, data-context-* and share-page-url', async () => {
    const { el } = await buttonOnPage({
      ...VISITOR,
      context: '{"orderId":"A-17"}',
      'data-context-plan': 'gold',
      'share-page-url': '',
    });
    await userEvent.click(main(el));
    await expect.poll(() => lastPhone().callOptions.length).toBe(1);
    expect(lastPhone().callOptions[0]).toEqual({
      context: { plan: 'gold', orderId: 'A-17', page: `${location.origin}${location.pathname}` },
    });
  });

  it('refuses a wrong context when the page loads, with what is wrong; nothing is called', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const errors = collect<{ code: string; message: string }>(document, 'sip-error');
    const { el } = await buttonOnPage({ ...VISITOR, context: '{"orderId": 17}' });
    expect(el.getAttribute('state')).toBe('error');
    expect(errors.at(-1)).toEqual({
      code: 'config-invalid',
      message: "context values must be text: 'orderId' is not",
    });
    await userEvent.click(main(el));
    expect(callCount()).toBe(0);
    el.context = '{"orderId":"17"}';
    await el.updateComplete;
    expect(el.getAttribute('state')).toBe('idle');
  });

  it('says a denied microphone once, with what to do, and a new click retries', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { el } = await buttonOnPage();
    await userEvent.click(main(el));
    await expect.poll(() => el.call).toBeDefined();
    lastPhone().emit('error', { code: 'microphone-denied', message: 'Permission denied' });
    lastPhone().calls[0]!.end('microphone');
    await el.updateComplete;
    const panel = shadow(el, '[part="panel"]');
    expect(panel.querySelector('[role="alert"]')?.textContent?.replace(/\s+/g, ' ').trim()).toBe(
      'Microphone access was denied. Allow microphone access in your browser, then try again.',
    );
    // One alert, no detail line repeating it, no "Call ended: No access to the microphone".
    expect(panel.querySelector('[part="call-status"]')).toBeNull();
    expect(panel.textContent?.match(/microphone/gi)).toHaveLength(2);
    expect(panel.textContent).not.toContain('Permission denied');

    await userEvent.click(main(el));
    // Made after the click's paint.
    await expect.poll(callCount).toBe(2);
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[role="alert"]')).toBeNull();
  });

  it('clears a connection error once its phone is connected again', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { el } = await buttonOnPage();
    main(el).focus();
    await expect.poll(() => el.phone).toBeDefined();
    lastPhone().setRegistration('connecting');
    lastPhone().setRegistration('failed', {
      code: 'connection-failed',
      message: 'Could not open the connection to the phone service.',
    });
    await el.updateComplete;
    expect(el.getAttribute('state')).toBe('error');

    // A visitor's phone never registers: `connected` is its ready state.
    lastPhone().setRegistration('connected');
    await el.updateComplete;
    expect(el.getAttribute('state')).toBe('idle');
    expect(el.shadowRoot?.querySelector('[role="alert"]')).toBeNull();
  });

  it('uses the slotted label, or a localized default', async () => {
    const custom = create('sip-call-button', VISITOR);
    custom.textContent = 'Talk to sales';
    await mount(custom);
    const slot = shadow<HTMLSlotElement>(custom, 'slot');
    expect(slot.assignedNodes().map((n) => n.textContent)).toEqual(['Talk to sales']);

    const es = await mount(create('sip-call-button', { ...VISITOR, lang: 'es' }));
    expect(shadow(es, 'slot').textContent).toBe('Llámanos');
  });

  it('has no axe violations: idle, in call with keypad, error', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { el } = await buttonOnPage();
    expect(await axeViolations(el), 'idle').toEqual([]);

    await userEvent.click(main(el));
    await expect.poll(() => el.call).toBeDefined();
    lastPhone().calls[0]!.setState('active');
    lastPhone().emit('autoplay-blocked', { what: 'remote-audio' });
    await el.updateComplete;
    await userEvent.click(buttonNamed(el, 'Keypad'));
    await el.updateComplete;
    expect(await axeViolations(el), 'in call').toEqual([]);

    const broken = await mount(create('sip-call-button', { target: 'ivr', theme: 'dark' }));
    expect(await axeViolations(broken), 'error, dark').toEqual([]);
  });

  it('keeps its touch targets at least 44px', async () => {
    const { el } = await buttonOnPage();
    const box = main(el).getBoundingClientRect();
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44);
  });
});

describe('<sip-call-button> call quality', () => {
  it('shows the quality indicator in the panel; Escape closes its details before the panel', async () => {
    const { el, call } = await inCall();
    const sample = makeSample({ mos: 4.4 });
    call.quality = { sample, warnings: ['no-inbound-audio'], farEndWarnings: [], report: null };
    call.emit('quality', sample);
    await el.updateComplete;

    const indicator = shadow<HTMLElementTagNameMap['sip-quality-indicator']>(
      el,
      '[part="panel"] sip-quality-indicator',
    );
    await indicator.updateComplete;
    const toggle = shadow<HTMLButtonElement>(indicator, 'button');
    expect(shadow(indicator, '[part="bars"]').getAttribute('aria-label')).toBe(
      'Call quality: good (MOS 4.4)',
    );
    expect(shadow(indicator, '[part="warning"]').textContent).toBe("We can't hear the other side");

    toggle.focus();
    await userEvent.keyboard('{Enter}');
    await indicator.updateComplete;
    expect(indicator.shadowRoot?.querySelector('[part="details"]')).not.toBeNull();
    expect(await axeViolations(el)).toEqual([]);
    await userEvent.keyboard('{Escape}');
    await indicator.updateComplete;
    expect(indicator.shadowRoot?.querySelector('[part="details"]')).toBeNull();
    expect(el.shadowRoot?.querySelector('[part="panel"]')).not.toBeNull();
    await userEvent.keyboard('{Escape}');
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[part="panel"]')).toBeNull();
  });
  it('keeps the keypad still while quality warnings come and go', async () => {
    const { el, call } = await inCall();
    await userEvent.click(buttonNamed(el, 'Keypad'));
    await el.updateComplete;
    const keypad = shadow(el, 'sip-dialpad');
    const before = keypad.getBoundingClientRect().toJSON();
    const show = async (warnings: QualityWarningName[]) => {
      const sample = makeSample({ mos: 2.1 });
      call.quality = { sample, warnings, farEndWarnings: [], report: null };
      call.emit('quality', sample);
      await el.updateComplete;
      await shadow<HTMLElementTagNameMap['sip-quality-indicator']>(el, 'sip-quality-indicator')
        .updateComplete;
    };

    await show(['high-loss', 'no-inbound-audio']);
    expect(
      shadow(el, 'sip-quality-indicator').shadowRoot?.querySelectorAll('[part="warning"]'),
    ).toHaveLength(2);
    expect(keypad.getBoundingClientRect().toJSON()).toEqual(before);
    await show([]);
    expect(keypad.getBoundingClientRect().toJSON()).toEqual(before);
  });
});

describe('<sip-call-button> connection recovery', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const WORDS = {
    en: {
      inCall: 'In call with ivr',
      reconnecting: 'Reconnecting your call…',
      reconnected: 'Call reconnected',
      lost: 'The call was lost when the connection dropped',
    },
    es: {
      inCall: 'En llamada con ivr',
      reconnecting: 'Reconectando tu llamada…',
      reconnected: 'Llamada reconectada',
      lost: 'La llamada se perdió al caerse la conexión',
    },
  } as const;

  /** The panel's status line and the live region: both must say the same. */
  function said(el: SipCallButton): string[] {
    return ['[part="call-status"]', '#live'].map(
      (selector) => shadow(el, selector).textContent?.trim() ?? '',
    );
  }

  it.each(['en', 'es'] as const)(
    '%s: says the call is reconnecting, then reconnected for a moment, in the panel and the live region',
    async (lang) => {
      const words = WORDS[lang];
      const { el, call } = await inCall({ ...VISITOR, lang });
      expect(said(el)).toEqual([words.inCall, words.inCall]);

      call.loseConnection();
      await el.updateComplete;
      expect(said(el)).toEqual([words.reconnecting, words.reconnecting]);
      expect(shadow(el, '#live').getAttribute('role')).toBe('status');
      expect(el.getAttribute('state')).toBe('in-call');
      expect(await axeViolations(el), 'reconnecting').toEqual([]);

      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      call.recoverConnection('region-b');
      await el.updateComplete;
      expect(said(el)).toEqual([words.reconnected, words.reconnected]);
      // A visitor does not know the operator's regions.
      expect(el.shadowRoot?.textContent).not.toMatch(/region/i);

      vi.advanceTimersByTime(RECOVERED_DISPLAY_MS);
      await el.updateComplete;
      expect(said(el)).toEqual([words.inCall, words.inCall]);
    },
  );

  it.each(['en', 'es'] as const)(
    '%s: says the call was lost when its connection did not come back',
    async (lang) => {
      const words = WORDS[lang];
      const { el, call } = await inCall({ ...VISITOR, lang });
      call.loseConnection();
      call.failConnection();
      await el.updateComplete;
      expect(el.getAttribute('state')).toBe('ended');
      expect(said(el)).toEqual([words.lost, words.lost]);
      expect(await axeViolations(el)).toEqual([]);
    },
  );

  it('a call lost before it was answered is explained by the alert alone, as before', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { el } = await buttonOnPage();
    await userEvent.click(main(el));
    await expect.poll(() => el.call).toBeDefined();
    lastPhone().emit('error', { code: 'connection-failed', message: 'no server answered' });
    lastPhone().calls[0]!.end('connection-lost');
    await el.updateComplete;
    const panel = shadow(el, '[part="panel"]');
    expect(panel.querySelector('[role="alert"]')).not.toBeNull();
    expect(panel.querySelector('[part="call-status"]')).toBeNull();
    expect(panel.textContent).not.toContain(WORDS.en.lost);
  });
});
