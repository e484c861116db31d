// Calls through the SBC and rtpengine to the media farm and between users.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import type { CallDetail, TimelineEntry } from '../../testkit/media-api';
import { poll } from '../../testkit/poll';
import { freePort } from '../../testkit/ports';
import { ephemeral, mediaHistory, sipp, udpListening } from './lib';

const visitor = () => `visitor-${randomBytes(4).toString('hex')}`;

describe('a visitor calls the IVR, presses 1, holds and unholds', () => {
  const caller = visitor();
  let timeline: TimelineEntry[] = [];

  before(async () => {
    const since = Date.now();
    const result = await sipp('call-features.xml', {
      vars: { CALLER: caller },
      service: 'ivr',
      auth: ephemeral(caller),
    });
    assert.ok(result.ok, result.output);
    // poll resolves with a truthy value only: the call.
    const call = (await poll(
      async () =>
        (
          await mediaHistory(since)
        ).find((c) => String(c.from).includes(caller) && c.state === 'ended'),
      { what: `the media farm to report the call from ${caller}` },
    )) as CallDetail;
    timeline = call.timeline;
  });

  test('IVR call: an RFC 4733 digit moves the menu from main to info', () => {
    const digit = timeline.findIndex((e) => e.type === 'digit');
    assert.ok(digit >= 0, 'no digit reached the media server');
    assert.equal(timeline[digit].digit, '1');
    assert.equal(timeline[digit].method, 'rfc4733');
    const nodes = timeline.filter((e) => e.type === 'ivr-node').map((e) => e.node);
    assert.deepEqual(nodes.slice(0, 2), ['main', 'info']);
    assert.ok(
      timeline.findIndex((e) => e.type === 'ivr-node' && e.node === 'info') > digit,
      'menu changed before the digit',
    );
  });

  test('re-INVITE hold (sendonly) and unhold (sendrecv) reach the media server', () => {
    const hold = timeline.find((e) => e.type === 'hold');
    assert.ok(hold, 'no hold in the timeline');
    assert.equal(hold.by, 'remote');
    assert.equal(hold.direction, 'sendonly');
    const holdAt = timeline.indexOf(hold);
    assert.ok(timeline.findIndex((e) => e.type === 'unhold') > holdAt, 'no unhold after the hold');
    assert.ok(timeline.some((e) => e.type === 'ended' && e.reason === 'remote-bye'));
  });
});

test('CANCEL before answer: the caller gets 487 and the ringing agent the CANCEL', async () => {
  const calleePort = await freePort();
  // agent3's phone: registered on the port where the UAS below will answer.
  const registerCallee = (expires: number) =>
    sipp('register.xml', {
      vars: { EXPECT: 200, EXPIRES: expires },
      service: 'agent3',
      auth: ephemeral('agent3'),
      port: calleePort,
    });
  const registered = await registerCallee(60);
  assert.ok(registered.ok, registered.output);
  try {
    const callee = sipp('uas-cancel.xml', { port: calleePort });
    await poll(() => udpListening(calleePort), { what: 'the callee to listen' });
    const caller = await sipp('uac-cancel.xml', {
      vars: { CALLER: 'agent2' },
      service: 'agent3',
      auth: ephemeral('agent2'),
    });
    const answered = await callee;
    assert.ok(caller.ok, `caller: ${caller.output}`);
    assert.ok(answered.ok, `callee: ${answered.output}`);
  } finally {
    // Leave no stale contact behind to be forked to by the next run.
    await registerCallee(0);
  }
});
