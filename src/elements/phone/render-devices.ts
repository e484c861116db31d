/**
 * `<sip-phone>`'s device menu: the settings button, and its panel with one labelled select
 * per role (microphone, speaker, ringer), the microphone level, a test sound for each
 * output, the auto-switch choice; and the notice of what just happened to the devices.
 * Pure rendering: devices-controller.ts keeps the state and forwards the intents. Device
 * names come from the browser (and from the agent's hardware): they are rendered as text.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { AudioDevice, DeviceNotice, DeviceRole, DevicesState } from '../../engine/types.js';
import type { Messages } from '../../i18n/messages.js';
import { icon } from '../shared/render/icons.js';

export interface DevicesInput {
  t: Messages['devices'];
  devices: DevicesState;
  open: boolean;
  /** The microphone level, 0 to 1. */
  level: number;
  notice: DeviceNotice | undefined;
  toggle(): void;
  close(): void;
  /** `id` '' is the system default. */
  choose(role: DeviceRole, id: string): void;
  autoSwitch(on: boolean): void;
  test(output: 'speaker' | 'ringer'): void;
  allowNames(): void;
  use(device: AudioDevice, role: DeviceRole): void;
}

const HEADSET =
  'M12 1a9 9 0 0 0-9 9v7a3 3 0 0 0 3 3h3v-8H5v-2a7 7 0 0 1 14 0v2h-4v8h3a3 3 0 0 0 3-3v-7a9 9 0 0 0-9-9z';

const ROLES: readonly DeviceRole[] = ['microphone', 'speaker', 'ringer'];

/** The settings button that opens and closes the panel. */
export function renderDevicesToggle(input: DevicesInput): TemplateResult {
  return html`<button
    type="button"
    class="btn devices-toggle"
    part="devices-toggle"
    aria-label=${input.t.menu}
    aria-expanded=${input.open ? 'true' : 'false'}
    aria-controls="devices-panel"
    @click=${() => input.toggle()}
  >
    ${icon('headset', HEADSET)}
  </button>`;
}

/** The panel (while open) and the notice (a live region, always there so changes are read). */
export function renderDevices(input: DevicesInput): TemplateResult {
  return html`${renderNotice(input)} ${input.open ? renderPanel(input) : nothing}`;
}

/** A device's name, or "Microphone 1" / "Output 2" while the browser keeps names back. */
function nameOf(
  t: Messages['devices'],
  role: DeviceRole,
  state: DevicesState,
  device: AudioDevice,
) {
  if (device.label) return device.label;
  const list = listOf(state, role);
  const index = list.findIndex((candidate) => candidate.id === device.id);
  return t.unnamed(
    role === 'microphone' ? 'input' : 'output',
    index >= 0 ? index + 1 : list.length + 1,
  );
}

function listOf(state: DevicesState, role: DeviceRole): readonly AudioDevice[] {
  return role === 'microphone' ? state.inputs : state.outputs;
}

function rolesText(t: Messages['devices'], roles: readonly DeviceRole[]): string {
  return roles.map((role) => t.role[role]).join(` ${t.and} `);
}

function renderNotice(input: DevicesInput): TemplateResult {
  const { t, notice, devices } = input;
  let text = '';
  let use: TemplateResult | typeof nothing = nothing;
  if (notice?.type === 'unplugged') {
    const name = nameOf(t, notice.roles[0] ?? 'microphone', devices, notice.device);
    text = t.unplugged(name, rolesText(t, notice.roles));
  } else if (notice?.type === 'connected') {
    const role: DeviceRole = notice.kind === 'input' ? 'microphone' : 'speaker';
    const name = nameOf(t, role, devices, notice.device);
    const inUse = devices[role] === notice.device.id;
    text =
      notice.taken.length > 0
        ? t.connectedTaken(name, rolesText(t, notice.taken))
        : t.connectedOffered(name);
    // Only offered (auto-switch off): a button takes it (an output only where the browser
    // can choose one).
    const offer =
      notice.taken.length === 0 && !inUse && (role === 'microphone' || devices.outputSelection);
    if (offer) {
      use = html`<button
        type="button"
        class="btn"
        part="device-use"
        @click=${() => input.use(notice.device, role)}
      >
        ${t.use(name)}
      </button>`;
    }
  }
  // The live region stays in the page when empty (only visually hidden): a region that
  // appears with its text is not announced by every screen reader.
  return html`<div class="device-notice ${text ? '' : 'quiet'}" part="device-notice">
    <p role="status">${text}</p>
    ${use}
  </div>`;
}

function renderPanel(input: DevicesInput): TemplateResult {
  const { t, devices } = input;
  return html`<section
    id="devices-panel"
    part="devices"
    class="devices"
    aria-label=${t.menu}
    @keydown=${(event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        input.close();
      }
    }}
  >
    ${ROLES.map((role) => renderRole(input, role))}
    ${
      devices.labels
        ? nothing
        : html`<p class="hint" part="device-names-hint">${t.namesHidden}</p>
            <button type="button" class="btn" part="allow-device-names" @click=${() => input.allowNames()}>
              ${t.allowNames}
            </button>`
    }
    <label class="auto-switch">
      <input
        type="checkbox"
        part="auto-switch"
        .checked=${devices.autoSwitch}
        @change=${(event: Event) => input.autoSwitch((event.target as HTMLInputElement).checked)}
      />
      ${t.autoSwitch}
    </label>
    <button type="button" class="btn" part="devices-close" @click=${() => input.close()}>
      ${t.close}
    </button>
  </section>`;
}

function renderRole(input: DevicesInput, role: DeviceRole): TemplateResult {
  const { t, devices } = input;
  const list = listOf(devices, role);
  const chosen = devices[role] ?? '';
  const output = role !== 'microphone';
  const unsupported = output && !devices.outputSelection;
  const id = `device-${role}`;
  return html`<div class="device-role" data-role=${role}>
    <label for=${id}>${t.label[role]}</label>
    <select
      id=${id}
      part="device-select"
      data-role=${role}
      ?disabled=${unsupported}
      aria-describedby=${unsupported ? `${id}-note` : nothing}
      @change=${(event: Event) => input.choose(role, (event.target as HTMLSelectElement).value)}
    >
      <option value="" ?selected=${chosen === ''}>${t.systemDefault}</option>
      ${list.map(
        (device) =>
          html`<option value=${device.id} ?selected=${device.id === chosen}>
            ${nameOf(t, role, devices, device)}
          </option>`,
      )}
    </select>
    ${
      unsupported
        ? html`<p id=${`${id}-note`} class="hint" part="device-unsupported">${t.outputNotSupported}</p>`
        : nothing
    }
    ${
      role === 'microphone'
        ? html`<label for="device-level">${t.level}</label>
            <meter id="device-level" part="microphone-level" min="0" max="1" .value=${input.level}></meter>`
        : html`<button
            type="button"
            class="btn"
            part="test-sound"
            data-output=${role}
            aria-label=${t.playTestSoundOn(t.role[role])}
            @click=${() => input.test(role)}
          >
            ${t.playTestSound}
          </button>`
    }
  </div>`;
}

/** The menu's layout, added to `<sip-phone>`'s styles. */
export const devicesStyles = css`
  .devices-toggle {
    margin-inline-start: auto;
    min-width: var(--sip-target-size, 44px);
  }
  .devices {
    display: grid;
    gap: 0.75rem;
    padding: 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .device-role {
    display: grid;
    gap: 0.25rem;
  }
  .device-role select {
    min-height: var(--sip-target-size, 44px);
    font: inherit;
  }
  .device-role meter {
    width: 100%;
  }
  .auto-switch {
    display: flex;
    gap: 0.5rem;
    align-items: center;
  }
  .device-notice p {
    margin: 0;
  }
  /* Empty: out of the layout, still in the accessibility tree. */
  .device-notice.quiet {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }
`;
