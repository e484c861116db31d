/**
 * The request for the credentials service's answer, and its early start (issue 16,
 * "Registration in parallel").
 *
 * The credentials do not need JsSIP, but the phone that asks for them lives in the engine
 * chunk: started by the phone, the request waits for that chunk to download and evaluate
 * (BENCHMARKS.md, "Time to registered": the widget asked for its credentials ~50 ms after
 * the engine chunk was in). The element starts it as it starts loading the engine instead,
 * and the phone takes the request under way. This module is small and imports only its
 * keeper, so it can sit beside the element without the engine.
 */
import { KeptForTaker } from './kept-for-taker';

/** Longest wait for the credentials service. */
export const CREDENTIALS_TIMEOUT_MS = 8000;

/**
 * How long a request started early waits for its phone. The phone is created once the
 * engine is in (a second or so on a slow network); a request nobody took by then is dropped
 * rather than handing out credentials minted long before.
 */
export const EARLY_REQUEST_KEPT_MS = 15_000;

// Dropping the promise is all a request nobody took needs: its failure is already caught.
const early = new KeptForTaker<string, Promise<Response>>(EARLY_REQUEST_KEPT_MS, () => undefined);

function send(url: string, timeoutMs: number): Promise<Response> {
  return fetch(url, {
    credentials: 'include',
    cache: 'no-store',
    headers: { Accept: 'application/json' },
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/**
 * Start asking `url` for credentials now, for the phone about to be created. Does nothing
 * if a request to `url` is already waiting.
 */
export function requestCredentialsEarly(url: string, timeoutMs = CREDENTIALS_TIMEOUT_MS): void {
  if (early.has(url)) return;
  const response = send(url, timeoutMs);
  // Its failure is reported to the phone that takes it; one nobody takes is dropped.
  response.catch(() => undefined);
  early.keep(url, response);
}

/** The credentials service's answer: the request started early for `url`, or a new one. */
export function requestCredentials(
  url: string,
  timeoutMs = CREDENTIALS_TIMEOUT_MS,
): Promise<Response> {
  return early.take(url) ?? send(url, timeoutMs);
}
