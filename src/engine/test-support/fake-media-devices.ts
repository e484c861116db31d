/**
 * A stand-in for `navigator.mediaDevices` whose device list a test controls: `plug` and
 * `unplug` change it and fire `devicechange`, as the browser does when a headset comes or
 * goes. Streams are real (the browser's fake microphone), so calls really send them; the
 * device asked for is recorded, and asking for one that is not plugged fails as the
 * browser does (`OverconstrainedError`).
 */
import type { MediaDevicesLike } from '../media-devices';

export interface FakeDevice {
  deviceId: string;
  kind: 'audioinput' | 'audiooutput';
  label: string;
  groupId?: string;
}

export class FakeMediaDevices extends EventTarget implements MediaDevicesLike {
  /** The `deviceId` each of the phone's getUserMedia asked for (undefined: the default). */
  readonly requested: (string | undefined)[] = [];
  private readonly real = navigator.mediaDevices;

  constructor(public devices: FakeDevice[]) {
    super();
  }

  async enumerateDevices(): Promise<MediaDeviceInfo[]> {
    return this.devices.map((device) => ({
      groupId: device.groupId ?? device.deviceId,
      ...device,
      toJSON: () => device,
    }));
  }

  async getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
    const audio = constraints.audio;
    const wanted =
      typeof audio === 'object' && typeof audio.deviceId === 'object' && 'exact' in audio.deviceId
        ? String(audio.deviceId.exact)
        : undefined;
    // The engine always asks with constraints (media.ts); `audio: true` is the fake SBC's
    // own far end (fake-sbc.ts), not the phone's microphone.
    if (typeof audio === 'object') this.requested.push(wanted);
    if (wanted !== undefined && !this.devices.some((device) => device.deviceId === wanted)) {
      throw new DOMException(`no device ${wanted}`, 'OverconstrainedError');
    }
    return this.real.getUserMedia({ audio: true, video: false });
  }

  plug(device: FakeDevice): void {
    this.devices = [...this.devices, device];
    this.dispatchEvent(new Event('devicechange'));
  }

  unplug(deviceId: string): void {
    this.devices = this.devices.filter((device) => device.deviceId !== deviceId);
    this.dispatchEvent(new Event('devicechange'));
  }

  /** Put this fake in place of `navigator.mediaDevices`; returns the undo. */
  install(): () => void {
    Object.defineProperty(navigator, 'mediaDevices', { value: this, configurable: true });
    return () => {
      // The own property shadows the prototype's getter: deleting it brings the real one back.
      Reflect.deleteProperty(navigator, 'mediaDevices');
    };
  }
}

/** The list a laptop shows: its built-in microphone and speakers, behind the system defaults. */
export function laptopDevices(): FakeDevice[] {
  return [
    { deviceId: 'default', kind: 'audioinput', label: 'Default - Built-in Microphone' },
    { deviceId: 'mic-built-in', kind: 'audioinput', label: 'Built-in Microphone' },
    { deviceId: 'default', kind: 'audiooutput', label: 'Default - Built-in Speakers' },
    { deviceId: 'out-built-in', kind: 'audiooutput', label: 'Built-in Speakers' },
  ];
}

export const HEADSET_MIC: FakeDevice = {
  deviceId: 'mic-headset',
  kind: 'audioinput',
  label: 'USB Headset Microphone',
  groupId: 'headset',
};

export const HEADSET_OUT: FakeDevice = {
  deviceId: 'out-headset',
  kind: 'audiooutput',
  label: 'USB Headset Earphones',
  groupId: 'headset',
};
