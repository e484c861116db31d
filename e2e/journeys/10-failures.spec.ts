import { expect, test } from '../support/fixtures';
import { serveForgedCredentials } from '../support/forged-credentials';
import { registeredContacts } from '../support/lab';
import { history } from '../support/media-server';
import { observe } from '../support/observe';
import { TONE_BURSTS_WAV } from '../support/paths';

test('wrong password from the credentials service: a clear error and no retry storm', async ({
  agent,
}) => {
  const phone = await agent(
    'agent5',
    {},
    { prepare: serveForgedCredentials('wrong-password', 'agent5') },
  );

  await phone.expectRegistration('failed');
  await expect(phone.element).toContainText('The phone service refused the sign-in.');
  await phone.screenshot('rejected credentials');
  expect(await phone.events('sip-error')).toContainEqual(
    expect.objectContaining({ detail: expect.objectContaining({ code: 'auth-rejected' }) }),
  );
  // Kamailio challenged and refused; the phone tried at most once more with fresh
  // credentials, then stays quiet.
  const statuses = phone.wire.responsesTo('REGISTER').map((r) => r.status);
  expect(statuses).not.toContain(200);
  expect(statuses).toContain(401);
  const atFailure = phone.wire.sentRequests('REGISTER').length;
  expect(atFailure, 'REGISTER attempts').toBeLessThanOrEqual(4);
  const later = await observe(3_000, () => phone.wire.sentRequests('REGISTER').length);
  expect(Math.max(...later), 'REGISTERs after giving up').toBe(atFailure);
  const failures = (await phone.events('sip-registration-change')).filter(
    (e) => e.detail.state === 'failed',
  );
  expect(failures).toHaveLength(1);
  expect(await registeredContacts('agent5')).toBe(0);
});

test('expired credentials from the credentials service: a clear error before any REGISTER', async ({
  agent,
}) => {
  const phone = await agent('agent5', {}, { prepare: serveForgedCredentials('expired', 'agent5') });

  await phone.expectRegistration('failed');
  await expect(phone.element).toContainText('Could not sign in to the phone service.');
  await phone.screenshot('expired credentials');
  // The technical reason goes to the host page (and the console), not on screen.
  expect(await phone.events('sip-error')).toContainEqual(
    expect.objectContaining({
      detail: expect.objectContaining({
        code: 'credentials-failed',
        message: expect.stringContaining('already expired'),
      }),
    }),
  );
  // Nothing reached Kamailio, and nothing will.
  const registers = await observe(2_000, () => phone.wire.sentRequests('REGISTER').length);
  expect(Math.max(...registers)).toBe(0);
  expect(await registeredContacts('agent5')).toBe(0);
});

test('calling a user that does not exist shows "not found"', async ({ agent }) => {
  const phone = await agent('agent6');
  await phone.expectRegistration('registered');
  await phone.element.getByLabel('Number or address').fill('nobody');
  await phone.button('Call').click();

  await phone.expectEnded('not-found');
  await expect(phone.element).toContainText('Number not found');
  await phone.screenshot('not found');
  expect(phone.wire.responsesTo('INVITE').map((r) => r.status)).toContain(404);
});

test('no microphone permission: a clear message and no call reaches the server', async ({
  visitor,
}) => {
  const since = Date.now();
  const widget = await visitor(
    { target: 'echo' },
    { microphone: { wav: TONE_BURSTS_WAV, grantMicrophone: false } },
  );
  await widget.launcher.click();

  await expect(widget.element).toContainText('Microphone access was denied');
  await widget.screenshot('microphone denied');
  expect(await widget.events('sip-error')).toContainEqual(
    expect.objectContaining({ detail: expect.objectContaining({ code: 'microphone-denied' }) }),
  );
  expect(widget.wire.sentRequests('INVITE')).toHaveLength(0);
  expect(await history(since)).toHaveLength(0);
});

test('a second click while a call is up places no second call', async ({ visitor }) => {
  const since = Date.now();
  const widget = await visitor({ target: 'echo' });
  await widget.launcher.dblclick();
  await widget.expectCallState('active');
  await expect(widget.element).toHaveAttribute('state', 'in-call');
  // Once more while the call is up: the launcher only toggles the call panel.
  await widget.launcher.click();
  await widget.expectPacketsFlowingBothWays();

  expect(widget.wire.outgoingCallIds()).toHaveLength(1);
  const calls = await history(since);
  expect(calls.map((c) => c.callId)).toEqual(widget.wire.outgoingCallIds());

  await widget.openPanel();
  await widget.button('Hang up').click();
  await widget.expectEnded('hangup-local');
});
