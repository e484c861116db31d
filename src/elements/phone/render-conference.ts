/**
 * `<sip-phone>`'s 3-way call and listen-in controls: the "Add to call" button and its form
 * (a party typed or picked from `transfer-targets`), the list of parties added with a Drop
 * button each, and a supervisor's "Listen in" form. Pure rendering: the element keeps the
 * form state and forwards the intents to the engine controller.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { Messages } from '../../i18n/messages.js';
import type { CallView } from '../shared/view-state.js';

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
        ? html`<form
            id="add-form"
            part="add-form"
            class="transfer"
            @submit=${(event: SubmitEvent) => {
              event.preventDefault();
              input.add(input.value);
            }}
          >
            <label for="add-target">${t.addParty}</label>
            <input
              id="add-target"
              part="add-input"
              autocomplete="off"
              spellcheck="false"
              .value=${input.value}
              @input=${(event: InputEvent) => input.input((event.target as HTMLInputElement).value)}
            />
            ${
              candidates.length > 0
                ? html`<div class="transfer-targets" role="group" aria-label=${t.addParty}>
                    ${candidates.map(
                      (target) => html`<button
                        type="button"
                        class="btn"
                        part="add-target"
                        ?disabled=${busy}
                        @click=${() => input.add(target)}
                      >
                        ${target}
                      </button>`,
                    )}
                  </div>`
                : nothing
            }
            <button type="submit" class="btn accent" part="add-submit" ?disabled=${busy}>
              ${t.addCall}
            </button>
          </form>`
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
  return html`<form
    part="listen-form"
    class="transfer"
    @submit=${(event: SubmitEvent) => {
      event.preventDefault();
      input.listen(input.value);
    }}
  >
    <label for="listen-agent">${t.listenTo}</label>
    <input
      id="listen-agent"
      part="listen-input"
      autocomplete="off"
      spellcheck="false"
      .value=${input.value}
      @input=${(event: InputEvent) => input.input((event.target as HTMLInputElement).value)}
    />
    <button type="submit" class="btn accent" part="listen-submit" ?disabled=${input.disabled}>
      ${t.listenCall}
    </button>
  </form>`;
}
