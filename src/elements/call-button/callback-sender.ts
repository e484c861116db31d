/**
 * Sends a call-back request (src/engine/callback-request.ts) to the page's `callback-url`:
 * a plain CORS POST of JSON, without cookies or other credentials (the request names the
 * visitor by the number they typed, nothing else), not following redirects, given up after
 * {@link CALLBACK_TIMEOUT_MS}. Only the status matters: the body of the answer is never
 * read, let alone shown.
 */
import type { CallbackRequest } from '../../engine/callback-request.js';

export const CALLBACK_TIMEOUT_MS = 10_000;

/** `sent` on a 2xx answer; `failed` on anything else (network, timeout, refusal). */
export async function sendCallback(
  url: string,
  request: CallbackRequest,
  timeoutMs = CALLBACK_TIMEOUT_MS,
): Promise<'sent' | 'failed'> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
      credentials: 'omit',
      mode: 'cors',
      cache: 'no-store',
      redirect: 'error',
      referrerPolicy: 'strict-origin',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response.ok ? 'sent' : 'failed';
  } catch {
    return 'failed';
  }
}
