import { callUsLabels } from './call-us.js';
import type { IdleMessages } from './messages.js';

/**
 * The English a call button shows before the call's parts load, with the element (in the
 * script-tag build, at the first intent: the core's pre-render has its label from
 * call-us.ts): its label, its states, the error alert (a wrong attribute is reported when
 * the element is defined) and the link to the self-check, and the name of the panel that
 * opens at the click. The rest of English (en.ts) loads with the call on intent (issue
 * 16, "only idle strings at rest").
 */
export const enIdle: IdleMessages = {
  errorCode: {
    'config-invalid': 'The phone is not set up correctly.',
    'credentials-failed': 'Could not sign in to the phone service.',
    'auth-rejected': 'The phone service refused the sign-in.',
    'connection-failed': 'Could not reach the phone service.',
    'microphone-denied': 'Microphone access was denied.',
    'microphone-missing': 'No microphone was found.',
    'call-failed': 'The call could not be placed.',
    'call-busy': 'The line is busy.',
    'dtmf-failed': 'The keypad tone could not be sent.',
    'hold-failed': 'Hold could not be changed.',
    'transfer-failed': 'The call could not be transferred; it is still with you.',
    'participant-failed': 'Nobody was added or dropped; the call goes on as it was.',
    'autoplay-blocked': 'The browser blocked sound.',
    'insecure-credentials': 'Static passwords are for development only.',
    'device-invalid': 'That audio device is not available.',
    'device-unsupported': 'This browser cannot choose where sounds play.',
  },
  errorAdvice: {
    'config-invalid': 'The details are in the browser console.',
    'credentials-failed': 'Try again in a moment.',
    'auth-rejected': 'Reload the page to sign in again.',
    'connection-failed': 'Check your internet connection, then try again.',
    'microphone-denied': 'Allow microphone access in your browser, then try again.',
    'microphone-missing': 'Connect a microphone, then try again.',
    'call-failed': 'Try again in a moment.',
    'call-busy': 'Try again in a moment.',
    'dtmf-failed': 'Press the key again.',
    'hold-failed': 'Try again.',
    'transfer-failed': 'Check the number, or try another colleague.',
    'participant-failed': 'Check the name, or try another colleague.',
    'autoplay-blocked': 'Click anywhere in the phone to turn sound on.',
    'insecure-credentials': 'Use credentials-url outside development.',
    'device-invalid': 'Choose another device in the audio devices menu.',
    'device-unsupported': 'Sounds play on the system’s default output.',
  },
  buttonState: {
    idle: '',
    connecting: 'Connecting…',
    ringing: 'Ringing…',
    'in-call': 'In call',
    ended: 'Call ended',
    error: 'Call unavailable',
  },
  callUs: callUsLabels.en,
  checkSetup: 'Check your call setup',
  callControls: 'Call controls',
};
