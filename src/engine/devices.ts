/**
 * Choosing audio devices, as pure logic: which microphone, speaker (call audio) and ringer
 * (ringtone, call-waiting tone, ringback) a phone uses, given the devices the browser lists,
 * what the agent chose before, and what was just plugged in or out. Nothing here touches
 * the browser: media-devices.ts feeds it and applies its decisions.
 */

/** Where a sound goes, or where the voice comes from. */
export type DeviceRole = 'microphone' | 'speaker' | 'ringer';

/** One device as the browser lists it. `label` is empty until the page may use the microphone. */
export interface AudioDevice {
  id: string;
  label: string;
  /** Devices of one physical product (a headset's microphone and earphones) share it. */
  groupId: string;
}

/** The chosen device of each role: an id, or undefined for the system default. */
export interface DeviceChoice {
  microphone: string | undefined;
  speaker: string | undefined;
  ringer: string | undefined;
}

/** What `phone.setDevices()` takes: the roles to change (`null` = back to the system default). */
export interface DeviceSelection {
  microphone?: string | null;
  speaker?: string | null;
  ringer?: string | null;
  /** Take a newly plugged device at once (default true). */
  autoSwitch?: boolean;
}

/** The phone's devices: what there is, what is chosen, and what the browser allows. */
export interface DevicesState extends DeviceChoice {
  inputs: readonly AudioDevice[];
  outputs: readonly AudioDevice[];
  /** The browser can send sounds to a chosen output (`HTMLMediaElement.setSinkId`). */
  outputSelection: boolean;
  /**
   * The browser told the devices' names: false before the page may use the microphone
   * (then `label`s are empty and `phone.allowDeviceLabels()` asks for it).
   */
  labels: boolean;
  /** A newly plugged device is taken at once. */
  autoSwitch: boolean;
}

/** Why a selection was refused (nothing changed). */
export interface DeviceRefusal {
  code: 'device-invalid' | 'device-unsupported';
  message: string;
}

/** What just happened to the devices in use, for the agent to be told. */
export type DeviceNotice =
  /** `device` was plugged in; `taken` for the roles now using it (none: only offered). */
  | { type: 'connected'; device: AudioDevice; kind: 'input' | 'output'; taken: DeviceRole[] }
  /** `device`, in use for `roles`, was unplugged: those roles are back on the system default. */
  | { type: 'unplugged'; device: AudioDevice; roles: DeviceRole[] };

/** A choice as remembered between visits: ids change (new browser profile, re-plug), labels less so. */
export interface RememberedDevice {
  id: string;
  label: string;
}

export interface RememberedDevices {
  microphone?: RememberedDevice;
  speaker?: RememberedDevice;
  ringer?: RememberedDevice;
  autoSwitch?: boolean;
}

export const DEVICE_ROLES: readonly DeviceRole[] = ['microphone', 'speaker', 'ringer'];

/**
 * Pseudo-devices that follow the system's own choice (Chromium's `default` and
 * `communications` entries): the phone's "system default" stands for them.
 */
const SYSTEM_ENTRIES = new Set(['default', 'communications', '']);

/** The browser's list, split into real inputs and outputs. */
export function readDeviceList(
  list: readonly Pick<MediaDeviceInfo, 'deviceId' | 'kind' | 'label' | 'groupId'>[],
): {
  inputs: AudioDevice[];
  outputs: AudioDevice[];
  labels: boolean;
} {
  const of = (kind: MediaDeviceKind) =>
    list
      .filter((info) => info.kind === kind && !SYSTEM_ENTRIES.has(info.deviceId))
      .map((info) => ({ id: info.deviceId, label: info.label, groupId: info.groupId }));
  const audio = list.filter((info) => info.kind === 'audioinput' || info.kind === 'audiooutput');
  return {
    inputs: of('audioinput'),
    outputs: of('audiooutput'),
    labels: audio.some((info) => info.label !== ''),
  };
}

function devicesFor(state: Pick<DevicesState, 'inputs' | 'outputs'>, role: DeviceRole) {
  return role === 'microphone' ? state.inputs : state.outputs;
}

/** A remembered device in today's list: the same id, else the same (non-empty) label. */
export function findRemembered(
  devices: readonly AudioDevice[],
  remembered: RememberedDevice | undefined,
): string | undefined {
  if (!remembered) return undefined;
  const byId = devices.find((device) => device.id === remembered.id);
  if (byId) return byId.id;
  if (!remembered.label) return undefined;
  return devices.find((device) => device.label === remembered.label)?.id;
}

/** The remembered choice restored against the devices there are; a missing one is the default. */
export function restoreChoice(
  lists: Pick<DevicesState, 'inputs' | 'outputs'>,
  remembered: RememberedDevices,
): DeviceChoice {
  return {
    microphone: findRemembered(lists.inputs, remembered.microphone),
    speaker: findRemembered(lists.outputs, remembered.speaker),
    ringer: findRemembered(lists.outputs, remembered.ringer),
  };
}

/** What to remember of `choice` (ids with their labels). */
export function rememberChoice(state: DevicesState): RememberedDevices {
  const remembered: RememberedDevices = { autoSwitch: state.autoSwitch };
  for (const role of DEVICE_ROLES) {
    const id = state[role];
    const device = devicesFor(state, role).find((candidate) => candidate.id === id);
    if (device) remembered[role] = { id: device.id, label: device.label };
  }
  return remembered;
}

/**
 * Checks a selection against the devices there are: the new choice, or why not (the
 * choice is then left as it was). Outputs cannot be chosen where the browser cannot route
 * sound.
 */
export function applySelection(
  state: DevicesState,
  selection: DeviceSelection,
): { ok: true; choice: DeviceChoice; autoSwitch: boolean } | { ok: false; refusal: DeviceRefusal } {
  const choice: DeviceChoice = {
    microphone: state.microphone,
    speaker: state.speaker,
    ringer: state.ringer,
  };
  for (const role of DEVICE_ROLES) {
    const wanted = selection[role];
    if (wanted === undefined) continue;
    if (role !== 'microphone' && !state.outputSelection && wanted !== null) {
      return {
        ok: false,
        refusal: {
          code: 'device-unsupported',
          message: `Choosing the ${role} is not supported in this browser: sounds play on the system's default output.`,
        },
      };
    }
    if (wanted === null || SYSTEM_ENTRIES.has(wanted)) {
      choice[role] = undefined;
      continue;
    }
    if (typeof wanted !== 'string' || !devicesFor(state, role).some((d) => d.id === wanted)) {
      return {
        ok: false,
        refusal: {
          code: 'device-invalid',
          message: `There is no ${role === 'microphone' ? 'microphone' : 'audio output'} with the id '${String(wanted)}'.`,
        },
      };
    }
    choice[role] = wanted;
  }
  if (selection.autoSwitch !== undefined && typeof selection.autoSwitch !== 'boolean') {
    return {
      ok: false,
      refusal: { code: 'device-invalid', message: 'autoSwitch must be true or false.' },
    };
  }
  return { ok: true, choice, autoSwitch: selection.autoSwitch ?? state.autoSwitch };
}

/**
 * The browser's list changed (`devicechange`): the new choice and what to tell.
 *
 * - A chosen device that is gone: its roles go back to the system default (the call goes
 *   on, on the default device).
 * - A new input: offered, and with `autoSwitch` taken as the microphone. A new output: taken
 *   as the speaker (call audio); the ringer stays, often the loud speakers on purpose.
 */
export function followDeviceChange(
  state: DevicesState,
  lists: Pick<DevicesState, 'inputs' | 'outputs' | 'labels'>,
): { state: DevicesState; notices: DeviceNotice[] } {
  const next: DevicesState = { ...state, ...lists };
  const notices: DeviceNotice[] = [];
  // Unplugged devices in use. An output in use for both speaker and ringer is one notice.
  const gone = new Map<string, { device: AudioDevice; roles: DeviceRole[] }>();
  for (const role of DEVICE_ROLES) {
    const id = state[role];
    if (id === undefined || devicesFor(lists, role).some((device) => device.id === id)) continue;
    next[role] = undefined;
    const device = devicesFor(state, role).find((candidate) => candidate.id === id) ?? {
      id,
      label: '',
      groupId: '',
    };
    const entry = gone.get(`${role === 'microphone'}:${id}`) ?? { device, roles: [] };
    entry.roles.push(role);
    gone.set(`${role === 'microphone'}:${id}`, entry);
  }
  for (const { device, roles } of gone.values()) notices.push({ type: 'unplugged', device, roles });
  // Newly plugged devices. The first list with names (the page was just allowed the
  // microphone) shows devices that were there all along: nothing is new then.
  const learning = !state.labels && lists.labels;
  const added = (before: readonly AudioDevice[], after: readonly AudioDevice[]) =>
    learning ? [] : after.filter((device) => !before.some((known) => known.id === device.id));
  for (const device of added(state.inputs, lists.inputs)) {
    const taken: DeviceRole[] = state.autoSwitch ? ['microphone'] : [];
    if (state.autoSwitch) next.microphone = device.id;
    notices.push({ type: 'connected', device, kind: 'input', taken });
  }
  for (const device of added(state.outputs, lists.outputs)) {
    const taken: DeviceRole[] = state.autoSwitch && state.outputSelection ? ['speaker'] : [];
    if (taken.length > 0) next.speaker = device.id;
    notices.push({ type: 'connected', device, kind: 'output', taken });
  }
  return { state: next, notices };
}

/** The roles whose device differs between two choices. */
export function changedRoles(before: DeviceChoice, after: DeviceChoice): DeviceRole[] {
  return DEVICE_ROLES.filter((role) => before[role] !== after[role]);
}

/** A device's name, or undefined when the browser does not tell it yet. */
export function deviceLabel(
  state: Pick<DevicesState, 'inputs' | 'outputs'>,
  role: DeviceRole,
  id: string | undefined,
): string | undefined {
  if (id === undefined) return undefined;
  return devicesFor(state, role).find((device) => device.id === id)?.label || undefined;
}
