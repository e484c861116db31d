/**
 * `<sip-phone>`'s audio device menu (issue 14): the settings button and its panel (three
 * labelled selects, the microphone level while open, a test sound per output), what it
 * says when devices come and go, an output the browser cannot choose, devices without
 * names yet; by keyboard, axe clean, in English and Spanish.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import type { DevicesEvent } from '../../engine/types.js';
import {
  axeViolations,
  buttonNamed,
  collect,
  resetElements,
  shadow,
  VALID_CONFIG,
} from '../test-support/dom.js';
import { lastPhone } from '../test-support/fake-engine.js';
import type { SipPhone } from './sip-phone.js';
import './sip-phone.js';
import { readyPhone } from './test-support/phone.js';

afterEach(() => {
  resetElements();
  vi.restoreAllMocks();
});

function text(el: SipPhone, selector: string): string {
  return shadow(el, selector).textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

function select(el: SipPhone, role: string): HTMLSelectElement {
  return shadow<HTMLSelectElement>(el, `select[data-role="${role}"]`);
}

function options(el: SipPhone, role: string): string[] {
  return [...select(el, role).options].map((option) => option.textContent?.trim() ?? '');
}

function labelOf(el: SipPhone, control: Element): string {
  return el.shadowRoot?.querySelector(`label[for="${control.id}"]`)?.textContent?.trim() ?? '';
}

async function openMenu(el: SipPhone): Promise<void> {
  await userEvent.click(shadow(el, '[part="devices-toggle"]'));
  await el.updateComplete;
}

/** A devices event as the engine sends it, from the fake phone's current state. */
function devicesEvent(change: Partial<DevicesEvent>): DevicesEvent {
  return { ...lastPhone().devices, notices: [], ...change };
}

describe('<sip-phone> device menu', () => {
  it('opens from a labelled settings button: three labelled selects, the level, the test sounds', async () => {
    const el = await readyPhone();
    const toggle = shadow(el, '[part="devices-toggle"]');
    expect(toggle.getAttribute('aria-label')).toBe('Audio devices');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(el.shadowRoot?.querySelector('[part="devices"]')).toBeNull();

    await openMenu(el);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(shadow(el, '[part="devices"]').getAttribute('aria-label')).toBe('Audio devices');
    expect(
      ['microphone', 'speaker', 'ringer'].map((role) => labelOf(el, select(el, role))),
    ).toEqual(['Microphone', 'Speaker (call audio)', 'Ringer (ringtone)']);
    expect(options(el, 'microphone')).toEqual([
      'System default',
      'USB Headset',
      'Built-in Microphone',
    ]);
    expect(options(el, 'ringer')).toEqual(['System default', 'USB Headset', 'Speakers']);
    expect(select(el, 'microphone').value).toBe('');

    // The level meter runs while the menu is open.
    expect(lastPhone().commands).toContain('watchMicrophoneLevel');
    for (const report of lastPhone().levelWatchers) report(0.4);
    await el.updateComplete;
    const meter = shadow<HTMLMeterElement>(el, '[part="microphone-level"]');
    expect(meter.value).toBeCloseTo(0.4);
    expect(labelOf(el, meter)).toBe('Microphone level');

    await userEvent.click(buttonNamed(el, 'Play test sound on the speaker'));
    await userEvent.click(buttonNamed(el, 'Play test sound on the ringer'));
    expect(lastPhone().commands).toEqual(
      expect.arrayContaining(['playTestSound speaker', 'playTestSound ringer']),
    );
    expect(await axeViolations(el)).toEqual([]);
  });

  it('works by keyboard: choose a device, and Escape closes the menu, stops the meter and returns focus', async () => {
    const el = await readyPhone();
    const changes = collect<{ devices: { microphone?: string } }>(document, 'sip-devices-change');
    shadow(el, '[part="devices-toggle"]').focus();
    await userEvent.keyboard('{Enter}');
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[part="devices"]')).not.toBeNull();

    await userEvent.tab();
    expect(el.shadowRoot?.activeElement).toBe(select(el, 'microphone'));
    await userEvent.selectOptions(select(el, 'microphone'), 'mic-built-in');
    await el.updateComplete;
    expect(lastPhone().commands).toContain('setDevices {"microphone":"mic-built-in"}');
    expect(select(el, 'microphone').value).toBe('mic-built-in');
    expect(changes.at(-1)?.devices.microphone).toBe('mic-built-in');
    // The meter follows the new microphone.
    expect(lastPhone().commands.filter((c) => c === 'watchMicrophoneLevel')).toHaveLength(2);

    await userEvent.selectOptions(select(el, 'microphone'), '');
    expect(lastPhone().commands).toContain('setDevices {"microphone":null}');

    await userEvent.keyboard('{Escape}');
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('[part="devices"]')).toBeNull();
    expect(lastPhone().levelWatchers.size).toBe(0);
    expect(lastPhone().commands.at(-1)).toBe('stopMicrophoneLevel');
    await expect
      .poll(() => el.shadowRoot?.activeElement?.getAttribute('part'))
      .toBe('devices-toggle');
  });

  it('turns auto-switch off from its checkbox', async () => {
    const el = await readyPhone();
    await openMenu(el);
    const box = shadow<HTMLInputElement>(el, '[part="auto-switch"]');
    expect(box.checked).toBe(true);
    await userEvent.click(box);
    expect(lastPhone().commands).toContain('setDevices {"autoSwitch":false}');
  });

  it('says plainly when the browser cannot choose an output', async () => {
    const el = await readyPhone();
    lastPhone().changeDevices(devicesEvent({ outputSelection: false }));
    await openMenu(el);
    for (const role of ['speaker', 'ringer']) {
      expect(select(el, role).disabled).toBe(true);
      const note = select(el, role).getAttribute('aria-describedby') ?? '';
      expect(el.shadowRoot?.getElementById(note)?.textContent?.trim()).toBe(
        'Choosing an output is not supported in this browser.',
      );
    }
    expect(select(el, 'microphone').disabled).toBe(false);
    expect(await axeViolations(el)).toEqual([]);
  });

  it('names devices "Microphone 1" until the browser tells their names, and offers to allow the microphone', async () => {
    const el = await readyPhone();
    const phone = lastPhone();
    phone.changeDevices(
      devicesEvent({
        labels: false,
        inputs: phone.devices.inputs.map((device) => ({ ...device, label: '' })),
        outputs: phone.devices.outputs.map((device) => ({ ...device, label: '' })),
      }),
    );
    await openMenu(el);
    expect(options(el, 'microphone')).toEqual(['System default', 'Microphone 1', 'Microphone 2']);
    expect(options(el, 'speaker')).toEqual(['System default', 'Output 1', 'Output 2']);
    expect(text(el, '[part="device-names-hint"]')).toBe(
      'Device names show once the phone may use the microphone.',
    );
    await userEvent.click(buttonNamed(el, 'Allow the microphone'));
    expect(phone.commands).toContain('allowDeviceLabels');
    expect(await axeViolations(el)).toEqual([]);
  });

  it('renders device names as text', async () => {
    const el = await readyPhone();
    const phone = lastPhone();
    const hostile = '<img src=x onerror="window.pwned=1">Headset';
    phone.changeDevices(devicesEvent({ inputs: [{ id: 'evil', label: hostile, groupId: 'g' }] }));
    await openMenu(el);
    expect(options(el, 'microphone')).toContain(hostile);
    expect(el.shadowRoot?.querySelector('img')).toBeNull();
  });
});

describe('<sip-phone> device notices', () => {
  const headset = { id: 'mic-usb', label: 'USB Headset', groupId: 'g1' };

  it('says a plugged headset is now used, and an unplugged one sent us back to the default', async () => {
    const el = await readyPhone();
    const phone = lastPhone();
    phone.changeDevices(
      devicesEvent({
        microphone: 'mic-usb',
        notices: [{ type: 'connected', kind: 'input', device: headset, taken: ['microphone'] }],
      }),
    );
    await el.updateComplete;
    const notice = shadow(el, '[part="device-notice"] [role="status"]');
    expect(notice.textContent?.trim()).toBe(
      'USB Headset connected: now using it as the microphone.',
    );

    phone.changeDevices(
      devicesEvent({
        microphone: undefined,
        notices: [{ type: 'unplugged', device: headset, roles: ['microphone'] }],
      }),
    );
    await el.updateComplete;
    expect(notice.textContent?.trim()).toBe(
      'USB Headset unplugged: back to the default microphone.',
    );

    phone.changeDevices(
      devicesEvent({
        notices: [
          {
            type: 'unplugged',
            device: { id: 'out-usb', label: 'USB Headset', groupId: 'g1' },
            roles: ['speaker', 'ringer'],
          },
        ],
      }),
    );
    await el.updateComplete;
    expect(notice.textContent?.trim()).toBe(
      'USB Headset unplugged: back to the default speaker and ringer.',
    );
    expect(await axeViolations(el)).toEqual([]);
  });

  it('with auto-switch off, offers the plugged device with a button', async () => {
    const el = await readyPhone();
    const phone = lastPhone();
    phone.changeDevices(
      devicesEvent({
        autoSwitch: false,
        notices: [{ type: 'connected', kind: 'input', device: headset, taken: [] }],
      }),
    );
    await el.updateComplete;
    expect(text(el, '[part="device-notice"] [role="status"]')).toBe('USB Headset connected.');
    await userEvent.click(buttonNamed(el, 'Use USB Headset'));
    expect(phone.commands).toContain('setDevices {"microphone":"mic-usb"}');
  });

  it('speaks Spanish with lang="es", axe clean', async () => {
    const el = await readyPhone({ ...VALID_CONFIG, lang: 'es' });
    lastPhone().changeDevices(
      devicesEvent({
        notices: [{ type: 'unplugged', device: headset, roles: ['microphone'] }],
      }),
    );
    await openMenu(el);
    expect(shadow(el, '[part="devices-toggle"]').getAttribute('aria-label')).toBe(
      'Dispositivos de audio',
    );
    expect(labelOf(el, select(el, 'microphone'))).toBe('Micrófono');
    expect(labelOf(el, select(el, 'speaker'))).toBe('Altavoz (audio de la llamada)');
    expect(options(el, 'ringer')[0]).toBe('Predeterminado del sistema');
    expect(buttonNamed(el, 'Reproducir sonido de prueba en el altavoz')).toBeDefined();
    expect(text(el, '[part="device-notice"] [role="status"]')).toBe(
      'USB Headset desconectado: se vuelve al dispositivo predeterminado para el micrófono.',
    );
    expect(await axeViolations(el)).toEqual([]);
  });
});
