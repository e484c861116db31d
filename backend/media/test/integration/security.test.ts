/**
 * The media server tried as an attacker would (issue 10): the control API without its
 * token or under a foreign Host, SIP from someone who is not the SBC, RTP from a rogue
 * sender, URIs that do not decode, service names that are Object's own members, resource
 * exhaustion, SSE subscribers that never read, and recordings that must not collide.
 * Generous per-test timeouts: every wait inside is for a condition, and a loaded machine
 * only makes the conditions arrive later.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../../../testkit/ports';
import { MAX_SSE_SUBSCRIBERS } from '../../src/api/http.js';
import { MAX_TIMELINE_ENTRIES } from '../../src/call.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { buildTelephoneEvent } from '../../src/media/dtmf.js';
import { buildReport } from '../../src/media/rtcp.js';
import { parseWav } from '../../src/media/wav.js';
import { getHeader, type SipMessage } from '../../src/sip/message.js';
import {
  AUTH,
  inDialogText,
  inviteText,
  isResponse,
  type Json,
  MEDIA_DIR,
  RawSip,
  RtpPeer,
  rtpPacket,
  serverRtpPort,
  startTestServer,
  TEST_TOKEN,
  TOKEN_FILE,
  waitFor,
} from '../harness.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An HTTP request with full control of its headers (fetch will not forge Host). */
function request(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        // An event stream never ends: its headers are the answer.
        if (res.headers['content-type'] === 'text/event-stream') {
          res.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          return;
        }
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Branches are unique per request: a reused one would be absorbed as a retransmission. */
let branchCounter = 1;

async function answeredCall(
  server: Server,
  sip: RawSip,
  callId: string,
  options: {
    service?: string;
    mediaPort?: number;
    headers?: string[];
    branch?: string;
    contact?: string;
  } = {},
): Promise<SipMessage> {
  sip.send(
    inviteText({
      service: options.service ?? 'music',
      callId,
      serverPort: server.sipPort,
      clientPort: sip.port,
      ...(options.mediaPort ? { mediaPort: options.mediaPort } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.branch ? { branch: options.branch } : {}),
      ...(options.contact ? { contact: options.contact } : {}),
    }),
    server.sipPort,
  );
  const ok = await sip.next(isResponse(callId, 200));
  sip.send(inDialogText('ACK', ok, sip.port, 1, `z9hG4bKack${branchCounter++}`), server.sipPort);
  return ok;
}

async function hangUp(server: Server, sip: RawSip, ok: SipMessage, cseq = 2): Promise<void> {
  const callId = getHeader(ok, 'call-id')!;
  sip.send(inDialogText('BYE', ok, sip.port, cseq, `z9hG4bKbye${branchCounter++}`), server.sipPort);
  await sip.next(isResponse(callId, 200, 'BYE'));
}

describe('control API: bearer token, Host allowlist, no CORS', { timeout: 20_000 }, () => {
  let server: Server;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  const endpoints: [string, string][] = [
    ['GET', '/calls'],
    ['GET', '/calls/x'],
    ['GET', '/history?since=0'],
    ['GET', '/events'],
    ['GET', '/recordings'],
    ['GET', '/recordings/a.wav'],
    ['GET', '/stats'],
    ['POST', '/stats/reset'],
    ['POST', '/calls/x/hold'],
    ['POST', '/calls/x/unhold'],
    ['POST', '/calls/x/hangup'],
    ['POST', '/calls/x/impair'],
    ['DELETE', '/calls/x/impair'],
    ['GET', '/no-such-route'],
  ];

  it('answers 401 on every endpoint without the right token', async () => {
    const wrong = { authorization: `Bearer ${'0'.repeat(64)}` };
    for (const [method, path] of endpoints) {
      for (const headers of [{}, wrong, { authorization: TEST_TOKEN }]) {
        const response = await request(server.httpPort, path, { method, headers });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
      }
    }
    // With the token the same requests reach their handlers.
    expect((await request(server.httpPort, '/calls', { headers: AUTH })).status).toBe(200);
    expect((await request(server.httpPort, '/events', { headers: AUTH })).status).toBe(200);
  });

  it('keeps /health open but says nothing beyond ok', async () => {
    const health = await request(server.httpPort, '/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
  });

  it('refuses a foreign Host (DNS rebinding) with 421, token or not', async () => {
    for (const host of [`evil.example:${server.httpPort}`, 'rebind.attacker.test', '10.0.0.1']) {
      for (const path of ['/calls', '/health']) {
        const response = await request(server.httpPort, path, { headers: { ...AUTH, host } });
        expect(response.status, `${host} ${path}`).toBe(421);
      }
    }
    const named = await request(server.httpPort, '/calls', {
      headers: { ...AUTH, host: `localhost:${server.httpPort}` },
    });
    expect(named.status).toBe(200);
  });

  it('sends no CORS headers, not even to a preflight', async () => {
    const origin = 'http://evil.example';
    const read = await request(server.httpPort, '/calls', { headers: { ...AUTH, origin } });
    expect(read.status).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(server.httpPort, '/calls/x/hangup', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(401);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers CORS for configured origins only', async () => {
    const cors = await startTestServer({ API_CORS_ORIGINS: 'http://ops.example' });
    try {
      const allowed = await request(cors.httpPort, '/calls', {
        headers: { ...AUTH, origin: 'http://ops.example' },
      });
      expect(allowed.headers['access-control-allow-origin']).toBe('http://ops.example');
      const other = await request(cors.httpPort, '/calls', {
        headers: { ...AUTH, origin: 'http://evil.example' },
      });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await cors.stop();
    }
  });
});

describe('configuration fails closed', { timeout: 20_000 }, () => {
  const base = { IVR_FILE: join(MEDIA_DIR, 'ivr.json'), SOUNDS_DIR: MEDIA_DIR };

  it('binds the API to loopback by default, not to the SIP address', () => {
    const config = loadConfig({ ...base, SIP_HOST: '10.1.2.3', MEDIA_API_TOKEN_FILE: TOKEN_FILE });
    expect(config.httpHost).toBe('127.0.0.1');
    expect(config.apiToken).toBe(TEST_TOKEN);
  });

  it('refuses to start without a usable token file', () => {
    expect(() => loadConfig(base)).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, MEDIA_API_TOKEN_FILE: '/nonexistent/token' })).toThrow(
      /cannot read/,
    );
    const short = join(mkdtempSync(join(tmpdir(), 'media-token-')), 'short');
    writeFileSync(short, 'abc');
    expect(() => loadConfig({ ...base, MEDIA_API_TOKEN_FILE: short })).toThrow(/32-512/);
  });

  it('trusts PROXY exactly, plus the listed sources', () => {
    const config = loadConfig({
      ...base,
      MEDIA_API_TOKEN_FILE: TOKEN_FILE,
      PROXY: '10.0.0.5:5060',
      TRUSTED_SIP_SOURCES: '10.0.0.6, 10.0.0.7:5070',
    });
    expect(config.trustedSipSources).toEqual([
      { address: '10.0.0.5', port: 5060 },
      { address: '10.0.0.6' },
      { address: '10.0.0.7', port: 5070 },
    ]);
    expect(() =>
      loadConfig({ ...base, MEDIA_API_TOKEN_FILE: TOKEN_FILE, TRUSTED_SIP_SOURCES: 'sbc.local' }),
    ).toThrow(ConfigError);
  });
});

describe('SIP only from the SBC', { timeout: 20_000 }, () => {
  let server: Server;
  let proxy: RawSip;
  let stranger: RawSip;

  beforeAll(async () => {
    proxy = await RawSip.open();
    stranger = await RawSip.open();
    server = await startTestServer({ PROXY: `127.0.0.1:${proxy.port}`, TRUSTED_SIP_SOURCES: '' });
  });
  afterAll(async () => {
    proxy.close();
    stranger.close();
    await server.stop();
  });

  const stats = (): Promise<Json> => server.api.get('/stats');

  it('drops a direct INVITE from any other source unanswered', async () => {
    stranger.send(
      inviteText({
        service: 'music',
        callId: 'direct-1',
        serverPort: server.sipPort,
        clientPort: stranger.port,
      }),
      server.sipPort,
    );
    await waitFor(async () => (await stats()).sipDropped.untrusted >= 1 || undefined);
    expect(server.ua.calls.has('direct-1')).toBe(false);
    // The SBC's own traffic still gets through, and is answered.
    const ok = await answeredCall(server, proxy, 'via-sbc-1');
    await hangUp(server, proxy, ok);
    expect(stranger.count(() => true)).toBe(0);
  });

  it('drops an oversize datagram and keeps answering', async () => {
    proxy.send(
      inviteText({
        service: 'music',
        callId: 'huge-1',
        serverPort: server.sipPort,
        clientPort: proxy.port,
        headers: [`Subject: ${' '.repeat(60 * 1024)}x`],
      }),
      server.sipPort,
    );
    await waitFor(async () => (await stats()).sipDropped.oversize >= 1 || undefined);
    expect(server.ua.calls.has('huge-1')).toBe(false);
    const ok = await answeredCall(server, proxy, 'after-huge-1');
    await hangUp(server, proxy, ok);
  });
});

describe('RTP and RTCP only from the negotiated peer', { timeout: 20_000 }, () => {
  let server: Server;
  let sip: RawSip;
  const peers: RtpPeer[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    sip = await RawSip.open();
  });
  afterEach(() => {
    for (const peer of peers.splice(0)) peer.close();
  });
  afterAll(async () => {
    sip.close();
    await server.stop();
  });

  const peer = async (address?: string): Promise<RtpPeer> => {
    const opened = await RtpPeer.open(address);
    peers.push(opened);
    return opened;
  };

  it('ignores audio, digits and RTCP from a rogue sender after latching', async () => {
    const phone = await peer();
    const rogue = await peer();
    const ok = await answeredCall(server, sip, 'latch-1', { mediaPort: phone.port });
    const serverPort = serverRtpPort(ok);
    const call = server.ua.calls.get('latch-1')!;
    phone.sendAudio(serverPort, 5);
    await waitFor(() => call.stats().packetsReceived >= 5 || undefined);

    // The rogue tries a digit (PT 126, as offered), audio, and RTCP on both ports.
    const digit = buildTelephoneEvent({ event: 5, end: true, volume: 10, duration: 800 });
    for (let i = 0; i < 3; i++)
      rogue.rtp.send(rtpPacket(126, 100 + i, digit), serverPort, '127.0.0.1');
    rogue.sendAudio(serverPort, 5);
    const report = buildReport({ type: 'RR', ssrc: 0x9999, sender: undefined, blocks: [] });
    rogue.rtcp.send(report, serverPort + 1, '127.0.0.1');
    rogue.rtp.send(report, serverPort, '127.0.0.1');
    await waitFor(() => call.stats().packetsRejected >= 10 || undefined);

    expect(call.stats().packetsReceived).toBe(5);
    expect(call.timeline.some((e) => e.type === 'digit')).toBe(false);
    // Our stream and our reports still go to the phone, never to the rogue.
    const rtcpBefore = phone.rtcpIn.length;
    await waitFor(() => phone.rtcpIn.length > rtcpBefore || undefined, 5000);
    expect(rogue.rtpIn).toHaveLength(0);
    expect(rogue.rtcpIn).toHaveLength(0);
    expect(phone.rtpIn.length).toBeGreaterThan(0);
    await hangUp(server, sip, ok);
  });

  it('sends only to the negotiated address, whoever sends first', async () => {
    const phone = await peer();
    const elsewhere = await peer('127.0.0.2');
    const ok = await answeredCall(server, sip, 'latch-2', { mediaPort: phone.port });
    const serverPort = serverRtpPort(ok);
    const call = server.ua.calls.get('latch-2')!;
    // Another address speaks first: it must neither latch nor be heard.
    elsewhere.sendAudio(serverPort, 5);
    await waitFor(() => call.stats().packetsRejected >= 5 || undefined);
    expect(call.stats().packetsReceived).toBe(0);
    const before = phone.rtpIn.length;
    await waitFor(() => phone.rtpIn.length >= before + 5 || undefined);
    expect(elsewhere.rtpIn).toHaveLength(0);
    // The phone itself is heard as usual.
    phone.sendAudio(serverPort, 3);
    await waitFor(() => call.stats().packetsReceived >= 3 || undefined);
    await hangUp(server, sip, ok);
  });

  it('refuses an SDP whose address is a host name or whose port is out of range', async () => {
    const withSdp = (callId: string, c: string, port: string) =>
      inviteText({ service: 'music', callId, serverPort: server.sipPort, clientPort: sip.port })
        .replace('c=IN IP4 127.0.0.1', `c=IN IP4 ${c}`)
        .replace('m=audio 9 ', `m=audio ${port} `);
    sip.send(withSdp('sdp-name', 'victim.example', '4000'), server.sipPort);
    await sip.next(isResponse('sdp-name', 488));
    sip.send(withSdp('sdp-port', '127.0.0.1', '70000'), server.sipPort);
    await sip.next(isResponse('sdp-port', 488));
  });
});

describe('bad input never takes the process down', { timeout: 20_000 }, () => {
  let server: Server;
  let sip: RawSip;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown): void => {
    uncaught.push(error);
  };

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    server = await startTestServer({ RTP_TIMEOUT_S: '1' });
    sip = await RawSip.open();
  });
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    sip.close();
    await server.stop();
  });

  it('survives a Contact that does not percent-decode, through the RTP-timeout BYE', async () => {
    const phone = await RtpPeer.open();
    try {
      // A healthy call whose phone keeps sending, so only the bad call times out.
      const good = await answeredCall(server, sip, 'healthy-1', { mediaPort: phone.port });
      const goodPort = serverRtpPort(good);
      const keepTalking = setInterval(() => phone.sendAudio(goodPort), 20);
      try {
        const bad = await answeredCall(server, sip, 'bad-contact-1', {
          contact: `<sip:%zz@127.0.0.1:${sip.port}>`,
        });
        expect(getHeader(bad, 'to')).toContain('tag=');
        const bye = await sip.next(
          (m) =>
            m.kind === 'request' &&
            m.method === 'BYE' &&
            getHeader(m, 'call-id') === 'bad-contact-1',
          5000,
        );
        expect(getHeader(bye, 'reason')).toContain('RTP timeout');
        const ended = await server.api.waitForEntry('bad-contact-1', (e) => e.type === 'ended');
        expect(ended.reason).toBe('rtp-timeout');
        // The other call never noticed.
        const healthy = server.ua.calls.get('healthy-1')!;
        const sent = healthy.stats().packetsSent;
        await waitFor(() => healthy.stats().packetsSent >= sent + 10 || undefined);
        expect(healthy.state).toBe('answered');
      } finally {
        clearInterval(keepTalking);
      }
      await hangUp(server, sip, good);
      expect(uncaught).toEqual([]);
    } finally {
      phone.close();
    }
  });

  it('still ends a call whose Contact names an impossible port', async () => {
    await answeredCall(server, sip, 'bad-port-1', {
      contact: '<sip:x@127.0.0.1:99999>',
    });
    const ended = await server.api.waitForEntry('bad-port-1', (e) => e.type === 'ended', 5000);
    expect(ended.reason).toBe('rtp-timeout');
    expect(server.ua.calls.has('bad-port-1')).toBe(false);
    expect(uncaught).toEqual([]);
  });

  it('survives a recording that cannot be read', async () => {
    // A directory with a recording's name: stat succeeds, reading fails (EISDIR).
    mkdirSync(join(server.config.recordingsDir, 'unreadable.wav'), { recursive: true });
    const failed = await server.api
      .fetch('/recordings/unreadable.wav')
      .then((response) => response.arrayBuffer())
      .then(
        () => 'read',
        () => 'aborted',
      );
    expect(failed).toBe('aborted');
    expect((await server.api.get('/health')).status).toBe('ok');
    expect(uncaught).toEqual([]);
  });

  it('keeps a call timeline bounded however many events the caller causes', async () => {
    const ok = await answeredCall(server, sip, 'long-timeline-1');
    const call = server.ua.calls.get('long-timeline-1')!;
    for (let i = 0; i < MAX_TIMELINE_ENTRIES + 500; i++) call.record('digit', { digit: '1' });
    expect(call.timeline).toHaveLength(MAX_TIMELINE_ENTRIES + 1);
    expect(call.timeline.at(-1)?.type).toBe('timeline-truncated');
    await hangUp(server, sip, ok);
  });

  it('answers Object member names as unknown services (404)', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const callId = `proto-${name}`;
      sip.send(
        inviteText({ service: name, callId, serverPort: server.sipPort, clientPort: sip.port }),
        server.sipPort,
      );
      await sip.next(isResponse(callId, 404));
      expect(server.ua.calls.has(callId)).toBe(false);
    }
    expect(uncaught).toEqual([]);
  });
});

describe('resource limits refuse new calls, keep existing ones', { timeout: 20_000 }, () => {
  it('answers 503 when the RTP ports run out, and the calls up keep their media', async () => {
    // Two port pairs only.
    const [min] = await freePorts(4);
    const server = await startTestServer({
      RTP_PORT_MIN: String(min),
      RTP_PORT_MAX: String(min + 3),
    });
    const sip = await RawSip.open();
    try {
      const first = await answeredCall(server, sip, 'ports-1');
      const second = await answeredCall(server, sip, 'ports-2');
      sip.send(
        inviteText({
          service: 'music',
          callId: 'ports-3',
          serverPort: server.sipPort,
          clientPort: sip.port,
        }),
        server.sipPort,
      );
      const refused = await sip.next(isResponse('ports-3', 503));
      expect(getHeader(refused, 'retry-after')).toBe('5');
      expect((await server.api.get('/stats')).refusedCalls.ports).toBe(1);
      for (const callId of ['ports-1', 'ports-2']) {
        const call = server.ua.calls.get(callId)!;
        const sent = call.stats().packetsSent;
        await waitFor(() => call.stats().packetsSent >= sent + 5 || undefined);
      }
      await hangUp(server, sip, first);
      // A freed pair takes a new call again.
      const third = await answeredCall(server, sip, 'ports-4');
      await hangUp(server, sip, second);
      await hangUp(server, sip, third);
    } finally {
      sip.close();
      await server.stop();
    }
  });

  it('answers 503 above the memory bound', async () => {
    const server = await startTestServer({ MAX_RSS_MB: '16' });
    const sip = await RawSip.open();
    try {
      sip.send(
        inviteText({
          service: 'music',
          callId: 'mem-1',
          serverPort: server.sipPort,
          clientPort: sip.port,
        }),
        server.sipPort,
      );
      await sip.next(isResponse('mem-1', 503));
      expect((await server.api.get('/stats')).refusedCalls.memory).toBe(1);
    } finally {
      sip.close();
      await server.stop();
    }
  });
});

describe('event stream limits', { timeout: 20_000 }, () => {
  let server: Server;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it(`serves at most ${MAX_SSE_SUBSCRIBERS} subscribers`, async () => {
    // Held until the end and cancelled there: undici cancels the body of a Response that is
    // garbage-collected unread, which would close its stream and free a slot mid-test.
    const streams: Response[] = [];
    try {
      for (let i = 0; i < MAX_SSE_SUBSCRIBERS; i++) {
        const response = await server.api.fetch('/events');
        expect(response.status).toBe(200);
        streams.push(response);
      }
      const extra = await request(server.httpPort, '/events', { headers: AUTH });
      expect(extra.status).toBe(503);
    } finally {
      await Promise.all(streams.map((stream) => stream.body?.cancel()));
    }
    await waitFor(
      async () => (await server.api.get('/stats')).events.subscribers === 0 || undefined,
    );
  });

  it('drops a subscriber that stops reading instead of buffering without end', async () => {
    const socket = net.connect(server.httpPort, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_TOKEN}\r\n\r\n`,
    );
    socket.pause();
    try {
      await waitFor(
        async () => (await server.api.get('/stats')).events.subscribers === 1 || undefined,
      );
      const padding = 'x'.repeat(64 * 1024);
      // Entries until the kernel's socket buffers are full and the backlog passes the bound.
      await waitFor(async () => {
        for (let i = 0; i < 20; i++) {
          server.ctx.bus.emit('entry', { t: Date.now(), callId: 'flood', type: 'flood', padding });
        }
        await new Promise((resolve) => setImmediate(resolve));
        const { events } = await server.api.get('/stats');
        return events.dropped >= 1 && events.subscribers === 0 ? true : undefined;
      }, 20_000);
    } finally {
      socket.destroy();
    }
  });
});

describe('recordings', { timeout: 20_000 }, () => {
  it('never lets a repeated Call-ID overwrite an earlier recording', async () => {
    const server = await startTestServer();
    const sip = await RawSip.open();
    try {
      const files: string[] = [];
      for (const round of [1, 2]) {
        const ok = await answeredCall(server, sip, 'same-call-id', {
          service: 'record-now',
          branch: `z9hG4bKsame${round}`,
        });
        const entry = await waitFor(() =>
          server.ua.calls.get('same-call-id')?.timeline.find((e) => e.type === 'recording'),
        );
        files.push(String(entry.file));
        const call = server.ua.calls.get('same-call-id')!;
        await waitFor(() => call.stats().packetsSent >= 5 || undefined);
        await hangUp(server, sip, ok, 2);
        await waitFor(() => !server.ua.calls.has('same-call-id') || undefined);
      }
      expect(new Set(files).size).toBe(2);
      for (const file of files) {
        expect(file).not.toContain('same-call-id');
        const wav = parseWav(readFileSync(join(server.config.recordingsDir, file)));
        expect(wav.samples.length).toBeGreaterThan(0);
      }
    } finally {
      sip.close();
      await server.stop();
    }
  });

  it('repairs the header of a recording cut off by a crash when the server starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'media-rec-'));
    const header = Buffer.alloc(44);
    header.write('RIFF', 0, 'ascii');
    header.write('WAVEfmt ', 8, 'ascii');
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(2, 22);
    header.writeUInt32LE(8000, 24);
    header.writeUInt32LE(32000, 28);
    header.writeUInt16LE(4, 32);
    header.writeUInt16LE(16, 34);
    header.write('data', 36, 'ascii');
    // Sizes still 0 as written at the start, 1 s of audio plus a torn sample frame after it.
    writeFileSync(join(dir, 'rec-crashed.wav'), Buffer.concat([header, Buffer.alloc(32002, 1)]));
    const server = await startTestServer({ RECORDINGS_DIR: dir });
    try {
      const repaired = readFileSync(join(dir, 'rec-crashed.wav'));
      expect(repaired.readUInt32LE(40)).toBe(32000);
      expect(repaired.readUInt32LE(4)).toBe(36 + 32000);
      expect(parseWav(repaired).samples.length).toBe(16000);
    } finally {
      await server.stop();
    }
  });
});
