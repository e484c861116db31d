// Flood protection: a source that floods is banned for a while, others are not.
// The lab exempts 127.0.0.1 (every tool shares it), so the flood comes from
// 127.0.0.2 and the bystander is 127.0.0.3; the lab bans for PIKE_BAN_SECONDS (6 s).
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { poll } from '../../testkit/poll';
import { kamcmd, options, SBC, sipRequest } from './lib';

const FLOODER = '127.0.0.2';
const BYSTANDER = '127.0.0.3';

async function flood(from: string, count: number): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, from, resolve));
  const { port } = socket.address();
  for (let i = 0; i < count; i++) {
    await new Promise((resolve) =>
      socket.send(options().replaceAll('LOCAL', `${from}:${port}`), SBC.sipPort, SBC.host, resolve),
    );
  }
  socket.close();
}

test('a flooding address is banned, others are served, and the ban expires', async () => {
  assert.equal(await sipRequest(options(), { bind: FLOODER }), 200, 'flooder served before');

  await flood(FLOODER, 400);
  await poll(async () => (await kamcmd('htable.dump', 'ipban')).includes(FLOODER), {
    what: `${FLOODER} in the ban table`,
  });
  assert.equal(await sipRequest(options(), { bind: FLOODER }), null, 'banned source still served');
  assert.equal(await sipRequest(options(), { bind: BYSTANDER }), 200, 'bystander not served');

  await poll(async () => (await sipRequest(options(), { bind: FLOODER, timeoutMs: 300 })) === 200, {
    timeoutMs: 30000,
    intervalMs: 500,
    what: 'the ban to expire',
  });
});
