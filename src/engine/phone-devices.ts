/**
 * The phone's side of audio devices: what a choice does. The microphone goes to every call
 * (call.ts `useMicrophone`: a new track through `replaceTrack`, no renegotiation), the
 * speaker and ringer to the sound player's outputs (audio.ts); the agent hears of it through
 * the phone's `devices` event. The lists and the choosing are media-devices.ts and devices.ts.
 */
import { outputSelectionSupported, type SoundOutput, type SoundPlayer } from './audio';
import type { DeviceSelection, DevicesState } from './devices';
import type { Logger } from './log';
import { acquireMicrophone, stopStream } from './media';
import { AudioDevices, type DevicesChange, type MediaDevicesLike } from './media-devices';
import { watchMicrophoneLevel } from './microphone-level';
import type { DevicesEvent, PhoneError, Unsubscribe } from './types';

/** A call as far as devices go: it takes the chosen microphone. */
export interface MicrophoneUser {
  useMicrophone(deviceId: string | undefined): Promise<void>;
}

export interface PhoneDevicesOptions {
  sounds: SoundPlayer;
  calls(): readonly MicrophoneUser[];
  /** Take a newly plugged device by default (configuration `autoSwitchDevices`). */
  autoSwitch: boolean;
  /** The test sound of each output (null: none configured). */
  testSoundUrl(output: SoundOutput): string | null;
  log: Logger;
  emit(event: DevicesEvent): void;
  report(error: PhoneError): void;
  /** Tests give a fake; else the browser's. */
  mediaDevices?: MediaDevicesLike | undefined;
  storage?: Pick<Storage, 'getItem' | 'setItem'> | undefined;
}

export class PhoneDevices {
  private readonly devices: AudioDevices;

  constructor(private readonly options: PhoneDevicesOptions) {
    this.devices = new AudioDevices({
      mediaDevices:
        'mediaDevices' in options ? options.mediaDevices : globalThis.navigator?.mediaDevices,
      storage: 'storage' in options ? options.storage : browserStorage(),
      outputSelection: outputSelectionSupported(),
      autoSwitch: options.autoSwitch,
      log: options.log,
      onChange: (change) => this.changed(change),
    });
  }

  get state(): DevicesState {
    return this.devices.state;
  }

  /** The chosen microphone (undefined: the default), for getUserMedia. */
  get microphoneId(): string | undefined {
    return this.devices.state.microphone;
  }

  /** Read the devices and follow their changes. */
  start(): Promise<void> {
    return this.devices.start();
  }

  stop(): void {
    this.devices.stop();
  }

  /** Resolves once the device lists read so far are applied (tests, start-up). */
  settled(): Promise<void> {
    return this.devices.settled();
  }

  /** `phone.setDevices()`: an unknown id or an output the browser cannot choose changes nothing. */
  async select(selection: DeviceSelection): Promise<PhoneError | undefined> {
    if (typeof selection !== 'object' || selection === null) {
      return this.refuse('device-invalid', 'setDevices takes { microphone?, speaker?, ringer? }.');
    }
    const refused = await this.devices.select(selection);
    return refused && this.refuse(refused.code, refused.message);
  }

  /**
   * Ask for the microphone once (the browser's prompt), so that the devices get their names;
   * the stream is released at once.
   */
  async allowLabels(): Promise<PhoneError | undefined> {
    const microphone = await acquireMicrophone(this.microphoneId);
    if (!microphone.ok) {
      this.options.report(microphone.error);
      return microphone.error;
    }
    stopStream(microphone.stream);
    await this.devices.refresh();
    return undefined;
  }

  /** A getUserMedia succeeded elsewhere (a call): the names may just have become readable. */
  microphoneGranted(): void {
    if (!this.devices.state.labels) void this.devices.refresh();
  }

  /**
   * Play the test sound on `output`'s device; resolves when it ended. A sound that cannot
   * play (file missing, device refused) is logged and returned, not raised as an alert: the
   * agent hears that nothing played, and calls are not affected.
   */
  async playTestSound(output: SoundOutput): Promise<PhoneError | undefined> {
    const url = this.options.testSoundUrl(output);
    if (url === null) return undefined;
    const result = await this.options.sounds.playTest(output, url);
    if (result.ok) return undefined;
    const error: PhoneError = {
      code: 'device-unsupported',
      message: `Could not play the test sound on the ${output}: ${String(result.error)}`,
      cause: result.error,
    };
    this.options.log.warn(error.message, { error: result.error });
    return error;
  }

  /** The chosen microphone's level until the returned function is called. */
  async watchMicrophoneLevel(onLevel: (level: number) => void): Promise<Unsubscribe> {
    const watch = await watchMicrophoneLevel(this.microphoneId, onLevel);
    if (!watch.ok) {
      this.options.report(watch.error);
      return () => undefined;
    }
    this.microphoneGranted();
    return watch.stop;
  }

  private changed({ state, notices, changed }: DevicesChange): void {
    if (changed.includes('speaker')) this.options.sounds.setOutput('speaker', state.speaker);
    if (changed.includes('ringer')) this.options.sounds.setOutput('ringer', state.ringer);
    // Every change, not only a new choice: a call on the default microphone whose device
    // was unplugged has an ended track, and takes the new default.
    for (const call of this.options.calls()) void call.useMicrophone(state.microphone);
    this.options.emit({ ...state, notices });
  }

  private refuse(code: 'device-invalid' | 'device-unsupported', message: string): PhoneError {
    const error: PhoneError = { code, message };
    this.options.report(error);
    return error;
  }
}

/** `localStorage`, when the page may use it (sandboxed frames may not). */
function browserStorage(): Pick<Storage, 'getItem' | 'setItem'> | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}
