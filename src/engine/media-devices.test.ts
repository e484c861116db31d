/**
 * Choosing audio devices (devices.ts, media-devices.ts) against a fake `mediaDevices` that
 * fires `devicechange`: the remembered choice restored or missing, a device plugged in
 * (taken, or only offered with auto-switch off), unplugged in use or not, a bad choice
 * refused; and the sound player sending each output's sounds to its device (audio.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SoundPlayer } from './audio';
import { readDeviceList } from './devices';
import { Logger } from './log';
import { AudioDevices, DEVICES_STORAGE_KEY, type DevicesChange } from './media-devices';
import {
  FakeMediaDevices,
  HEADSET_MIC,
  HEADSET_OUT,
  laptopDevices,
} from './test-support/fake-media-devices';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

function setUp(
  options: { devices?: FakeMediaDevices; remembered?: unknown; autoSwitch?: boolean } = {},
) {
  const media = options.devices ?? new FakeMediaDevices(laptopDevices());
  const storage = new MemoryStorage();
  if (options.remembered !== undefined) {
    storage.setItem(DEVICES_STORAGE_KEY, JSON.stringify(options.remembered));
  }
  const changes: DevicesChange[] = [];
  const devices = new AudioDevices({
    mediaDevices: media,
    storage,
    outputSelection: true,
    autoSwitch: options.autoSwitch ?? true,
    log: new Logger('silent'),
    onChange: (change) => changes.push(change),
  });
  return { media, storage, changes, devices };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the remembered choice', () => {
  it('is restored at start by id, with the system defaults left out of the lists', async () => {
    const media = new FakeMediaDevices([...laptopDevices(), HEADSET_MIC, HEADSET_OUT]);
    const { devices, changes } = setUp({
      devices: media,
      remembered: {
        microphone: { id: 'mic-headset', label: 'USB Headset Microphone' },
        ringer: { id: 'out-built-in', label: 'Built-in Speakers' },
      },
    });
    await devices.start();
    expect(devices.state).toMatchObject({
      microphone: 'mic-headset',
      speaker: undefined,
      ringer: 'out-built-in',
      labels: true,
    });
    expect(devices.state.inputs.map((d) => d.id)).toEqual(['mic-built-in', 'mic-headset']);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.notices).toEqual([]);
    expect(changes[0]?.changed).toEqual(['microphone', 'ringer']);
  });

  it('is found by its label when the browser gave the device another id', async () => {
    const media = new FakeMediaDevices([...laptopDevices(), HEADSET_MIC]);
    const { devices } = setUp({
      devices: media,
      remembered: { microphone: { id: 'id-of-last-week', label: 'USB Headset Microphone' } },
    });
    await devices.start();
    expect(devices.state.microphone).toBe('mic-headset');
  });

  it('falls back to the default, silently, when the remembered device is missing', async () => {
    const { devices, changes } = setUp({
      remembered: { microphone: { id: 'mic-headset', label: 'USB Headset Microphone' } },
    });
    await devices.start();
    expect(devices.state.microphone).toBeUndefined();
    expect(changes.flatMap((change) => change.notices)).toEqual([]);
  });

  it('ignores storage that holds something else', async () => {
    const { devices } = setUp({ remembered: { microphone: 42 } });
    await devices.start();
    expect(devices.state.microphone).toBeUndefined();
  });

  it('remembers a choice with its label, and the auto-switch setting', async () => {
    const media = new FakeMediaDevices([...laptopDevices(), HEADSET_MIC]);
    const { devices, storage } = setUp({ devices: media });
    await devices.start();
    expect(await devices.select({ microphone: 'mic-headset', autoSwitch: false })).toBeUndefined();
    expect(JSON.parse(storage.getItem(DEVICES_STORAGE_KEY) ?? '')).toEqual({
      autoSwitch: false,
      microphone: { id: 'mic-headset', label: 'USB Headset Microphone' },
    });
  });
});

describe('a device plugged in', () => {
  it('is taken at once: an input as the microphone, an output as the speaker', async () => {
    const { devices, changes, media } = setUp();
    await devices.start();
    media.plug(HEADSET_MIC);
    await expect.poll(() => devices.state.microphone).toBe('mic-headset');
    media.plug(HEADSET_OUT);
    await expect.poll(() => devices.state.speaker).toBe('out-headset');
    // The ringer stays where it was (often the loud speakers, on purpose).
    expect(devices.state.ringer).toBeUndefined();
    expect(changes.slice(1).map(({ notices, changed }) => ({ notices, changed }))).toEqual([
      {
        notices: [
          {
            type: 'connected',
            kind: 'input',
            device: { id: 'mic-headset', label: 'USB Headset Microphone', groupId: 'headset' },
            taken: ['microphone'],
          },
        ],
        changed: ['microphone'],
      },
      {
        notices: [
          {
            type: 'connected',
            kind: 'output',
            device: { id: 'out-headset', label: 'USB Headset Earphones', groupId: 'headset' },
            taken: ['speaker'],
          },
        ],
        changed: ['speaker'],
      },
    ]);
  });

  it('is only offered with auto-switch off (the choice stays)', async () => {
    const { devices, changes, media } = setUp({ autoSwitch: false });
    await devices.start();
    media.plug(HEADSET_MIC);
    await expect.poll(() => devices.state.inputs.length).toBe(2);
    expect(devices.state.microphone).toBeUndefined();
    expect(changes.at(-1)?.notices).toMatchObject([
      { type: 'connected', kind: 'input', device: { id: 'mic-headset' }, taken: [] },
    ]);
    expect(changes.at(-1)?.changed).toEqual([]);
  });
});

describe('a device unplugged', () => {
  it('in use: its roles go back to the system default, and the agent is told', async () => {
    const media = new FakeMediaDevices([...laptopDevices(), HEADSET_MIC, HEADSET_OUT]);
    const { devices, changes } = setUp({ devices: media });
    await devices.start();
    await devices.select({
      microphone: 'mic-headset',
      speaker: 'out-headset',
      ringer: 'out-headset',
    });
    media.unplug('out-headset');
    await expect.poll(() => devices.state.speaker).toBeUndefined();
    expect(devices.state.ringer).toBeUndefined();
    expect(devices.state.microphone).toBe('mic-headset');
    expect(changes.at(-1)).toMatchObject({
      notices: [
        {
          type: 'unplugged',
          device: { id: 'out-headset', label: 'USB Headset Earphones' },
          roles: ['speaker', 'ringer'],
        },
      ],
      changed: ['speaker', 'ringer'],
    });
  });

  it('not in use: the list changes, the choice does not, nothing to tell', async () => {
    const media = new FakeMediaDevices([...laptopDevices(), HEADSET_MIC]);
    const { devices, changes } = setUp({ devices: media });
    await devices.start();
    await devices.select({ microphone: 'mic-built-in' });
    media.unplug('mic-headset');
    await expect.poll(() => devices.state.inputs.length).toBe(1);
    expect(devices.state.microphone).toBe('mic-built-in');
    expect(changes.at(-1)).toMatchObject({ notices: [], changed: [] });
  });
});

describe('a bad choice', () => {
  it('an unknown id: a clear refusal, and nothing changes', async () => {
    const { devices, storage, changes } = setUp();
    await devices.start();
    const before = devices.state;
    const count = changes.length;
    expect(await devices.select({ microphone: 'no-such-mic' })).toEqual({
      code: 'device-invalid',
      message: "There is no microphone with the id 'no-such-mic'.",
    });
    expect(await devices.select({ speaker: 'out-built-in', ringer: 'nope' })).toEqual({
      code: 'device-invalid',
      message: "There is no audio output with the id 'nope'.",
    });
    expect(devices.state).toBe(before);
    expect(changes).toHaveLength(count);
    expect(storage.getItem(DEVICES_STORAGE_KEY)).toBeNull();
  });

  it('an output where the browser cannot choose one: not supported, said plainly', async () => {
    const media = new FakeMediaDevices(laptopDevices());
    const devices = new AudioDevices({
      mediaDevices: media,
      storage: undefined,
      outputSelection: false,
      autoSwitch: true,
      log: new Logger('silent'),
      onChange: () => undefined,
    });
    await devices.start();
    expect(await devices.select({ speaker: 'out-built-in' })).toEqual({
      code: 'device-unsupported',
      message: expect.stringMatching(/^Choosing the speaker is not supported in this browser/),
    });
    expect(devices.state.speaker).toBeUndefined();
    // Back to the default is always possible.
    expect(await devices.select({ speaker: null })).toBeUndefined();
  });
});

describe('before the page may use the microphone', () => {
  it('has no names: devices with ids are kept unnamed, and no plug is invented when names come', async () => {
    const unnamed = laptopDevices().map((device) => ({ ...device, label: '' }));
    const media = new FakeMediaDevices(unnamed);
    const { devices, changes } = setUp({ devices: media });
    await devices.start();
    expect(devices.state.labels).toBe(false);
    expect(devices.state.inputs).toEqual([
      { id: 'mic-built-in', label: '', groupId: 'mic-built-in' },
    ]);
    media.devices = [...laptopDevices(), HEADSET_MIC];
    await devices.refresh();
    expect(devices.state.labels).toBe(true);
    // Names appearing are not a headset plugged in: nothing is taken.
    expect(devices.state.microphone).toBeUndefined();
    expect(changes.at(-1)?.notices).toEqual([]);
  });

  it('Chromium lists entries without ids: none is a device to choose', () => {
    expect(
      readDeviceList([
        { deviceId: '', kind: 'audioinput', label: '', groupId: '' },
        { deviceId: '', kind: 'audiooutput', label: '', groupId: '' },
      ]),
    ).toEqual({ inputs: [], outputs: [], labels: false });
  });
});

describe('sound outputs (audio.ts)', () => {
  it("sends the speaker's sounds and the ringer's to their own devices", async () => {
    const sinks: [string, string][] = [];
    vi.spyOn(HTMLMediaElement.prototype, 'setSinkId').mockImplementation(async function (
      this: HTMLMediaElement,
      id: string,
    ) {
      sinks.push([this.srcObject ? 'voice' : 'file', id]);
    });
    const player = new SoundPlayer({
      onBlocked: () => undefined,
      onUnlocked: () => undefined,
      onFailed: () => undefined,
    });
    const voice = new MediaStream();
    player.playStream('remote-audio', voice);
    player.playFile('ringtone', '/sounds/ringtone.wav');
    player.setOutput('speaker', 'out-headset');
    player.setOutput('ringer', 'out-built-in');
    expect(sinks).toEqual([
      ['voice', 'out-headset'],
      ['file', 'out-built-in'],
    ]);
    player.stopAll();
  });
});
