/** Debian's Chromium with the flags that make WebRTC work on loopback with a fake microphone. */
import { type Browser, chromium } from '@playwright/test';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface MicrophoneOptions {
  /** WAV played as the microphone (48 kHz mono 16-bit). */
  wav: string;
  /** Auto-accept getUserMedia. False: the permission prompt is denied. */
  grantMicrophone?: boolean;
}

export function chromiumArgs({ wav, grantMicrophone = true }: MicrophoneOptions): string[] {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
    '--autoplay-policy=no-user-gesture-required',
    '--ignore-certificate-errors',
    ...(grantMicrophone ? ['--use-fake-ui-for-media-stream'] : ['--deny-permission-prompts']),
  ];
}

/** A separate browser, for a microphone signal other than the default tone bursts. */
export function launchChromium(options: MicrophoneOptions): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: chromiumArgs(options),
  });
}
