/**
 * The form that names who a call goes to: a labelled text input, one-press targets when
 * there are any, the submit and any further action. `<sip-phone>`'s transfer, add-to-call
 * and listen-in forms are this form, each with its own parts: `<name>-form`, `<name>-input`,
 * `<name>-target` (each one-press target) and `<name>-submit`.
 */
import { html, nothing, type TemplateResult } from 'lit';

export interface TargetFormInput {
  /** The parts' prefix. */
  name: 'transfer' | 'add' | 'listen';
  /** The form's id, for a toggle's `aria-controls`. */
  formId?: string;
  inputId: string;
  label: string;
  value: string;
  /** One-press targets, labelled like the input. */
  targets: readonly string[];
  /** A step is under way: the targets and the submit wait. */
  busy: boolean;
  submitLabel: string;
  /** Beside the submit (the transfer form's Consult). */
  extraAction?: TemplateResult | typeof nothing;
  input(value: string): void;
  /** The typed target (submit) or a one-press target. */
  choose(target: string): void;
}

export function renderTargetForm(form: TargetFormInput): TemplateResult {
  const { name, label, busy } = form;
  return html`<form
    id=${form.formId ?? nothing}
    part="${name}-form"
    class="transfer"
    @submit=${(event: SubmitEvent) => {
      event.preventDefault();
      form.choose(form.value);
    }}
  >
    <label for=${form.inputId}>${label}</label>
    <input
      id=${form.inputId}
      part="${name}-input"
      autocomplete="off"
      spellcheck="false"
      .value=${form.value}
      @input=${(event: InputEvent) => form.input((event.target as HTMLInputElement).value)}
    />
    ${
      form.targets.length > 0
        ? html`<div class="transfer-targets" role="group" aria-label=${label}>
            ${form.targets.map(
              (target) => html`<button
                type="button"
                class="btn"
                part="${name}-target"
                ?disabled=${busy}
                @click=${() => form.choose(target)}
              >
                ${target}
              </button>`,
            )}
          </div>`
        : nothing
    }
    <div class="transfer-actions">
      <button type="submit" class="btn accent" part="${name}-submit" ?disabled=${busy}>
        ${form.submitLabel}
      </button>
      ${form.extraAction ?? nothing}
    </div>
  </form>`;
}
