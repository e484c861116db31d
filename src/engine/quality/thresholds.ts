/** Default warning thresholds (their own module: the configuration check imports them). */
import type { QualityThresholds } from './types';

/**
 * Defaults, starting from Twilio's (peers.md) and changed where our MOS and sampling differ:
 * - rtt 400 ms and jitter 30 ms: Twilio's; 400 ms RTT is ~200 ms one way before the jitter
 *   buffer, beyond G.114's 150 ms where conversation starts to overlap.
 * - loss 3 % per interval instead of Twilio's 1 %: at 50 packets/s 1 % is a single lost
 *   packet, which Opus FEC and concealment hide; 3 % (Twilio's 7-sample average limit),
 *   sustained for 3 of 5 seconds, is loss people hear.
 * - MOS 3.5 instead of 3: our E-model includes the codec and the real jitter-buffer delay,
 *   so it runs lower than Twilio's; R below ~70 (MOS ~3.6) is where G.109 rates
 *   "many users dissatisfied".
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
