/** Delivery of end-of-call reports to the customer's collector. */
import type { CallReport } from './types';

/**
 * POSTs `report` as JSON to `url` with `navigator.sendBeacon`, which the browser delivers
 * even when the page is closing (the call often ends because the tab does). The body is
 * sent as `text/plain;charset=UTF-8`: a CORS-safelisted type, so a collector on another
 * origin receives it without a preflight, which beacons cannot make. Returns whether the
 * browser queued it.
 */
export function sendReportBeacon(url: string, report: CallReport): boolean {
  if (typeof navigator.sendBeacon !== 'function') return false;
  return navigator.sendBeacon(url, JSON.stringify(report));
}
