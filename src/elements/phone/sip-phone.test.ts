import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { DOMAIN, SBC_WSS_URL, VISITOR_CREDENTIALS_URL } from '../../../testkit/topology.js';
import { makeSample } from '../../engine/quality/test-support/samples.js';
import type { CallReport } from '../../engine/types.js';
import { ENDED_DISPLAY_MS, RECOVERED_DISPLAY_MS } from '../shared/controllers/engine-controller.js';
import {
  axeViolations,
  buttonNamed,
  collect,
  create,
  mount,
  mountWithFakeEngine,
  resetElements,
  shadow,
  VALID_CONFIG,
} from '../test-support/dom.js';
import { fakeLoader, lastPhone } from '../test-support/fake-engine.js';
import type { SipPhone } from './sip-phone.js';
import './sip-phone.js';
import { phoneOnPage, readyPhone } from './test-support/phone.js';

afterEach(() => {
  resetElements();
  vi.restoreAllMocks();
  document.documentElement.lang = 'en';
});

/** How many times `pattern` appears in what the phone shows. */
function mentions(el: SipPhone, pattern: RegExp): number {
  return (
    (shadow(el, '[part="base"]').textContent ?? '').match(new RegExp(pattern, 'gi'))?.length ?? 0
  );
}

function text(el: SipPhone, selector: string): string {
  return shadow(el, selector).textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

describe('<sip-phone> configuration', () => {
  it('shows an alert and emits sip-error for a bad server, and recovers when fixed', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const errors = collect<{ code: string; message: string }>(document, 'sip-error');
    const { el } = await mountWithFakeEngine('sip-phone', {
      ...VALID_CONFIG,
      server: 'http://example.com',
    });

    // Plain words on screen; the technical detail for the developer in the console.
    const alert = shadow(el, '[role="alert"]');
    expect(alert.textContent).toContain('The phone is not set up correctly.');
    expect(alert.textContent).toContain('The details are in the browser console.');
    expect(alert.textContent).not.toContain('wss://');
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/config-invalid: .*wss:\/\//));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('config-invalid');
    expect(errors[0]?.message).toMatch(/server/);
    expect(el.phone).toBeUndefined();
    expect(buttonNamed(el, 'Call').disabled).toBe(true);

    el.setAttribute('server', SBC_WSS_URL);
    await expect.poll(() => el.phone).toBeDefined();
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[role="alert"]')).toBeNull();
    lastPhone().setRegistration('registered');
    await el.updateComplete;
    expect(buttonNamed(el, 'Call').disabled).toBe(false);
    expect(lastPhone().commands).toContain('start');
    expect(lastPhone().config.servers).toEqual([SBC_WSS_URL]);
  });

  it('reports a missing configuration without loading the engine', async () => {
    const errors = collect<{ message: string }>(document, 'sip-error');
    const { el, loader } = await mountWithFakeEngine('sip-phone', {});
    expect(shadow(el, '[role="alert"]').textContent).toContain('not set up correctly');
    expect(errors[0]?.message).toMatch(/servers/);
    expect(loader.loads).toBe(0);
  });

  it('maps attributes and the config property onto the engine configuration', async () => {
    const el = create('sip-phone', {
      ...VALID_CONFIG,
      server: 'wss://a.test, wss://b.test',
      'display-name': 'Agent One',
      'dtmf-mode': 'info',
      'hold-music': 'off',
      'sounds-base': '/assets/sounds/',
      'stats-url': 'https://stats.example/calls',
      'log-level': 'info',
    });
    el.config = { iceGatheringTimeoutMs: 800 };
    el.engine.loader = fakeLoader();
    await mount(el);
    await expect.poll(() => el.phone).toBeDefined();
    expect(lastPhone().config).toMatchObject({
      servers: ['wss://a.test', 'wss://b.test'],
      domain: DOMAIN,
      credentialsUrl: VISITOR_CREDENTIALS_URL,
      displayName: 'Agent One',
      dtmfMode: 'info',
      holdMusicUrl: null,
      soundsBase: '/assets/sounds/',
      register: true,
      iceGatheringTimeoutMs: 800,
      statsUrl: 'https://stats.example/calls',
      logLevel: 'info',
    });
  });

  it('rejects a bad dtmf-mode with a message naming it', async () => {
    const errors = collect<{ message: string }>(document, 'sip-error');
    const { el } = await mountWithFakeEngine('sip-phone', { ...VALID_CONFIG, 'dtmf-mode': 'loud' });
    expect(shadow(el, '[role="alert"]')).toBeDefined();
    expect(errors[0]?.message).toMatch(/dtmfMode/);
  });

  it('rejects a bad log-level with a message naming it', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const errors = collect<{ message: string }>(document, 'sip-error');
    const { el } = await mountWithFakeEngine('sip-phone', { ...VALID_CONFIG, 'log-level': 'all' });
    expect(shadow(el, '[role="alert"]')).toBeDefined();
    expect(errors[0]?.message).toMatch(/^logLevel must be one of silent, error, warn, info, debug/);
  });

  it('stops its phone when removed from the page', async () => {
    const el = await phoneOnPage();
    const phone = lastPhone();
    el.remove();
    await expect.poll(() => phone.commands).toContain('stop');
    expect(el.phone).toBeUndefined();
  });
});

describe('<sip-phone> registration and calls', () => {
  it('shows the registration state in words and re-emits the change', async () => {
    const el = await phoneOnPage();
    const changes = collect<{ state: string }>(el, 'sip-registration-change');
    expect(text(el, '[part="status"]')).toBe('Offline');
    lastPhone().setRegistration('registering');
    lastPhone().setRegistration('registered');
    await el.updateComplete;
    expect(text(el, '[part="status"]')).toBe('Ready');
    expect(shadow(el, '[part="status"]').getAttribute('role')).toBe('status');
    expect(changes.map((c) => c.state)).toEqual(['registering', 'registered']);
  });

  it('places a call to the typed target, with keys from the dialpad', async () => {
    const el = await readyPhone();
    await userEvent.type(shadow(el, 'input'), '10');
    const dialpad = shadow(el, 'sip-dialpad');
    shadow(dialpad, '[data-key="0"]').click();
    await userEvent.click(buttonNamed(el, 'Call'));
    // Made after the click's paint.
    await expect.poll(() => lastPhone().commands).toContain('call 100');
    await el.updateComplete;
    expect(text(el, '[part="call-status"]')).toBe('Calling 100…');
    expect(el.call).toBe(lastPhone().calls[0]);
  });

  it('shows a hostile display name as text and never runs it', async () => {
    const el = await phoneOnPage();
    const incoming = collect<{ call: unknown }>(el, 'sip-incoming-call');
    const attack = '<img src=x onerror="window.__xss=1">';
    lastPhone().ring({ uri: 'sip:bob@helpline.test', user: 'bob', displayName: attack });
    await el.updateComplete;

    expect(text(el, '[part="caller-name"]')).toBe(attack);
    expect(text(el, '[part="caller-user"]')).toBe('bob');
    expect(el.shadowRoot?.querySelector('img')).toBeNull();
    // Give a would-be onerror handler the chance to run before checking it did not.
    await new Promise((resolve) => requestAnimationFrame(resolve));
    expect((window as { __xss?: number }).__xss).toBeUndefined();
    expect(incoming).toHaveLength(1);
    expect(text(el, '[part="call-status"]')).toBe('Incoming call');
  });

  it("shows the caller's context as text, names and values, in the incoming banner", async () => {
    const el = await phoneOnPage();
    const attack = '<img src=x onerror="window.__xss=1">';
    lastPhone().ring(
      { uri: 'sip:visitor-1@helpline.test', user: 'visitor-1', displayName: 'Maria' },
      { orderId: 'A-17', note: attack, page: 'https://shop.example/help' },
    );
    await el.updateComplete;

    const context = shadow(el, '[part="incoming"] [part="context"]');
    expect(context.getAttribute('aria-label')).toBe('Caller details');
    const pairs = [...context.querySelectorAll('dt')].map((dt) => [
      dt.textContent?.trim(),
      dt.nextElementSibling?.textContent?.trim(),
    ]);
    expect(pairs).toEqual([
      ['orderId', 'A-17'],
      ['note', attack],
      ['page', 'https://shop.example/help'],
    ]);
    expect(el.shadowRoot?.querySelector('img')).toBeNull();
    expect(await axeViolations(el)).toEqual([]);
  });

  it('tells the page of a call once it holds it, and of its end once it let go of it', async () => {
    const el = await phoneOnPage();
    const seen: [string, unknown, unknown][] = [];
    for (const type of ['sip-incoming-call', 'sip-dtmf', 'sip-call-ended'] as const) {
      el.addEventListener(type, (event) => seen.push([type, event.detail.call, el.call]));
    }
    const call = lastPhone().ring({ uri: 'sip:ann@helpline.test', user: 'ann', displayName: '' });
    call.emit('dtmf', { tone: '5', method: 'info' });
    call.end('hangup-remote');
    expect(seen).toEqual([
      ['sip-incoming-call', call, call],
      ['sip-dtmf', call, call],
      ['sip-call-ended', call, undefined],
    ]);
  });

  it('answers, then controls the call: mute, hold, keypad DTMF, hang up, back to idle', async () => {
    const el = await phoneOnPage();
    const states = collect<{ state: string }>(el, 'sip-call-state');
    const dtmf = collect<{ tone: string }>(el, 'sip-dtmf');
    const ended = collect<{ cause: string }>(el, 'sip-call-ended');
    const call = lastPhone().ring({
      uri: 'sip:ann@helpline.test',
      user: 'ann',
      displayName: 'Ann',
    });
    await el.updateComplete;

    await userEvent.click(buttonNamed(el, 'Answer'));
    await el.updateComplete;
    expect(call.state).toBe('active');
    expect(text(el, '[part="call-status"]')).toBe('In call with Ann');
    expect(text(el, '[part="timer"]')).toMatch(/^00:0\d$/);

    const mute = buttonNamed(el, 'Mute');
    await userEvent.click(mute);
    await el.updateComplete;
    expect(call.muted).toBe(true);
    expect(buttonNamed(el, 'Mute').getAttribute('aria-pressed')).toBe('true');

    await userEvent.click(buttonNamed(el, 'Hold'));
    await el.updateComplete;
    expect(call.holdRequests).toEqual([true]);
    expect(text(el, '[part="call-status"]')).toBe('On hold');
    call.setState('on-hold', 'both');
    await el.updateComplete;
    expect(text(el, '[part="call-status"]')).toBe('On hold on both sides');
    call.setState('on-hold', 'remote');
    await el.updateComplete;
    expect(text(el, '[part="call-status"]')).toBe('Held by the other side');
    // Said once: the status line, no second label beside it.
    expect(mentions(el, /held by the other side/)).toBe(1);
    call.setState('active', 'none');
    await el.updateComplete;
    expect(text(el, '[part="call-status"]')).toBe('In call with Ann');

    await userEvent.click(buttonNamed(el, 'Keypad'));
    await el.updateComplete;
    const keypad = shadow(el, '[part="keypad"]');
    shadow(keypad, '[data-key="5"]').click();
    expect(call.sentDtmf).toEqual(['5']);
    expect(dtmf.map((d) => d.tone)).toEqual(['5']);

    await userEvent.click(buttonNamed(el, 'Hang up'));
    await el.updateComplete;
    expect(ended.map((e) => e.cause)).toEqual(['hangup-local']);
    expect(states.map((s) => s.state)).toContain('ended');
    expect(text(el, '[part="call-status"]')).toBe('Call ended: You hung up');
    expect(el.call).toBeUndefined();

    await expect
      .poll(() => el.shadowRoot?.querySelector('form') !== null, {
        timeout: ENDED_DISPLAY_MS + 10_000,
      })
      .toBe(true);
  });

  it('declines an incoming call', async () => {
    const el = await phoneOnPage();
    const call = lastPhone().ring({ uri: 'sip:x@helpline.test', user: 'x', displayName: '' });
    await el.updateComplete;
    await userEvent.click(buttonNamed(el, 'Decline'));
    expect(call.endCause).toBe('declined');
  });

  it('keeps a call when the configuration changes, and applies it once the call ended', async () => {
    const el = await phoneOnPage();
    const first = lastPhone();
    const call = first.ring({ uri: 'sip:x@helpline.test', user: 'x', displayName: '' });
    await call.answer();
    el.setAttribute('display-name', 'Renamed');
    await el.updateComplete;
    expect(first.commands).not.toContain('stop');
    expect(el.phone).toBe(first);

    call.end('hangup-remote');
    await expect.poll(() => el.phone !== first && el.phone !== undefined).toBe(true);
    expect(first.commands).toContain('stop');
    expect(lastPhone().config.displayName).toBe('Renamed');
  });

  it('starts the phone of a new configuration once the old one has stopped (un-REGISTER first)', async () => {
    const el = await phoneOnPage();
    const first = lastPhone();
    let stopped!: () => void;
    vi.spyOn(first, 'stop').mockImplementation(
      () =>
        new Promise<void>((resolve) => {
          stopped = resolve;
        }),
    );
    const load = el.engine.loader;
    let loaded = 0;
    el.engine.loader = async (config) => {
      const engine = await load(config);
      loaded += 1;
      return engine;
    };
    el.setAttribute('display-name', 'Renamed');
    // The engine is in (the poll looks in a later task than the one it came in)…
    await expect.poll(() => loaded).toBe(1);
    // …but the new phone waits for the old one's stop.
    expect(el.phone).toBeUndefined();
    expect(lastPhone()).toBe(first);
    stopped();
    await expect.poll(() => lastPhone() !== first).toBe(true);
    expect(lastPhone().config.displayName).toBe('Renamed');
  });

  it('offers a visible sound unlock when autoplay is blocked; any click inside unlocks', async () => {
    const el = await phoneOnPage();
    lastPhone().emit('autoplay-blocked', { what: 'ringtone' });
    await el.updateComplete;
    await userEvent.click(buttonNamed(el, 'Click to enable sound'));
    expect(lastPhone().commands.filter((c) => c === 'unlockAudio').length).toBeGreaterThan(0);

    lastPhone().commands.length = 0;
    await userEvent.click(shadow(el, 'input'));
    expect(lastPhone().commands).toContain('unlockAudio');

    lastPhone().emit('autoplay-unlocked', {});
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[part="unlock-audio"]')).toBeNull();
  });

  it('shows engine errors as an alert and emits sip-error once per failure', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const el = await phoneOnPage();
    const errors = collect<{ code: string }>(el, 'sip-error');
    lastPhone().emit('error', { code: 'dtmf-failed', message: 'RTCDTMFSender missing' });
    lastPhone().emit('error', { code: 'dtmf-failed', message: 'RTCDTMFSender missing' });
    await el.updateComplete;
    expect(text(el, '[role="alert"]')).toBe(
      'The keypad tone could not be sent. Press the key again.',
    );
    expect(errors.map((e) => e.code)).toEqual(['dtmf-failed']);
    expect(warn).toHaveBeenCalledOnce();
  });

  it('says a denied microphone once, with what to do, when the call it stopped ends', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const el = await readyPhone();
    await userEvent.type(shadow(el, 'input'), 'ivr');
    await userEvent.click(buttonNamed(el, 'Call'));
    // Made after the click's paint.
    await expect.poll(() => lastPhone().calls.length).toBe(1);
    lastPhone().emit('error', { code: 'microphone-denied', message: 'NotAllowedError' });
    lastPhone().calls[0]!.end('microphone');
    await el.updateComplete;

    expect(text(el, '[role="alert"]')).toBe(
      'Microphone access was denied. Allow microphone access in your browser, then try again.',
    );
    expect(mentions(el, /microphone/)).toBe(2);
    expect(el.shadowRoot?.querySelector('[part="call-status"]')).toBeNull();
    expect(mentions(el, /NotAllowedError/)).toBe(0);
  });

  it('still names the end cause when the error on screen is about something else', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const el = await readyPhone();
    const call = lastPhone().ring({ uri: 'sip:a@h.test', user: 'a', displayName: '' });
    await call.answer();
    lastPhone().emit('error', { code: 'dtmf-failed', message: 'no sender' });
    call.end('hangup-remote');
    await el.updateComplete;
    expect(text(el, '[part="call-status"]')).toBe('Call ended: The other side hung up');
    expect(text(el, '[role="alert"]')).toContain('keypad tone');
  });

  it('does not offer to call until registered, and says why', async () => {
    const el = await phoneOnPage();
    const call = () => buttonNamed(el, 'Call');
    const hint = 'You can place calls once the phone is ready.';
    for (const state of ['registering', 'reconnecting', 'failed'] as const) {
      lastPhone().setRegistration(state);
      await el.updateComplete;
      expect(call().disabled, state).toBe(true);
      expect(text(el, '[part="call-hint"]'), state).toBe(hint);
      expect(call().getAttribute('aria-describedby'), state).toBe('call-hint');
    }
    lastPhone().setRegistration('registered');
    await el.updateComplete;
    expect(call().disabled).toBe(false);
    expect(el.shadowRoot?.querySelector('[part="call-hint"]')).toBeNull();
  });

  it('is ready to call when connected without registering (config register: false)', async () => {
    const el = await phoneOnPage();
    lastPhone().setRegistration('failed', {
      code: 'connection-failed',
      message: 'Could not open the connection to the phone service.',
    });
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[role="alert"]')).not.toBeNull();
    lastPhone().setRegistration('connected');
    await el.updateComplete;
    expect(text(el, '[part="status"]')).toBe('Ready');
    expect(shadow(el, '.dot').getAttribute('data-state')).toBe('connected');
    expect(buttonNamed(el, 'Call').disabled).toBe(false);
    expect(el.shadowRoot?.querySelector('[part="call-hint"]')).toBeNull();
    // Ready again: the connection error no longer stands.
    expect(el.shadowRoot?.querySelector('[role="alert"]')).toBeNull();
  });

  it('keeps socket codes off the screen: the status says reconnecting, then a plain alert', async () => {
    const el = await readyPhone();
    const changes = collect<{ error?: { message: string } }>(el, 'sip-registration-change');
    const drop = {
      code: 'connection-failed' as const,
      message: 'Lost the connection to the phone service (wss://sip.test, code 1006); retrying.',
    };
    lastPhone().setRegistration('reconnecting', drop);
    await el.updateComplete;
    expect(text(el, '[part="status"]')).toBe('Connection lost, reconnecting…');
    // The header says it already: no alert repeating it.
    expect(el.shadowRoot?.querySelector('[role="alert"]')).toBeNull();
    expect(mentions(el, /1006/)).toBe(0);

    lastPhone().setRegistration('failed', drop);
    await el.updateComplete;
    expect(text(el, '[role="alert"]')).toBe(
      'Could not reach the phone service. Check your internet connection, then try again.',
    );
    expect(mentions(el, /1006/)).toBe(0);
    // The detail stays available to the page, in the event.
    expect(changes.at(-1)?.error?.message).toContain('code 1006');
  });
});

describe('<sip-phone> language and accessibility', () => {
  it('speaks Spanish with lang="es", including end causes', async () => {
    const el = await readyPhone({ ...VALID_CONFIG, lang: 'es' });
    expect(text(el, '[part="status"]')).toBe('Listo');
    expect(buttonNamed(el, 'Llamar')).toBeDefined();
    expect(shadow(el, 'label').textContent).toBe('Número o dirección');

    const call = lastPhone().ring({ uri: 'sip:a@h.test', user: 'a', displayName: '' });
    call.end('busy');
    await el.updateComplete;
    expect(text(el, '[part="call-status"]')).toBe('Llamada finalizada: Línea ocupada');
  });

  it('passes its theme on to its keypads', async () => {
    const el = await phoneOnPage({ ...VALID_CONFIG, theme: 'dark' });
    expect(shadow(el, 'sip-dialpad').getAttribute('theme')).toBe('dark');
    const call = lastPhone().ring({ uri: 'sip:a@h.test', user: 'a', displayName: '' });
    await call.answer();
    await el.updateComplete;
    await userEvent.click(buttonNamed(el, 'Keypad'));
    await el.updateComplete;
    expect(shadow(el, '[part="keypad"]').getAttribute('theme')).toBe('dark');
  });

  it('follows the document language when it changes', async () => {
    const el = await phoneOnPage();
    document.documentElement.lang = 'es-MX';
    await expect.poll(() => text(el, '[part="status"]')).toBe('Desconectado');
  });

  it('has no axe violations in its main states', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const el = await phoneOnPage();
    const phone = lastPhone();
    expect(await axeViolations(el), 'not ready').toEqual([]);
    phone.setRegistration('registered');
    await el.updateComplete;
    expect(await axeViolations(el), 'idle').toEqual([]);

    const call = phone.ring({ uri: 'sip:a@h.test', user: 'a', displayName: 'Ann' });
    phone.emit('autoplay-blocked', { what: 'ringtone' });
    await el.updateComplete;
    expect(await axeViolations(el), 'incoming').toEqual([]);

    await call.answer();
    await el.updateComplete;
    await userEvent.click(buttonNamed(el, 'Keypad'));
    await el.updateComplete;
    expect(await axeViolations(el), 'in call with keypad').toEqual([]);

    call.end('hangup-remote');
    phone.emit('error', { code: 'connection-failed', message: 'socket closed' });
    el.theme = 'dark';
    await el.updateComplete;
    expect(await axeViolations(el), 'ended, error, dark').toEqual([]);
  });

  it('renders any state from a view set directly (the test seam)', async () => {
    const { el } = await mountWithFakeEngine('sip-phone', {});
    el.engine.view = {
      registration: 'reconnecting',
      error: undefined,
      autoplayBlocked: false,
      placing: false,
      otherCalls: [],
      call: {
        id: 'call-1',
        context: undefined,
        transfer: undefined,
        participants: [],
        participantStep: undefined,
        direction: 'outgoing',
        state: 'early-media',
        hold: 'none',
        muted: false,
        remoteName: '',
        remoteUser: 'ivr',
        answeredAt: undefined,
        endCause: undefined,
        quality: null,
        warnings: [],
        farEndWarnings: [],
        connection: undefined,
      },
    };
    await el.updateComplete;
    expect(text(el, '[part="status"]')).toBe('Connection lost, reconnecting…');
    expect(text(el, '[part="call-status"]')).toBe('Connected, listening…');
    expect(buttonNamed(el, 'Keypad')).toBeDefined();
    expect(await axeViolations(el)).toEqual([]);
  });
});

describe('<sip-phone> call quality', () => {
  it('shows the quality indicator in its header during a call, with the warnings', async () => {
    const el = await phoneOnPage();
    const samples = collect<{ sample: unknown }>(el, 'sip-quality');
    const warnings = collect<{ warning: string; raised: boolean }>(el, 'sip-quality-warning');
    const reports = collect<{ report: CallReport }>(el, 'sip-call-report');
    const call = lastPhone().ring({ uri: 'sip:ann@helpline.test', user: 'ann', displayName: '' });
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('sip-quality-indicator')).toBeNull();

    await userEvent.click(buttonNamed(el, 'Answer'));
    await el.updateComplete;
    const indicator = shadow<HTMLElementTagNameMap['sip-quality-indicator']>(
      el,
      'header sip-quality-indicator',
    );
    const bars = () => shadow(indicator, '[part="bars"]').getAttribute('aria-label');
    expect(bars()).toBe('Call quality: measuring…');

    const sample = makeSample({ mos: 3.2 });
    call.quality = { sample, warnings: ['high-loss'], farEndWarnings: [], report: null };
    call.emit('quality', sample);
    call.emit('quality-warning', { warning: 'high-loss', raised: true, value: 0.08 });
    await el.updateComplete;
    await indicator.updateComplete;
    expect(bars()).toBe('Call quality: poor (MOS 3.2)');
    expect(shadow(indicator, '[part="warning"]').textContent).toBe(
      'Your connection is dropping audio',
    );
    expect(samples).toEqual([{ call, sample }]);
    expect(warnings).toEqual([{ call, warning: 'high-loss', raised: true, value: 0.08 }]);
    expect(await axeViolations(el)).toEqual([]);

    const report = { schemaVersion: 2, callId: call.id } as CallReport;
    call.emit('report', report);
    call.end('hangup-remote');
    await el.updateComplete;
    expect(reports).toEqual([{ call, report }]);
    expect(el.shadowRoot?.querySelector('sip-quality-indicator')).toBeNull();
  });

  it('lets the page replace the indicator through the quality slot', async () => {
    const el = await phoneOnPage();
    const own = document.createElement('span');
    own.slot = 'quality';
    own.textContent = 'custom';
    el.append(own);
    const call = lastPhone().ring({ uri: 'sip:ann@helpline.test', user: 'ann', displayName: '' });
    await call.answer();
    await el.updateComplete;
    const slot = shadow<HTMLSlotElement>(el, 'slot[name="quality"]');
    expect(slot.assignedElements()).toEqual([own]);
  });
});

describe('<sip-phone> connection recovery', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const WORDS = {
    en: {
      inCall: 'In call with Ann',
      reconnecting: 'Reconnecting your call…',
      reconnected: 'Call reconnected',
      lost: 'The call was lost when the connection dropped',
    },
    es: {
      inCall: 'En llamada con Ann',
      reconnecting: 'Reconectando tu llamada…',
      reconnected: 'Llamada reconectada',
      lost: 'La llamada se perdió al caerse la conexión',
    },
  } as const;

  /** A phone in an answered call with Ann. */
  async function answeredCall(lang: 'en' | 'es') {
    const el = await readyPhone({ ...VALID_CONFIG, lang });
    const call = lastPhone().ring({
      uri: 'sip:ann@helpline.test',
      user: 'ann',
      displayName: 'Ann',
    });
    await call.answer();
    await el.updateComplete;
    return { el, call };
  }

  it.each(['en', 'es'] as const)(
    '%s: says the call is reconnecting, then reconnected for a moment, politely',
    async (lang) => {
      const words = WORDS[lang];
      const { el, call } = await answeredCall(lang);
      expect(text(el, '[part="call-status"]')).toBe(words.inCall);

      call.loseConnection();
      await el.updateComplete;
      const status = shadow(el, '[part="call-status"]');
      expect(status.getAttribute('role')).toBe('status');
      expect(text(el, '[part="call-status"]')).toBe(words.reconnecting);
      // The caller can still give up on the call.
      expect(shadow(el, '[part~="hangup"]')).toBeDefined();
      // Same markup says "reconnected" next (axe cannot run on fake timers).
      expect(await axeViolations(el), 'reconnecting').toEqual([]);

      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      call.recoverConnection('region-b');
      await el.updateComplete;
      expect(text(el, '[part="call-status"]')).toBe(words.reconnected);
      // Region names are the operator's labels, not words a caller knows.
      expect(mentions(el, /region/)).toBe(0);

      vi.advanceTimersByTime(RECOVERED_DISPLAY_MS - 1);
      await el.updateComplete;
      expect(text(el, '[part="call-status"]')).toBe(words.reconnected);
      vi.advanceTimersByTime(1);
      await el.updateComplete;
      expect(text(el, '[part="call-status"]')).toBe(words.inCall);
    },
  );

  it.each(['en', 'es'] as const)(
    '%s: says the call was lost when its connection did not come back, even beside the alert',
    async (lang) => {
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      const words = WORDS[lang];
      const { el, call } = await answeredCall(lang);
      call.loseConnection();
      // The phone gave up too: its alert says the service is out of reach, not the call.
      lastPhone().setRegistration('failed', { code: 'connection-failed', message: 'gave up' });
      call.failConnection();
      await el.updateComplete;
      expect(text(el, '[part="call-status"]')).toBe(words.lost);
      expect(shadow(el, '[role="alert"]')).toBeDefined();
      expect(await axeViolations(el)).toEqual([]);
    },
  );

  it('a second drop right after a recovery says reconnecting again, not reconnected', async () => {
    const { el, call } = await answeredCall('en');
    call.loseConnection();
    call.recoverConnection();
    call.loseConnection();
    await el.updateComplete;
    expect(text(el, '[part="call-status"]')).toBe(WORDS.en.reconnecting);
  });
});

describe('<sip-phone> several calls', () => {
  const ANN = { uri: 'sip:ann@helpline.test', user: 'ann', displayName: 'Ann' };
  const BOB = { uri: 'sip:bob@helpline.test', user: 'bob', displayName: 'Bob' };

  /** A phone talking to Ann, with Bob's call waiting. */
  async function callWaiting(attributes: Record<string, string> = VALID_CONFIG) {
    const el = await readyPhone(attributes);
    const ann = lastPhone().ring(ANN);
    await ann.answer();
    const bob = lastPhone().ring(BOB);
    await el.updateComplete;
    return { el, ann, bob };
  }

  it('takes two calls by default; max-calls sets how many', async () => {
    await readyPhone();
    expect(lastPhone().config.maxCalls).toBe(2);
    resetElements();
    await readyPhone({ ...VALID_CONFIG, 'max-calls': '1' });
    expect(lastPhone().config.maxCalls).toBe(1);
  });

  it('an invalid max-calls is a clear configuration error', async () => {
    const errors = collect<{ code: string; message: string }>(document, 'sip-error');
    const { el } = await mountWithFakeEngine('sip-phone', { ...VALID_CONFIG, 'max-calls': '9' });
    await el.updateComplete;
    expect(errors.at(-1)?.message).toBe('maxCalls must be a whole number from 1 to 4: got 9');
  });

  it('shows a call waiting under the call on screen, and says it', async () => {
    const { el } = await callWaiting();

    expect(text(el, '[part="call"] [part="caller-name"]')).toBe('Ann');
    expect(text(el, '[part="other-call"]')).toContain('Bob');
    expect(text(el, '[part="other-call-status"]')).toBe('Call waiting');
    expect(text(el, '[role="status"].visually-hidden')).toBe('Call waiting: Bob');
    expect(buttonNamed(el, 'Answer Bob')).toBeDefined();
    expect(await axeViolations(el)).toEqual([]);
  });

  it('answers the waiting call: it takes the screen, the first shows held with Switch', async () => {
    const { el, ann, bob } = await callWaiting();

    await userEvent.click(buttonNamed(el, 'Answer Bob'));
    // The engine holds Ann's call before answering Bob's.
    ann.setState('on-hold', 'local');
    await el.updateComplete;

    expect(bob.state).toBe('active');
    expect(text(el, '[part="call"] [part="caller-name"]')).toBe('Bob');
    expect(text(el, '[part="other-call-status"]')).toBe('On hold');
    expect(el.call).toBe(bob);
    expect(await axeViolations(el)).toEqual([]);
  });

  it('switches back: resumes the held call, whose place the other takes', async () => {
    const { el, ann, bob } = await callWaiting();
    await userEvent.click(buttonNamed(el, 'Answer Bob'));
    ann.setState('on-hold', 'local');
    await el.updateComplete;

    await userEvent.click(buttonNamed(el, 'Switch to Ann'));
    bob.setState('on-hold', 'local');
    await el.updateComplete;

    expect(ann.holdRequests).toEqual([false]);
    expect(text(el, '[part="call"] [part="caller-name"]')).toBe('Ann');
    expect(text(el, '[part="other-call"] [part="other-caller-name"]')).toBe('Bob');
  });

  it('declines the waiting call; the call on screen goes on', async () => {
    const { el, ann, bob } = await callWaiting();

    await userEvent.click(buttonNamed(el, 'Decline Bob'));
    await el.updateComplete;

    expect(bob.endCause).toBe('declined');
    expect(ann.state).toBe('active');
    expect(el.shadowRoot?.querySelector('[part="other-calls"]')).toBeNull();
    // The last call's end is not shown while another call lasts.
    expect(text(el, '[part="call"] [part="caller-name"]')).toBe('Ann');
  });

  it('hangs up a held call from its row', async () => {
    const { el, ann, bob } = await callWaiting();
    await userEvent.click(buttonNamed(el, 'Answer Bob'));
    ann.setState('on-hold', 'local');
    await el.updateComplete;

    await userEvent.click(buttonNamed(el, 'Hang up Ann'));
    await el.updateComplete;

    expect(ann.endCause).toBe('hangup-local');
    expect(bob.state).toBe('active');
    expect(el.shadowRoot?.querySelector('[part="other-calls"]')).toBeNull();
  });

  it('offers the dial form while the call on screen is held and there is room', async () => {
    const el = await readyPhone();
    const ann = lastPhone().ring(ANN);
    await ann.answer();
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[part="dial-form"]')).toBeNull();

    await userEvent.click(buttonNamed(el, 'Hold'));
    await el.updateComplete;
    const input = shadow<HTMLInputElement>(el, '[part="target-input"]');
    await userEvent.type(input, 'agent2');
    await userEvent.click(shadow(el, '[part="call-button"]'));
    // Made after the click's paint.
    await expect.poll(() => lastPhone().commands).toContain('call agent2');
    await el.updateComplete;

    expect(text(el, '[part="call"] [part="caller-name"]')).toBe('agent2');
    expect(text(el, '[part="other-call"] [part="other-caller-name"]')).toBe('Ann');
  });

  it('speaks Spanish for the calls waiting and held', async () => {
    const { el, ann } = await callWaiting({ ...VALID_CONFIG, lang: 'es' });
    expect(text(el, '[part="other-call-status"]')).toBe('Llamada en espera');
    await userEvent.click(buttonNamed(el, 'Contestar a Bob'));
    ann.setState('on-hold', 'local');
    await el.updateComplete;
    expect(text(el, '[part="other-call-status"]')).toBe('En espera');
    expect(buttonNamed(el, 'Cambiar a Ann')).toBeDefined();
  });
});

describe("<sip-phone> the far end's line", () => {
  it("says how the other side's connection is doing, worst warning first", async () => {
    const events = collect<{ warnings: string[] }>(document, 'sip-far-end-quality');
    const el = await readyPhone();
    const call = lastPhone().ring({
      uri: 'sip:ann@helpline.test',
      user: 'ann',
      displayName: 'Ann',
    });
    await call.answer();
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[part="far-end-quality"]')).toBeNull();

    call.quality = { ...call.quality, farEndWarnings: ['high-jitter', 'high-loss'] };
    call.emit('far-end-quality', { warnings: ['high-jitter', 'high-loss'] });
    await el.updateComplete;
    expect(text(el, '[part="far-end-quality"]')).toBe(
      "The other side's connection is dropping audio",
    );
    expect(shadow(el, '[part="far-end-quality"]').getAttribute('role')).toBe('status');
    expect(events.map((event) => event.warnings)).toEqual([['high-jitter', 'high-loss']]);
    expect(await axeViolations(el)).toEqual([]);

    call.quality = { ...call.quality, farEndWarnings: [] };
    call.emit('far-end-quality', { warnings: [] });
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[part="far-end-quality"]')).toBeNull();
  });

  it('speaks Spanish', async () => {
    const el = await readyPhone({ ...VALID_CONFIG, lang: 'es' });
    const call = lastPhone().ring({
      uri: 'sip:ann@helpline.test',
      user: 'ann',
      displayName: 'Ann',
    });
    await call.answer();
    call.quality = { ...call.quality, farEndWarnings: ['no-inbound-audio'] };
    call.emit('far-end-quality', { warnings: ['no-inbound-audio'] });
    await el.updateComplete;
    expect(text(el, '[part="far-end-quality"]')).toBe('La otra parte no te oye');
  });
});

describe('<sip-phone> transfer', () => {
  const ANN = { uri: 'sip:ann@helpline.test', user: 'ann', displayName: 'Ann' };

  async function inCall(attributes: Record<string, string> = VALID_CONFIG) {
    const el = await readyPhone(attributes);
    const call = lastPhone().ring(ANN);
    await call.answer();
    await el.updateComplete;
    return { el, call };
  }

  it('transfers the answered call to a typed target, and says it is transferring', async () => {
    const events = collect<{ state: string; target: string }>(document, 'sip-call-transfer');
    const { el, call } = await inCall();
    const toggle = shadow(el, '[part="transfer-toggle"]');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');

    await userEvent.click(toggle);
    await el.updateComplete;
    await userEvent.type(shadow<HTMLInputElement>(el, '[part="transfer-input"]'), 'agent2');
    await userEvent.click(buttonNamed(el, 'Transfer the call'));
    await el.updateComplete;

    expect(call.transfers).toEqual(['agent2']);
    expect(events.map((e) => [e.state, e.target])).toEqual([['trying', 'agent2']]);
    expect(text(el, '[part="call-status"]')).toBe('Transferring to agent2…');
    expect(shadow<HTMLButtonElement>(el, '[part="transfer-submit"]').disabled).toBe(true);
    expect(await axeViolations(el)).toEqual([]);
  });

  it('offers transfer-targets as one-press buttons', async () => {
    const { el, call } = await inCall({ ...VALID_CONFIG, 'transfer-targets': 'agent2, queue' });
    await userEvent.click(shadow(el, '[part="transfer-toggle"]'));
    await el.updateComplete;
    const targets = [...(el.shadowRoot?.querySelectorAll('[part="transfer-target"]') ?? [])];
    expect(targets.map((b) => b.textContent?.trim())).toEqual(['agent2', 'queue']);

    await userEvent.click(buttonNamed(el, 'queue'));
    expect(call.transfers).toEqual(['queue']);
  });

  it('a failed transfer is explained and the call stays with the agent', async () => {
    const { el, call } = await inCall();
    await userEvent.click(shadow(el, '[part="transfer-toggle"]'));
    await el.updateComplete;
    await userEvent.click(buttonNamed(el, 'Transfer the call'));
    // An empty target sends nothing: the input gets the focus.
    expect(call.transfers).toEqual([]);
    expect(el.shadowRoot?.activeElement?.id).toBe('transfer-target');

    await el.call?.transfer('agent2');
    const outcome = {
      state: 'failed' as const,
      target: 'agent2',
      sipStatus: 486,
      reason: 'Busy Here',
    };
    call.emit('transfer', outcome);
    call.emit('error', {
      code: 'transfer-failed',
      message: 'Could not transfer the call to agent2 (SIP 486 Busy Here).',
    });
    await el.updateComplete;

    expect(text(el, '[part="error"]')).toContain(
      'The call could not be transferred; it is still with you.',
    );
    expect(text(el, '[part="call-status"]')).toBe('In call with Ann');
    expect(shadow<HTMLButtonElement>(el, '[part="transfer-submit"]').disabled).toBe(false);
  });

  /** Ann's call, held, while the agent consults agent2 (placed from the transfer form). */
  async function consulting(attributes: Record<string, string> = VALID_CONFIG) {
    const { el, call: ann } = await inCall(attributes);
    await userEvent.click(shadow(el, '[part="transfer-toggle"]'));
    await el.updateComplete;
    await userEvent.type(shadow<HTMLInputElement>(el, '[part="transfer-input"]'), 'agent2');
    await userEvent.click(shadow(el, '[part="transfer-consult"]'));
    // Made after the click's paint; the engine holds Ann's call before placing it.
    await expect.poll(() => lastPhone().calls.length).toBe(2);
    ann.setState('on-hold', 'local');
    const consultation = lastPhone().calls.at(-1)!;
    await consultation.answer();
    await el.updateComplete;
    return { el, ann, consultation };
  }

  it('consults first: calls the target while the call waits on hold, then transfers it there', async () => {
    const events = collect<{ state: string; target: string }>(document, 'sip-call-transfer');
    const { el, ann, consultation } = await consulting();

    expect(lastPhone().commands).toContain('call agent2');
    expect(ann.transfers).toEqual([]);
    expect(text(el, '[part="call"] [part="caller-name"]')).toBe('agent2');
    expect(text(el, '[part="other-call"] [part="other-caller-name"]')).toBe('Ann');
    expect(await axeViolations(el)).toEqual([]);

    await userEvent.click(buttonNamed(el, 'Transfer to agent2, the call with Ann'));
    await el.updateComplete;

    expect(ann.transfers).toEqual([`call:${consultation.id}`]);
    expect(consultation.transfers).toEqual([]);
    expect(events.at(-1)?.state).toBe('trying');
    expect(shadow<HTMLButtonElement>(el, '[part="transfer-complete"]').disabled).toBe(true);
  });

  it('offers Consult only with room for another call', async () => {
    const { el } = await inCall({ ...VALID_CONFIG, 'max-calls': '1' });
    await userEvent.click(shadow(el, '[part="transfer-toggle"]'));
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[part="transfer-consult"]')).toBeNull();
    expect(el.shadowRoot?.querySelector('[part="transfer-submit"]')).not.toBeNull();
  });

  it('speaks Spanish', async () => {
    const { el: consultingEl } = await consulting({ ...VALID_CONFIG, lang: 'es' });
    expect(buttonNamed(consultingEl, 'Transferir a agent2 la llamada con Ann')).toBeDefined();
    expect(text(consultingEl, '[part="transfer-complete"]')).toBe('Transferir a agent2');
    resetElements();
    const { el } = await inCall({ ...VALID_CONFIG, lang: 'es' });
    await userEvent.click(buttonNamed(el, 'Transferir'));
    await el.updateComplete;
    expect(buttonNamed(el, 'Transferir la llamada')).toBeDefined();
    expect(buttonNamed(el, 'Consultar antes')).toBeDefined();
    expect(text(el, 'label[for="transfer-target"]')).toBe('Transferir a');
  });
});

describe('<sip-phone> 3-way call', () => {
  const ANN = { uri: 'sip:ann@helpline.test', user: 'ann', displayName: 'Ann' };

  async function inCall(attributes: Record<string, string> = VALID_CONFIG) {
    const el = await readyPhone(attributes);
    const call = lastPhone().ring(ANN);
    await call.answer();
    await el.updateComplete;
    return { el, call };
  }

  it('adds a typed party from the keyboard, says so while it rings, and is axe clean', async () => {
    const events = collect<{ state: string; target: string }>(document, 'sip-call-participant');
    const { el, call } = await inCall();
    const toggle = shadow(el, '[part="add-toggle"]');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.focus();
    await userEvent.keyboard('{Enter}');
    await el.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).toBe('true');

    await userEvent.type(shadow<HTMLInputElement>(el, '[part="add-input"]'), 'agent8{Enter}');
    await el.updateComplete;
    expect(call.participantRequests).toEqual(['add agent8']);
    expect(events.map((e) => [e.state, e.target])).toEqual([['adding', 'agent8']]);
    expect(text(el, '[part="call-status"]')).toBe('Adding agent8…');
    expect(shadow<HTMLButtonElement>(el, '[part="add-submit"]').disabled).toBe(true);
    expect(await axeViolations(el)).toEqual([]);
  });

  it('lists the parties in the call, each with a Drop button, and offers the others', async () => {
    const { el, call } = await inCall({ ...VALID_CONFIG, 'transfer-targets': 'agent8, agent9' });
    call.emit('participant', { state: 'added', target: 'agent8' });
    call.setParticipants(['agent8']);
    await userEvent.click(buttonNamed(el, 'Add to call'));
    await el.updateComplete;

    expect(text(el, '[part="call-status"]')).toBe('In call with Ann');
    expect(text(el, '[part="participant-name"]')).toBe('agent8');
    const offered = [...(el.shadowRoot?.querySelectorAll('[part="add-target"]') ?? [])];
    expect(offered.map((b) => b.textContent?.trim())).toEqual(['agent9']);
    expect(await axeViolations(el)).toEqual([]);

    await userEvent.click(buttonNamed(el, 'Drop agent8'));
    expect(call.participantRequests).toEqual(['drop agent8']);
    call.setParticipants([]);
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[part="participants"]')).toBeNull();
  });

  it('an empty party sends nothing; a failed addition is explained, the call goes on', async () => {
    const { el, call } = await inCall();
    await userEvent.click(buttonNamed(el, 'Add to call'));
    await el.updateComplete;
    await userEvent.click(buttonNamed(el, 'Add'));
    expect(call.participantRequests).toEqual([]);
    expect(el.shadowRoot?.activeElement?.id).toBe('add-target');

    call.emit('participant', { state: 'add-failed', target: 'agent5', sipStatus: 480 });
    call.emit('error', { code: 'participant-failed', message: 'Could not add agent5 (SIP 480).' });
    await el.updateComplete;
    expect(text(el, '[part="error"]')).toContain(
      'Nobody was added or dropped; the call goes on as it was.',
    );
    expect(text(el, '[part="call-status"]')).toBe('In call with Ann');
    expect(shadow<HTMLButtonElement>(el, '[part="add-submit"]').disabled).toBe(false);
  });

  it('speaks Spanish', async () => {
    const { el, call } = await inCall({ ...VALID_CONFIG, lang: 'es' });
    call.setParticipants(['agent8']);
    await userEvent.click(buttonNamed(el, 'Añadir a la llamada'));
    await el.updateComplete;
    expect(text(el, 'label[for="add-target"]')).toBe('A quién añadir');
    expect(buttonNamed(el, 'Añadir')).toBeDefined();
    expect(buttonNamed(el, 'Quitar a agent8')).toBeDefined();
    call.emit('participant', { state: 'adding', target: 'agent9' });
    await el.updateComplete;
    expect(text(el, '[part="call-status"]')).toBe('Añadiendo a agent9…');
  });
});

describe('<sip-phone> supervisor listen-in', () => {
  it('is offered only when the credentials carry the supervisor role', async () => {
    const el = await readyPhone();
    expect(el.shadowRoot?.querySelector('[part="listen-form"]')).toBeNull();

    lastPhone().role = 'supervisor';
    lastPhone().setRegistration('registered');
    await el.updateComplete;
    expect(text(el, 'label[for="listen-agent"]')).toBe('Listen to agent');
    expect(await axeViolations(el)).toEqual([]);
  });

  it('listens to the typed agent from the keyboard; an empty name sends nothing', async () => {
    const el = await readyPhone();
    lastPhone().role = 'supervisor';
    lastPhone().setRegistration('registered');
    await el.updateComplete;
    await userEvent.click(buttonNamed(el, 'Listen in'));
    expect(lastPhone().commands).not.toContain('call listen-');
    expect(el.shadowRoot?.activeElement?.id).toBe('listen-agent');

    await userEvent.type(shadow<HTMLInputElement>(el, '[part="listen-input"]'), 'agent7{Enter}');
    await expect.poll(() => lastPhone().commands).toContain('call listen-agent7');
    await el.updateComplete;
    // The listening call is the call on screen; the form gives way to it.
    expect(el.shadowRoot?.querySelector('[part="listen-form"]')).toBeNull();
  });

  it('speaks Spanish', async () => {
    const el = await readyPhone({ ...VALID_CONFIG, lang: 'es' });
    lastPhone().role = 'supervisor';
    lastPhone().setRegistration('registered');
    await el.updateComplete;
    expect(text(el, 'label[for="listen-agent"]')).toBe('Escuchar al agente');
    expect(buttonNamed(el, 'Escuchar')).toBeDefined();
  });
});

describe('<sip-phone> one registration across tabs', () => {
  it('shares its phone between tabs by default; single-tab="off" gives each tab its own', async () => {
    const shared = await mountWithFakeEngine('sip-phone', VALID_CONFIG);
    await expect.poll(() => shared.el.phone).toBeDefined();
    expect(lastPhone().config.singleTab).toBe(true);
    // The engine is asked for the tabs' sharing only then (load-engine.ts).
    expect(shared.loader.singleTab).toEqual([true]);
    resetElements();
    const own = await mountWithFakeEngine('sip-phone', { ...VALID_CONFIG, 'single-tab': 'off' });
    await expect.poll(() => own.el.phone).toBeDefined();
    expect(lastPhone().config.singleTab).toBe(false);
    expect(own.loader.singleTab).toEqual([false]);
  });

  it('a tab that mirrors another says so (en, es) and tells the page', async () => {
    const el = await readyPhone();
    const changes = collect<{ role: string }>(document, 'sip-tab-role-change');
    expect(el.shadowRoot?.querySelector('[part="other-tab"]')).toBeNull();

    lastPhone().tabRole = 'follower';
    lastPhone().emit('tab-role', { role: 'follower' });
    await el.updateComplete;
    expect(changes).toEqual([{ role: 'follower' }]);
    expect(text(el, '[part="other-tab"]')).toBe(
      'Working through your other tab of this site, where call audio plays.',
    );
    expect(await axeViolations(el)).toEqual([]);

    document.documentElement.lang = 'es';
    await expect
      .poll(async () => {
        await el.updateComplete;
        return text(el, '[part="other-tab"]');
      })
      .toMatch(/^Funciona a través de su otra pestaña/);
  });
});
