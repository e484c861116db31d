// @ts-check
/**
 * The minimal Twilio Voice SDK page, for page weight only: the lab has no Twilio backend,
 * and a `Device` needs a Twilio access token, so the page bundles the SDK's `Device` (what
 * any Twilio click-to-call page ships) without connecting anywhere.
 */
import { Device } from '@twilio/voice-sdk';

Object.assign(window, { TwilioDevice: Device });
