/**
 * The npm entry: registers `<sip-dialpad>`, `<sip-phone>`, `<sip-call-button>`,
 * `<sip-quality-indicator>` and `<sip-preflight>`, and exports their classes and the
 * engine's types. The engine itself (JsSIP) is loaded on demand by the elements, or
 * imported headless from `@helpline/softphone/engine`.
 */
export { type CallButtonState, SipCallButton } from './elements/call-button/sip-call-button.js';
export { type DialpadKey, SipDialpad } from './elements/dialpad/sip-dialpad.js';
export { SipPhone } from './elements/phone/sip-phone.js';
export { SipPreflight } from './elements/preflight/sip-preflight.js';
export { SipQualityIndicator } from './elements/quality-indicator/sip-quality-indicator.js';
export type { PhoneApi } from './elements/shared/engine-api.js';
export type { SipEventDetails, SipEventName } from './elements/shared/events.js';
export type { ResolvedConfig } from './engine/config.js';
export type * from './engine/types.js';
