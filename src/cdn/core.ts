/**
 * `softphone-core.js`, loaded by `softphone.js` (which draws every `<sip-call-button>` at
 * rest): defines the call button at the first intent on one (call-buttons-at-rest.ts), and
 * the other elements only when the page has them.
 */
import './default-sounds.js';
import { keepEarlyPhone } from '../elements/shared/early-phone.js';
import { callButtonsAtRest } from './call-buttons-at-rest.js';
import { defineOnDemand } from './define-on-demand.js';
import { AGENT_PHONE, firstRegistration, startPhoneEarly } from './early-phone.js';

callButtonsAtRest(() => import('../elements/call-button/sip-call-button.js'));

defineOnDemand({
  // An agent's phone registers as it connects: its engine and its credentials come beside
  // its module, not after it (the loader has them fetched: preload.ts, preloadAgentPhone),
  // and its phone starts as the engine is in (early-phone.ts). The element's module comes
  // after its first registration (firstRegistration says why).
  'sip-phone': async () => {
    const started = [...document.querySelectorAll('sip-phone')].map((phone) => {
      const early = startPhoneEarly(phone, AGENT_PHONE);
      keepEarlyPhone(phone, early);
      return firstRegistration(early);
    });
    await Promise.all(started);
    return import('../elements/phone/sip-phone.js');
  },
  'sip-dialpad': () => import('../elements/dialpad/sip-dialpad.js'),
  'sip-quality-indicator': () => import('../elements/quality-indicator/sip-quality-indicator.js'),
  'sip-preflight': () => import('../elements/preflight/sip-preflight.js'),
});
