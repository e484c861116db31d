/**
 * Region failover through the accelerator: re-registration time, calls across a
 * failure, DMQ reachability, and the preferred region coming back.
 * Needs `bash backend/regions/regions.sh up`; run with `regions.sh test`.
 * REGIONS_ROUNDS (default 1) repeats the failover journeys (bench/regions/run.sh uses 10).
 */
import { expect, test } from '@playwright/test';
import { en } from '../../src/i18n/en';
import {
  buttonSaid,
  callFromButton,
  callLog,
  connectionLog,
  haproxyState,
  type LabWindow,
  mediaGapSince,
  phoneRegion,
  REGION_B_DIRECT,
  record,
  regions,
  startPhone,
  whenHaproxySees,
  whenRecovered,
} from './lab';

const ROUNDS = Number(process.env.REGIONS_ROUNDS ?? 1);
const KINDS = [
  { kind: 'kamailio', args: [] as string[] },
  { kind: 'host', args: ['--host'] },
] as const;

test.beforeEach(async () => {
  // Every journey starts with both regions up and region-a preferred.
  regions('recover', 'region-a');
  await whenHaproxySees('region-a', true);
  await whenHaproxySees('region-b', true);
});

test.afterEach(async ({ context }) => {
  // Unregister: a contact left behind would be replicated and tried by later journeys.
  for (const page of context.pages()) {
    // A page whose startPhone failed has no phone.
    await page
      .evaluate(() => (window as unknown as Partial<LabWindow>).phone?.stop())
      .catch(() => undefined);
  }
});

test.afterAll(() => {
  regions('recover', 'region-a');
});

for (const { kind, args } of KINDS) {
  for (let round = 1; round <= ROUNDS; round++) {
    test(`an agent registered through region-a is registered again through region-b when ${kind === 'host' ? 'the whole host' : 'its Kamailio'} fails (round ${round})`, async ({
      page,
    }) => {
      await startPhone(page, { user: 'agent1' });
      expect(await phoneRegion(page)).toBe('region-a');

      const failedAt = Date.now();
      regions('fail', 'region-a', ...args);
      const markedDownAt = await whenHaproxySees('region-a', false);
      const recovered = await whenRecovered(page);
      const registeredAt = (await connectionLog(page)).find(
        (e) => e.kind === 'registration' && e.state === 'registered' && e.t > failedAt,
      )!.t;

      expect(recovered.region).toBe('region-b');
      expect(await page.evaluate(() => (window as unknown as LabWindow).phone.state)).toBe(
        'registered',
      );
      const measurement = {
        journey: 'register',
        kind,
        markedDownMs: markedDownAt - failedAt,
        registeredMs: registeredAt - failedAt,
        downtimeMs: recovered.downtimeMs,
      };
      record(measurement);
      console.log(JSON.stringify(measurement));
      // The goal is 3 s (median, bench/regions); a single run must stay within 5 s.
      expect(measurement.registeredMs).toBeLessThan(5000);
    });

    test(`a visitor's call through region-a when ${kind === 'host' ? 'the whole host' : 'its Kamailio'} fails (round ${round})`, async ({
      page,
    }) => {
      // From the widget, so that what the visitor reads is checked too.
      await callFromButton(page, { user: `visitor-${Date.now()}`, target: 'music' });
      expect(await phoneRegion(page)).toBe('region-a');
      const status = page.locator('sip-call-button [part="call-status"]');

      const failedAt = Date.now();
      regions('fail', 'region-a', ...args);
      await page.waitForFunction(
        () =>
          (window as unknown as LabWindow).callLog.some(
            (e) => e.kind === 'ended' || e.state === 'recovered',
          ),
        null,
        { polling: 50, timeout: 20_000 },
      );
      const events = await callLog(page);
      // Whatever happens, the call is never left waiting.
      expect(events[0]).toMatchObject({ kind: 'connection', state: 'reconnecting' });
      if (kind === 'kamailio') {
        // Media never went through Kamailio: rtpengine and the media server of region-a
        // still carry it, so the call is kept and only signalling moves to region-b.
        const recovered = events.find((e) => e.state === 'recovered')!;
        expect(recovered).toMatchObject({ how: 'media-kept' });
        await expect(status).toHaveText(en.callReconnected);
        const said = await buttonSaid(page);
        const from = said.indexOf(en.callReconnecting);
        expect(said.slice(from, from + 2), said.join(' | ')).toEqual([
          en.callReconnecting,
          en.callReconnected,
        ]);
        await page.waitForFunction(
          (after) => (window as unknown as LabWindow).media.lastAt > after + 1000,
          failedAt,
          { polling: 50 },
        );
        expect(await page.evaluate(() => (window as unknown as LabWindow).call.state)).toBe(
          'active',
        );
        const gapMs = await mediaGapSince(page, failedAt);
        record({ journey: 'call', kind, outcome: 'kept', gapMs, recoveryMs: recovered.recoveryMs });
        expect(gapMs).toBeLessThan(3000);
        await page.evaluate(() => (window as unknown as LabWindow).call.hangup());
      } else {
        // The media server that played the call went down with its host: the call
        // cannot be kept, and it ends saying so.
        const ended = events.find((e) => e.kind === 'ended')!;
        expect(ended.cause).toBe('connection-lost');
        expect(ended.message).toMatch(/^The call was lost: /);
        // What went wrong, not JsSIP's catch-all for a failed re-INVITE.
        expect(ended.message).not.toContain('WebRTC Error');
        await expect(status).toHaveText(en.callLost);
        const said = await buttonSaid(page);
        const from = said.indexOf(en.callReconnecting);
        expect(said.slice(from), said.join(' | ')).toEqual([en.callReconnecting, en.callLost]);
        record({
          journey: 'call',
          kind,
          outcome: 'ended',
          endedMs: ended.t - failedAt,
          message: ended.message,
        });
        expect(ended.t - failedAt).toBeLessThan(15_000);
      }
    });
  }
}

test('an Away agent is still Away after its region fails: its REGISTER through region-b says so', async ({
  page,
}) => {
  // The availability rides on every REGISTER (src/engine/ua-availability.ts); the SBC of
  // whichever region receives it stores it with the contact (backend/test/availability.test.ts).
  const registers: string[] = [];
  page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      const text = String(payload);
      if (text.startsWith('REGISTER ')) registers.push(text);
    }),
  );
  await startPhone(page, { user: 'agent1' });
  expect(await phoneRegion(page)).toBe('region-a');
  await page.evaluate(() => (window as unknown as LabWindow).phone.setAvailability('away'));
  await expect.poll(() => registers.at(-1) ?? '').toMatch(/^Contact: .*;availability=away/m);

  const before = registers.length;
  regions('fail', 'region-a');
  await whenRecovered(page);
  expect(await phoneRegion(page)).toBe('region-b');
  expect(await page.evaluate(() => (window as unknown as LabWindow).phone.state)).toBe(
    'registered',
  );
  const throughB = registers.slice(before);
  expect(throughB.length).toBeGreaterThan(0);
  for (const register of throughB) expect(register).toMatch(/^Contact: .*;availability=away/m);
  expect(await page.evaluate(() => (window as unknown as LabWindow).phone.availability)).toBe(
    'away',
  );
});

test('a caller entering through region-b reaches an agent registered through region-a (DMQ)', async ({
  page,
  context,
}) => {
  await startPhone(page, { user: 'agent1' });
  expect(await phoneRegion(page)).toBe('region-a');
  const caller = await context.newPage();
  await startPhone(caller, { user: 'agent2', servers: [REGION_B_DIRECT] });
  expect(await phoneRegion(caller)).toBe('region-b');

  await caller.evaluate(() => {
    const w = window as unknown as LabWindow;
    w.outgoing = w.phone.call('agent1');
    w.outgoing.on('ended', (e) => {
      w.outgoingEnded = e;
    });
  });
  await page
    .waitForFunction(() => (window as unknown as LabWindow).incoming?.state === 'ringing', null, {
      polling: 50,
      timeout: 15_000,
    })
    .catch(async (error) => {
      const ended = await caller.evaluate(() => (window as unknown as LabWindow).outgoingEnded);
      throw new Error(`agent1 did not ring (caller's call: ${JSON.stringify(ended)}): ${error}`);
    });
  await page.evaluate(() => (window as unknown as LabWindow).incoming!.answer());
  await caller.waitForFunction(
    () => (window as unknown as LabWindow).outgoing.state === 'active',
    null,
    { polling: 50 },
  );
  await page.waitForFunction(
    () => (window as unknown as LabWindow).incoming!.state === 'active',
    null,
    { polling: 50 },
  );
  await caller.evaluate(() => (window as unknown as LabWindow).outgoing.hangup());
  await page.waitForFunction(
    () => (window as unknown as LabWindow).incoming!.state === 'ended',
    null,
    { polling: 50 },
  );
});

test('region-a comes back: new connections prefer it, existing ones stay where they are', async ({
  page,
  context,
}) => {
  await startPhone(page, { user: 'agent1' });
  regions('fail', 'region-a');
  await whenRecovered(page);
  expect(await phoneRegion(page)).toBe('region-b');

  regions('recover', 'region-a');
  await whenHaproxySees('region-a', true);
  const newcomer = await context.newPage();
  await startPhone(newcomer, { user: 'agent3' });
  expect(await phoneRegion(newcomer)).toBe('region-a');

  // The agent on region-b was not disturbed: still registered there, no new drop, and
  // its connection still answers (a keepalive round trip).
  const before = (await connectionLog(page)).length;
  // No public API sends a keepalive on demand, so reach into the Phone's private
  // FailoverSocket for its probe (a keepalive ping); typed for just that.
  await page.evaluate(() =>
    (window as unknown as { phone: { socket?: { probe?: () => void } } }).phone.socket?.probe?.(),
  );
  expect((await haproxyState())['region-a']).toBe(true);
  expect(await phoneRegion(page)).toBe('region-b');
  expect(await page.evaluate(() => (window as unknown as LabWindow).phone.state)).toBe(
    'registered',
  );
  expect((await connectionLog(page)).length).toBe(before);
});
