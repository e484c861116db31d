/**
 * `softphone-core.js`, loaded by `softphone.js` (which draws every `<sip-call-button>` at
 * rest): defines the call button at the first intent on one (call-buttons-at-rest.ts), and
 * the other elements only when the page has them.
 */
import './default-sounds.js';
import { callButtonsAtRest } from './call-buttons-at-rest.js';
import { defineOnDemand } from './define-on-demand.js';
import { connectEarly } from './early-connection.js';
import { chunkFiles, preloadModules } from './preload.js';

callButtonsAtRest(() => import('../elements/call-button/sip-call-button.js'));

defineOnDemand({
  // An agent's phone registers as it connects: its engine and its credentials come beside
  // its module, not after it.
  'sip-phone': () => {
    preloadModules(chunkFiles().phone);
    for (const phone of document.querySelectorAll('sip-phone')) void connectEarly(phone, true);
    return import('../elements/phone/sip-phone.js');
  },
  'sip-dialpad': () => import('../elements/dialpad/sip-dialpad.js'),
  'sip-quality-indicator': () => import('../elements/quality-indicator/sip-quality-indicator.js'),
  'sip-preflight': () => import('../elements/preflight/sip-preflight.js'),
});
