/**
 * The in-page probe, installed before any page script (Playwright `addInitScript`), the
 * same for the widget and the peer pages so both are timed by the same code:
 * - SIP on the WebSocket: when the INVITE leaves, whether it is challenged, when its 200 OK
 *   and a REGISTER's 200 OK arrive, and a visitor's connection proof (an OPTIONS to its own
 *   address, src/engine/connection-proof.ts) and its 200 OK (wrapping `WebSocket`);
 * - media: every `RTCPeerConnection`, polled with `getStats()` every {@link STATS_POLL_MS}
 *   once armed, for the first inbound RTP packet and the first non-silent inbound audio, each
 *   timed by the report's own times, not by the poll that read it;
 * - the user's clicks (event timestamps);
 * - layout shifts and interactions, from `PerformanceObserver`s (`layout-shift` and `event`,
 *   buffered, so nothing before the probe's observers is missed);
 * - the elements' `sip-registration-change` (state `registered` for an agent, `connected`
 *   for a visitor: able to call either way; a visitor's call is unchallenged only once its
 *   proof is answered, `proofOk`) and `sip-call-ended` events, which the minimal peer pages
 *   dispatch on `window` too.
 * All times are `performance.now()` values (ms since navigation start).
 *
 * `installProbe` is serialized into the page: it must not reference anything outside itself.
 */

export const STATS_POLL_MS = 20;
/** Inbound audio RMS (0..1) above which a polling interval counts as "not silent" (≈ -40 dBFS). */
export const AUDIBLE_RMS = 0.01;

/** Phases, in the order they happen; each is the first occurrence (since the call was armed). */
export interface ProbeMarks {
  /** The SIP WebSocket opened. */
  wsOpen?: number;
  /** First REGISTER sent. */
  registerSent?: number;
  /** 200 OK to a REGISTER received. */
  registerOk?: number;
  /** Ready: registered (agent) or connected (visitor), as the page reports it. */
  registered?: number;
  /** A visitor's connection proof sent: the OPTIONS to its own address (connection-proof.ts). */
  proofSent?: number;
  /**
   * 200 OK to the proof received: the SBC bound the connection to the credentials, so an
   * INVITE on it is not challenged (backend/kamailio/kamailio.cfg, BIND_CONNECTION). Only then
   * is a visitor's button really ready to call: `connected` comes before it.
   */
  proofOk?: number;
  /** `getUserMedia()` resolved. */
  micReady?: number;
  inviteSent?: number;
  /**
   * 401/407 to the INVITE received (the INVITE goes again with credentials). Absent when
   * the connection was already bound to the credentials (a REGISTER or a proof before it).
   */
  inviteChallenged?: number;
  inviteOk?: number;
  /**
   * ICE and DTLS done: the first of the DTLS transport's own `statechange` to `connected` and
   * the peer connection's `connectionstatechange` to `connected`. Chromium fires the latter
   * only with the peer connection's `icegatheringstatechange` to `complete` (seen every time
   * gathering ended after the handshake), so a page that sends its offer before gathering
   * ends would be timed by its gathering (TURN allocations, the TCP candidates' round), not
   * by its handshake.
   */
  mediaConnected?: number;
  /**
   * The first inbound RTP packet, by the earliest time that shows one had arrived: the
   * arrival of the last packet of the first report that counts any, or the first frame played.
   */
  firstRtp?: number;
  /**
   * The first audio frame played from the far end: the `timestamp` of the receiver's first
   * synchronization source (`getSynchronizationSources()`, the time a frame of it was last
   * delivered to the track), read at the polls, so at most one poll interval after the first
   * frame. Whether that frame is silent or not, it says the media path is through;
   * `firstAudio` comes later by what Chromium's level counter lags (see the poll).
   */
  firstPlayout?: number;
  firstAudio?: number;
  callEnded?: number;
}

/** Marks that describe the page, not a call: kept when a new call is armed. */
export const PAGE_MARKS: readonly (keyof ProbeMarks)[] = [
  'wsOpen',
  'registerSent',
  'registerOk',
  'registered',
  'proofSent',
  'proofOk',
];

/**
 * The page's `layout-shift` entries (Layout Instability API) without recent input, as totals:
 * the probe's memory stays the same however long the page lives (the leak check measures
 * the page's heap with the probe in it).
 */
export interface LayoutShiftTotals {
  count: number;
  /** The sum of their values. */
  value: number;
  /** Each shifted node once, e.g. `P#below`, `SIP-CALL-BUTTON`, `#text` (what moved). */
  sources: string[];
}

/** The `event` entries (Event Timing API) of interactions (`interactionId > 0`), as totals. */
export interface InteractionTotals {
  count: number;
  /**
   * The longest `duration`: from the input's hardware timestamp to the next paint after its
   * handlers, in 8 ms steps. Undefined with no entry (all under the threshold).
   */
  longest: number | undefined;
}

/**
 * The smallest `durationThreshold` the Event Timing API takes: faster interactions are not
 * reported at all (https://w3c.github.io/event-timing/#dom-performanceobserverinit-durationthreshold).
 */
export const EVENT_DURATION_THRESHOLD_MS = 16;

export interface ProbeState {
  marks: ProbeMarks;
  /** Call-ID of the last INVITE sent. */
  callId?: string;
  /** `event.timeStamp` of every click, in order. */
  clicks: number[];
  /** Layout shifts without recent input (`hadRecentInput` false), since navigation. */
  layoutShifts: LayoutShiftTotals;
  /** Event Timing entries of interactions at or above {@link EVENT_DURATION_THRESHOLD_MS}. */
  interactions: InteractionTotals;
  /** Clear the call marks and start polling the media of new connections. */
  armCall(): void;
  /**
   * Take the entries the observers hold but have not delivered yet (their callbacks run
   * later, as tasks), so that reading the totals right after this misses none.
   */
  flushObservers(): void;
}

declare global {
  interface Window {
    __probe: ProbeState;
  }
}

export function installProbe(options: {
  pollMs: number;
  audibleRms: number;
  pageMarks: readonly (keyof ProbeMarks)[];
  eventDurationThreshold: number;
}): void {
  const { pageMarks } = options;
  const marks: ProbeMarks = {};
  const markOnce = (name: keyof ProbeMarks): void => {
    marks[name] ??= performance.now();
  };
  const connections: RTCPeerConnection[] = [];
  let pollTimer: number | undefined;
  let lastEnergy = new Map<string, { energy: number; duration: number }>();

  const headerOf = (message: string, name: string): string | undefined => {
    const match = new RegExp(`^${name}\\s*:\\s*(.+)$`, 'im').exec(message);
    return match?.[1]?.trim();
  };

  /**
   * A stat's epoch time (ms since the epoch, as the WebRTC statistics specification defines
   * `timestamp`) as a `performance.now()` time; `fallback` for a value that is not one.
   */
  const pageTime = (epochMs: unknown, fallback: number): number => {
    const time = Number(epochMs) - performance.timeOrigin;
    return time > 0 && time <= fallback ? time : fallback;
  };

  const poll = async (): Promise<void> => {
    for (const pc of connections) {
      if (pc.connectionState === 'closed') continue;
      for (const receiver of pc.getReceivers()) {
        const [source] = receiver.getSynchronizationSources();
        if (!source) continue;
        marks.firstPlayout ??= pageTime(source.timestamp, performance.now());
        // A frame played was received: the earlier bound of the first packet's arrival.
        marks.firstRtp = Math.min(marks.firstRtp ?? marks.firstPlayout, marks.firstPlayout);
      }
      const report = await pc.getStats();
      const polledAt = performance.now();
      report.forEach((stat: Record<string, unknown>) => {
        if (stat.type !== 'inbound-rtp' || stat.kind !== 'audio') return;
        // When the browser collected the report, not when this poll read it: Chromium hands
        // out the same report for 50 ms after collecting one (the stats cache of webrtc's
        // pc/rtc_stats_collector.cc; measured here: a report changes every 50 ms however
        // often it is asked for), and the read waits for a busy network thread.
        const now = pageTime(stat.timestamp, polledAt);
        // The arrival of the last packet the report counts: the first one's when it counts
        // one, at most a packet interval or two later otherwise (a report every 50 ms).
        if (Number(stat.packetsReceived ?? 0) > 0) {
          const arrival = pageTime(stat.lastPacketReceivedTimestamp, now);
          marks.firstRtp = Math.min(marks.firstRtp ?? arrival, arrival);
        }
        const id = String(stat.id);
        const energy = Number(stat.totalAudioEnergy ?? 0);
        const duration = Number(stat.totalSamplesDuration ?? 0);
        const previous = lastEnergy.get(id) ?? { energy: 0, duration: 0 };
        lastEnergy.set(id, { energy, duration });
        const seconds = duration - previous.duration;
        const rms = seconds > 0 ? Math.sqrt((energy - previous.energy) / seconds) : 0;
        // Chromium counts this energy from a level it refreshes every 11th 10 ms frame
        // (webrtc audio/audio_level.cc), so audio shows here 110 ms or more after it plays.
        const level = Number(stat.audioLevel ?? 0);
        if (rms > options.audibleRms || level > options.audibleRms) marks.firstAudio ??= now;
      });
    }
    if (marks.firstAudio !== undefined && pollTimer !== undefined) {
      clearInterval(pollTimer);
      pollTimer = undefined;
      // Done with this call: hold no reference that could look like a leak of the page.
      connections.length = 0;
    }
  };

  // The entry types of the Layout Instability and Event Timing APIs, with the fields read
  // here (not in every DOM typing yet).
  interface LayoutShiftEntry extends PerformanceEntry {
    value: number;
    hadRecentInput: boolean;
    sources?: readonly { node: Node | null }[];
  }
  interface EventEntry extends PerformanceEntry {
    interactionId?: number;
  }
  const describeNode = (node: Node | null): string => {
    if (!(node instanceof Element)) return node?.nodeName ?? '(gone)';
    return node.id ? `${node.tagName}#${node.id}` : node.tagName;
  };
  const layoutShifts: LayoutShiftTotals = { count: 0, value: 0, sources: [] };
  const interactions: InteractionTotals = { count: 0, longest: undefined };
  const keepShifts = (entries: PerformanceEntryList): void => {
    for (const entry of entries as LayoutShiftEntry[]) {
      // Shifts right after the user's input are expected and not counted (as CLS does).
      if (entry.hadRecentInput) continue;
      layoutShifts.count += 1;
      layoutShifts.value += entry.value;
      for (const source of entry.sources ?? []) {
        const node = describeNode(source.node);
        if (!layoutShifts.sources.includes(node)) layoutShifts.sources.push(node);
      }
    }
  };
  const keepInteractions = (entries: PerformanceEntryList): void => {
    for (const entry of entries as EventEntry[]) {
      if (!entry.interactionId) continue;
      interactions.count += 1;
      interactions.longest = Math.max(interactions.longest ?? 0, entry.duration);
    }
  };
  const shiftObserver = new PerformanceObserver((list) => keepShifts(list.getEntries()));
  shiftObserver.observe({ type: 'layout-shift', buffered: true });
  const eventObserver = new PerformanceObserver((list) => keepInteractions(list.getEntries()));
  eventObserver.observe({
    type: 'event',
    buffered: true,
    durationThreshold: options.eventDurationThreshold,
  } as PerformanceObserverInit);

  const state: ProbeState = {
    marks,
    clicks: [],
    layoutShifts,
    interactions,
    flushObservers() {
      keepShifts(shiftObserver.takeRecords());
      keepInteractions(eventObserver.takeRecords());
    },
    armCall() {
      for (const key of Object.keys(marks) as (keyof ProbeMarks)[]) {
        if (!pageMarks.includes(key)) delete marks[key];
      }
      connections.length = 0;
      lastEnergy = new Map();
      if (pollTimer !== undefined) clearInterval(pollTimer);
      pollTimer = window.setInterval(() => void poll(), options.pollMs);
    },
  };
  window.__probe = state;

  window.addEventListener('click', (event) => state.clicks.push(event.timeStamp), {
    capture: true,
  });

  window.addEventListener('sip-registration-change', (event) => {
    const { state: registration } = (event as CustomEvent<{ state: string }>).detail;
    // Ready to call. The mark keeps its name `registered` for a visitor's `connected` too:
    // the reports and BENCHMARKS.md name the phase so.
    if (registration === 'registered' || registration === 'connected') markOnce('registered');
  });
  window.addEventListener('sip-call-ended', () => markOnce('callEnded'));

  /** Call-ID of the connection proof: its challenge and the retry with credentials share it. */
  let proofCallId: string | undefined;
  const NativeWebSocket = window.WebSocket;
  class ProbedWebSocket extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('open', () => markOnce('wsOpen'));
      this.addEventListener('message', (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        const status = /^SIP\/2\.0 (\d{3})/.exec(event.data)?.[1];
        const method = /\s(\w+)$/.exec(headerOf(event.data, 'CSeq') ?? '')?.[1]?.toUpperCase();
        if (method === 'INVITE' && status === '200') markOnce('inviteOk');
        if (method === 'INVITE' && (status === '401' || status === '407')) {
          markOnce('inviteChallenged');
        }
        if (method === 'REGISTER' && status === '200') markOnce('registerOk');
        const callId = headerOf(event.data, '(?:Call-ID|i)');
        if (method === 'OPTIONS' && status === '200' && callId === proofCallId) markOnce('proofOk');
      });
    }
    override send(data: Parameters<WebSocket['send']>[0]): void {
      if (typeof data === 'string' && data.startsWith('REGISTER ')) markOnce('registerSent');
      // The proof goes to the phone's own address (a user part); the engine's keepalive
      // OPTIONS to the bare domain (src/engine/socket.ts) is not a proof.
      if (typeof data === 'string' && /^OPTIONS sips?:[^@\s]+@/.test(data) && !proofCallId) {
        markOnce('proofSent');
        proofCallId = headerOf(data, '(?:Call-ID|i)');
      }
      if (typeof data === 'string' && data.startsWith('INVITE ') && !marks.inviteSent) {
        markOnce('inviteSent');
        state.callId = headerOf(data, '(?:Call-ID|i)');
      }
      super.send(data);
    }
  }
  window.WebSocket = ProbedWebSocket;

  const NativePeerConnection = window.RTCPeerConnection;
  class ProbedPeerConnection extends NativePeerConnection {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      connections.push(this);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') markOnce('mediaConnected');
      });
      // The DTLS transport exists once a description is set (both pages bundle one m-line).
      const watched = new WeakSet<RTCDtlsTransport>();
      this.addEventListener('signalingstatechange', () => {
        const dtls = this.getSenders()[0]?.transport ?? this.getReceivers()[0]?.transport;
        if (!dtls || watched.has(dtls)) return;
        watched.add(dtls);
        dtls.addEventListener('statechange', () => {
          if (dtls.state === 'connected') markOnce('mediaConnected');
        });
      });
    }
  }
  window.RTCPeerConnection = ProbedPeerConnection;

  const mediaDevices = navigator.mediaDevices;
  if (mediaDevices) {
    const getUserMedia = mediaDevices.getUserMedia.bind(mediaDevices);
    mediaDevices.getUserMedia = async (constraints) => {
      const stream = await getUserMedia(constraints);
      markOnce('micReady');
      return stream;
    };
  }
}
