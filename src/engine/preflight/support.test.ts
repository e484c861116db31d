import { describe, expect, it } from 'vitest';
import { checkBrowserSupport } from './support';

const complete = {
  isSecureContext: true,
  RTCPeerConnection: class {},
  navigator: { mediaDevices: { getUserMedia: () => undefined } },
  WebSocket: class {},
  AudioContext: class {},
};

describe('checkBrowserSupport', () => {
  it('finds this browser (Chromium, on a secure test page) supported', () => {
    expect(checkBrowserSupport()).toEqual({ supported: true, missing: [] });
  });

  it('names each missing feature, in order', () => {
    expect(checkBrowserSupport(complete)).toEqual({ supported: true, missing: [] });
    expect(
      checkBrowserSupport({ ...complete, isSecureContext: false, RTCPeerConnection: undefined }),
    ).toEqual({ supported: false, missing: ['secure-context', 'webrtc'] });
    expect(checkBrowserSupport({ ...complete, navigator: {} }).missing).toEqual(['microphone-api']);
    expect(checkBrowserSupport({}).missing).toEqual([
      'secure-context',
      'webrtc',
      'microphone-api',
      'websocket',
      'web-audio',
    ]);
  });
});
