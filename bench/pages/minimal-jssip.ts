/**
 * The "hand-written JsSIP page" the widget is compared with: what a developer writes from
 * JsSIP's README. Fetches credentials, starts a UA (registering or not), calls on a click,
 * plays the remote audio, sends RFC 4733 digits from keypad buttons.
 */
import { C, UA, WebSocketInterface } from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import { announceCallEnded, announceReady, fetchCredentials } from './page-config';

const config = window.benchConfig;
const remoteAudio = new Audio();
remoteAudio.autoplay = true;
let session: RTCSession | undefined;

async function start(): Promise<UA> {
  const credentials = await fetchCredentials(config.credentialsUrl);
  const ua = new UA({
    sockets: [new WebSocketInterface(config.server)],
    uri: credentials.uri,
    authorization_user: credentials.username,
    password: credentials.password,
    register: config.register,
  });
  // Ready to call: registered (agent), or connected (visitor), like the widget's state.
  if (config.register) ua.on('registered', () => announceReady(true));
  else ua.on('connected', () => announceReady(false));
  ua.start();
  return ua;
}

const uaReady = start();
let startedUa: UA | undefined;
void uaReady.then((ua) => {
  startedUa = ua;
});

function call(target: string): void {
  void uaReady.then((ua) => {
    session = ua.call(`sip:${target}@${config.domain}`, {
      mediaConstraints: { audio: true, video: false },
    });
    session.on('ended', announceCallEnded);
    session.on('failed', announceCallEnded);
    session.connection.addEventListener('track', (event: RTCTrackEvent) => {
      remoteAudio.srcObject = event.streams[0] ?? new MediaStream([event.track]);
    });
  });
}

function hangup(): void {
  if (session && !session.isEnded()) session.terminate();
  session = undefined;
}

document.querySelector<HTMLButtonElement>('#call')?.addEventListener('click', (event) => {
  call((event.currentTarget as HTMLButtonElement).dataset.target ?? 'echo');
});
for (const key of document.querySelectorAll<HTMLButtonElement>('button.key')) {
  key.addEventListener('click', () =>
    session?.sendDTMF(key.dataset.key ?? '', { transportType: C.DTMF_TRANSPORT.RFC2833 }),
  );
}

/**
 * Used by the harness for calls it does not time by a click (leak check), to hang up, and
 * to see when JsSIP let go of finished transactions.
 */
Object.assign(window, {
  minimal: { call, hangup, ended: () => !session || session.isEnded(), ua: () => startedUa },
});
