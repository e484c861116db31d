/**
 * Caller context: what a customer's page tells the agent about the caller (an order
 * number, a plan, the page), sent with the call in one SIP header, `X-Context`, as a JSON
 * object of text values. It crosses the SBC and the media farm to the agent's phone, so
 * both ends hold it to the same rules: at most {@link MAX_CONTEXT_BYTES} bytes, names of
 * letters, digits, `_`, `.` and `-`, text values; the header is ASCII (other characters
 * are `\u` escapes), so no proxy on the way has to care about its encoding. What an agent
 * receives is untrusted text, for display as text only.
 */

export const CONTEXT_HEADER = 'X-Context';
/** The SBC refuses a larger header (backend/kamailio/kamailio.cfg, MAX_CONTEXT_BYTES). */
export const MAX_CONTEXT_BYTES = 1024;
const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export type CallerContext = Readonly<Record<string, string>>;

export type ContextResult = { ok: true; header: string } | { ok: false; message: string };

/** The header value for `context`, or why it cannot be sent. */
export function encodeCallerContext(context: unknown): ContextResult {
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    return { ok: false, message: 'context must be an object of text values' };
  }
  for (const [name, value] of Object.entries(context)) {
    if (!NAME.test(name)) {
      return {
        ok: false,
        message: `context names are letters, digits, '_', '.' or '-' (at most 64): got '${name.slice(0, 80)}'`,
      };
    }
    if (typeof value !== 'string') {
      return { ok: false, message: `context values must be text: '${name}' is not` };
    }
  }
  // Every character past ASCII as a \u escape: the header stays 7-bit.
  const header = JSON.stringify(context).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  if (header.length > MAX_CONTEXT_BYTES) {
    return {
      ok: false,
      message: `context must be at most ${MAX_CONTEXT_BYTES} bytes as JSON: got ${header.length}`,
    };
  }
  return { ok: true, header };
}

/** The context in a received header; undefined when absent or not by the rules. */
export function decodeCallerContext(header: string | undefined): CallerContext | undefined {
  if (!header || header.length > MAX_CONTEXT_BYTES) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const context: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!NAME.test(name) || typeof value !== 'string') return undefined;
    context[name] = value;
  }
  return Object.freeze(context);
}
