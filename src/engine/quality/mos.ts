/**
 * Mean opinion score from the ITU-T G.107 E-model (06/2015), narrowband scale.
 *
 *   R = (Ro − Is) − Id − Ie-eff + A
 *
 * - Ro − Is = 93.36: G.107's default planning values (SLR 8, RLR 2, STMR 15, room noise
 *   35/45 dB(A), Nc −70 dBm0…) give Ro = 94.77 and Is = 1.41. With no delay Id ≈ 0.15, so
 *   an undisturbed G.711 call rates R = 93.2, MOS 4.41, as G.107 states; with its own 20 ms
 *   packet counted as delay, the best a G.711 call can show is R 92.5, MOS 4.40. A = 0 (no
 *   "advantage of access" credit: a web page is not a mobile phone in a lift).
 * - Id = Idte + Idle + Idd with mouth-to-ear delay Ta (caller's estimate, see
 *   {@link oneWayDelayMs}), T = Ta and Tr = 2·Ta as G.107 assumes by default:
 *   Idte (talker echo) with TELR = 65 dB (the default, and what a browser with acoustic
 *   echo cancellation achieves), Idle (listener echo) with WEPL = 110 dB, and Idd (pure
 *   delay) with the default delay sensitivity (mT = 100 ms, sT = 1).
 * - Ie-eff = Ie + (95 − Ie) · Ppl / (Ppl / BurstR + Bpl), with BurstR = 1: getStats() gives
 *   no burst information, so loss is taken as random.
 * - MOS = 1 + 0.035 R + R (R − 60)(100 − R) · 7·10⁻⁶ (G.107 Annex B), 1 below R = 0 and
 *   4.5 above R = 100.
 *
 * How this differs from Twilio's simplified formula (twilio/twilio-voice.js,
 * lib/twilio/rtc/mos.ts): Twilio uses `R = 94.768 − effLat/40` (or `− (effLat − 120)/10`) with `effLat = rtt + 2·jitter + 10`
 * and `R −= 2.5 · loss%`, the same for every codec. Here (1) the codec counts: its Ie, its
 * loss robustness Bpl (5 % loss costs G.711 with concealment ~16 R points and Opus
 * ~13, where Twilio takes a flat 12.5 for any codec), and its algorithmic plus packetization delay;
 * (2) the delay is the jitter-buffer delay the browser actually applied, not a
 * `2·jitter` guess; (3) delay costs follow G.107's Idd curve (nothing below 100 ms one-way,
 * then steeper) plus the echo terms, instead of two straight lines.
 */

/** Codec parameters for the E-model. */
export interface CodecProfile {
  /** Equipment impairment without loss. */
  ie: number;
  /** Packet-loss robustness factor. */
  bpl: number;
  /** Frame + look-ahead + packetization delay added to the one-way delay, ms. */
  codecDelayMs: number;
}

/**
 * G.711 (PCMU, PCMA): Ie = 0, Bpl = 25.1 — ITU-T G.113 Appendix I (11/2007), Table I.3,
 * G.711 with packet-loss concealment per G.711 Appendix I (browsers conceal loss with
 * NetEq). Delay: one 20 ms packet (the WebRTC default ptime), no look-ahead.
 */
const G711: CodecProfile = { ie: 0, bpl: 25.1, codecDelayMs: 20 };

/**
 * Opus: ITU-T has published no narrowband Ie/Bpl for it (G.113 Appendix I predates it).
 * Ie = 0: at WebRTC's default bitrate Opus is at least as clean as G.711, and the
 * narrowband scale cannot credit its wider band. Bpl = 30 is our assumption, not a
 * published value: above G.711's 25.1 because browsers negotiate Opus in-band FEC
 * (`useinbandfec=1`), which recovers isolated losses. Delay: 20 ms frame + 6.5 ms
 * look-ahead = 26.5 ms (RFC 6716 §2, default algorithmic delay).
 */
const OPUS: CodecProfile = { ie: 0, bpl: 30, codecDelayMs: 26.5 };

const PROFILES: Record<string, CodecProfile> = {
  'audio/pcmu': G711,
  'audio/pcma': G711,
  'audio/opus': OPUS,
};

/** The E-model profile of a codec (`audio/opus`, `audio/PCMU`…); G.711's when unknown. */
export function codecProfile(mimeType: string | undefined): CodecProfile {
  return PROFILES[(mimeType ?? '').toLowerCase()] ?? G711;
}

/** Mouth-to-ear delay estimate: half the round trip, the jitter buffer, and the codec. */
export function oneWayDelayMs(rttMs: number, jitterBufferDelayMs: number, codec: CodecProfile) {
  return rttMs / 2 + jitterBufferDelayMs + codec.codecDelayMs;
}

/** Ro − Is with G.107's default planning values. */
const RO_MINUS_IS = 93.36;
/** Defaults of G.107 Table 1 used by the echo terms. */
const RO = 94.77;
const TELR_DB = 65;
const WEPL_DB = 110;
/** Roe = −1.5 (No − 2) with the default total noise No = −61.18 dBm0p. */
const ROE = -1.5 * (-61.18 - 2);

/** Talker-echo impairment Idte (G.107 §7.4) for mean one-way echo path delay `t` ms. */
function talkerEcho(t: number): number {
  const terv = TELR_DB - 40 * Math.log10((1 + t / 10) / (1 + t / 150)) + 6 * Math.exp(-0.3 * t * t);
  const re = 80 + 2.5 * (terv - 14);
  const half = (ROE - re) / 2;
  return (half + Math.sqrt(half * half + 100) - 1) * (1 - Math.exp(-t));
}

/** Listener-echo impairment Idle (G.107 §7.4) for round-trip delay `tr` ms. */
function listenerEcho(tr: number): number {
  const rle = 10.5 * (WEPL_DB + 7) * (tr + 1) ** -0.25;
  const half = (RO - rle) / 2;
  return half + Math.sqrt(half * half + 169);
}

/** Pure-delay impairment Idd (G.107 §7.4, mT = 100 ms, sT = 1) for one-way delay `ta` ms. */
function absoluteDelay(ta: number): number {
  if (ta <= 100) return 0;
  const x = Math.log10(ta / 100) / Math.log10(2);
  return 25 * ((1 + x ** 6) ** (1 / 6) - 3 * (1 + (x / 3) ** 6) ** (1 / 6) + 2);
}

/** Id: every delay-related impairment for a mouth-to-ear delay of `ta` ms. */
export function delayImpairment(ta: number): number {
  return talkerEcho(ta) + listenerEcho(2 * ta) + absoluteDelay(ta);
}

/** Ie-eff for a loss of `lossFraction` (0–1), random loss (BurstR = 1). */
export function lossImpairment(lossFraction: number, codec: CodecProfile): number {
  const ppl = Math.min(Math.max(lossFraction, 0), 1) * 100;
  return codec.ie + ((95 - codec.ie) * ppl) / (ppl + codec.bpl);
}

export interface EModelInput {
  /** Mouth-to-ear delay, ms. */
  oneWayDelayMs: number;
  /** Packet loss, 0–1. */
  lossFraction: number;
  codec: CodecProfile;
}

/** The transmission rating R, 0–100. */
export function rFactor({ oneWayDelayMs, lossFraction, codec }: EModelInput): number {
  const r = RO_MINUS_IS - delayImpairment(oneWayDelayMs) - lossImpairment(lossFraction, codec);
  return Math.min(Math.max(r, 0), 100);
}

/**
 * R → MOS (G.107 Annex B). The Annex's polynomial dips below 1 for R under ≈ 6.5 (0.989 at
 * R = 3); the MOS scale ends at 1, so it is clamped there.
 */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return Math.max(1, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6);
}
