/**
 * `<sip-phone>`'s device menu state: open or closed, the microphone level while open (the
 * meter's stream is released when it closes), and the last thing that happened to the
 * devices (a headset plugged in, a device unplugged). It follows the engine's `devices`
 * event and forwards the agent's choices to `phone.setDevices()`; the markup is
 * render-devices.ts.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { DeviceNotice, Unsubscribe } from '../../engine/types.js';
import type { PhoneApi } from '../shared/engine-api.js';
import { emit } from '../shared/events.js';
import type { DevicesInput } from './render-devices.js';

type Host = ReactiveControllerHost & HTMLElement;

export class DevicesController implements ReactiveController {
  private open = false;
  private level = 0;
  private notice: DeviceNotice | undefined;
  private phone: PhoneApi | undefined;
  private unsubscribe: Unsubscribe | undefined;
  /** Stops the level meter (releases its microphone). */
  private stopMeter: Unsubscribe | undefined;
  /** Bumped on every open/close, so a meter that starts after its panel closed stops at once. */
  private meterRun = 0;

  constructor(
    private readonly host: Host,
    private readonly phoneOf: () => PhoneApi | undefined,
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    const phone = this.phoneOf();
    if (phone === this.phone) return;
    this.unsubscribe?.();
    this.phone = phone;
    this.notice = undefined;
    this.unsubscribe = phone?.on('devices', (event) => {
      const notice = event.notices.at(-1);
      if (notice) this.notice = notice;
      const { notices, ...devices } = event;
      emit(this.host, 'sip-devices-change', { devices, notices });
      // The meter follows the microphone chosen.
      if (this.open) void this.startMeter();
      this.host.requestUpdate();
    });
    if (!phone && this.open) this.close();
  }

  hostDisconnected(): void {
    this.close();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.phone = undefined;
  }

  /** What render-devices.ts draws from (undefined: no phone yet, no menu). */
  input(): Omit<DevicesInput, 't'> | undefined {
    const phone = this.phone;
    if (!phone) return undefined;
    return {
      devices: phone.devices,
      open: this.open,
      level: this.level,
      notice: this.notice,
      toggle: () => (this.open ? this.close(true) : this.openPanel()),
      close: () => this.close(true),
      choose: (role, id) => void phone.setDevices({ [role]: id === '' ? null : id }),
      autoSwitch: (on) => void phone.setDevices({ autoSwitch: on }),
      test: (output) => void phone.playTestSound(output),
      allowNames: () => void phone.allowDeviceLabels(),
      use: (device, role) => {
        this.notice = undefined;
        void phone.setDevices({ [role]: device.id });
      },
    };
  }

  private openPanel(): void {
    this.open = true;
    this.host.requestUpdate();
    void this.startMeter();
  }

  private close(focusToggle = false): void {
    if (!this.open) return;
    this.open = false;
    this.meterRun += 1;
    this.stopMeter?.();
    this.stopMeter = undefined;
    this.level = 0;
    this.host.requestUpdate();
    if (focusToggle) {
      void this.host.updateComplete.then(() =>
        this.host.shadowRoot?.querySelector<HTMLElement>('[part="devices-toggle"]')?.focus(),
      );
    }
  }

  private async startMeter(): Promise<void> {
    const phone = this.phone;
    if (!phone) return;
    this.stopMeter?.();
    this.stopMeter = undefined;
    const run = ++this.meterRun;
    const stop = await phone.watchMicrophoneLevel((level) => {
      this.level = level;
      this.host.requestUpdate();
    });
    if (run !== this.meterRun || !this.open) {
      stop();
      return;
    }
    this.stopMeter = stop;
  }
}
