/**
 * The click-to-call journey in Firefox ESR (Debian's), driven over WebDriver BiDi
 * (support/firefox.ts): the script-tag page calls `echo`, audio flows both ways, digits
 * reach the media server, hold and resume, and the hang-up ends both sides.
 */
import { test as base, expect } from '@playwright/test';
import { FirefoxWidget, type LaunchedFirefox, launchFirefox } from '../support/firefox';
import {
  entryOfType,
  expectServerPacketsRising,
  findCall,
  waitForTimelineEntry,
} from '../support/media-server';

const test = base.extend<{ firefox: LaunchedFirefox }>({
  // Its own browser per test, ended (process group) and its profile removed even on failure
  // or timeout (a fixture's teardown runs then; a finally in the test body would not).
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern, and this one has none
  firefox: async ({}, use) => {
    const firefox = await launchFirefox();
    try {
      await use(firefox);
    } finally {
      await firefox.close();
    }
  },
});

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
    // The page's log and what the widget emitted, for a failure's diagnosis.
    const events = (await widget.events().catch(() => [])).map((e) => JSON.stringify(e));
    await testInfo.attach('firefox-console-and-events.txt', {
      body: [...widget.console, '', ...events].join('\n'),
    });
  }
});
