// A fleet of headless softphone engines (src/engine Phone on JsSIP) registered to the lab's
// SBC from Node: the engine's own registration, reconnection and backoff code, unchanged.
// Node 20 has no WebSocket global, so the thinnest shim gives it the `ws` package's, with
// the two things a browser supplies by itself: an Origin (Kamailio only upgrades
// allowlisted ones) and trust in the lab's CA. Bundled by esbuild (bench/storm/build.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocketImpl from 'ws';
import { Phone } from '../../src/engine/phone';
import type { RegistrationState } from '../../src/engine/types';
import { ephemeralCredentials } from '../../testkit/ephemeral';
import { sleep } from '../../testkit/poll';
import { DOMAIN, PAGES, SBC_WSS_URL } from '../../testkit/topology';

/** The engines' page origin (on Kamailio's allowlist), the SBC and the domain: the lab's. */
export const ORIGIN = PAGES.origin;
export const SERVER = SBC_WSS_URL;
export { DOMAIN };

/** How many WebSockets were opened, upgraded, failed before the upgrade, closed after it. */
export interface SocketCounts {
  opened: number;
  handshakes: number;
  failed: number;
  closed: number;
}

/** Counts every WebSocket the engines open, and how each attempt ended. */
export const sockets: SocketCounts = { opened: 0, handshakes: 0, failed: 0, closed: 0 };

/** A registration failure an engine reported (with a SIP status), or an engine giving up. */
export interface Refusal {
  /** Epoch ms. */
  at: number;
  /** The engine's number (its user is `${prefix}-<phone>`). */
  phone: number;
  state: RegistrationState;
  message: string;
}

export interface FleetOptions {
  count: number;
  prefix: string;
  /** The lab's backend/run: its `secret` and `certs/ca.pem`. */
  runDir: string;
  /** Lifetime of the engines' credentials. */
  ttlS?: number;
}

export interface Fleet {
  phones: Phone[];
  /** Appended to as engines report refusals. */
  refusals: Refusal[];
  start(options?: { batch?: number; everyMs?: number }): Promise<void>;
}

/** Installs the WebSocket global the engine expects (socket.ts uses `new WebSocket(url, 'sip')`). */
export function installWebSocket(ca: Buffer): void {
  class LabWebSocket extends WebSocketImpl {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { origin: ORIGIN, ca, perMessageDeflate: false });
      sockets.opened += 1;
      let open = false;
      this.on('open', () => {
        open = true;
        sockets.handshakes += 1;
      });
      this.on('close', () => {
        if (open) sockets.closed += 1;
        else sockets.failed += 1;
      });
      // A browser reports a refused connection as an error event and then a close event;
      // `ws` emits 'error' on its EventEmitter, which would throw without a listener. The
      // engine reacts to the close, as it does in a browser.
      this.on('error', () => {});
    }
  }
  // `ws` has the browser WebSocket's interface the engine uses (the constructor, on* handlers,
  // send, close, readyState, the state constants) but is not the DOM's class: hence the cast.
  globalThis.WebSocket = LabWebSocket as unknown as typeof WebSocket;
}

/**
 * Starts `count` engines, each registering as its own user `${prefix}-<i>`. Returns the
 * phones and the refusals they reported (registration failures with a SIP status).
 */
export function startFleet({ count, prefix, runDir, ttlS = 3600 }: FleetOptions): Fleet {
  const secret = readFileSync(join(runDir, 'secret'), 'utf8').trim();
  installWebSocket(readFileSync(join(runDir, 'certs/ca.pem')));
  const refusals: Refusal[] = [];
  const phones: Phone[] = [];
  for (let i = 1; i <= count; i += 1) {
    const credentials = ephemeralCredentials(secret, `${prefix}-${i}`, ttlS);
    const phone = new Phone({
      servers: [SERVER],
      domain: DOMAIN,
      // Static credentials: config.ts accepts "<expiry>:<user>" as the user name.
      user: credentials.username,
      password: credentials.password,
      register: true,
    });
    phone.on('registration', ({ state, error }) => {
      if (state === 'failed' || /SIP \d{3}/.test(error?.message ?? '')) {
        refusals.push({ at: Date.now(), phone: i, state, message: error?.message ?? '' });
      }
    });
    phones.push(phone);
  }
  /**
   * Starts the engines `batch` at a time, one batch per `everyMs`: the storm is meant to start
   * from a fleet that is registered, not to measure a cold start (Kamailio 5.6.3 crashed under
   * several hundred TLS handshakes at once; BENCHMARKS.md, "Reconnect storm: from Kamailio
   * 5.6.3 to 6.0").
   */
  const start = async ({ batch = count, everyMs = 0 } = {}): Promise<void> => {
    const started: Promise<void>[] = [];
    for (let i = 0; i < phones.length; i += batch) {
      if (i > 0) await sleep(everyMs);
      started.push(...phones.slice(i, i + batch).map((p) => p.start()));
    }
    await Promise.all(started);
  };
  return { phones, refusals, start };
}

/** How many engines say they are registered. */
export function registeredCount(phones: readonly Phone[]): number {
  let n = 0;
  for (const phone of phones) if (phone.state === 'registered') n += 1;
  return n;
}
