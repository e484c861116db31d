/**
 * The click-to-call journey in Firefox ESR (Debian's), driven over WebDriver BiDi
 * (support/firefox.ts): the script-tag page calls `echo`, audio flows both ways, digits
 * reach the media server, hold and resume, and the hang-up ends both sides; and, with the
 * browser's UDP blocked, the same call through the TURN relay over TLS (journey 26's, in
 * Firefox: the offer leaves before the relay is allocated, src/engine/ice.ts). Firefox
 * uses a `turns:` URL only by host name: by IP address it ignored it, and this call
 * failed (backend/credentials/server.ts now refuses such a URL).
 */
import { writeFileSync } from 'node:fs';
import { test as base, expect, type TestInfo } from '@playwright/test';
import { describeEnd } from '../../src/engine/causes';
import { FirefoxWidget, type LaunchedFirefox, launchFirefox } from '../support/firefox';
import {
  entryOfType,
  expectServerPacketsRising,
  findCall,
  waitForTimelineEntry,
} from '../support/media-server';
import { blockBrowserUdp } from '../support/turn';

const test = base.extend<{
  /** Prefs over support/firefox.ts's FIREFOX_PREFS for this test's browser. */
  firefoxPrefs: Record<string, boolean | number>;
  firefox: LaunchedFirefox;
}>({
  firefoxPrefs: {},
  // Its own browser per test, ended (process group) and its profile removed even on failure
  // or timeout (a fixture's teardown runs then; a finally in the test body would not).
  firefox: async ({ firefoxPrefs }, use) => {
    const firefox = await launchFirefox(firefoxPrefs);
    try {
      await use(firefox);
    } finally {
      await firefox.close();
    }
  },
});

/** The page's log and what the widget emitted, kept with the test's results. */
async function saveDiagnostics(widget: FirefoxWidget, testInfo: TestInfo): Promise<void> {
  const events = (await widget.events().catch(() => [])).map((e) => JSON.stringify(e));
  const file = testInfo.outputPath('firefox-console-and-events.txt');
  writeFileSync(file, [...widget.console, '', ...events].join('\n'));
  await testInfo.attach('firefox-console-and-events.txt', { path: file });
}

// A whole browser of its own starts with each test (the fixture): on a loaded machine that
// alone took over 45 s. Every step still waits for its state.
test.describe.configure({ timeout: 180_000 });

test('Firefox ESR: click-to-call to echo, audio both ways, DTMF, hold and resume, hang-up ends both sides', async ({
  firefox,
}, testInfo) => {
  const widget = await FirefoxWidget.open(firefox.browser, 'click-to-call.html', {
    target: 'echo',
    'log-level': 'debug',
  });
  try {
    expect(await widget.shownState()).toBe('idle');

    await widget.clickLauncher();
    await widget.expectCallState('active');
    expect(await widget.shownState()).toBe('in-call');
    const callId = await widget.outgoingCallId();
    await waitForTimelineEntry(callId, entryOfType('answered'), 'answered');
    await waitForTimelineEntry(callId, entryOfType('echo-started'), 'echo started', 15_000);

    // Audio both ways: Firefox's counters, the engine's quality sample, the server's RTP.
    await widget.expectPacketsFlowingBothWays();
    await expectServerPacketsRising(callId);
    await expect
      .poll(
        async () => {
          const sample = await widget.qualitySample();
          return sample && sample.inbound.packets > 0 && sample.outbound.packets > 0;
        },
        { message: 'a quality sample with packets both ways', intervals: [200] },
      )
      .toBe(true);
    const sample = (await widget.qualitySample())!;
    expect(sample.inbound.bitrateKbps).toBeGreaterThan(0);
    expect(sample.outbound.bitrateKbps).toBeGreaterThan(0);
    expect(sample.path).toMatchObject({ localType: 'host', protocol: 'udp', relay: false });
    expect(sample.mos).not.toBeNull();

    // DTMF from the keypad reaches the media server, in the audio (Firefox has
    // RTCRtpSender.dtmf, so the default mode sends RFC 4733 once media is up).
    await widget.clickButton('Keypad');
    await widget.pressKey('5');
    await widget.pressKey('#');
    const five = await waitForTimelineEntry(
      callId,
      entryOfType('digit', { digit: '5' }),
      'digit 5',
    );
    const pound = await waitForTimelineEntry(
      callId,
      entryOfType('digit', { digit: '#' }),
      'digit #',
    );
    expect([five.method, pound.method]).toEqual(['rfc4733', 'rfc4733']);
    expect((await widget.events('sip-dtmf')).map((e) => e.detail.tone)).toEqual(['5', '#']);

    // Hold: the server sees it and stops sending; resume: audio both ways again.
    await widget.clickButton('Hold');
    await widget.expectHold('local');
    await widget.expectCallState('on-hold');
    expect(await widget.text()).toContain('On hold');
    const hold = await waitForTimelineEntry(callId, entryOfType('hold', { by: 'remote' }), 'hold');
    expect(['sendonly', 'inactive']).toContain(hold.direction);
    await widget.expectInboundPaused();

    await widget.clickButton('Resume');
    await widget.expectHold('none');
    await widget.expectCallState('active');
    await waitForTimelineEntry(callId, (e) => e.type === 'unhold' && e.t >= hold.t, 'unhold');
    await widget.expectPacketsFlowingBothWays();
    await expectServerPacketsRising(callId);

    await widget.clickButton('Hang up');
    await widget.expectEnded('hangup-local');
    await expect.poll(() => widget.text()).toContain('Call ended: You hung up');
    await waitForTimelineEntry(callId, entryOfType('ended'), 'ended on the server');
    expect((await findCall(callId))?.reason).toBe('remote-bye');
  } finally {
    await saveDiagnostics(widget, testInfo);
  }
});

test('Firefox ESR: UDP blocked, a call to echo goes through the TURN relay over TLS, audio both ways', async ({
  firefox,
}, testInfo) => {
  const udp = await blockBrowserUdp();
  const widget = await FirefoxWidget.open(firefox.browser, 'click-to-call.html', {
    target: 'echo',
    'log-level': 'debug',
  });
  try {
    await widget.clickLauncher();
    await widget.expectCallState('active');
    const callId = await widget.outgoingCallId();
    // The offer went out with the host candidates only; rtpengine learned the relay from
    // Firefox's checks, as from Chromium's.
    const invite = (await widget.sipMessages()).find(
      (m) => m.direction === 'sent' && m.method === 'INVITE',
    )!;
    expect(invite.raw, 'the INVITE did not wait for the relay').not.toMatch(/ typ relay/);
    await waitForTimelineEntry(callId, entryOfType('echo-started'), 'echo started', 15_000);
    await widget.expectPacketsFlowingBothWays();
    await expectServerPacketsRising(callId);
    expect(await udp.dropped(), 'browser UDP packets dropped').toBeGreaterThan(0);
    await expect
      .poll(async () => (await widget.qualitySample())?.path?.localType, {
        message: 'a quality sample of the relayed path',
        intervals: [200],
      })
      .toBe('relay');
    expect((await widget.qualitySample())!.path).toMatchObject({ relay: true });

    await widget.clickButton('Hang up');
    await widget.expectEnded('hangup-local');
    await waitForTimelineEntry(callId, entryOfType('ended'), 'ended on the server');
  } finally {
    await udp.remove();
    await saveDiagnostics(widget, testInfo);
  }
});

test.describe('without a network path', () => {
  // The first try: Firefox does not count the fake microphone as a capture, so it
  // gathers ICE candidates only on the default route's address, which the lab namespace
  // lacks: no candidate at all, and ICE fails before the INVITE could go out.
  test.use({ firefoxPrefs: { 'media.navigator.permission.fake': false } });

  test('Firefox ESR: a call whose ICE fails ends as an ICE failure, not as "canceled"', async ({
    firefox,
  }, testInfo) => {
    const widget = await FirefoxWidget.open(firefox.browser, 'click-to-call.html', {
      target: 'echo',
      'log-level': 'debug',
    });
    try {
      await widget.clickLauncher();
      // What the engine names an ICE failure (JsSIP's 'RTP Timeout'), whatever it is called.
      const iceFailure = describeEnd({ originator: 'local', cause: 'RTP Timeout' });
      expect(iceFailure.cause).not.toBe('canceled');
      const ended = await widget.expectEnded(iceFailure.cause, 30_000);
      expect(ended.message).toBe(iceFailure.message);
      const causes = (await widget.events('sip-call-ended')).map((e) => e.detail.cause);
      expect(causes).toEqual([iceFailure.cause]);
      expect((await widget.text()).toLowerCase()).not.toContain('cancel');
      // The backend was never asked: no INVITE left the page (nothing to find on its side).
      const sent = (await widget.sipMessages()).filter((m) => m.direction === 'sent');
      expect(sent.map((m) => m.method)).not.toContain('INVITE');
    } finally {
      await saveDiagnostics(widget, testInfo);
    }
  });
});
