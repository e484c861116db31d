/** The server against sipp as a real UAC (and as the agent's UAS for the queue). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../testkit/ports';
import { type Json, runSipp, startTestServer } from '../harness.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
const types = (call: Json): string[] => call.timeline.map((e: Json) => e.type);

describe('media server with sipp', () => {
  let server: Server;
  const target = () => `127.0.0.1:${server.sipPort}`;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('answers OPTIONS (dispatcher probe) with 200', async () => {
    const result = await runSipp('options.xml', [target(), '-s', 'ivr']);
    expect(result).toEqual({ code: 0, errors: '' });
  });

  it('runs INVITE → 200 → ACK → BYE and records the timeline', async () => {
    const result = await runSipp('call.xml', [
      target(),
      '-s',
      'music',
      // One second of call: 50 frames at 20 ms, of which the check below wants a few even
      // when the machine is busy (with 300 ms it once saw 3 at a load of 35 on 2 cores).
      '-d',
      '1000',
      '-cid_str',
      'basic-%u-%p',
    ]);
    expect(result).toEqual({ code: 0, errors: '' });
    const call = await server.api.waitForEntry('basic-', (e) => e.type === 'ended');
    expect(types(call)).toEqual(['invite', 'answered', 'bye', 'rtp-stats', 'ended']);
    expect(call.timeline.find((e: Json) => e.type === 'answered')).toMatchObject({
      codec: 'PCMU',
      telephoneEventPt: 101,
    });
    expect(call.reason).toBe('remote-bye');
    expect(call.rtp.packetsSent).toBeGreaterThan(5);
  });

  it('answers hold re-INVITEs with recvonly/inactive and records hold and unhold', async () => {
    const result = await runSipp('hold.xml', [target(), '-s', 'music', '-cid_str', 'hold-%u-%p']);
    expect(result).toEqual({ code: 0, errors: '' });
    const call = await server.api.waitForEntry('hold-', (e) => e.type === 'ended');
    const holdEntries = call.timeline.filter((e: Json) => e.type === 'hold' || e.type === 'unhold');
    expect(holdEntries.map((e: Json) => [e.type, e.direction, e.by])).toEqual([
      ['hold', 'sendonly', 'remote'],
      ['hold', 'inactive', 'remote'],
      ['unhold', undefined, 'remote'],
    ]);
  });

  it('moves the IVR with an RFC 4733 digit from a pcap (PT 101, as offered)', async () => {
    const result = await runSipp('dtmf-rfc4733.xml', [
      target(),
      '-s',
      'ivr',
      '-cid_str',
      'rfc4733-%u-%p',
    ]);
    expect(result).toEqual({ code: 0, errors: '' });
    const call = await server.api.waitForEntry('rfc4733-', (e) => e.type === 'ended');
    const digits = call.timeline.filter((e: Json) => e.type === 'digit');
    // The pcap repeats its end packet three times: still one digit.
    expect(digits.map((e: Json) => [e.digit, e.method])).toEqual([['1', 'rfc4733']]);
    // Every packet of the key press is counted, its three end packets included.
    expect(call.rtp.eventPacketsReceived).toBeGreaterThanOrEqual(4);
    const nodes = call.timeline.filter((e: Json) => e.type === 'ivr-node').map((e: Json) => e.node);
    expect(nodes).toEqual(['main', 'info']);
  });

  it('takes a SIP INFO dtmf-relay digit and starts the echo test', async () => {
    const result = await runSipp('dtmf-info.xml', [
      target(),
      '-s',
      'ivr',
      '-cid_str',
      'info-%u-%p',
    ]);
    expect(result).toEqual({ code: 0, errors: '' });
    const call = await server.api.waitForEntry('info-', (e) => e.type === 'ended');
    const digitAt = call.timeline.findIndex((e: Json) => e.type === 'digit');
    expect(call.timeline[digitAt]).toMatchObject({ digit: '3', method: 'info' });
    expect(call.timeline[digitAt + 1]).toMatchObject({
      type: 'ivr-node',
      node: 'echo',
      kind: 'service',
    });
  });

  it('answers CANCEL with 200 and the ringing INVITE with 487', async () => {
    const result = await runSipp('cancel.xml', [
      target(),
      '-s',
      'ringing',
      '-cid_str',
      'cancel-%u-%p',
    ]);
    expect(result).toEqual({ code: 0, errors: '' });
    const call = await server.api.waitForEntry('cancel-', (e) => e.type === 'ended');
    expect(types(call)).toEqual(['invite', 'ended']);
    expect(call.reason).toBe('cancelled');
  });
});

describe('RTP timeout', () => {
  it('hangs up with BYE when no RTP arrives', async () => {
    const server = await startTestServer({ RTP_TIMEOUT_S: '1' });
    try {
      const started = Date.now();
      const result = await runSipp('rtp-timeout.xml', [
        `127.0.0.1:${server.sipPort}`,
        '-s',
        'music',
        '-cid_str',
        'timeout-%u-%p',
      ]);
      expect(result).toEqual({ code: 0, errors: '' });
      const call = await server.api.waitForEntry('timeout-', (e) => e.type === 'ended');
      expect(call.reason).toBe('rtp-timeout');
      expect(call.timeline.find((e: Json) => e.type === 'bye')).toMatchObject({
        by: 'local',
        reason: 'rtp-timeout',
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    } finally {
      await server.stop();
    }
  });
});

describe('queue (B2BUA)', () => {
  it('calls the agent through the proxy, bridges, relays digits and ends both legs', async () => {
    const agentPort = await freePort();
    const agent = runSipp('agent-uas.xml', [], { sip: agentPort });
    const server = await startTestServer({ PROXY: `127.0.0.1:${agentPort}` });
    try {
      const caller = await runSipp('queue-caller.xml', [
        `127.0.0.1:${server.sipPort}`,
        '-s',
        'queue',
        '-cid_str',
        'queue-%u-%p',
      ]);
      expect(caller).toEqual({ code: 0, errors: '' });
      expect(await agent).toEqual({ code: 0, errors: '' });
      const call = await server.api.waitForEntry('queue-', (e) => e.type === 'ended');
      const bridge = call.timeline.find((e: Json) => e.type === 'bridge');
      expect(call.timeline.find((e: Json) => e.type === 'queue-dial')).toMatchObject({
        agent: 'agent1',
      });
      expect(bridge.peer).toBe('<sip:agent1@helpline.test>');
      const agentLeg = await server.api.waitForEntry(bridge.peerCallId, (e) => e.type === 'ended');
      expect(types(agentLeg)).toEqual(
        expect.arrayContaining(['invite', 'ringing', 'answered', 'bridge', 'bye', 'ended']),
      );
      expect(agentLeg.timeline.find((e: Json) => e.type === 'bye')).toMatchObject({
        by: 'local',
        reason: 'bridge-peer-ended',
      });
      // The caller's digit went to the agent as RFC 4733 (the only packets the agent leg sent).
      expect(call.timeline.find((e: Json) => e.type === 'digit')).toMatchObject({ digit: '1' });
      expect(agentLeg.rtp.packetsSent).toBeGreaterThanOrEqual(7);
    } finally {
      await server.stop();
    }
  });
});
