import { html, nothing, type TemplateResult } from 'lit';
import type { FallbackReason } from '../../engine/callback-request.js';
import type { FallbackMessages } from '../../i18n/fallback.js';
import type { Messages } from '../../i18n/index.js';
import { icons } from '../shared/render/icons.js';
import type { CallbackForm } from './callback-form.js';
import type { FallbackConfig } from './fallback-config.js';
import { renderPreflightLink } from './preflight-link.js';

export interface FallbackInput {
  reason: FallbackReason;
  config: FallbackConfig;
  form: CallbackForm;
  /** For the link to the self-check. */
  t: Pick<Messages, 'checkSetup'>;
  /** The fallback strings of the element's language (i18n/fallback.ts). */
  f: FallbackMessages;
}

/**
 * When a call cannot happen: what happened (an alert, read out as it appears), then what
 * the page offers instead: its number as a `tel:` link, and the call-back form. Every
 * string shown is ours or the page's own attribute, rendered as text.
 */
export function renderFallback({ reason, config, form, t, f }: FallbackInput): TemplateResult {
  return html`<section
    id="fallback"
    part="fallback"
    class="fallback"
    tabindex="-1"
    aria-labelledby="fallback-reason"
  >
    <p id="fallback-reason" part="fallback-reason" class="fallback-reason" role="alert">
      ${f.reason[reason]}
    </p>
    <p class="other-ways">${f.otherWays}</p>
    ${
      config.tel
        ? html`<a part="fallback-tel" class="btn tel" href="tel:${config.tel.number}"
            >${icons.phone()}<span>${f.callUsOn(config.tel.shown)}</span></a
          >`
        : nothing
    }
    ${config.callbackUrl ? renderCallbackForm(form, f) : nothing}
    ${renderPreflightLink(config.preflightUrl, t)}
  </section>`;
}

function renderCallbackForm(form: CallbackForm, f: FallbackMessages): TemplateResult {
  if (form.step === 'sent') {
    return html`<p id="callback-sent" part="callback-sent" class="callback-sent" role="status" tabindex="-1">
      ${f.sent(form.sentNumber ?? '')}
    </p>`;
  }
  const sending = form.step === 'sending';
  const describedBy = ['callback-hint', form.invalid ? 'callback-error' : ''].join(' ').trim();
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('number');
    void form.submit(input instanceof HTMLInputElement ? input.value : '');
  };
  return html`<form
    part="callback-form"
    class="callback"
    novalidate
    aria-labelledby="callback-title"
    @submit=${onSubmit}
  >
    <p id="callback-title" class="callback-title">${f.callbackTitle}</p>
    <label for="callback-number">${f.numberLabel}</label>
    <input
      id="callback-number"
      part="callback-number"
      name="number"
      type="tel"
      autocomplete="tel"
      inputmode="tel"
      maxlength="40"
      required
      aria-invalid=${form.invalid ? 'true' : 'false'}
      aria-describedby=${describedBy}
    />
    <p id="callback-hint" class="hint">${f.numberHint}</p>
    ${
      form.invalid
        ? html`<p id="callback-error" part="callback-error" class="field-error" role="alert">
            ${f.numberInvalid}
          </p>`
        : nothing
    }
    ${
      form.step === 'failed'
        ? html`<p part="callback-failed" class="field-error" role="alert">${f.failed}</p>`
        : nothing
    }
    <button
      type="submit"
      part="callback-submit"
      class="btn accent"
      aria-disabled=${sending ? 'true' : 'false'}
    >
      ${sending ? f.sending : form.step === 'failed' ? f.retry : f.requestCallback}
    </button>
  </form>`;
}
