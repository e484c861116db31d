/**
 * `phone.preflight()` for every phone class: the self-check is loaded on first use, so
 * pages that never run it do not pay for it.
 */
import type { PhoneHandle } from '../types';
import type { PreflightOptions, PreflightResult } from './types';

export async function preflight(
  phone: PhoneHandle,
  options?: PreflightOptions,
): Promise<PreflightResult> {
  const { runPreflight } = await import('./run');
  return runPreflight(phone, options);
}
