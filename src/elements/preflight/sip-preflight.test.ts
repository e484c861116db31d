import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { PreflightResult } from '../../engine/types.js';
import {
  axeViolations,
  buttonNamed,
  collect,
  mountWithFakeEngine,
  resetElements,
  shadow,
  VALID_CONFIG,
} from '../test-support/dom.js';
import { lastPhone } from '../test-support/fake-engine.js';
import type { SipPreflight } from './sip-preflight.js';
import './sip-preflight.js';

afterEach(() => {
  resetElements();
  vi.restoreAllMocks();
});

const GOOD: PreflightResult = {
  schemaVersion: 1,
  startedAt: 1,
  endedAt: 2,
  verdict: 'good',
  problems: [],
  browser: { supported: true, missing: [] },
  microphone: { permission: 'granted', peakLevel: 0.3, error: null },
  call: {
    target: 'echo',
    connected: true,
    endCause: 'hangup-local',
    error: null,
    setupMs: 200,
    rttMs: 40,
    jitterMs: 2.5,
    lossFraction: 0,
    mos: 4.4,
    mosOutbound: 4.3,
    path: {
      localType: 'relay',
      remoteType: 'host',
      protocol: 'udp',
      relay: true,
      relayProtocol: 'tls',
    },
    codec: { mimeType: 'audio/opus', clockRate: 48000 },
    server: 'wss://sbc.test',
    region: 'eu',
  },
};

const FAILED: PreflightResult = {
  ...GOOD,
  verdict: 'failed',
  problems: ['call-failed'],
  call: {
    ...GOOD.call!,
    connected: false,
    endCause: 'failed',
    error: 'connection-failed',
    mos: null,
    mosOutbound: null,
  },
};

function steps(el: SipPreflight): Record<string, string> {
  const items = el.shadowRoot!.querySelectorAll<HTMLElement>('[part="step"]');
  return Object.fromEntries([...items].map((li) => [li.dataset.step, li.dataset.status]));
}

function verdictText(el: SipPreflight): string {
  const verdict = shadow(el, '[part="verdict"]');
  // The verdict and each problem are blocks: read them as sentences, not run together.
  const lines = [...verdict.querySelectorAll('strong, li')].map((node) => node.textContent!.trim());
  return (lines.length > 0 ? lines.join(' ') : verdict.textContent!).replace(/\s+/g, ' ').trim();
}

/** Starts the check from the keyboard and waits for the engine to be asked. */
async function started(attributes: Record<string, string> = VALID_CONFIG) {
  const { el } = await mountWithFakeEngine('sip-preflight', attributes);
  shadow<HTMLButtonElement>(el, '[part="start"]').focus();
  await userEvent.keyboard('{Enter}');
  await expect.poll(() => preflightRun()).toBeDefined();
  return { el, run: preflightRun()! };
}

function preflightRun() {
  try {
    return lastPhone().preflightRun;
  } catch {
    return undefined;
  }
}

describe('<sip-preflight>', () => {
  it('shows each step as it runs, a live microphone meter, then the verdict, figures and JSON', async () => {
    const { el, run } = await started();
    const stepEvents = collect<{ step: string }>(el, 'sip-preflight-step');
    const complete = collect<{ result: PreflightResult }>(el, 'sip-preflight-complete');
    expect(run.options).toMatchObject({ target: 'echo', durationMs: 6000 });
    expect(lastPhone().config).toMatchObject({ register: false });
    expect(await axeViolations(el)).toEqual([]);

    run.options.onStep!('browser');
    run.options.onStep!('microphone');
    run.options.onMicrophoneLevel!(0.4);
    await el.updateComplete;
    expect(steps(el)).toEqual({ browser: 'passed', microphone: 'running', call: 'waiting' });
    const meter = shadow<HTMLMeterElement>(el, 'meter[part="microphone-level"]');
    expect(meter.value).toBe(0.4);
    expect(meter.getAttribute('aria-label')).toBe('Microphone level');

    run.options.onStep!('call');
    await el.updateComplete;
    expect(verdictText(el)).toMatch(/echo service/);
    expect(buttonNamed(el, 'Stop')).toBeDefined();
    expect(await axeViolations(el)).toEqual([]);

    run.finish(GOOD);
    await expect.poll(() => el.verdict).toBe('good');
    await el.updateComplete;
    expect(stepEvents.map((event) => event.step)).toEqual(['browser', 'microphone', 'call']);
    expect(complete).toEqual([{ result: GOOD }]);
    expect(el.result).toEqual(GOOD);
    expect(el.getAttribute('verdict')).toBe('good');
    expect(steps(el)).toEqual({ browser: 'passed', microphone: 'passed', call: 'passed' });
    expect(verdictText(el)).toBe('All good: your calls will sound clear.');
    const figures = [...shadow(el, '[part="figures"]').querySelectorAll('dt')].map(
      (dt) => `${dt.textContent}: ${dt.nextElementSibling!.textContent}`,
    );
    expect(figures).toContain('Round trip: 40 ms');
    expect(figures).toContain('Packet loss: 0%');
    expect(figures).toContain('MOS, what you hear: 4.4');
    // A relayed path names how the browser reaches the relay (TLS where UDP is blocked).
    expect(figures).toContain('Path: Through a relay (TLS)');
    expect(JSON.parse(shadow(el, '[part="details"] pre').textContent!)).toEqual(GOOD);
    expect(buttonNamed(el, 'Check again')).toBeDefined();
    expect(await axeViolations(el)).toEqual([]);
  });

  it('says why a call cannot be made, in the caller words and with the cause, and checks again', async () => {
    const { el, run } = await started();
    run.options.onStep!('call');
    run.finish(FAILED);
    await expect.poll(() => el.verdict).toBe('failed');
    await el.updateComplete;
    expect(steps(el)).toEqual({ browser: 'passed', microphone: 'passed', call: 'failed' });
    expect(verdictText(el)).toMatch(
      /^A call can't be made from here yet\. The test call didn't connect\. .+/,
    );
    expect(el.shadowRoot!.querySelector('[part="figures"]')).toBeNull();

    await userEvent.click(buttonNamed(el, 'Check again'));
    await expect.poll(() => lastPhone().preflightRun).toBeDefined();
    expect(lastPhone().commands.filter((command) => command === 'preflight')).toHaveLength(2);
    // A new check clears the last verdict.
    expect(el.verdict).toBeUndefined();
  });

  it('marks the steps it never reached as not checked', async () => {
    const { el, run } = await started();
    run.finish({
      ...FAILED,
      problems: ['microphone-denied'],
      microphone: { permission: 'denied', peakLevel: null, error: 'microphone-denied' },
      call: null,
    });
    await expect.poll(() => el.verdict).toBe('failed');
    await el.updateComplete;
    expect(steps(el)).toEqual({ browser: 'passed', microphone: 'failed', call: 'skipped' });
    expect(verdictText(el)).toMatch(/may not use your microphone/);
  });

  it('stops a check under way without a verdict', async () => {
    const { el, run } = await started();
    run.options.onStep!('call');
    await el.updateComplete;
    await userEvent.click(buttonNamed(el, 'Stop'));
    expect(run.options.signal!.aborted).toBe(true);
    // The engine still resolves with what it measured; the element concludes nothing.
    run.finish(GOOD);
    await expect.poll(() => el.shadowRoot!.querySelector('[part="start"]')).not.toBeNull();
    expect(el.verdict).toBeUndefined();
    expect(el.result).toBeUndefined();
    expect(buttonNamed(el, 'Start the check')).toBeDefined();
  });

  it('speaks Spanish', async () => {
    const { el, run } = await started({ ...VALID_CONFIG, lang: 'es' });
    expect(shadow(el, 'h2').textContent).toBe('Comprueba tu equipo para llamar');
    run.finish({ ...GOOD, verdict: 'poor', problems: ['high-loss', 'low-mos'] });
    await expect.poll(() => el.verdict).toBe('poor');
    await el.updateComplete;
    expect(verdictText(el)).toBe(
      'Puede que las llamadas se oigan mal. La conexión pierde sonido: pueden perderse palabras. La calidad del sonido es baja.',
    );
  });

  it('refuses a wrong duration with a clear error and no check', async () => {
    const { el } = await mountWithFakeEngine('sip-preflight', { ...VALID_CONFIG, duration: '99' });
    expect(shadow(el, '[part="error"]').getAttribute('role')).toBe('alert');
    expect(shadow<HTMLButtonElement>(el, '[part="start"]').disabled).toBe(true);
    expect(await axeViolations(el)).toEqual([]);
  });
});
