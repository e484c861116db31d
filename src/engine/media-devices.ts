/**
 * The phone's audio devices against the browser: lists them (`enumerateDevices`), follows
 * `devicechange`, restores the choice remembered for this origin and remembers the agent's
 * new ones. The choosing itself is devices.ts; what a choice does to calls and sounds is
 * the phone's (phone.ts `devicesChanged`).
 */
import {
  type AudioDevice,
  applySelection,
  changedRoles,
  type DeviceNotice,
  type DeviceRefusal,
  type DeviceRole,
  type DeviceSelection,
  type DevicesState,
  followDeviceChange,
  type RememberedDevices,
  readDeviceList,
  rememberChoice,
  restoreChoice,
} from './devices';
import type { Logger } from './log';

/** Where the choice is kept: one entry per origin (localStorage is per origin). */
export const DEVICES_STORAGE_KEY = 'helpline-softphone:audio-devices';

/** The part of `navigator.mediaDevices` used here (tests give a fake). */
export interface MediaDevicesLike {
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  addEventListener(type: 'devicechange', listener: () => void): void;
  removeEventListener(type: 'devicechange', listener: () => void): void;
}

/** The part of `localStorage` used here. */
export type DeviceStorage = Pick<Storage, 'getItem' | 'setItem'>;

export interface DevicesChange {
  state: DevicesState;
  /** What happened to devices in use (plugged, unplugged), for the agent. */
  notices: DeviceNotice[];
  /** The roles whose device changed. */
  changed: DeviceRole[];
}

export interface AudioDevicesOptions {
  mediaDevices: MediaDevicesLike | undefined;
  storage: DeviceStorage | undefined;
  /** The browser can route sound to a chosen output (audio.ts `outputSelectionSupported`). */
  outputSelection: boolean;
  /** Take a newly plugged device (configuration `autoSwitchDevices`), unless remembered otherwise. */
  autoSwitch: boolean;
  log: Logger;
  onChange(change: DevicesChange): void;
}

export class AudioDevices {
  private stateValue: DevicesState;
  /** Serializes list reads: two `devicechange` in a row are followed in order. */
  private queue: Promise<void> = Promise.resolve();
  private started = false;
  private restored = false;

  constructor(private readonly options: AudioDevicesOptions) {
    this.stateValue = {
      inputs: [],
      outputs: [],
      microphone: undefined,
      speaker: undefined,
      ringer: undefined,
      outputSelection: options.outputSelection,
      labels: false,
      autoSwitch: options.autoSwitch,
    };
  }

  get state(): DevicesState {
    return this.stateValue;
  }

  /** Read the list, restore the remembered choice (once) and follow changes. Idempotent. */
  start(): Promise<void> {
    const devices = this.options.mediaDevices;
    if (this.started || !devices) return this.queue;
    this.started = true;
    devices.addEventListener('devicechange', this.onDeviceChange);
    return this.enqueue(() => this.read());
  }

  /** Stop following changes (the phone stopped). */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.options.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
  }

  /** Resolves once every list read asked so far is done. */
  settled(): Promise<void> {
    return this.queue;
  }

  /** Read the list again (the page was just allowed the microphone: names appear). */
  refresh(): Promise<void> {
    return this.enqueue(() => this.read());
  }

  /**
   * Choose devices; the choice is remembered. Undefined when done, else why not (then
   * nothing changed).
   */
  async select(selection: DeviceSelection): Promise<DeviceRefusal | undefined> {
    let refused: DeviceRefusal | undefined;
    await this.enqueue(async () => {
      if (!this.restored) await this.read();
      const result = applySelection(this.stateValue, selection);
      if (!result.ok) {
        refused = result.refusal;
        return;
      }
      const before = this.stateValue;
      this.stateValue = { ...before, ...result.choice, autoSwitch: result.autoSwitch };
      this.save();
      const changed = changedRoles(before, this.stateValue);
      if (changed.length > 0 || before.autoSwitch !== result.autoSwitch) {
        this.options.onChange({ state: this.stateValue, notices: [], changed });
      }
    });
    return refused;
  }

  private readonly onDeviceChange = (): void => {
    void this.enqueue(() => this.read());
  };

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task).catch((error: unknown) => {
      this.options.log.warn('could not read the audio devices', { error });
    });
    return this.queue;
  }

  private async read(): Promise<void> {
    const devices = this.options.mediaDevices;
    if (!devices) return;
    const lists = readDeviceList(await devices.enumerateDevices());
    const before = this.stateValue;
    if (!this.restored) {
      this.restored = true;
      const remembered = this.load();
      // A remembered device that is missing today is the default, silently.
      this.stateValue = {
        ...before,
        ...lists,
        ...restoreChoice(lists, remembered),
        autoSwitch: remembered.autoSwitch ?? before.autoSwitch,
      };
      this.options.onChange({
        state: this.stateValue,
        notices: [],
        changed: changedRoles(before, this.stateValue),
      });
      return;
    }
    const { state, notices } = followDeviceChange(before, lists);
    if (notices.length === 0 && sameLists(before, state)) return;
    this.stateValue = state;
    this.options.onChange({ state, notices, changed: changedRoles(before, state) });
  }

  private load(): RememberedDevices {
    try {
      const text = this.options.storage?.getItem(DEVICES_STORAGE_KEY);
      const parsed: unknown = text ? JSON.parse(text) : {};
      return isRemembered(parsed) ? parsed : {};
    } catch (error) {
      // Storage may be off (privacy settings) or hold something else: start from defaults.
      this.options.log.warn('could not read the remembered audio devices', { error });
      return {};
    }
  }

  private save(): void {
    try {
      this.options.storage?.setItem(
        DEVICES_STORAGE_KEY,
        JSON.stringify(rememberChoice(this.stateValue)),
      );
    } catch (error) {
      this.options.log.warn('could not remember the audio devices', { error });
    }
  }
}

function sameLists(a: DevicesState, b: DevicesState): boolean {
  const key = (devices: readonly AudioDevice[]) =>
    devices.map((device) => `${device.id}\u0000${device.label}`).join('\u0001');
  return (
    key(a.inputs) === key(b.inputs) && key(a.outputs) === key(b.outputs) && a.labels === b.labels
  );
}

function isRemembered(value: unknown): value is RememberedDevices {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const deviceOk = (entry: unknown) =>
    entry === undefined ||
    (typeof entry === 'object' &&
      entry !== null &&
      typeof (entry as Record<string, unknown>).id === 'string' &&
      typeof (entry as Record<string, unknown>).label === 'string');
  return (
    deviceOk(record.microphone) &&
    deviceOk(record.speaker) &&
    deviceOk(record.ringer) &&
    (record.autoSwitch === undefined || typeof record.autoSwitch === 'boolean')
  );
}
