/**
 * The far end's view of the call: each phone sends its quality warnings in the dialog as
 * SIP INFO (RFC 6086), `Content-Type: application/vnd.helpline.quality+json`, body
 * `{"warnings":["high-loss"]}` (the warnings active now; an empty list clears them). The
 * media server passes them across its bridge (backend/media/src/sip/quality-info.ts), so an
 * agent sees that the caller's line drops audio, and the caller's phone the agent's.
 */
import type { QualityWarningName } from './types';

export const QUALITY_INFO_TYPE = 'application/vnd.helpline.quality+json';

/** A report larger than this is not one of ours. */
const MAX_BODY_LENGTH = 512;
const KNOWN: ReadonlySet<string> = new Set<QualityWarningName>([
  'high-rtt',
  'high-jitter',
  'high-loss',
  'low-mos',
  'no-inbound-audio',
  'no-inbound-packets',
  'ice-disconnected',
]);

/** The INFO body that shares `warnings`. */
export function farEndReport(warnings: readonly QualityWarningName[]): string {
  return JSON.stringify({ warnings });
}

/**
 * The far end's warnings from an INFO (sorted, once each), or undefined for an INFO that is
 * not a well-formed quality report (another content type, other names, other shapes).
 */
export function readFarEndReport(
  contentType: string | undefined,
  body: string | undefined,
): QualityWarningName[] | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== QUALITY_INFO_TYPE || !body || body.length > MAX_BODY_LENGTH) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const warnings =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as { warnings?: unknown }).warnings
      : undefined;
  if (!Array.isArray(warnings) || !warnings.every((name) => KNOWN.has(name))) return undefined;
  return [...new Set(warnings as QualityWarningName[])].sort();
}
