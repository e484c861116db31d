import type { FallbackReason } from '../engine/callback-request.js';

/** `<sip-call-button>`'s fallbacks when a call cannot happen (README "Fallbacks"). */
export interface FallbackMessages {
  /** What happened, in plain words. */
  reason: Record<FallbackReason, string>;
  /** Introduces what the page offers instead. */
  otherWays: string;
  /** The `tel:` link. */
  callUsOn: (number: string) => string;
  /** The call-back form: its name, the field, the hint under it and the button. */
  callbackTitle: string;
  numberLabel: string;
  numberHint: string;
  numberInvalid: string;
  requestCallback: string;
  sending: string;
  sent: (number: string) => string;
  failed: string;
  retry: string;
}
