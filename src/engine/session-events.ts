/**
 * What a call hears from its JsSIP session, in the call's own terms: JsSIP's event
 * names, originators and payloads stay here.
 */
import type {
  EndEvent,
  IncomingEvent,
  IncomingInfoEvent,
  OutgoingEvent,
  OutgoingInfoEvent,
  RTCSession,
} from 'jssip/lib/RTCSession';
import type { boundIceGathering } from './ice';
import type { Logger } from './log';

export interface SessionListener {
  /** The peer connection exists (now or later): where the far end's audio arrives. */
  peerConnection(pc: RTCPeerConnection): void;
  /** A provisional answer; `withSdp`: the far end already sends audio (IVR, prompts). */
  progress(withSdp: boolean): void;
  answered(): void;
  /** An SDP offer of the far end (its audio direction says how it holds us). */
  remoteOffer(sdp: string): void;
  /** The far end held (`true`) or resumed the call. */
  remoteHold(held: boolean): void;
  /** The session is over (ended, or failed before it was answered). */
  ended(event: EndEvent): void;
  /**
   * A new call asks to take this one's place (an INVITE with Replaces, RFC 3891): `accept`
   * starts it as an incoming session of the phone, `reject` refuses it (486). JsSIP sends
   * nothing until one of them is called.
   */
  replaced(accept: () => void, reject: () => void): void;
  /** The far end sent an INFO that is not DTMF (JsSIP has answered it 200). */
  info(contentType: string | undefined, body: string | undefined): void;
}

export function followSession(
  session: RTCSession,
  onIceCandidate: ReturnType<typeof boundIceGathering>,
  log: Logger,
  listener: SessionListener,
): void {
  if (session.connection) listener.peerConnection(session.connection);
  session.on('peerconnection', ({ peerconnection }) => listener.peerConnection(peerconnection));
  session.on('icecandidate', onIceCandidate);
  session.on('progress', (event: IncomingEvent | OutgoingEvent) => {
    const response = 'response' in event ? event.response : undefined;
    listener.progress(Boolean(response?.body));
  });
  session.on('accepted', () => listener.answered());
  session.on('sdp', ({ originator, type, sdp }) => {
    if (originator === 'remote' && type === 'offer') listener.remoteOffer(sdp);
  });
  session.on('hold', ({ originator }) => {
    if (originator === 'remote') listener.remoteHold(true);
  });
  session.on('unhold', ({ originator }) => {
    if (originator === 'remote') listener.remoteHold(false);
  });
  // JsSIP ends the call on these without saying why; the browser's reason helps debugging.
  session.on('peerconnection:setremotedescriptionfailed', (error) =>
    log.warn('the far end SDP was refused', { error }),
  );
  session.on('replaces', ({ accept, reject }) =>
    listener.replaced(
      () => accept(),
      () => reject(),
    ),
  );
  session.on('newInfo', (event: IncomingInfoEvent | OutgoingInfoEvent) => {
    if (event.originator === 'remote') listener.info(event.info.contentType, event.info.body);
  });
  session.on('ended', (event) => listener.ended(event));
  session.on('failed', (event) => listener.ended(event));
}
