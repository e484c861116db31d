/**
 * Debian's Chromium and the flags every suite starts it with (unit tests, end-to-end
 * journeys, benchmarks). Why each one is needed is in the shared lab notes: no traffic
 * leaves the machine, and a fake microphone stands in for a real one.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_BASE_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];
