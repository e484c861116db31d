/** The impairment stage through the control API, on a real call with RTP over loopback. */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Impairment } from '../../src/media/impairment.js';
import { parseRtp, type RtpPacket } from '../../src/media/rtp.js';
import { getHeader, type SipMessage } from '../../src/sip/message.js';
import { inDialogText, inviteText, RawSip, startTestServer, waitFor } from '../harness.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** A phone's RTP socket: keeps what arrives, with arrival times. */
class RtpReceiver {
  readonly packets: { at: number; packet: RtpPacket }[] = [];

  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (data) => {
      const packet = parseRtp(data);
      if (packet && data[1]! < 200) this.packets.push({ at: performance.now(), packet });
    });
  }

  static open(): Promise<RtpReceiver> {
    return new Promise((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.bind(0, '127.0.0.1', () => resolve(new RtpReceiver(socket)));
    });
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Waits for `count` more packets and returns them. */
  async next(count: number): Promise<RtpPacket[]> {
    const start = this.packets.length;
    await waitFor(() => this.packets.length >= start + count, 10_000);
    return this.packets.slice(start, start + count).map((p) => p.packet);
  }
}

describe('impairment through the control API', () => {
  let server: Server;
  let sip: RawSip;
  let rtp: RtpReceiver;
  let ok: SipMessage;
  const callId = 'impair-1';
  const path = `/calls/${callId}/impair`;

  beforeAll(async () => {
    server = await startTestServer();
    sip = await RawSip.open();
    rtp = await RtpReceiver.open();
    sip.send(
      inviteText({
        service: 'music',
        callId,
        serverPort: server.sipPort,
        clientPort: sip.port,
        mediaPort: rtp.port,
      }),
      server.sipPort,
    );
    ok = await sip.next(
      (m) => m.kind === 'response' && m.status === 200 && getHeader(m, 'call-id') === callId,
    );
    sip.send(inDialogText('ACK', ok, sip.port, 1, 'z9hG4bKimpack'), server.sipPort);
    await rtp.next(5);
  });
  afterAll(async () => {
    sip.send(inDialogText('BYE', ok, sip.port, 2, 'z9hG4bKimpbye'), server.sipPort);
    sip.close();
    rtp.socket.close();
    await server.stop();
  });

  it('mutes: G.711 silence with the stream otherwise unchanged', async () => {
    const before = await rtp.next(10);
    expect(before.some((p) => p.payload.some((byte) => byte !== 0xd5))).toBe(true);
    const response = await server.api.post(path, { direction: 'to-caller', mute: true });
    expect(response.status).toBe(200);
    expect(response.body.impairment.toCaller.settings.mute).toBe(true);
    // A packet already on its way may still carry music; the next ones are silent (PCMA).
    const after = (await rtp.next(12)).slice(2);
    for (const packet of after) expect(new Set(packet.payload)).toEqual(new Set([0xd5]));
    expect(after[0]!.ssrc).toBe(before[0]!.ssrc);
    const timeline = (await server.api.call(callId)).timeline;
    expect(timeline.at(-1)).toMatchObject({ type: 'impair', direction: 'to-caller', mute: true });
  });

  it('drops packets and counts the gaps the phone sees', async () => {
    // Counted from before the change: packets that pass after the report is read must stay
    // out of the window, or a drop the report never saw shows up as a gap.
    const start = rtp.packets.length;
    await server.api.post(path, { direction: 'to-caller', loss: 0.2, seed: 7 });
    await rtp.next(150);
    // Let the window close on a packet boundary: read the server's account, then the last
    // packet it passed must have arrived (loopback: microseconds).
    const report = (await server.api.call(callId)).impairment.toCaller;
    await waitFor(() => rtp.packets.length >= start + report.rtpPassed, 2000);
    const received = rtp.packets.slice(start, start + report.rtpPassed).map((p) => p.packet);
    const first = received[0]!.sequence;
    const last = received.at(-1)!.sequence;
    const gaps = ((last - first + 0x10000) % 0x10000) + 1 - received.length;
    // The first packets after the change may be dropped before the first one we saw.
    expect(report.rtpDropped - gaps).toBeGreaterThanOrEqual(0);
    expect(report.rtpDropped - gaps).toBeLessThanOrEqual(5);
    expect(report.lossFraction).toBeGreaterThan(0.1);
    expect(report.lossFraction).toBeLessThan(0.3);
  });

  it('delays the stream by the configured time', async () => {
    await server.api.post(path, { direction: 'to-caller', delayMs: 300 });
    const start = rtp.packets.length;
    await rtp.next(20);
    const arrivals = rtp.packets.slice(start - 1, start + 20).map((p) => p.at);
    const longestGap = Math.max(...arrivals.slice(1).map((at, i) => at - arrivals[i]!));
    // Packets keep their 20 ms spacing but resume 300 ms later: one gap of ~320 ms.
    expect(longestGap).toBeGreaterThan(280);
    const report = (await server.api.call(callId)).impairment.toCaller;
    expect(report.meanAddedDelayMs).toBeGreaterThanOrEqual(300);
  });

  it('rejects bad bodies and unknown calls; DELETE clears both directions', async () => {
    expect((await server.api.post(path, { loss: 2 })).status).toBe(400);
    expect((await server.api.post(path, { delay: 100 })).status).toBe(400);
    expect((await server.api.post('/calls/nope/impair', {})).status).toBe(404);
    const cleared = await server.api.fetch(path, { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    const body = (await cleared.json()) as { impairment: ReturnType<Impairment['report']> };
    const { toCaller, fromCaller } = body.impairment;
    for (const side of [toCaller, fromCaller]) {
      expect(side.settings).toEqual({ loss: 0, delayMs: 0, jitterMs: 0, mute: false, seed: 1 });
    }
  });
});
