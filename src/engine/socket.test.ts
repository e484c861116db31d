import { afterEach, describe, expect, it } from 'vitest';
import { poll } from '../../testkit/poll';
import { Backoff } from './backoff';
import { FailoverSocket, keepaliveAnswer, keepaliveRequest, regionHeader } from './socket';

describe('keepalive messages', () => {
  it('builds an OPTIONS to the domain that Kamailio answers statelessly', () => {
    const request = keepaliveRequest('helpline.test', 3, 'WSS');
    const lines = request.split('\r\n');
    expect(lines[0]).toBe('OPTIONS sip:helpline.test SIP/2.0');
    expect(request).toMatch(/^Via: SIP\/2\.0\/WSS [a-z0-9]+\.invalid;branch=z9hG4bK[a-z0-9]+$/m);
    expect(request).toMatch(/^CSeq: 3 OPTIONS$/m);
    expect(request).toMatch(/^From: <sip:keepalive@helpline\.test>;tag=\w+$/m);
    expect(request.endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
  });

  it('recognises the answer to its own ping, with the region, and nothing else', () => {
    const callId = /^Call-ID: (\S+)$/m.exec(keepaliveRequest('helpline.test', 1, 'WSS'))![1];
    const answer = `SIP/2.0 200 Keepalive\r\nCall-ID: ${callId}\r\nX-Region: region-b\r\nContent-Length: 0\r\n\r\n`;
    expect(keepaliveAnswer(answer)).toEqual({ region: 'region-b' });
    expect(keepaliveAnswer(answer.replace('X-Region: region-b\r\n', ''))).toEqual({
      region: undefined,
    });
    // JsSIP's own traffic passes through untouched.
    expect(keepaliveAnswer(answer.replace(callId!, 'abc123'))).toBeUndefined();
    expect(keepaliveAnswer(`OPTIONS sip:x SIP/2.0\r\nCall-ID: ${callId}\r\n\r\n`)).toBeUndefined();
    expect(keepaliveAnswer(new ArrayBuffer(4))).toBeUndefined();
  });

  it('reads X-Region case-insensitively, trimmed', () => {
    expect(regionHeader('SIP/2.0 200 OK\r\nx-region:  eu-west \r\n\r\n')).toBe('eu-west');
    expect(regionHeader('SIP/2.0 200 OK\r\nServer: x\r\n\r\n')).toBeUndefined();
  });
});

const sockets: FailoverSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

describe('FailoverSocket reconnection', () => {
  // Nothing listens on ports 9 and 7 in the test's namespace: refused at once.
  const servers = ['wss://127.0.0.1:9', 'wss://127.0.0.1:7'];
  const fast = () => new Backoff({ initialMs: 20, maxMs: 40, jitter: 0, stableAfterMs: 1000 });

  it('reconnects on its own schedule, across the servers in order, without JsSIP', async () => {
    const socket = new FailoverSocket(servers, { domain: 'helpline.test', backoff: fast() });
    sockets.push(socket);
    const tried: string[] = [];
    socket.ondisconnect = () => tried.push(socket.url);
    socket.connect();
    await poll(() => tried, {
      timeoutMs: 3000,
      intervalMs: 10,
      what: 'four connection attempts',
      done: (urls) => urls.length >= 4,
    });
    expect(tried.slice(0, 4)).toEqual([servers[0], servers[1], servers[0], servers[1]]);
  });

  it('stays closed after disconnect(), even when closed from the drop handler', async () => {
    const socket = new FailoverSocket(servers, { domain: 'helpline.test', backoff: fast() });
    sockets.push(socket);
    let drops = 0;
    socket.ondisconnect = () => {
      drops += 1;
      socket.disconnect();
    };
    socket.connect();
    await poll(() => drops > 0, { timeoutMs: 2000, intervalMs: 10, what: 'the first drop' });
    expect(drops).toBe(1);
    // Several backoff periods later, still one attempt and nothing pending.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(drops).toBe(1);
    expect(socket.isConnecting()).toBe(false);
  });
});
