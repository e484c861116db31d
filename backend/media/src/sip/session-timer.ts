/** RFC 4028 session timer negotiation: who refreshes, and when the session expires. */
import { getHeader, getHeaderValues, parseParams, type SipMessage } from './message.js';

export interface SessionTimerRequest {
  expires: number;
  refresher: 'uac' | 'uas' | undefined;
}

export function readSessionExpires(message: SipMessage): SessionTimerRequest | undefined {
  const value = getHeader(message, 'session-expires');
  if (!value) return undefined;
  const match = /^(\d{1,10})\s*(.*)$/s.exec(value);
  if (!match) return undefined;
  const refresher = parseParams(match[2]!).get('refresher');
  return {
    expires: Number(match[1]),
    refresher: refresher === 'uac' || refresher === 'uas' ? refresher : undefined,
  };
}

export function supportsTimer(message: SipMessage): boolean {
  return [...getHeaderValues(message, 'supported'), ...getHeaderValues(message, 'require')].some(
    (option) => option.toLowerCase() === 'timer',
  );
}

/** When the side that does not refresh must give up: RFC 4028 section 10. */
export function expiryDeadlineMs(expiresSeconds: number): number {
  return (expiresSeconds - Math.min(32, expiresSeconds / 3)) * 1000;
}
