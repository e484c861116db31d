/**
 * A phone's quality report, sent in its dialog as SIP INFO (RFC 6086 allows any body the
 * two ends agree on): `Content-Type: application/vnd.helpline.quality+json`, body
 * `{"warnings":["high-loss"],"mos":{"inbound":3.1,"outbound":4.2}}`: the warnings active
 * now (an empty list clears them) and, from newer widgets, the phone's own average MOS so
 * far in each direction (`mos` absent in older ones; either value null while unrated). The
 * widget sends one when its warnings or its rating change (src/engine/quality/far-end.ts);
 * a bridge passes it to the other leg, so an agent sees how the caller's line is doing.
 *
 * The body is the sender's text: read only as that shape, size-capped, and written again
 * from what was read (never relayed as received). Keys other than these two are ignored,
 * so a later widget may add one without older servers refusing its reports.
 */
export const QUALITY_INFO_TYPE = 'application/vnd.helpline.quality+json';

const MAX_BODY_BYTES = 512;
/** The warnings the widget raises (src/engine/quality/types.ts), and nothing else. */
const KNOWN_WARNINGS = new Set([
  'high-rtt',
  'high-jitter',
  'high-loss',
  'low-mos',
  'no-inbound-audio',
  'no-inbound-packets',
  'no-outbound-audio',
  'ice-disconnected',
]);
/** The MOS scale (ITU-T P.800.1), as the widget's E-model clamps it (mos.ts there). */
const MOS_MIN = 1;
const MOS_MAX = 4.5;

/** A phone's own average MOS so far: what it hears (inbound) and what it is heard with. */
export interface QualityInfoMos {
  inbound: number | null;
  outbound: number | null;
}

export interface QualityInfo {
  warnings: string[];
  /** Absent when the sender did not rate (an older widget). */
  mos?: QualityInfoMos;
}

export function isQualityInfo(contentType: string): boolean {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase() === QUALITY_INFO_TYPE;
}

/** One MOS value: a number on the scale, rounded to 2 decimals; null as null; else invalid. */
function readMos(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !(value >= MOS_MIN && value <= MOS_MAX)) return undefined;
  return Math.round(value * 100) / 100;
}

function readMosPair(value: unknown): QualityInfoMos | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { inbound, outbound } = value as { inbound?: unknown; outbound?: unknown };
  const pair = { inbound: readMos(inbound), outbound: readMos(outbound) };
  if (pair.inbound === undefined || pair.outbound === undefined) return undefined;
  return { inbound: pair.inbound, outbound: pair.outbound };
}

/**
 * The report of a quality INFO body: warnings sorted and without repeats, the MOS pair when
 * sent; undefined when malformed (a bad `mos` spoils the whole report, as a bad name does).
 */
export function readQualityInfo(body: Buffer): QualityInfo | undefined {
  if (body.length > MAX_BODY_BYTES) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { warnings, mos } = parsed as { warnings?: unknown; mos?: unknown };
  if (!Array.isArray(warnings)) return undefined;
  if (!warnings.every((name) => typeof name === 'string' && KNOWN_WARNINGS.has(name))) {
    return undefined;
  }
  const report: QualityInfo = { warnings: [...new Set(warnings as string[])].sort() };
  if (mos === undefined) return report;
  const pair = readMosPair(mos);
  return pair ? { ...report, mos: pair } : undefined;
}

/** The INFO body for `report`, as this server writes it. */
export function qualityInfoBody(report: QualityInfo): Buffer {
  const body = report.mos
    ? {
        warnings: report.warnings,
        mos: { inbound: report.mos.inbound, outbound: report.mos.outbound },
      }
    : { warnings: report.warnings };
  return Buffer.from(JSON.stringify(body));
}
