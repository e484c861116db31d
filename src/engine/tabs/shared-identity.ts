/**
 * What names the phone the tabs of one browser share: the channel and lock name, and the
 * `+sip.instance` of the phone the tabs of one browser share (RFC 5626 §4.1: one
 * instance per user agent, kept across restarts). A registrar that matches contacts by
 * instance (Kamailio's registrar does, with GRUU: backend/kamailio/kamailio.cfg) lets the
 * REGISTER of the tab that takes over replace the contact of the tab that closed, instead
 * of leaving it to ring nobody until it expires.
 */
import type { ResolvedConfig } from '../config';

/** The channel and lock of the tabs that share one phone: same origin, domain and user. */
export function tabChannelName(config: ResolvedConfig): string {
  const who =
    config.credentials.kind === 'static' ? config.credentials.user : config.credentials.url;
  return sharedPhoneName(config.domain, who);
}

/**
 * {@link tabChannelName} from its parts: `who` is the static user, or the credentials
 * service's URL (whose session says who the user is). The script-tag core names the lock
 * with it before the configuration check is in (early-election.ts).
 */
export function sharedPhoneName(domain: string, who: string): string {
  return `helpline-softphone ${domain} ${who}`;
}

/** A UUID for the phone named `name`, the same in every tab and visit of the origin. */
export function sharedInstanceId(name: string): string {
  const key = `${name} instance`;
  try {
    const known = localStorage.getItem(key);
    if (known && /^[0-9a-f-]{36}$/.test(known)) return known;
    const fresh = crypto.randomUUID();
    localStorage.setItem(key, fresh);
    return fresh;
  } catch {
    // Storage refused (privacy settings): an instance of its own, as without sharing.
    return crypto.randomUUID();
  }
}
