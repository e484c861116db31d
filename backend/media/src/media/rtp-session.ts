/**
 * One RTP stream pair of a call leg: sends the frames of its source at the shared clock,
 * receives audio and RFC 4733 events, keeps RFC 3550 statistics and exchanges RTCP.
 */
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { guard, reportError } from '../safe.js';
import type { Endpoint } from '../sip/transport.js';
import type { MediaClock, Paced } from './clock.js';
import { buildTelephoneEvent, DtmfReceiver, digitToEvent } from './dtmf.js';
import type { Codec } from './g711.js';
import { Impairment } from './impairment.js';
import type { BoundPair } from './ports.js';
import { buildReport, compactNtp, parseReports, type ReportBlock, roundTripMs } from './rtcp.js';
import { looksLikeRtcp, parseRtp, serializeRtp } from './rtp.js';
import { ReceiveStats } from './rtp-stats.js';
import { FRAME_SAMPLES, SAMPLE_RATE } from './sounds.js';
import { type FrameSource, silence } from './sources.js';

/**
 * RTCP every second by default: a two-party G.711 call's SR with one block is ~640 bit/s,
 * 1 % of the stream (RFC 3550 allows 5 %), and the far end gets a fresh RTT each second.
 */
export const DEFAULT_RTCP_INTERVAL_MS = 1000;
/** A digit we send lasts 100 ms of tone, then three end packets (RFC 4733 section 2.5.1.4). */
const DIGIT_FRAMES = 5;
const END_REPEATS = 3;

export interface NegotiatedMedia {
  remote: Endpoint;
  remoteRtcp: Endpoint;
  codec: Codec;
  payloadType: number;
  /** The telephone-event PT of the answer (the one the offerer chose), if negotiated. */
  telephoneEventPt: number | undefined;
}

export interface StreamStats {
  packetsReceived: number;
  /** RTP/RTCP packets dropped because they came from someone other than the peer. */
  packetsRejected: number;
  /** RFC 4733 telephone-event packets among packetsReceived: tells a digit lost on the way
   * from one that arrived and was not understood. */
  eventPacketsReceived: number;
  lost: number;
  jitterMs: number;
  packetsSent: number;
  rttMs: number | undefined;
  remoteLost: number | undefined;
  remoteJitterMs: number | undefined;
}

interface PendingDigit {
  event: number;
  frame: number;
  timestamp: number;
}

export class RtpSession implements Paced {
  source: FrameSource = silence;
  /** Whether the negotiated direction lets us send. */
  sending = true;
  onAudio: (payload: Buffer, codec: Codec) => void = () => {};
  onDigit: (digit: string) => void = () => {};
  onSent: (payload: Buffer, codec: Codec, now: number) => void = () => {};
  /** The media clock skipped `frames` frames after a stall: nothing was sent for them. */
  onSkipped: (frames: number, now: number) => void = () => {};

  /** performance.now() of the last RTP packet received (or of the start). */
  lastReceivedAt = performance.now();
  /**
   * Where the peer's RTP really comes from: the first packet from the negotiated address
   * fixes the port (symmetric RTP through a port-translating hop). Never another address.
   */
  private latchedRtp: Endpoint | undefined;
  private packetsRejected = 0;
  private eventPacketsReceived = 0;
  /** Test impairment between us and the remote (loss, delay, jitter, mute), off by default. */
  readonly impairment = new Impairment();

  private readonly ssrc = randomInt(1, 2 ** 32 - 1);
  private sequence = randomInt(0, 0xffff);
  private timestamp = randomInt(0, 2 ** 31);
  private marker = true;
  private lastSentAt: number | undefined;
  private packetsSent = 0;
  private octetsSent = 0;
  private stats = new ReceiveStats(SAMPLE_RATE);
  private remoteSsrc: number | undefined;
  private readonly dtmf = new DtmfReceiver();
  private readonly digits: PendingDigit[] = [];
  private lastSrCompact = 0;
  /** performance.now() when that SR arrived: DLSR is an interval, so a monotonic clock. */
  private lastSrArrival: number | undefined;
  private lastRtcpSent = performance.now();
  private rttMs: number | undefined;
  private remoteReport: ReportBlock | undefined;
  private closed = false;

  constructor(
    private readonly sockets: BoundPair,
    private media: NegotiatedMedia,
    private readonly clock: MediaClock,
    private readonly rtcpIntervalMs = DEFAULT_RTCP_INTERVAL_MS,
  ) {
    // Received packets go through the impairment first, so delayed RTCP counts in the RTT
    // and our receive statistics see what the impaired network would deliver.
    const inbound = this.impairment.fromCaller;
    sockets.rtp.on(
      'message',
      guard('RTP receive', (data: Buffer, rinfo: Endpoint) => {
        if (this.acceptsRtp(data, rinfo)) inbound.pass(data, (packet) => this.receiveRtp(packet));
        else this.packetsRejected++;
      }),
    );
    sockets.rtcp.on(
      'message',
      guard('RTCP receive', (data: Buffer, rinfo: Endpoint) => {
        if (this.acceptsRtcp(rinfo)) inbound.pass(data, (packet) => this.receiveRtcp(packet));
        else this.packetsRejected++;
      }),
    );
    // A send to an unreachable peer surfaces as an 'error' event: without a listener Node
    // would throw it and end the process.
    sockets.rtp.on('error', (error) => reportError('RTP socket', error));
    sockets.rtcp.on('error', (error) => reportError('RTCP socket', error));
    clock.add(this);
  }

  get localPort(): number {
    return this.sockets.port;
  }

  get codec(): Codec {
    return this.media.codec;
  }

  get telephoneEventPt(): number | undefined {
    return this.media.telephoneEventPt;
  }

  /** A new offer/answer may change the codec and the address; a new address latches anew. */
  update(media: NegotiatedMedia): void {
    const moved =
      media.remote.address !== this.media.remote.address ||
      media.remote.port !== this.media.remote.port;
    this.media = media;
    if (moved) this.latchedRtp = undefined;
  }

  get latched(): boolean {
    return this.latchedRtp !== undefined;
  }

  /**
   * RTP (and RTCP muxed onto its port) only from the negotiated peer: its address, and once
   * latched its exact port. Anyone else could otherwise inject audio and digits, or with the
   * first packet steer our stream at a third party.
   */
  private acceptsRtp(data: Buffer, from: Endpoint): boolean {
    if (this.latchedRtp) return sameEndpoint(from, this.latchedRtp);
    const { remote } = this.media;
    if (remote.port === 0 || from.address !== remote.address) return false;
    if (!looksLikeRtcp(data)) this.latchedRtp = { address: from.address, port: from.port };
    return true;
  }

  /** RTCP from the negotiated address, on its RTCP port or next to the latched RTP port. */
  private acceptsRtcp(from: Endpoint): boolean {
    const { remote, remoteRtcp } = this.media;
    if (remote.port === 0 || from.address !== remote.address) return false;
    return (
      from.port === remoteRtcp.port ||
      (this.latchedRtp !== undefined && from.port === this.latchedRtp.port + 1)
    );
  }

  sendDigit(digit: string): boolean {
    const event = digitToEvent(digit);
    if (event === undefined || this.media.telephoneEventPt === undefined) return false;
    this.digits.push({ event, frame: 0, timestamp: 0 });
    return true;
  }

  /** Restarts the RTP timeout window, e.g. after unhold. */
  resetReceiveTimer(): void {
    this.lastReceivedAt = performance.now();
  }

  tick(now: number): void {
    if (this.sending) this.sendFrame(now);
    else this.lastSentAt = undefined;
    this.timestamp = (this.timestamp + FRAME_SAMPLES) >>> 0;
    if (now - this.lastRtcpSent >= this.rtcpIntervalMs) {
      this.lastRtcpSent = now;
      this.sendRtcp();
    }
  }

  skipped(frames: number, now: number): void {
    // RTP time stays wall-clock time (RFC 3550 §5.1): the receiver sees the frames the
    // stall cost as a gap, not as audio played late.
    this.timestamp = (this.timestamp + frames * FRAME_SAMPLES) >>> 0;
    this.onSkipped(frames, now);
  }

  snapshot(): StreamStats {
    const remote = this.remoteReport;
    return {
      packetsReceived: this.stats.packets,
      packetsRejected: this.packetsRejected,
      eventPacketsReceived: this.eventPacketsReceived,
      lost: Math.max(0, this.stats.lost),
      jitterMs: Math.round(this.stats.jitterMs * 100) / 100,
      packetsSent: this.packetsSent,
      rttMs: this.rttMs === undefined ? undefined : Math.round(this.rttMs * 10) / 10,
      remoteLost: remote?.cumulativeLost,
      remoteJitterMs: remote ? Math.round((remote.jitter / SAMPLE_RATE) * 100000) / 100 : undefined,
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.clock.remove(this);
    // The goodbye skips the impairment: a delayed BYE would outlive the closed sockets.
    this.impairment.close();
    if (this.packetsSent > 0 || this.stats.packets > 0) this.sendRtcp(true);
  }

  private sendFrame(now: number): void {
    // Before the answer of a late offer there is nowhere to send to.
    if (this.media.remote.port === 0) return;
    const digit = this.digits[0];
    if (digit) {
      this.sendDigitFrame(digit);
    } else {
      const payload = this.source.nextFrame(this.media.codec);
      if (!payload) {
        this.marker = true;
        this.lastSentAt = undefined;
        return;
      }
      this.send(this.media.payloadType, payload, this.timestamp);
      this.onSent(payload, this.media.codec, now);
    }
    if (this.lastSentAt !== undefined) this.clock.sendIntervals.record(now - this.lastSentAt);
    this.lastSentAt = now;
  }

  private sendDigitFrame(digit: PendingDigit): void {
    if (digit.frame === 0) {
      digit.timestamp = this.timestamp;
      this.marker = true;
    }
    const end = digit.frame >= DIGIT_FRAMES - 1;
    const duration = Math.min(digit.frame + 1, DIGIT_FRAMES) * FRAME_SAMPLES;
    const payload = buildTelephoneEvent({ event: digit.event, end, volume: 10, duration });
    this.send(this.media.telephoneEventPt!, payload, digit.timestamp);
    digit.frame++;
    if (digit.frame >= DIGIT_FRAMES + END_REPEATS - 1) {
      this.digits.shift();
      this.marker = true;
    }
  }

  private send(payloadType: number, payload: Buffer, timestamp: number): void {
    const packet = serializeRtp({
      payloadType,
      marker: this.marker,
      sequence: this.sequence,
      timestamp,
      ssrc: this.ssrc,
      payload,
    });
    this.marker = false;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.packetsSent++;
    this.octetsSent += payload.length;
    const { port, address } = this.latchedRtp ?? this.media.remote;
    this.impairment.toCaller.pass(packet, (out) => this.sockets.rtp.send(out, port, address));
  }

  private receiveRtp(data: Buffer): void {
    if (looksLikeRtcp(data)) {
      this.receiveRtcp(data);
      return;
    }
    const packet = parseRtp(data);
    if (!packet) return;
    const now = performance.now();
    this.lastReceivedAt = now;
    if (packet.ssrc !== this.remoteSsrc) {
      this.remoteSsrc = packet.ssrc;
      this.stats = new ReceiveStats(SAMPLE_RATE);
    }
    this.stats.receive(packet.sequence, packet.timestamp, now);
    if (packet.payloadType === this.media.telephoneEventPt) {
      this.eventPacketsReceived++;
      const digit = this.dtmf.receive(packet.timestamp, packet.payload);
      if (digit) this.onDigit(digit);
      return;
    }
    const codec = packet.payloadType === 0 ? 'PCMU' : packet.payloadType === 8 ? 'PCMA' : undefined;
    if (codec) this.onAudio(packet.payload, codec);
  }

  private receiveRtcp(data: Buffer): void {
    const arrival = Date.now();
    const arrivalMonotonic = performance.now();
    for (const report of parseReports(data)) {
      if (report.sender) {
        this.lastSrCompact = compactNtp(report.sender.ntpMs);
        this.lastSrArrival = arrivalMonotonic;
      }
      const aboutUs = report.blocks.find((block) => block.ssrc === this.ssrc);
      if (aboutUs) {
        this.remoteReport = aboutUs;
        const rtt = roundTripMs(aboutUs, arrival);
        if (rtt !== undefined) this.rttMs = rtt;
      }
    }
    // Our reports keep going to the negotiated RTCP address: a received packet never moves it.
  }

  private sendRtcp(goodbye = false): void {
    const blocks: ReportBlock[] = [];
    if (this.remoteSsrc !== undefined && this.stats.packets > 0) {
      // A wall-clock step between the SR and this report would skew the far end's RTT.
      const delay =
        this.lastSrArrival === undefined
          ? 0
          : ((performance.now() - this.lastSrArrival) / 1000) * 65536;
      blocks.push({
        ssrc: this.remoteSsrc,
        fractionLost: this.stats.takeFractionLost(),
        cumulativeLost: this.stats.lost,
        extendedMaxSeq: this.stats.extendedMaxSeq,
        jitter: this.stats.jitterTimestampUnits,
        lastSr: this.lastSrCompact,
        delaySinceLastSr: Math.floor(delay),
      });
    }
    const report = buildReport({
      type: this.packetsSent > 0 ? 'SR' : 'RR',
      ssrc: this.ssrc,
      sender:
        this.packetsSent > 0
          ? {
              ntpMs: Date.now(),
              rtpTimestamp: this.timestamp,
              packets: this.packetsSent,
              octets: this.octetsSent,
            }
          : undefined,
      blocks,
    });
    const packet = goodbye ? Buffer.concat([report, buildBye(this.ssrc)]) : report;
    const { port, address } = this.media.remoteRtcp;
    if (port === 0) return;
    const sendNow = (out: Buffer): void => this.sockets.rtcp.send(out, port, address);
    if (goodbye) sendNow(packet);
    else this.impairment.toCaller.pass(packet, sendNow);
  }
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.address === b.address && a.port === b.port;
}

function buildBye(ssrc: number): Buffer {
  const out = Buffer.alloc(8);
  out[0] = 0x81;
  out[1] = 203;
  out.writeUInt16BE(1, 2);
  out.writeUInt32BE(ssrc >>> 0, 4);
  return out;
}
