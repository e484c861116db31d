import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { CallHandle, PhoneConfig } from '../../engine/types.js';
import { type ConfigAttributes, configFromAttributes } from './config-input.js';
import { ClockController } from './controllers/clock-controller.js';
import { EngineController, type EngineControllerOptions } from './controllers/engine-controller.js';
import type { PhoneApi } from './engine-api.js';
import { LocalizedElement } from './localized-element.js';
import type { CallControlActions, CallControlsInput } from './render/call-controls.js';
import { icons } from './render/icons.js';
import { type CallView, isInCall } from './view-state.js';

const CONFIG_PROPERTIES: readonly (keyof ConfigAttributes | 'config')[] = [
  'server',
  'domain',
  'user',
  'password',
  'credentialsUrl',
  'displayName',
  'dtmfMode',
  'holdMusic',
  'soundsBase',
  'statsUrl',
  'logLevel',
  'singleTab',
  'config',
];

/**
 * Configuration attributes, engine connection, language, audio unlock and the in-call
 * controls shared by the elements that own a phone (`<sip-phone>`, `<sip-call-button>`).
 */
export abstract class PhoneElement extends LocalizedElement implements ConfigAttributes {
  /** WebSocket server URL (`wss://…`), or several separated by spaces or commas. */
  @property() server: string | undefined;

  /** SIP domain, e.g. `helpline.example`. */
  @property() domain: string | undefined;

  /** Static SIP user (development; prefer `credentials-url`). */
  @property() user: string | undefined;

  /** Static SIP password (development only). */
  @property() password: string | undefined;

  /** URL returning ephemeral credentials `{ username, password, expires }`. */
  @property({ attribute: 'credentials-url' }) credentialsUrl: string | undefined;

  /** Display name sent with calls. */
  @property({ attribute: 'display-name' }) displayName: string | undefined;

  /** DTMF method: `auto` (default), `rfc4733` or `info`. */
  @property({ attribute: 'dtmf-mode' }) dtmfMode: string | undefined;

  /** Hold music URL, or `off`. */
  @property({ attribute: 'hold-music' }) holdMusic: string | undefined;

  /** Base URL of the default sounds (ringtone, ringback, hold music). */
  @property({ attribute: 'sounds-base' }) soundsBase: string | undefined;

  /** Where to POST each end-of-call quality report (JSON, `navigator.sendBeacon`). */
  @property({ attribute: 'stats-url' }) statsUrl: string | undefined;

  /**
   * How much goes to the console (or to `config.logger`): `silent`, `error`, `warn`
   * (default), `info` or `debug` (with JsSIP's SIP trace). Secrets are never logged.
   */
  @property({ attribute: 'log-level' }) logLevel: string | undefined;

  /**
   * One registration for all the tabs of this site and user: `on` or `off`. One tab owns
   * the phone; the others mirror it (calls, banner, controls) and act through it, and one
   * of them takes over when that tab closes. Default: on for `<sip-phone>`, off for
   * `<sip-call-button>`.
   */
  @property({ attribute: 'single-tab' }) singleTab: string | undefined;

  /** Colour theme: `light`, `dark`, or unset to follow the system. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  /** Engine configuration merged over the attributes (e.g. `iceServers`). */
  @property({ attribute: false }) config: Partial<PhoneConfig> | undefined;

  /** @internal */
  readonly engine: EngineController;

  /** The in-call keypad is open (it closes by itself when the call has no audio path). */
  @state() protected keypadOpen = false;

  private readonly callActions: CallControlActions = {
    toggleMute: () => this.engine.toggleMute(),
    toggleHold: () => this.engine.toggleHold(),
    toggleKeypad: () => {
      this.keypadOpen = !this.keypadOpen;
    },
    hangup: () => this.engine.hangup(),
    sendDtmf: (tone) => this.engine.sendDtmf(tone),
  };

  /**
   * @param role how the element uses its phone; `singleTab` is its default for the
   *   `single-tab` attribute
   */
  constructor(role: Omit<EngineControllerOptions, 'readConfig'> & { singleTab: boolean }) {
    super();
    this.engine = new EngineController(this, {
      ...role,
      readConfig: () =>
        configFromAttributes(
          this,
          { register: role.register, singleTab: role.singleTab },
          { ...this.elementConfig(), ...this.config },
        ),
    });
    // The call timer ticks once a second while a call is answered.
    new ClockController(this, () => isInCall(this.engine.view.call));
  }

  /** The engine `Phone`, once loaded (read-only). */
  get phone(): PhoneApi | undefined {
    return this.engine.phone;
  }

  /** The call on screen, if any (read-only). */
  get call(): CallHandle | undefined {
    return this.engine.call;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Browsers allow audio after a user gesture: any click or key in the element will do.
    this.addEventListener('click', this.unlockOnGesture, { capture: true });
    this.addEventListener('keydown', this.unlockOnGesture, { capture: true });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('click', this.unlockOnGesture, { capture: true });
    this.removeEventListener('keydown', this.unlockOnGesture, { capture: true });
  }

  /** The element's own configuration (e.g. `<sip-phone>`'s `max-calls`), under `config`. */
  protected elementConfig(): Partial<PhoneConfig> {
    return {};
  }

  /** Properties besides the shared configuration whose change needs a new check. */
  protected readonly extraConfigProperties: readonly PropertyKey[] = [];

  protected override willUpdate(changed: PropertyValues): void {
    // Idempotent: an unchanged configuration keeps the phone (and its call) as it is.
    const names = [...CONFIG_PROPERTIES, ...this.extraConfigProperties];
    if (names.some((name) => changed.has(name))) {
      this.engine.configure();
    }
    const call = this.engine.view.call;
    if (!isInCall(call) && call?.state !== 'early-media') this.keypadOpen = false;
  }

  /**
   * What the call controls (timer, mute, hold, keypad, hang up) of a live call render
   * from. The renderer itself is left to each element: the call button loads it lazily.
   */
  protected callControlsInput(call: CallView): CallControlsInput {
    return {
      call,
      t: this.locale.messages,
      keypadOpen: this.keypadOpen,
      now: Date.now(),
      theme: this.theme,
      actions: this.callActions,
    };
  }

  /** The visible way out when the browser blocked audio (ringtone, far-end voice). */
  protected renderUnlockAudio(): TemplateResult | typeof nothing {
    if (!this.engine.view.autoplayBlocked) return nothing;
    return html`<button
      type="button"
      class="btn accent"
      part="unlock-audio"
      @click=${() => this.engine.unlockAudio()}
    >
      ${icons.sound()}<span>${this.locale.messages.enableSound}</span>
    </button>`;
  }

  private readonly unlockOnGesture = (): void => {
    if (this.engine.view.autoplayBlocked) this.engine.unlockAudio();
  };
}
