import type { FallbackMessages } from './fallback-messages.js';

export const fallbackEn: FallbackMessages = {
  reason: {
    'microphone-denied': "We can't call from here: this page may not use your microphone.",
    'microphone-missing': "We can't call from here: no working microphone was found.",
    'webrtc-unsupported': "We can't call from here: this browser can't make calls from a page.",
    'media-failed': "The call couldn't connect: your network may be blocking it.",
    'service-unreachable': "We can't reach our phone service right now.",
  },
  otherWays: 'You can still reach us:',
  callUsOn: (number) => `Call us on ${number}`,
  callbackTitle: "Or leave your number and we'll call you back",
  numberLabel: 'Your phone number',
  numberHint: 'With the country code, e.g. +34 600 123 456',
  numberInvalid: 'Enter the number with + and the country code, e.g. +34 600 123 456.',
  requestCallback: 'Call me back',
  sending: 'Sending…',
  sent: (number) => `Thank you: we'll call you back on ${number}.`,
  failed: "We couldn't send your number.",
  retry: 'Try again',
};
