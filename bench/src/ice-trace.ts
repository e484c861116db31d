/**
 * Diagnostic, not a benchmark: the timeline of one call's ICE and DTLS, to see what waits on
 * what between the answer and `connected` (issue 16). For each call, in ms after the click:
 * every RTCPeerConnection event (gathering, candidates, ICE/connection/signaling states,
 * descriptions set), the DTLS and ICE transports' own events, the remote track, the first
 * synchronization source (first frame played), gaps of the page's main thread, and, from the
 * answer on, getStats() read back to back (candidate pairs, transport, inbound RTP), printed
 * when they change. Run it in the lab's namespace after `bash bench/run.sh` built the pages:
 *
 *   npx esbuild bench/src/ice-trace.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=bench/results/build/ice-trace.mjs
 *   bash backend/lab/lab.sh exec -- node bench/results/build/ice-trace.mjs widget|jssip RUNS \
 *     [--no-turn] [--pc=JSON] [--sdp]
 *
 * `--no-turn` drops the iceServers every RTCPeerConnection is given; `--pc` merges more
 * RTCConfiguration fields (e.g. `{"iceCandidatePoolSize":1}`); `--sdp` prints the offer and
 * answer whole. A packet capture of the lab's loopback taken meanwhile, read by wire-trace.ts
 * with the printed click's epoch time, gives the same call on the wire, on the same clock.
 */
import type { Page } from 'playwright-core';
import { CALL_PAGES, endCall, placeCall } from './bench-call';
import { lastClick, launchBrowser } from './browser';
import { servePages } from './pages';

interface TraceOptions {
  stripIceServers: boolean;
  extraConfig: Record<string, unknown>;
}

interface TraceEntry {
  t: number;
  what: string;
  detail: string;
}

declare global {
  interface Window {
    __iceTrace: TraceEntry[];
  }
}

/** Serialized into the page (addInitScript): self-contained. */
function installIceTrace(options: TraceOptions): void {
  const trace: TraceEntry[] = [];
  window.__iceTrace = trace;
  const log = (what: string, detail = ''): void => {
    trace.push({ t: performance.now(), what, detail });
  };
  // Fields of RTCIceCandidate that not every DOM typing has yet.
  type Candidate = RTCIceCandidate & { relayProtocol?: string; url?: string };
  const describe = (c: Candidate | null): string =>
    c
      ? `${c.type} ${c.protocol} ${c.address}:${c.port}${c.relayProtocol ? ` relay:${c.relayProtocol}` : ''}${c.url ? ` ${c.url}` : ''}`
      : 'end-of-candidates';
  const pick = (s: Record<string, unknown>, fields: readonly string[]) =>
    Object.fromEntries(fields.map((field) => [field, s[field]]));
  const PAIR_FIELDS = [
    'state',
    'nominated',
    'requestsSent',
    'responsesReceived',
    'requestsReceived',
    'responsesSent',
    'lastPacketSentTimestamp',
    'lastPacketReceivedTimestamp',
    'bytesReceived',
  ];
  const TRANSPORT_FIELDS = [
    'dtlsState',
    'iceState',
    'iceRole',
    'dtlsRole',
    'selectedCandidatePairId',
    'selectedCandidatePairChanges',
  ];
  const INBOUND_FIELDS = [
    'packetsReceived',
    'totalAudioEnergy',
    'totalSamplesDuration',
    'jitterBufferDelay',
  ];
  const pollStats = async (pc: RTCPeerConnection): Promise<void> => {
    const last = new Map<string, string>();
    const until = performance.now() + 4000;
    while (performance.now() < until && pc.connectionState !== 'closed') {
      const report = await pc.getStats();
      report.forEach((s: Record<string, unknown>) => {
        const local = report.get(String(s.localCandidateId)) as Record<string, unknown>;
        const remote = report.get(String(s.remoteCandidateId)) as Record<string, unknown>;
        const shown =
          s.type === 'candidate-pair'
            ? {
                pair: `${local?.candidateType}/${local?.protocol}${local?.relayProtocol ? `(${local.relayProtocol})` : ''} ${local?.address}:${local?.port} -> ${remote?.candidateType} ${remote?.address}:${remote?.port}`,
                ...pick(s, PAIR_FIELDS),
              }
            : s.type === 'transport'
              ? pick(s, TRANSPORT_FIELDS)
              : s.type === 'inbound-rtp'
                ? {
                    ...pick(s, INBOUND_FIELDS),
                    collected: Number(s.timestamp) - performance.timeOrigin,
                    lastPacket: Number(s.lastPacketReceivedTimestamp) - performance.timeOrigin,
                  }
                : undefined;
        if (!shown) return;
        const text = JSON.stringify(shown);
        const key = String(s.id);
        if (last.get(key) !== text) {
          last.set(key, text);
          log(`stats ${s.type} ${key}`, text);
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  const watched = new WeakSet<RTCDtlsTransport>();
  // Main-thread heartbeat: a gap between ticks is a task that held the thread.
  let lastTick = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - lastTick > 8)
      log('main thread held', `${(now - lastTick).toFixed(1)} ms since ${lastTick.toFixed(1)}`);
    lastTick = now;
  }, 2);
  const Native = window.RTCPeerConnection;
  class Traced extends Native {
    constructor(configuration?: RTCConfiguration) {
      const config: RTCConfiguration = { ...configuration, ...options.extraConfig };
      if (options.stripIceServers) config.iceServers = [];
      super(config);
      log(
        'pc created',
        JSON.stringify({
          ...config,
          iceServers: (config.iceServers ?? []).map((s) => s.urls),
          certificates: undefined,
        }),
      );
      this.addEventListener('icegatheringstatechange', () =>
        log('gathering', this.iceGatheringState),
      );
      this.addEventListener('icecandidate', (e) => log('candidate', describe(e.candidate)));
      this.addEventListener('icecandidateerror', (e) =>
        log('candidate error', `${e.url} ${e.errorCode} ${e.errorText}`),
      );
      this.addEventListener('iceconnectionstatechange', () => log('ice', this.iceConnectionState));
      this.addEventListener('connectionstatechange', () => log('connection', this.connectionState));
      this.addEventListener('signalingstatechange', () => log('signaling', this.signalingState));
      // The transports' own events (RTCDtlsTransport, RTCIceTransport): not the aggregate.
      const watchTransports = (): void => {
        const dtls = this.getSenders()[0]?.transport;
        if (!dtls || watched.has(dtls)) return;
        watched.add(dtls);
        dtls.addEventListener('statechange', () => log('DTLS transport', dtls.state));
        const ice = dtls.iceTransport;
        ice.addEventListener('statechange', () => log('ICE transport', ice.state));
        ice.addEventListener('gatheringstatechange', () =>
          log('ICE transport gathering', ice.gatheringState),
        );
        ice.addEventListener('selectedcandidatepairchange', () => log('ICE transport pair', ''));
      };
      this.addEventListener('signalingstatechange', watchTransports);
      this.addEventListener('track', (e) => {
        log('track', `${e.track.kind} muted=${e.track.muted}`);
        e.track.addEventListener('unmute', () => log('track unmute', ''));
        const receiver = e.receiver;
        let seen = 0;
        const timer = setInterval(() => {
          const sources = receiver.getSynchronizationSources();
          if (sources.length > seen) {
            seen = sources.length;
            const s = sources[0]!;
            log(
              'sync source',
              `ts=${s.timestamp.toFixed(1)} (now ${performance.now().toFixed(1)}, origin+now ${(performance.timeOrigin + performance.now()).toFixed(1)}) level=${s.audioLevel} rtp=${s.rtpTimestamp}`,
            );
          }
          if (seen > 0 || this.connectionState === 'closed') clearInterval(timer);
        }, 1);
      });
      this.addEventListener('icegatheringstatechange', watchTransports);
    }
    override setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void> {
      log('setLocalDescription', description?.type ?? '(implicit)');
      const done = super.setLocalDescription(description);
      void done.then(() => log('setLocalDescription done'));
      return done;
    }
    override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      log(`setRemoteDescription ${description.type}`, description.sdp ?? '');
      const done = super.setRemoteDescription(description);
      void done.then(() => {
        log('setRemoteDescription done');
        if (description.type === 'answer') void pollStats(this);
      });
      return done;
    }
  }
  window.RTCPeerConnection = Traced;
  // The offer as it leaves (the INVITE's body), by wrapping the WebSocket's send.
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data) {
    if (typeof data === 'string' && data.startsWith('INVITE ')) log('INVITE sent', data);
    return send.call(this, data);
  };
}

function argValue(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

async function main(): Promise<void> {
  const [which = 'widget', runsText = '3'] = process.argv
    .slice(2)
    .filter((a) => !a.startsWith('--'));
  const callPage = which === 'jssip' ? CALL_PAGES.jssip : CALL_PAGES.widgetWarm;
  const options: TraceOptions = {
    stripIceServers: process.argv.includes('--no-turn'),
    extraConfig: JSON.parse(argValue('pc') ?? '{}') as Record<string, unknown>,
  };
  const showSdp = process.argv.includes('--sdp');
  const server = await servePages();
  const browser = await launchBrowser();
  try {
    for (let run = 0; run < Number(runsText); run++) {
      const { probed } = await placeCall(browser, callPage, async (fresh) => {
        await fresh.context.addInitScript(installIceTrace, options);
      });
      await printRun(probed.page, run, showSdp);
      await endCall(probed, callPage);
    }
  } finally {
    await browser.close();
    server.close();
  }
}

async function printRun(page: Page, run: number, showSdp: boolean): Promise<void> {
  const click = await lastClick(page);
  const { trace, marks, origin } = await page.evaluate(() => ({
    trace: window.__iceTrace,
    marks: window.__probe.marks,
    origin: performance.timeOrigin,
  }));
  console.log(`\n=== run ${run} (click at epoch ${(origin + click).toFixed(1)})`);
  const rows: [number, string, string][] = trace.map((e) => [e.t - click, e.what, e.detail]);
  for (const [name, t] of Object.entries(marks)) {
    if (typeof t === 'number' && t >= click - 1) rows.push([t - click, `MARK ${name}`, '']);
  }
  rows.sort((a, b) => a[0] - b[0]);
  for (const [t, what, detail] of rows) {
    const isSdp = what.startsWith('setRemoteDescription ') || what === 'INVITE sent';
    const shown = isSdp && !showSdp ? sdpSummary(detail) : detail;
    console.log(`${t.toFixed(1).padStart(8)}  ${what}  ${shown}`);
  }
}

/** The lines of an SDP that matter to ICE and DTLS. */
function sdpSummary(sdp: string): string {
  return sdp
    .split(/\r?\n/)
    .filter((l) =>
      /^a=(setup|ice-lite|candidate|ice-options|fingerprint|rtcp-mux|group)|^m=/.test(l),
    )
    .map((l) => (l.startsWith('a=fingerprint') ? l.slice(0, 30) : l))
    .join(' | ');
}

await main();
