/** Debian's Chromium with the flags that make WebRTC work on loopback with a fake microphone. */
import { type Browser, chromium } from '@playwright/test';
import { CHROMIUM_BASE_ARGS, CHROMIUM_PATH } from '../../testkit/chromium';

export { CHROMIUM_PATH };

export interface MicrophoneOptions {
  /** WAV played as the microphone (48 kHz mono 16-bit). */
  wav: string;
  /** Auto-accept getUserMedia. False: the permission prompt is denied. */
  grantMicrophone?: boolean;
}

export function chromiumArgs({ wav, grantMicrophone = true }: MicrophoneOptions): string[] {
  return [
    ...CHROMIUM_BASE_ARGS,
    `--use-file-for-fake-audio-capture=${wav}`,
    // WebRTC against the lab: candidates on loopback, the backend's self-signed certificate.
    '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns',
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
