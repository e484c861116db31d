// The SBC across restarts and inside its container.
//
// Root cause of the "unrewritten SDP answer" (about one call in 60–100 after a Kamailio
// restart, the browser got the media server's plain RTP/AVP answer: "Bad Media Description").
//
// Kamailio's rtpengine module tags every ng command with a cookie "<server_id>_<pid>_<seq>"
// (modules/rtpengine/rtpengine.c, gencookie()). rtpengine remembers each cookie's reply for
// 30–60 s and answers a repeated cookie from that cache without running the command
// (daemon/cookie_cache.c): that is how it absorbs retransmissions. A restarted Kamailio
// container starts again from the same small pids and seq 0, so a fresh offer can carry a
// cookie the previous instance used a minute ago: rtpengine replies with the old call's SDP,
// creates nothing, and the answer then fails with "Unknown call-id".
//
// The fix gives every Kamailio start its own server_id (entrypoint.sh), so cookies of two
// instances never meet. The first test pins rtpengine's behaviour, the second the fix.
// Restarts Kamailio, so it runs after the suites that keep registrations.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { poll } from '../../testkit/poll';
import { containerName, RTPENGINE } from '../../testkit/topology';
import { captureNg, compose, ephemeral, kamcmd, options, RUN_DIR, sipp, sipRequest } from './lib';

const execFileAsync = promisify(execFile);

const NG = { host: RTPENGINE.host, port: RTPENGINE.ngPort };

// ----- bencode, just enough for ng messages -----
/** What bencode can carry: integers, strings, lists and dictionaries of them. */
type Bencoded = number | string | Bencoded[] | { [key: string]: Bencoded };

function encode(value: Bencoded): string {
  if (typeof value === 'number') return `i${value}e`;
  if (typeof value === 'string') return `${Buffer.byteLength(value)}:${value}`;
  if (Array.isArray(value)) return `l${value.map(encode).join('')}e`;
  const keys = Object.keys(value).sort();
  return `d${keys.map((k) => encode(k) + encode(value[k])).join('')}e`;
}

/** Decodes the string values of a flat bencoded dictionary (enough to read result/sdp). */
function decodeStrings(text: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const re = /(\d+):/y;
  let i = 1;
  const readString = () => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return null;
    const start = i + m[0].length;
    i = start + Number(m[1]);
    return text.slice(start, i);
  };
  while (i < text.length && text[i] !== 'e') {
    const key = readString();
    if (key === null) break;
    if (/\d/.test(text[i])) out[key] = readString();
    else break; // nested values are not needed here
  }
  return out;
}

function ng(cookie: string, message: Bencoded): Promise<Record<string, string | null>> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('rtpengine did not answer'));
    }, 3000);
    socket.on('message', (buf) => {
      clearTimeout(timer);
      socket.close();
      const text = buf.toString('latin1');
      resolve(decodeStrings(text.slice(text.indexOf(' ') + 1)));
    });
    socket.send(`${cookie} ${encode(message)}`, NG.port, NG.host);
  });
}

const sdp = (port: number) =>
  [
    'v=0',
    'o=- 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP 0`,
    '',
  ].join('\r\n');

test('rtpengine answers a repeated cookie from its cache, even for another call', async () => {
  const cookie = `cookie-test-${randomBytes(4).toString('hex')}`;
  const callA = `a-${randomBytes(6).toString('hex')}`;
  const callB = `b-${randomBytes(6).toString('hex')}`;
  const offer = (callId: string) => ({
    command: 'offer',
    'call-id': callId,
    'from-tag': 'tag1',
    sdp: sdp(11000),
  });

  const first = await ng(cookie, offer(callA));
  assert.equal(first.result, 'ok');
  const second = await ng(cookie, offer(callB));
  // The reply to call B is call A's, byte for byte, and call B was never created.
  assert.equal(second.sdp, first.sdp);
  const query = await ng(`${cookie}-q`, { command: 'query', 'call-id': callB });
  assert.equal(query.result, 'error');
  assert.match(query['error-reason'] ?? '', /Unknown call-id/i);

  await ng(`${cookie}-d`, { command: 'delete', 'call-id': callA, 'from-tag': 'tag1' });
});

/** Kamailio's ng cookies for one call (offer, answer, delete), captured on lo. */
async function cookiesOfOneCall(call: () => Promise<void>): Promise<string[]> {
  const capture = await captureNg();
  try {
    await call();
    // poll resolves with a truthy value only: the cookies.
    return (await poll(
      () => {
        // The health probe's pings carry their own cookies; Kamailio's are "<server_id>_<pid>_<seq>".
        const cookies = capture
          .commands()
          .map((c) => c.cookie)
          .filter((c) => /^\d+_\d+_\d+$/.test(c));
        return cookies.length >= 3 && cookies;
      },
      { what: 'the offer, answer and delete of the call on the ng socket' },
    )) as string[];
  } finally {
    await capture.stop();
  }
}

async function echoCall(): Promise<void> {
  const caller = `visitor-${randomBytes(4).toString('hex')}`;
  const result = await sipp('call.xml', {
    vars: { CALLER: caller, PAUSE: 200 },
    service: 'echo',
    auth: ephemeral(caller),
  });
  assert.ok(result.ok, result.output);
}

const serverIds = (cookies: readonly string[]) => new Set(cookies.map((c) => c.split('_')[0]));

async function restartKamailio(): Promise<void> {
  await compose('restart', '--timeout', '2', 'kamailio');
  await poll(async () => (await sipRequest(options())) === 200, {
    timeoutMs: 60000,
    what: 'Kamailio answering again after the restart',
  });
}

test('a restarted Kamailio never reuses the previous instance’s rtpengine cookies', async () => {
  const before = await cookiesOfOneCall(echoCall);

  await restartKamailio();

  const after = await cookiesOfOneCall(echoCall);
  assert.equal(serverIds(before).size, 1);
  assert.equal(serverIds(after).size, 1);
  assert.notDeepEqual(
    [...serverIds(after)],
    [...serverIds(before)],
    'each Kamailio start has its own cookie namespace (server_id)',
  );
});

// New calls soon after a restart (issue 11 §3): before it serves anything, Kamailio's main
// process builds each TLS domain's context for every process, and the unused client domain
// used to load the server's certificate and key too (backend/kamailio/tls.cfg): twice the
// OpenSSL key loads, about a third of a start's CPU. What the running SBC was given:
test('the SBC loads its TLS key for its server domain only: its client domain has none', async () => {
  const { stdout } = await execFileAsync('docker', [
    ...['exec', containerName('kamailio'), 'cat', '/etc/kamailio/tls.cfg'],
  ]);
  const section = (name: string) => stdout.split(`[${name}]`)[1]?.split(/^\[/m)[0] ?? '';
  assert.match(
    section('server:default'),
    /^private_key = \/etc\/softphone\/certs\/server-key\.pem$/m,
  );
  assert.match(section('client:default'), /^private_key = ""$/m);
  assert.match(section('client:default'), /^certificate = ""$/m);
});

const uptime = async () => Number(/uptime: (\d+)/.exec(await kamcmd('core.uptime'))?.[1]);

// Kamailio's main process shuts everything down when any child it did not expect exits.
// As a container's PID 1 it also inherits every orphan in the container (a health probe's
// grep left behind when the probe timed out on a loaded machine, a `docker exec` helper), so
// one orphan's exit took the whole SBC down. compose.yml runs an init as PID 1 (`init: true`).
test('an orphaned process in the Kamailio container does not take Kamailio down', async () => {
  const before = await uptime();
  // The subshell exits at once; its `sleep` is re-parented to the container's PID 1.
  await execFileAsync('docker', [
    ...['exec', containerName('kamailio'), 'sh', '-c', '(sleep 1 >/dev/null 2>&1 &)'],
  ]);
  await poll(
    async () => {
      const { stdout } = await execFileAsync('docker', ['top', containerName('kamailio')]);
      return !/\bsleep 1\b/.test(stdout);
    },
    { timeoutMs: 15000, what: 'the orphan to exit' },
  );
  assert.equal(await sipRequest(options()), 200);
  assert.ok((await uptime()) >= before, 'Kamailio kept running (uptime did not reset)');
});

// Rotating the auth_ephemeral secret (SECURITY.md): while `secret.previous` holds the old
// secret, credentials minted with it before the switch still work; once it is emptied, not.
test('during a secret rotation the previous secret still verifies, and not after it', async () => {
  const previousFile = join(RUN_DIR, 'secret.previous');
  const previous = `rotated-out-${randomBytes(8).toString('hex')}`;
  const register = (expect: number) =>
    sipp('register.xml', {
      vars: { EXPECT: expect },
      service: 'agent8',
      auth: ephemeral('agent8', { secret: previous }),
    });
  try {
    // Written in place: the container sees this very file (a bind mount of one inode).
    writeFileSync(previousFile, `${previous}\n`);
    await restartKamailio();
    const during = await register(200);
    assert.ok(during.ok, during.output);
  } finally {
    writeFileSync(previousFile, '');
    await restartKamailio();
  }
  const after = await register(401);
  assert.ok(after.ok, after.output);
});
