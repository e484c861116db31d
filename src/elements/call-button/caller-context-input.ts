/**
 * The caller context a `<sip-call-button>` sends with its call, from what the page set:
 * the `context` attribute (a JSON object) or property (an object), `data-context-*`
 * attributes (`data-context-order-id="A-17"` gives `orderId`), and the page's address
 * when `share-page-url` is set. The engine's rules (src/engine/caller-context.ts) are
 * checked here too, so that a wrong attribute is reported when the page loads, not at
 * the visitor's click.
 */
import { type CallerContext, encodeCallerContext } from '../../engine/caller-context.js';

export interface ContextInput {
  /** The `context` attribute (JSON text) or property (an object). */
  context: string | Readonly<Record<string, string>> | undefined;
  /** The element's `dataset`. */
  dataset: DOMStringMap;
  /** `share-page-url`: the page's address goes along, as `page`. */
  sharePageUrl: boolean;
  /** The page's location. */
  location: Pick<Location, 'origin' | 'pathname'>;
}

export type ContextInputResult =
  | { ok: true; context: CallerContext | undefined }
  | { ok: false; message: string };

const DATA_PREFIX = 'context';

export function callerContextFrom(input: ContextInput): ContextInputResult {
  const given = parseContext(input.context);
  if (!given.ok) return given;
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input.dataset)) {
    // dataset names data-context-order-id as contextOrderId.
    if (key.length > DATA_PREFIX.length && key.startsWith(DATA_PREFIX)) {
      const name = key.slice(DATA_PREFIX.length);
      context[name.charAt(0).toLowerCase() + name.slice(1)] = value;
    }
  }
  Object.assign(context, given.value);
  // Origin and path only: a query or fragment may carry a session token or personal data.
  if (input.sharePageUrl) context.page = `${input.location.origin}${input.location.pathname}`;
  if (Object.keys(context).length === 0) return { ok: true, context: undefined };
  const encoded = encodeCallerContext(context);
  // encodeCallerContext accepted it: every value is text.
  return encoded.ok
    ? { ok: true, context: context as Record<string, string> }
    : { ok: false, message: encoded.message };
}

function parseContext(
  context: ContextInput['context'],
): { ok: true; value: object } | { ok: false; message: string } {
  const example = `e.g. context='{"orderId":"A-17"}'`;
  if (context === undefined || context === '') return { ok: true, value: {} };
  let value: unknown = context;
  if (typeof context === 'string') {
    try {
      value = JSON.parse(context);
    } catch {
      return { ok: false, message: `context must be a JSON object of text values, ${example}` };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: `context must be a JSON object of text values, ${example}` };
  }
  return { ok: true, value };
}
