/**
 * `<sip-phone>`'s 3-way call and listen-in controls: the "Add to call" button and its form
 * (a party typed or picked from `transfer-targets`), the list of parties added with a Drop
 * button each, and a supervisor's "Listen in" form. Pure rendering: the element keeps the
 * form state and forwards the intents to the engine controller.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Messages } from '../../i18n/messages.js';
import type { CallView } from '../shared/view-state.js';
import { renderTargetForm } from './render-target-form.js';

export interface AddPartyInput {
  call: CallView;
  t: Messages;
  open: boolean;
  /** The typed party. */
  value: string;
  /** One-press parties (the element's `transfer-targets`). */
  targets: readonly string[];
  toggle(): void;
  input(value: string): void;
  add(target: string): void;
  drop(target: string): void;
}

/** The Add button, its form while open, and the parties in the call. */
export function renderAddParty(input: AddPartyInput): TemplateResult {
  const { call, t, open } = input;
  const busy = call.participantStep?.state === 'adding';
  const candidates = input.targets.filter((target) => !call.participants.includes(target));
  return html`${renderParticipants(input)}
    <button
      type="button"
      class="btn"
      part="add-toggle"
      aria-expanded=${open ? 'true' : 'false'}
      aria-controls="add-form"
      @click=${() => input.toggle()}
    >
      ${t.addToCall}
    </button>
    ${
      open
        ? renderTargetForm({
            name: 'add',
            formId: 'add-form',
            inputId: 'add-target',
            label: t.addParty,
            value: input.value,
            targets: candidates,
            busy,
            submitLabel: t.addCall,
            input: (value) => input.input(value),
            choose: (target) => input.add(target),
          })
        : nothing
    }`;
}

/** The parties added to the call, each with its Drop button; nothing when there are none. */
function renderParticipants({ call, t, drop }: AddPartyInput): TemplateResult | typeof nothing {
  if (call.participants.length === 0) return nothing;
  return html`<ul part="participants" class="participants" aria-label=${t.participants}>
    ${call.participants.map(
      (party) => html`<li part="participant" class="participant">
        <span part="participant-name">${party}</span>
        <button
          type="button"
          class="btn danger"
          part="drop"
          aria-label=${t.dropParty(party)}
          @click=${() => drop(party)}
        >
          ${t.drop}
        </button>
      </li>`,
    )}
  </ul>`;
}

export interface ListenInput {
  t: Messages;
  value: string;
  disabled: boolean;
  input(value: string): void;
  listen(agent: string): void;
}

/** A supervisor's listen-in form: the agent's name, and Listen in. */
export function renderListen(input: ListenInput): TemplateResult {
  const { t } = input;
  return renderTargetForm({
    name: 'listen',
    inputId: 'listen-agent',
    label: t.listenTo,
    value: input.value,
    targets: [],
    busy: input.disabled,
    submitLabel: t.listenCall,
    input: (value) => input.input(value),
    choose: (agent) => input.listen(agent),
  });
}
