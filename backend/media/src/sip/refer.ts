/**
 * REFER (RFC 3515) as its recipient sees it: the one target its Refer-To may name, and the
 * implicit subscription whose NOTIFYs tell the referrer how the referred call went.
 */
import { reasonPhrase } from './builders.js';
import {
  getHeaderValues,
  parseNameAddr,
  parseSipUri,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from './message.js';

/** Why a REFER is refused instead of accepted: its final response. */
export interface Refusal {
  status: number;
  reason: string;
}

/**
 * The user a REFER may send a call to: `sip:<user>@<our domain>` and nothing more, and for
 * an attended transfer the dialog the new call replaces (RFC 3891), as the `Replaces` header
 * value to send with it.
 */
export type ReferTarget = { user: string; replaces?: string } | { refusal: Refusal };

/** A plain user name, as agents are named: letters, digits and `.`, `_`, `-`, `~`. */
const PLAIN_USER = /^[A-Za-z0-9._~-]{1,64}$/;
/** RFC 3261 §25.1 `word` (a Call-ID is `word ["@" word]`) and `token` (a tag). */
const CALL_ID =
  /^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+(?:@[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+)?$/;
const TAG = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
/** A Replaces value longer than this is no dialog of ours (our Call-IDs and tags are short). */
const MAX_REPLACES_LENGTH = 256;

const refuse = (status: number, reason: string): ReferTarget => ({ refusal: { status, reason } });

/**
 * Reads the Refer-To of a REFER with the linear parsers of message.ts (the header is the
 * referrer's text). Exactly one Refer-To (400), a `sip:` URI of `domain` naming a plain user
 * and no port (403). The one header the URI may carry is `Replaces` (an attended transfer,
 * RFC 5589 §7: the referrer consulted the target, and the new call replaces that
 * consultation); any other header, or a `method` parameter (a request other than INVITE,
 * RFC 3515 §2.1), is not implemented (501).
 */
export function readReferTarget(request: SipRequest, domain: string): ReferTarget {
  return readTarget(request, domain, undefined);
}

/**
 * The participant a conference focus is asked to remove (RFC 4579 §5.5): a Refer-To whose
 * URI carries `method=BYE`, otherwise checked as readReferTarget checks a transfer target
 * (anything else there than BYE: 501).
 */
export function readDropTarget(request: SipRequest, domain: string): ReferTarget {
  return readTarget(request, domain, 'BYE');
}

/** Whether the Refer-To of a REFER asks for a request other than INVITE (RFC 3515 §2.1). */
export function refersWithMethod(request: SipRequest): boolean {
  const values = getHeaderValues(request, 'refer-to');
  const uri = values.length === 1 ? parseNameAddr(values[0]!)?.uri : undefined;
  return uri !== undefined && parseSipUri(uri)?.params.has('method') === true;
}

function readTarget(request: SipRequest, domain: string, method: 'BYE' | undefined): ReferTarget {
  const values = getHeaderValues(request, 'refer-to');
  if (values.length === 0) return refuse(400, 'Missing Refer-To');
  if (values.length > 1) return refuse(400, 'More Than One Refer-To');
  const written = parseNameAddr(values[0]!)?.uri;
  if (written === undefined) return refuse(403, 'Bad Refer-To');
  const query = written.indexOf('?');
  const uri = query < 0 ? written : written.slice(0, query);
  const parsed = parseSipUri(uri);
  if (!parsed || !/^sip:/i.test(uri)) return refuse(403, 'Refer-To Is Not A SIP URI');
  const asked = parsed.params.get('method');
  if (method === undefined && asked !== undefined) return refuse(501, 'Only INVITE Is Referred');
  if (method !== undefined && asked?.toUpperCase() !== method) {
    return refuse(501, `Only method=${method}`);
  }
  if (parsed.host.toLowerCase() !== domain.toLowerCase() || parsed.port !== undefined) {
    return refuse(403, 'Refer-To Outside Our Domain');
  }
  const user = parsed.user;
  // The decoded user must be what the URI says as written: no escapes, no password.
  if (user === undefined || !PLAIN_USER.test(user) || !uri.startsWith(`${user}@`, 4)) {
    return refuse(403, 'Refer-To Is Not A Plain User');
  }
  if (query < 0) return { user };
  // A party to drop is named, never replaced.
  if (method !== undefined) return refuse(501, 'Only Replaces Is Supported');
  const replaces = readReplaces(written.slice(query + 1));
  return typeof replaces === 'string' ? { user, replaces } : replaces;
}

/**
 * The URI headers of a Refer-To (`?Replaces=<escaped value>`, RFC 3891 §7.1): exactly one,
 * `Replaces`, naming a whole dialog (Call-ID, to-tag and from-tag), returned as the header
 * value to send. `early-only` and other parameters are dropped: only an answered
 * consultation is replaced.
 */
function readReplaces(headers: string): string | { refusal: Refusal } {
  if (headers.length > MAX_REPLACES_LENGTH * 3) return { refusal: TOO_LONG };
  const [name, escaped, ...more] = headers.split('=');
  if (more.length > 0 || headers.includes('&') || name?.toLowerCase() !== 'replaces') {
    return { refusal: { status: 501, reason: 'Only Replaces Is Supported' } };
  }
  let value: string;
  try {
    value = decodeURIComponent(escaped ?? '');
  } catch {
    return { refusal: BAD_REPLACES };
  }
  if (value.length > MAX_REPLACES_LENGTH) return { refusal: TOO_LONG };
  const [callId, ...params] = value.split(';').map((part) => part.trim());
  const tags = new Map<string, string>();
  for (const param of params) {
    const [key, tag] = param.split('=').map((part) => part.trim());
    if (key && tag !== undefined) tags.set(key.toLowerCase(), tag);
  }
  const toTag = tags.get('to-tag');
  const fromTag = tags.get('from-tag');
  if (
    !callId ||
    !CALL_ID.test(callId) ||
    !toTag ||
    !TAG.test(toTag) ||
    !fromTag ||
    !TAG.test(fromTag)
  ) {
    return { refusal: BAD_REPLACES };
  }
  return `${callId};to-tag=${toTag};from-tag=${fromTag}`;
}

const BAD_REPLACES: Refusal = { status: 400, reason: 'Bad Replaces' };
const TOO_LONG: Refusal = { status: 400, reason: 'Replaces Too Long' };

/** Sends one NOTIFY in the REFER's dialog (Call.sendInDialog) and hands over its responses. */
export type NotifySender = (
  headers: SipHeader[],
  body: Buffer,
  onResponse: (response: SipResponse) => void,
) => void;

interface Notification {
  subscriptionState: string;
  body: Buffer;
}

/**
 * The subscription a REFER creates (RFC 3515 §2.4.4): NOTIFYs whose message/sipfrag body is
 * the status line of the referred request's latest response, the last one `terminated`.
 *
 * - `Event: refer;id=<the REFER's CSeq number>`: required from the second REFER of a dialog
 *   on (RFC 3515 §2.4.6), allowed for the first, so an agent retrying a failed transfer
 *   always knows which REFER a NOTIFY is about.
 * - One NOTIFY at a time (RFC 6665 §4.2.2): a newer state waits for the answer to the
 *   previous NOTIFY and replaces any state already waiting, so the referrer sees them in
 *   order and always sees the last.
 * - A NOTIFY that fails (481: the referrer has no such subscription any more, or no answer
 *   at all) ends the subscription: nothing more is sent (RFC 6665 §4.2.2).
 */
export class ReferSubscription {
  private inFlight = false;
  private waiting: Notification | undefined;
  private terminated = false;
  private gone = false;

  constructor(
    private readonly referSeq: number,
    private readonly expiresS: number,
    private readonly send: NotifySender,
  ) {}

  /** The referred request is under way (a provisional status, 100 Trying at first). */
  progress(status: number, reason: string): void {
    this.notify(`active;expires=${this.expiresS}`, status, reason);
  }

  /** The referred request's final status: the last NOTIFY (RFC 3515 §2.4.7). */
  finish(status: number, reason: string): void {
    this.notify('terminated;reason=noresource', status, reason);
    this.terminated = true;
  }

  private notify(subscriptionState: string, status: number, reason: string): void {
    if (this.terminated || this.gone) return;
    // An empty reason phrase is legal, but a referrer that trims the body before parsing it
    // (JsSIP: node_modules/jssip/lib/RTCSession/ReferSubscriber.js) is left without one.
    const phrase = reason.trim() || reasonPhrase(status);
    this.waiting = { subscriptionState, body: Buffer.from(`SIP/2.0 ${status} ${phrase}\r\n`) };
    this.flush();
  }

  private flush(): void {
    const next = this.waiting;
    if (this.inFlight || this.gone || !next) return;
    this.waiting = undefined;
    this.inFlight = true;
    const headers: SipHeader[] = [
      { name: 'event', value: `refer;id=${this.referSeq}` },
      { name: 'subscription-state', value: next.subscriptionState },
      { name: 'content-type', value: 'message/sipfrag;version=2.0' },
    ];
    this.send(headers, next.body, (response) => {
      if (response.status < 200) return;
      this.inFlight = false;
      if (response.status >= 300) {
        this.gone = true;
        this.waiting = undefined;
        return;
      }
      this.flush();
    });
  }
}
