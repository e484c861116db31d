/**
 * The call-back form's state: the visitor types a number, it is checked by the same rule
 * as the receiver's (src/engine/phone-number.ts), sent (callback-sender.ts), and the form
 * says sent, or failed with a way to try again. Rendering is render-fallback.ts.
 */
import type { ReactiveControllerHost } from 'lit';
import type { CallbackRequest } from '../../engine/callback-request.js';
import { parsePhoneNumber } from '../../engine/phone-number.js';
import { sendCallback } from './callback-sender.js';

export type CallbackStep = 'editing' | 'sending' | 'sent' | 'failed';

/** Where and what to send, or undefined when the page offers no call-back. */
export type CallbackTarget = { url: string; request: Omit<CallbackRequest, 'number'> } | undefined;

export class CallbackForm {
  step: CallbackStep = 'editing';
  /** The last number typed was not a phone number. */
  invalid = false;
  /** The number as the visitor typed it, once sent. */
  sentNumber: string | undefined;
  /** Move focus to the outcome once it is on screen (the form it replaces had it). */
  focusOutcome = false;
  private attempt = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly target: () => CallbackTarget,
  ) {}

  /** A new failure: a fresh form (a request still on its way is forgotten). */
  reset(): void {
    this.attempt += 1;
    this.step = 'editing';
    this.invalid = false;
    this.sentNumber = undefined;
    this.focusOutcome = false;
    this.host.requestUpdate();
  }

  async submit(typed: string): Promise<void> {
    const target = this.target();
    if (!target || this.step === 'sending' || this.step === 'sent') return;
    const number = parsePhoneNumber(typed);
    this.invalid = !number.ok;
    if (!number.ok) {
      this.host.requestUpdate();
      return;
    }
    const attempt = ++this.attempt;
    this.step = 'sending';
    this.host.requestUpdate();
    const outcome = await sendCallback(target.url, { ...target.request, number: number.number });
    if (attempt !== this.attempt) return;
    this.step = outcome;
    if (outcome === 'sent') {
      this.sentNumber = typed.trim();
      this.focusOutcome = true;
    }
    this.host.requestUpdate();
  }
}
