/** Helpers that build SIP messages from scratch or from a request. */
import { randomBytes } from 'node:crypto';
import { getHeader, type SipHeader, type SipRequest, type SipResponse } from './message.js';

export const BRANCH_COOKIE = 'z9hG4bK';

export function randomToken(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

export function newBranch(): string {
  return `${BRANCH_COOKIE}${randomToken()}`;
}

const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  415: 'Unsupported Media Type',
  420: 'Bad Extension',
  422: 'Session Interval Too Small',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** The usual reason phrase of a status ("Unknown" for one this server never names). */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Unknown';
}

export interface ResponseOptions {
  reason?: string;
  toTag?: string;
  headers?: SipHeader[];
  body?: Buffer;
}

/** Builds a response that copies the headers RFC 3261 section 8.2.6 requires. */
export function buildResponse(
  request: SipRequest,
  status: number,
  options: ResponseOptions = {},
): SipResponse {
  const headers: SipHeader[] = [];
  for (const header of request.headers) {
    if (header.name === 'via' || header.name === 'from' || header.name === 'call-id') {
      headers.push(header);
    } else if (header.name === 'to') {
      const needsTag =
        options.toTag !== undefined && status > 100 && !/;\s*tag=/i.test(header.value);
      headers.push(
        needsTag ? { name: 'to', value: `${header.value};tag=${options.toTag}` } : header,
      );
    } else if (header.name === 'cseq') {
      headers.push(header);
    } else if (
      header.name === 'record-route' &&
      request.method === 'INVITE' &&
      status > 100 &&
      status < 300
    ) {
      headers.push(header);
    }
  }
  headers.push(...(options.headers ?? []));
  return {
    kind: 'response',
    status,
    reason: options.reason ?? reasonPhrase(status),
    headers,
    body: options.body ?? Buffer.alloc(0),
  };
}

export function topViaBranch(message: { headers: SipHeader[] }): string | undefined {
  const via = getHeader(message, 'via');
  return via ? /;\s*branch=([^;,\s]+)/i.exec(via)?.[1] : undefined;
}
