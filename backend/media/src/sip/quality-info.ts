/**
 * A phone's quality warnings, sent in its dialog as SIP INFO (RFC 6086 allows any body the
 * two ends agree on): `Content-Type: application/vnd.helpline.quality+json`, body
 * `{"warnings":["high-loss"]}`, the warnings active now (an empty list clears them). The
 * widget sends one when its set changes (src/engine/quality/remote-warnings.ts); a bridge
 * passes it to the other leg, so an agent sees how the caller's line is doing.
 *
 * The body is the sender's text: read only as that shape, size-capped, and written again
 * from what was read (never relayed as received).
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
  'ice-disconnected',
]);

export function isQualityInfo(contentType: string): boolean {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase() === QUALITY_INFO_TYPE;
}

/** The warnings of a quality INFO body, sorted and without repeats; undefined when malformed. */
export function readQualityInfo(body: Buffer): string[] | undefined {
  if (body.length > MAX_BODY_BYTES) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const warnings = (parsed as { warnings?: unknown }).warnings;
  if (!Array.isArray(warnings)) return undefined;
  if (!warnings.every((name) => typeof name === 'string' && KNOWN_WARNINGS.has(name))) {
    return undefined;
  }
  return [...new Set(warnings as string[])].sort();
}

/** The INFO body for `warnings`, as this server writes it. */
export function qualityInfoBody(warnings: readonly string[]): Buffer {
  return Buffer.from(JSON.stringify({ warnings }));
}
