/**
 * How a call the far end hangs up ends, inside the engine: a real Phone, JsSIP and WebRTC
 * against the fake SBC (test-support/fake-sbc.ts). The SBC ends a call whose media server
 * stopped answering its keep-alives with a BYE that says so (Reason: SIP;cause=503,
 * backend/kamailio/kamailio.cfg); the caller must learn that it was not the other party.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { Phone } from './phone';
import { FAKE_SBC_PHONE, FakeSbc, header } from './test-support/fake-sbc';
import type { CallEventMap } from './types';

let sbc: FakeSbc;
let phone: Phone;

beforeEach(() => {
  sbc = new FakeSbc();
  vi.stubGlobal('WebSocket', sbc.webSocketClass());
  phone = new Phone({ ...FAKE_SBC_PHONE, user: 'visitor-1', password: 'secret' });
});

afterEach(async () => {
  await phone.stop();
  sbc.close();
  vi.unstubAllGlobals();
});

/** Places a call, lets the far end hang it up with `extra` headers, returns its `ended`. */
async function endedByFarEnd(extra: string[]): Promise<CallEventMap['ended']> {
  const call = phone.call('echo');
  const ended = new Promise<CallEventMap['ended']>((resolve) => call.on('ended', resolve));
  await expect.poll(() => call.state, { interval: 20 }).toBe('active');
  sbc.hangUp(header(sbc.requests('INVITE').at(-1)!, 'call-id'), extra);
  return ended;
}

it('a BYE from the SBC whose Reason says the service failed ends the call as service-lost', async () => {
  const ended = await endedByFarEnd(['Reason: SIP;cause=503;text="Media server lost"']);
  expect(ended.cause).toBe('service-lost');
  expect(ended.message).toBe('The phone service lost the call (not your connection).');
}, 15_000);

it('a plain BYE, or one with a normal-clearing Reason, is the other party hanging up', async () => {
  expect((await endedByFarEnd([])).cause).toBe('hangup-remote');
  expect((await endedByFarEnd(['Reason: Q.850;cause=16;text="NORMAL_CLEARING"'])).cause).toBe(
    'hangup-remote',
  );
}, 15_000);
