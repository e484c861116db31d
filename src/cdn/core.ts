/**
 * `softphone-core.js`, loaded by `softphone.js`: defines `<sip-call-button>` at once (its
 * in-call panel comes with the engine on intent) and the other elements only when the
 * page has them.
 */
import './default-sounds.js';
import '../elements/call-button/sip-call-button.js';
import { defineOnDemand } from './define-on-demand.js';

defineOnDemand({
  // An agent's phone registers as it connects: its engine downloads beside it, not after.
  'sip-phone': () =>
    Promise.all([import('../elements/phone/sip-phone.js'), import('../engine/index.js')]),
  'sip-dialpad': () => import('../elements/dialpad/sip-dialpad.js'),
  'sip-quality-indicator': () => import('../elements/quality-indicator/sip-quality-indicator.js'),
  'sip-preflight': () => import('../elements/preflight/sip-preflight.js'),
});
