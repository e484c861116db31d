import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { makeSample } from '../../engine/quality/test-support/samples.js';
import { axeViolations, cleanup, create, mount, shadow } from '../test-support/dom.js';
import './sip-quality-indicator.js';
import { BARS } from './bars.js';

afterEach(cleanup);

function label(el: Element): string {
  return shadow(el, '[part="bars"]').getAttribute('aria-label') ?? '';
}

function litBars(el: Element): number {
  return el.shadowRoot?.querySelectorAll('.bar.on').length ?? -1;
}

function figures(el: Element): Record<string, string> {
  const rows = [...(el.shadowRoot?.querySelectorAll('.figure') ?? [])];
  return Object.fromEntries(
    rows.map((row) => [row.querySelector('dt')?.textContent, row.querySelector('dd')?.textContent]),
  );
}

describe('signal bars', () => {
  it('light more bars for a better level', () => {
    expect(BARS).toEqual({ good: 4, fair: 3, poor: 2, bad: 1, unknown: 0 });
  });
});

describe('<sip-quality-indicator>', () => {
  it('says it is measuring until a rated sample arrives', async () => {
    const el = await mount(create('sip-quality-indicator'));
    expect(label(el)).toBe('Call quality: measuring…');
    expect(litBars(el)).toBe(0);
    expect(shadow(el, '[part="bars"]').getAttribute('role')).toBe('img');
    expect(await axeViolations(el)).toEqual([]);
  });

  it('names the quality and lights bars from the MOS', async () => {
    const el = await mount(create('sip-quality-indicator'));
    el.sample = makeSample({ mos: 4.31 });
    await el.updateComplete;
    expect(label(el)).toBe('Call quality: good (MOS 4.3)');
    expect(litBars(el)).toBe(4);
    el.sample = makeSample({ mos: 3.2 });
    await el.updateComplete;
    expect(label(el)).toBe('Call quality: poor (MOS 3.2)');
    expect(litBars(el)).toBe(2);
    expect(shadow(el, '[part="bars"]').dataset.level).toBe('poor');
  });

  it('shows active warnings in plain words, in a live region', async () => {
    const el = await mount(create('sip-quality-indicator'));
    el.warnings = ['high-loss', 'no-inbound-audio'];
    await el.updateComplete;
    const region = shadow(el, '[part="warnings"]');
    expect(region.getAttribute('role')).toBe('status');
    expect([...region.querySelectorAll('[part="warning"]')].map((p) => p.textContent)).toEqual([
      'Your connection is dropping audio',
      "We can't hear the other side",
    ]);
    expect(await axeViolations(el)).toEqual([]);
  });

  it('opens the details from the keyboard and closes them with Escape', async () => {
    const el = await mount(create('sip-quality-indicator'));
    el.sample = makeSample({
      mos: 4.05,
      mosOutbound: 2.96,
      rttMs: 123.4,
      inbound: { jitterMs: 12.34, lossFraction: 0.025, lost: 1 },
      path: { localType: 'relay', remoteType: 'host', protocol: 'udp', relay: true },
    });
    await el.updateComplete;
    const button = shadow<HTMLButtonElement>(el, 'button');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    button.focus();
    await userEvent.keyboard('{Enter}');
    await el.updateComplete;
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(figures(el)).toEqual({
      'Round trip': '123 ms',
      Jitter: '12.3 ms',
      'Packet loss': '2.5%',
      'MOS, what you hear': '4.1',
      'MOS, what the other side hears': '3.0',
      Codec: 'opus, 48 kHz',
      Path: 'Through a relay (UDP)',
    });
    expect(await axeViolations(el)).toEqual([]);
    await userEvent.keyboard('{Escape}');
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[part="details"]')).toBeNull();
    expect(el.shadowRoot?.activeElement).toBe(button);
  });

  it('says what is not measured yet', async () => {
    const el = await mount(create('sip-quality-indicator'));
    shadow<HTMLButtonElement>(el, 'button').click();
    await el.updateComplete;
    expect(figures(el)['Round trip']).toBe('not measured yet');
    expect(figures(el).Path).toBe('not measured yet');
    expect(figures(el)['MOS, what the other side hears']).toBe('not measured yet');
  });

  it('speaks Spanish, with Spanish number formats', async () => {
    const el = create('sip-quality-indicator', { lang: 'es', theme: 'dark' });
    el.sample = makeSample({ mos: 3.62, mosOutbound: 2.44, inbound: { jitterMs: 31.5 } });
    el.warnings = ['high-rtt'];
    await mount(el);
    expect(label(el)).toBe('Calidad de la llamada: aceptable (MOS 3,6)');
    expect(shadow(el, '[part="warning"]').textContent).toBe('Mucho retardo en la línea');
    shadow<HTMLButtonElement>(el, 'button').click();
    await el.updateComplete;
    expect(figures(el)['Variación del retardo (jitter)']).toBe('31,5 ms');
    expect(figures(el).Ruta).toBe('Directa (UDP)');
    expect(figures(el)['MOS, lo que usted oye']).toBe('3,6');
    expect(figures(el)['MOS, lo que oye la otra parte']).toBe('2,4');
    expect(await axeViolations(el)).toEqual([]);
  });
});
