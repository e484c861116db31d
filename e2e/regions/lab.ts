/**
 * The two-region lab seen from the journeys: failure injection through regions.sh,
 * HAProxy's view through its admin socket, ephemeral credentials minted with the lab's
 * secret (what the credentials service does), and phones driven in pages.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { SipCallButton } from '../../src/elements/call-button/sip-call-button';
import type { Phone } from '../../src/engine/phone';
import type { CallEventMap, CallHandle } from '../../src/engine/types';
import { ephemeralCredentials } from '../../testkit/ephemeral';
import { poll } from '../../testkit/poll';
import { DOMAIN, SBC } from '../../testkit/topology';
import { BACKEND_RUN_DIR, REPO_ROOT } from '../support/paths';

export const REGIONS_SCRIPT = path.join(REPO_ROOT, 'backend', 'regions', 'regions.sh');
const STATE = process.env.REGIONS_STATE ?? '/run/softphone-regions';
/** The accelerator's one static entry point (regions.sh's addresses, the SBC's WSS port). */
export const ENTRY = `wss://10.77.0.1:${SBC.wssPort}`;
/** Region B's own SBC, for a caller that enters there. */
export const REGION_B_DIRECT = `wss://10.77.2.2:${SBC.wssPort}`;
export type Region = 'region-a' | 'region-b';

export function regions(...args: string[]): void {
  execFileSync('bash', [REGIONS_SCRIPT, ...args], { stdio: 'inherit' });
}

/** HAProxy's state of each region: true when UP. */
export function haproxyState(): Promise<Record<string, boolean>> {
  return new Promise((resolve, reject) => {
    const socket = connect(path.join(STATE, 'haproxy.sock'));
    let out = '';
    socket.on('data', (chunk) => {
      out += chunk.toString();
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const state: Record<string, boolean> = {};
      for (const line of out.split('\n').slice(2)) {
        const fields = line.trim().split(/\s+/);
        // `show servers state`: srv_name is field 4, srv_op_state field 6 (2 = running).
        if (fields.length > 6) state[fields[3]!] = fields[5] === '2';
      }
      resolve(state);
    });
    socket.write('show servers state regions\n');
  });
}

/** Polls HAProxy every 20 ms until `region` is in `up` state; resolves with Date.now(). */
export async function whenHaproxySees(
  region: Region,
  up: boolean,
  timeoutMs = 20_000,
): Promise<number> {
  await poll(async () => (await haproxyState())[region] === up, {
    timeoutMs,
    intervalMs: 20,
    what: `HAProxy to see ${region} ${up ? 'up' : 'down'}`,
  });
  return Date.now();
}

/** auth_ephemeral credentials for `user`, valid for 10 minutes. */
export function credentials(user: string): { user: string; password: string } {
  const secret = readFileSync(path.join(BACKEND_RUN_DIR, 'secret'), 'utf8').trim();
  const { username, password } = ephemeralCredentials(secret, user, 600);
  return { user: username, password };
}

/** Appends one measurement (JSON line) for bench/regions when REGIONS_RESULTS is set. */
export function record(measurement: Record<string, unknown>): void {
  const file = process.env.REGIONS_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify({ at: Date.now(), ...measurement })}\n`);
}

/**
 * What the lab page and the journeys put on `window`. `ready` and `engine` come from the
 * page itself (setup.ts); the rest is set by `startPhone`, `callFromButton` and the journeys,
 * and exists only once they ran. Inside `page.evaluate` callbacks (serialized into the
 * page) write `window as unknown as LabWindow` inline: a helper would not be in scope.
 */
export interface LabWindow {
  ready?: boolean;
  /** The engine bundled from src/engine/index.ts. */
  engine: { Phone: typeof Phone };
  phone: Phone;
  /** The phone's `connection` and `registration` events (`startPhone`). */
  log: ConnectionLog[];
  /** The last incoming call (`startPhone`). */
  incoming?: CallHandle;
  /** The call placed by `callFromButton`, its events, and its inbound audio. */
  call: CallHandle;
  callLog: CallLog[];
  media: { packets: number; lastAt: number; gaps: { from: number; to: number }[] };
  mediaTimer: ReturnType<typeof setInterval>;
  /** The visitor's widget (`callFromButton`), and each text its live region spoke. */
  button: SipCallButton;
  said: string[];
  /** A call placed directly by a journey, and its `ended` event. */
  outgoing: CallHandle;
  outgoingEnded?: CallEventMap['ended'];
}

/** The lab's numbers: ping after 2 s of silence, dead after 1 s; a call waits 10 s. */
const RECOVERY = {
  keepaliveIntervalMs: 2000,
  keepaliveTimeoutMs: 1000,
  callRecoveryTimeoutMs: 10_000,
};

export interface PhoneOptions {
  user: string;
  servers?: string[];
  register?: boolean;
}

/**
 * Starts a Phone in the page as `window.phone`, recording its `connection` and
 * `registration` events (with `Date.now()`) in `window.log`; resolves once it is
 * `registered` (or `connected`, with `register: false`).
 */
export async function startPhone(page: Page, options: PhoneOptions): Promise<void> {
  await page.goto('/');
  await page.waitForFunction(() => (window as unknown as LabWindow).ready === true);
  const { user, password } = credentials(options.user);
  await page.evaluate(
    async ({ user, password, servers, domain, register, recovery }) => {
      const w = window as unknown as LabWindow;
      w.log = [];
      const phone = new w.engine.Phone({
        servers,
        domain,
        user,
        password,
        register,
        ...recovery,
      });
      w.phone = phone;
      phone.on('connection', (e) => w.log.push({ t: Date.now(), kind: 'connection', ...e }));
      phone.on('registration', (e) =>
        w.log.push({ t: Date.now(), kind: 'registration', state: e.state }),
      );
      phone.on('incoming', ({ call }) => {
        w.incoming = call;
      });
      await phone.start();
    },
    {
      user,
      password,
      servers: options.servers ?? [ENTRY],
      domain: DOMAIN,
      register: options.register ?? true,
      recovery: RECOVERY,
    },
  );
  // Ready: an agent once registered; a phone with `register: false` never registers and
  // is ready once connected.
  const ready = (options.register ?? true) ? 'registered' : 'connected';
  await page.waitForFunction(
    (ready) => (window as unknown as LabWindow).phone.state === ready,
    ready,
    { polling: 50 },
  );
}

export function phoneRegion(page: Page): Promise<string | undefined> {
  return page.evaluate(() => (window as unknown as LabWindow).phone.region);
}

export interface ConnectionLog {
  t: number;
  kind: 'connection' | 'registration';
  state: string;
  region?: string;
  downtimeMs?: number;
}

export function connectionLog(page: Page): Promise<ConnectionLog[]> {
  return page.evaluate(() => (window as unknown as LabWindow).log);
}

/** Waits for the phone's `recovered` event; returns it. */
export async function whenRecovered(page: Page, timeoutMs = 15_000): Promise<ConnectionLog> {
  await page.waitForFunction(
    () =>
      (window as unknown as LabWindow).log.some(
        (e) => e.kind === 'connection' && e.state === 'recovered',
      ),
    null,
    { polling: 20, timeout: timeoutMs },
  );
  return (await connectionLog(page)).find(
    (e) => e.kind === 'connection' && e.state === 'recovered',
  )!;
}

/**
 * A visitor clicks a `<sip-call-button>` calling `target` through the entry point; its
 * phone becomes `window.phone` and its call `window.call` (see `followCall`),
 * and every text its live region speaks is recorded in `window.said`.
 */
export async function callFromButton(
  page: Page,
  options: { user: string; target: string },
): Promise<void> {
  await page.goto('/');
  await page.waitForFunction(() => (window as unknown as LabWindow).ready === true);
  const { user, password } = credentials(options.user);
  await page.evaluate(
    async ({ attributes, recovery }) => {
      const w = window as unknown as LabWindow;
      const button = document.createElement('sip-call-button');
      for (const [name, value] of Object.entries(attributes)) button.setAttribute(name, value);
      // The page serves no sounds; the lab's recovery numbers as startPhone's.
      button.config = { ...recovery, ringbackUrl: null, ringtoneUrl: null, holdMusicUrl: null };
      document.body.append(button);
      await button.updateComplete;
      w.button = button;
      w.said = [];
      const live = button.shadowRoot!.querySelector('#live')!;
      new MutationObserver(() => {
        const text = live.textContent?.trim() ?? '';
        if (text !== w.said.at(-1)) w.said.push(text);
      }).observe(live, { subtree: true, childList: true, characterData: true });
      button.shadowRoot!.querySelector<HTMLButtonElement>('button.main')!.click();
    },
    {
      attributes: {
        server: ENTRY,
        domain: DOMAIN,
        user,
        password,
        target: options.target,
      },
      recovery: RECOVERY,
    },
  );
  await page.waitForFunction(
    () => (window as unknown as LabWindow).button.call !== undefined,
    null,
    {
      polling: 50,
    },
  );
  await page.evaluate(() => {
    const w = window as unknown as LabWindow;
    // The button's phone is the engine's Phone behind the elements' narrower interface.
    w.phone = w.button.phone as unknown as Phone;
    w.call = w.button.call!;
  });
  await followCall(page);
}

/** Everything the button's live region said, in order (`callFromButton`). */
export function buttonSaid(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as LabWindow).said);
}

/**
 * Records the events of `window.call` plus a 20 ms poll of its inbound audio packets, so
 * the longest stretch without new packets (the media gap) can be read later; resolves
 * once the call is answered and audio flows.
 */
async function followCall(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as LabWindow;
    const call = w.call;
    w.callLog = [];
    call.on('connection', (e) => w.callLog.push({ t: Date.now(), kind: 'connection', ...e }));
    call.on('ended', (e) => w.callLog.push({ t: Date.now(), kind: 'ended', ...e }));
    w.media = { packets: 0, lastAt: 0, gaps: [] };
    w.mediaTimer = setInterval(async () => {
      const pc: RTCPeerConnection | undefined = call.peerConnection;
      if (!pc) return;
      let packets = 0;
      (await pc.getStats()).forEach((r: RTCStats) => {
        if (r.type !== 'inbound-rtp') return;
        const inbound = r as RTCInboundRtpStreamStats;
        if (inbound.kind === 'audio') packets += inbound.packetsReceived ?? 0;
      });
      const now = Date.now();
      if (packets > w.media.packets) {
        if (w.media.lastAt && now - w.media.lastAt > 200)
          w.media.gaps.push({ from: w.media.lastAt, to: now });
        w.media.packets = packets;
        w.media.lastAt = now;
      }
    }, 20);
  });
  await page.waitForFunction(() => (window as unknown as LabWindow).call.state === 'active', null, {
    polling: 50,
  });
  // Audio flows before anything is broken.
  await page.waitForFunction(() => (window as unknown as LabWindow).media.packets > 50, null, {
    polling: 50,
  });
}

export interface CallLog {
  t: number;
  kind: 'connection' | 'ended';
  state?: string;
  how?: string;
  cause?: string;
  message?: string;
  recoveryMs?: number;
}

export function callLog(page: Page): Promise<CallLog[]> {
  return page.evaluate(() => (window as unknown as LabWindow).callLog);
}

/** Longest stretch without inbound audio that started after `since` (ms). */
export function mediaGapSince(page: Page, since: number): Promise<number> {
  return page.evaluate((since) => {
    const { gaps } = (window as unknown as LabWindow).media;
    return Math.max(0, ...gaps.filter((g) => g.to >= since).map((g) => g.to - g.from));
  }, since);
}
