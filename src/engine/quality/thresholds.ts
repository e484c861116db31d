/** Default warning thresholds (their own module: the configuration check imports them). */
import type { QualityThresholds } from './types';

/**
 * Defaults, starting from Twilio's (twilio/twilio-voice.js, lib/twilio/statsMonitor.ts) and
 * changed where our MOS and sampling differ:
 * - rtt 400 ms and jitter 30 ms: Twilio's; 400 ms RTT is ~200 ms one way before the jitter
 *   buffer, beyond G.114's 150 ms where conversation starts to overlap.
 * - loss 3 % per interval instead of Twilio's 1 %: at 50 packets/s a single lost packet is
 *   already 2 % of a 1 s interval, and Opus FEC and concealment hide it; 3 % (Twilio's
 *   7-sample average limit), sustained for 3 of 5 seconds, is loss people hear.
 * - MOS 3.5 instead of 3: ITU-T G.109 (Table 1) rates R 60–70, MOS 3.1–3.6, "many users
 *   dissatisfied"; 3.5 (R ≈ 67) lies inside that band, not on its upper edge, so a call
 *   hovering at the border does not make the warning flap.
 * - audio level 0.001 (−60 dBFS): a working line carries room noise above it; digital
 *   silence or comfort noise from a broken media path stays below.
 */
export const DEFAULT_THRESHOLDS: QualityThresholds = {
  rttMs: 400,
  jitterMs: 30,
  lossFraction: 0.03,
  mos: 3.5,
  audioLevel: 0.001,
};
