/** Everything a call needs from the server, passed explicitly instead of through globals. */
import { EventEmitter } from 'node:events';
import type { IvrConfig } from './ivr/config.js';
import type { ResourceGuard } from './limits.js';
import type { Logger } from './log.js';
import type { MediaClock } from './media/clock.js';
import type { PortAllocator } from './media/ports.js';
import type { SoundLibrary } from './media/sounds.js';
import type { LocalContact } from './sip/dialog.js';
import type { TransactionLayer } from './sip/transactions.js';
import type { Endpoint, UdpTransport } from './sip/transport.js';

export interface TimelineEntry {
  t: number;
  callId: string;
  type: string;
  [field: string]: unknown;
}

export interface MediaSettings {
  serverName: string;
  domain: string;
  /** Kamailio: where calls to agents go, and in-dialog requests without a routable hop. */
  proxy: Endpoint;
  rtpTimeoutMs: number;
  rtpHoldTimeoutMs: number;
  statsIntervalMs: number;
  /** How often each stream sends its RTCP report. */
  rtcpIntervalMs: number;
  minSessionExpires: number;
  /** Ended calls kept for /history. */
  historySize: number;
  /** After a successful transfer, how long the transferor has to hang up (services/transfer.ts). */
  transferorByeTimeoutMs: number;
}

/** Timeline entries of every call, for the SSE stream and anyone else listening. */
export class TimelineBus extends EventEmitter<{ entry: [TimelineEntry] }> {}

export interface CallContext {
  settings: MediaSettings;
  local: LocalContact;
  transport: UdpTransport;
  transactions: TransactionLayer;
  clock: MediaClock;
  ports: PortAllocator;
  /** Whether the process can take one more call (ports, file descriptors, memory). */
  limits: ResourceGuard;
  sounds: SoundLibrary;
  ivr: IvrConfig;
  bus: TimelineBus;
  log: Logger;
}
