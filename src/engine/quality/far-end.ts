/**
 * The far end's view of the call: each phone sends its quality report in the dialog as SIP
 * INFO (RFC 6086), `Content-Type: application/vnd.helpline.quality+json`, body
 * `{"warnings":["high-loss"],"mos":{"inbound":3.1,"outbound":4.2}}`: the warnings active
 * now (an empty list clears them) and its own average MOS so far in each direction (null
 * while unrated; absent from phones older than this field). The media server passes it
 * across its bridge (backend/media/src/sip/quality-info.ts), so an agent sees that the
 * caller's line drops audio, and the caller's phone the agent's.
 */
import type { FarEndMos, FarEndWarningEntry, QualityWarningName } from './types';

export const QUALITY_INFO_TYPE = 'application/vnd.helpline.quality+json';

/** What one INFO says. */
export interface FarEndReport {
  warnings: QualityWarningName[];
  /** Absent when the sender did not rate (an older phone). */
  mos?: FarEndMos;
}

/** A report larger than this is not one of ours. */
const MAX_BODY_LENGTH = 512;
const KNOWN: ReadonlySet<string> = new Set<QualityWarningName>([
  'high-rtt',
  'high-jitter',
  'high-loss',
  'low-mos',
  'no-inbound-audio',
  'no-inbound-packets',
  'no-outbound-audio',
  'ice-disconnected',
]);
/** The MOS scale as mos.ts clamps it. */
const MOS_MIN = 1;
const MOS_MAX = 4.5;

/** Two decimals: what a person reads, and a body that stays small. */
function round(mos: number | null): number | null {
  return mos === null ? null : Math.round(mos * 100) / 100;
}

/** The INFO body that shares `warnings` and, when rated, our own MOS averages. */
export function farEndReport(warnings: readonly QualityWarningName[], mos?: FarEndMos): string {
  if (!mos) return JSON.stringify({ warnings });
  return JSON.stringify({
    warnings,
    mos: { inbound: round(mos.inbound), outbound: round(mos.outbound) },
  });
}

/** One MOS: on the scale, or null (also when left out); undefined when invalid. */
function readMos(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' && value >= MOS_MIN && value <= MOS_MAX ? value : undefined;
}

function readMosPair(value: unknown): FarEndMos | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { inbound, outbound } = value as { inbound?: unknown; outbound?: unknown };
  const pair = { inbound: readMos(inbound), outbound: readMos(outbound) };
  if (pair.inbound === undefined || pair.outbound === undefined) return undefined;
  return { inbound: pair.inbound, outbound: pair.outbound };
}

/**
 * The far end's report from an INFO (warnings sorted, once each), or undefined for an INFO
 * that is not a well-formed quality report (another content type, other names, other
 * shapes, a MOS off the scale). Keys other than `warnings` and `mos` are ignored, so a
 * later phone may add one.
 */
export function readFarEndReport(
  contentType: string | undefined,
  body: string | undefined,
): FarEndReport | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== QUALITY_INFO_TYPE || !body || body.length > MAX_BODY_LENGTH) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { warnings, mos } = parsed as { warnings?: unknown; mos?: unknown };
  if (!Array.isArray(warnings) || !warnings.every((name) => KNOWN.has(name))) return undefined;
  const report: FarEndReport = { warnings: [...new Set(warnings as QualityWarningName[])].sort() };
  if (mos === undefined) return report;
  const pair = readMosPair(mos);
  return pair ? { ...report, mos: pair } : undefined;
}

/** The raised and cleared entries from the far end's warnings `before` to `after`. */
export function farEndChanges(
  before: readonly QualityWarningName[],
  after: readonly QualityWarningName[],
  at: number,
): FarEndWarningEntry[] {
  const cleared = before.filter((name) => !after.includes(name));
  const raised = after.filter((name) => !before.includes(name));
  return [
    ...cleared.map((warning) => ({ warning, raised: false, at })),
    ...raised.map((warning) => ({ warning, raised: true, at })),
  ];
}
