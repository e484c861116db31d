import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { FallbackReason } from '../../engine/callback-request.js';
import { defaultLogger } from '../../engine/log.js';
import { loadMessages } from '../../i18n/index.js';
import { defineElement } from '../shared/define.js';
import { PhoneElement } from '../shared/phone-element.js';
import { icons } from '../shared/render/icons.js';
import { renderError } from '../shared/render/render-error.js';
import { callControlsStyles } from '../shared/styles/call-controls.js';
import { themeStyles } from '../shared/styles/theme.js';
import { isReadyToCall, type PhoneView } from '../shared/view-state.js';
import type { CallbackForm } from './callback-form.js';
import { callerContextFrom } from './caller-context-input.js';
import { type FallbackConfig, fallbackConfigFrom, offersFallback } from './fallback-config.js';
import { canPlaceCalls, fallbackReasonOf } from './fallback-reason.js';
import { fallbackStyles } from './fallback-styles.js';
import { pressOnPreRender, takePreRender } from './pre-render-state.js';
import { renderPreflightLink } from './preflight-link.js';
import { callButtonStyles } from './styles.js';

export type CallButtonState = 'idle' | 'connecting' | 'ringing' | 'in-call' | 'ended' | 'error';

function buttonStateOf(view: PhoneView): CallButtonState {
  switch (view.call?.state) {
    case 'connecting':
      return 'connecting';
    case 'ringing':
    case 'early-media':
      return 'ringing';
    case 'active':
    case 'on-hold':
      return 'in-call';
    case 'ended':
      return 'ended';
    case undefined:
      if (view.placing) return 'connecting';
      return view.error ? 'error' : 'idle';
  }
}

/** States in which the launcher shows the call and toggles its panel (no new call). */
const LIVE_STATES: ReadonlySet<CallButtonState> = new Set(['connecting', 'ringing', 'in-call']);

const INTENT_EVENTS = ['pointerenter', 'pointerdown', 'focusin'] as const;

type IntentParts = typeof import('./intent-parts.js');

/**
 * What the button shows only after an intent (intent-parts.ts): the panel's call controls
 * and quality indicator, the call status, the fallbacks, and the strings beyond the idle
 * ones (English is the fallback of every language). Loaded with the engine, or at the
 * click when the fallbacks are offered before any engine (no WebRTC): the button at rest
 * does not pay for them. Shared by every button on the page.
 */
let intentParts: IntentParts | undefined;

async function loadIntentParts(): Promise<void> {
  const [parts] = await Promise.all([import('./intent-parts.js'), loadMessages('en')]);
  intentParts ??= parts;
}

/**
 * @tagname sip-call-button
 * @summary Click-to-call button for public pages. Loads the phone engine only when the
 * visitor shows intent, then calls `target`; a compact panel controls the call.
 *
 * In the script-tag build the core draws the button at rest without this class
 * (pre-render.ts) and defines it at the first intent: the configuration is checked then
 * (only a missing `target` is reported at rest), and the element takes over the drawn
 * button with its focus and a click made on it meanwhile. The npm build defines it at
 * once and checks the configuration when it connects.
 *
 * @event sip-registration-change - Connection state changed. `detail: { state, previous, error? }`;
 * `state`: `unregistered`, `connecting`, `connected` (ready to call; the button never
 * registers), `reconnecting`, `failed`.
 * @event sip-call-state - The call changed state. `detail: { call, state, previous, hold }`.
 * @event sip-call-ended - The call ended. `detail: { call, cause, message, sipStatus? }`.
 * @event sip-dtmf - A keypad tone was sent. `detail: { call, tone, method }`.
 * @event sip-error - Invalid configuration or an engine error. `detail: { code, message }`.
 * @event sip-dialpad-press - A keypad key was pressed. `detail: { key }`.
 * @event sip-quality - A call-quality sample (every second while answered). `detail: { call, sample }`.
 * @event sip-quality-warning - A quality warning raised or cleared. `detail: { call, warning, raised, value }`.
 * @event sip-call-report - The end-of-call quality report. `detail: { call, report }`.
 *
 * @slot - The button label (default "Call us"). During a call the button shows the call
 * instead ("In call · 01:23") and opens or closes the panel; hanging up is in the panel.
 *
 * @csspart button - The main button; it also carries `button-<state>` (e.g. `button-in-call`).
 * @csspart status - State text inside the button (and the call timer).
 * @csspart elapsed - The call timer inside the button.
 * @csspart panel - The call panel.
 * @csspart call-status - What the call is doing, in words.
 * @csspart timer - Call duration.
 * @csspart controls - The call control buttons.
 * @csspart control - Each call control button (also `mute`, `hold`, `keypad-toggle`, `hangup`).
 * @csspart keypad - The in-call keypad.
 * @csspart quality-indicator - The `<sip-quality-indicator>` in the panel during a call.
 * @csspart error - The error alert.
 * @csspart unlock-audio - The "enable sound" button shown when the browser blocks audio.
 * @csspart fallback - When a call cannot happen (microphone denied or missing, no WebRTC,
 * the audio could not connect, the service out of reach) and the page set `fallback-tel`
 * or `callback-url`: what happened and what the page offers instead, in place of the error.
 * @csspart fallback-reason - What happened, in plain words (an alert).
 * @csspart fallback-tel - The `tel:` link to `fallback-tel`.
 * @csspart preflight-link - The link to `preflight-url`, the self-check page.
 * @csspart callback-form - The call-back form (`callback-url`).
 * @csspart callback-number - Its phone number field.
 * @csspart callback-error - Said when the number typed is not a phone number.
 * @csspart callback-submit - Its send button ("Try again" after a failure).
 * @csspart callback-failed - Said when the request could not be sent.
 * @csspart callback-sent - Replaces the form once the request was accepted.
 *
 * @cssproperty --sip-accent - Button colour.
 * @cssproperty --sip-accent-fg - Button text colour.
 * @cssproperty --sip-bg - Panel background.
 * @cssproperty --sip-fg - Panel text colour.
 * @cssproperty --sip-surface - Control background.
 * @cssproperty --sip-border - Border colour.
 * @cssproperty --sip-danger - Hang-up / error colour.
 * @cssproperty --sip-success - In-call button colour.
 * @cssproperty --sip-focus-ring - Focus outline colour.
 * @cssproperty --sip-radius - Panel corner radius.
 * @cssproperty --sip-button-radius - Button corner radius (pill by default).
 * @cssproperty --sip-font - Font family.
 * @cssproperty --sip-target-size - Minimum control size (44px).
 * @cssproperty --sip-panel-width - Panel width.
 * @cssproperty --sip-panel-z-index - Panel stacking order.
 */
export class SipCallButton extends PhoneElement {
  static override styles = [themeStyles, callControlsStyles, callButtonStyles, fallbackStyles];

  /** Number or address to call, e.g. `ivr` or `sales`. */
  @property() target: string | undefined;

  /**
   * When to load the engine: `intent` (default: hover, focus or press) or `idle` (as soon
   * as the page is idle, for a faster first call at the cost of loading it for everyone).
   */
  @property() preload: 'intent' | 'idle' = 'intent';

  /**
   * What the agent should know about the caller, sent with the call: a JSON object of
   * text values (`'{"orderId":"A-17"}'`), or an object set as the property.
   * `data-context-*` attributes add to it (`data-context-order-id` gives `orderId`); at
   * most 1 KB in all. The agent sees it as plain text.
   */
  @property() context: string | Readonly<Record<string, string>> | undefined;

  /**
   * Send the page's address (origin and path: no query or fragment, which may carry
   * tokens) in the caller context, as `page`. Off by default.
   */
  @property({ attribute: 'share-page-url', type: Boolean }) sharePageUrl = false;

  /**
   * A number to call instead when a call cannot happen here (microphone denied or missing,
   * no WebRTC, the audio could not connect, the service out of reach), shown as a `tel:`
   * link: `+`, the country code and number; spaces and dashes are allowed
   * (`fallback-tel="+34 900 123 456"`).
   */
  @property({ attribute: 'fallback-tel' }) fallbackTel: string | undefined;

  /**
   * Where a visitor whose call cannot happen may leave their number: an https:// URL (http://
   * only for localhost) that accepts a JSON POST `{ number, target, reason, context? }`
   * (README, "Fallbacks").
   */
  @property({ attribute: 'callback-url' }) callbackUrl: string | undefined;

  /**
   * The page of the site with `<sip-preflight>`, the self-check: an https:// URL (or a path
   * on this site). Linked ("Check your call setup") when a call cannot happen or fails, and
   * during a call with quality warnings.
   */
  @property({ attribute: 'preflight-url' }) preflightUrl: string | undefined;

  /** What the button shows (read-only, reflected). */
  @property({ reflect: true }) state: CallButtonState = 'idle';

  protected override readonly extraConfigProperties = [
    'target',
    'context',
    'sharePageUrl',
    'fallbackTel',
    'callbackUrl',
    'preflightUrl',
  ];

  /** Why the call cannot happen, while the fallbacks are offered (until the next try). */
  @state() private fallbackReason: FallbackReason | undefined;
  private focusFallback = false;
  /** Created with the first fallbacks shown (its module is an on-intent part). */
  private callbackForm: CallbackForm | undefined;

  @state() private panelOpen = false;

  @query('.main') private mainButton!: HTMLButtonElement;
  @query('.panel') private panel: HTMLElement | null | undefined;

  private focusPanelOnOpen = false;
  private idleHandle: number | undefined;
  /** The pre-render's button had focus (pre-render.ts): the first render's takes it. */
  private focusOnFirstRender = false;

  constructor() {
    super({
      register: false,
      singleTab: false,
      startOnConnect: false,
      loadParts: loadIntentParts,
      checkElement: () => {
        if (!this.target?.trim())
          return 'target is required: the number to call, e.g. target="sales"';
        const context = this.callerContext();
        if (!context.ok) return context.message;
        const fallback = fallbackConfigFrom(this);
        return fallback.ok ? undefined : fallback.message;
      },
    });
  }

  private callerContext() {
    return callerContextFrom({
      context: this.context,
      dataset: this.dataset,
      sharePageUrl: this.sharePageUrl,
      location,
    });
  }

  /** `preflight-url`, checked; undefined when not set or invalid (the error says so). */
  private checkSetupUrl(): string | undefined {
    const result = fallbackConfigFrom(this);
    return result.ok ? result.config.preflightUrl : undefined;
  }

  /** The page's fallbacks, when it set any and they are valid. */
  private fallbackConfig(): FallbackConfig | undefined {
    const result = fallbackConfigFrom(this);
    return result.ok && offersFallback(result.config) ? result.config : undefined;
  }

  private callbackTarget() {
    const url = this.fallbackConfig()?.callbackUrl;
    const target = this.target?.trim();
    const context = this.callerContext();
    if (!url || !target || !this.fallbackReason) return undefined;
    return {
      url,
      request: {
        target,
        reason: this.fallbackReason,
        ...(context.ok && context.context ? { context: context.context } : {}),
      },
    };
  }

  /** Offers the fallbacks for `reason`: the panel gives way to them (focus with it). */
  private offerFallback(reason: FallbackReason): void {
    if (reason === this.fallbackReason) return;
    this.fallbackReason = reason;
    this.callbackForm?.reset();
    // Focus in the closing panel would fall to <body>: it goes to what replaces the panel.
    this.focusFallback = this.panel?.matches(':focus-within') ?? false;
    this.panelOpen = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    for (const type of INTENT_EVENTS) this.addEventListener(type, this.onIntent);
    if (this.preload === 'idle') {
      this.idleHandle = requestIdleCallback(() => this.engine.preload());
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const type of INTENT_EVENTS) this.removeEventListener(type, this.onIntent);
    if (this.idleHandle !== undefined) cancelIdleCallback(this.idleHandle);
  }

  /** At rest only the idle strings (i18n/en-idle.ts); all of them once the parts are in. */
  protected override loadStrings(): Promise<void> | undefined {
    const strings = intentParts ? this.locale.load() : this.locale.loadIdle();
    return this.hasUpdated ? strings : this.untilPreRenderReleased(strings);
  }

  /**
   * Before the first render: the strings, then any press that began on the pre-render
   * (pre-render.ts) and is still down, so its click lands there, neither lost nor doubled.
   * Last, so that no event comes between the check and the render.
   */
  private async untilPreRenderReleased(strings: Promise<void> | undefined): Promise<void> {
    await strings;
    for (let press = pressOnPreRender(this); press; press = pressOnPreRender(this)) await press;
  }

  /**
   * Takes over the script-tag core's pre-render (pre-render.ts) before the first render,
   * and carries on what the visitor began there: intent, a click (placed once: by the core
   * already, or here, where setting state needs no second update); focus once rendered
   * (`firstUpdated`).
   */
  private takeOverPreRender(): void {
    const handoff = takePreRender(this);
    if (!handoff) return;
    // LitElement renders before the first node the root had when connected
    // (lit-element.ts, createRenderRoot): the pre-render's, gone now.
    this.renderOptions.renderBefore = null;
    this.focusOnFirstRender = handoff.focused;
    if (handoff.intent) this.engine.prepare();
    if (handoff.clicked) this.press(handoff.placed);
  }

  protected override firstUpdated(): void {
    if (this.focusOnFirstRender) this.mainButton.focus();
  }

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    // After the configuration is read (the click places a call with it).
    if (!this.hasUpdated) this.takeOverPreRender();
    const view = this.engine.view;
    this.state = buttonStateOf(view);
    if (this.fallbackConfig()) {
      const reason = fallbackReasonOf(view);
      if (reason) this.offerFallback(reason);
      // The service is back (it reconnected by itself): the call may be tried again.
      else if (this.fallbackReason === 'service-unreachable' && isReadyToCall(view.registration))
        this.fallbackReason = undefined;
    } else this.fallbackReason = undefined;
    if (!view.call && !view.placing && this.panelOpen) {
      this.focusPanelOnOpen = false;
      // Focus inside the closing panel would fall to <body>: bring it back to the button.
      if (this.panel?.matches(':focus-within')) queueMicrotask(() => this.mainButton.focus());
      this.panelOpen = false;
    }
  }

  protected override updated(): void {
    // The fallbacks may still be loading (offered at the click): focus them once shown.
    const fallback = this.focusFallback && this.shadowRoot?.querySelector<HTMLElement>('#fallback');
    if (fallback) {
      this.focusFallback = false;
      fallback.focus();
    }
    if (this.callbackForm?.focusOutcome) {
      this.callbackForm.focusOutcome = false;
      this.shadowRoot?.querySelector<HTMLElement>('#callback-sent')?.focus();
    }
    if (this.focusPanelOnOpen && this.panel) {
      this.focusPanelOnOpen = false;
      this.panel.focus();
    }
  }

  private readonly onIntent = (): void => {
    this.engine.prepare();
  };

  private onClick(): void {
    this.press(false);
  }

  /**
   * The button pressed: shows the call, or places one.
   * @param placedEarly the script-tag core placed the call already (call-buttons-at-rest.ts)
   */
  private press(placedEarly: boolean): void {
    if (LIVE_STATES.has(this.state)) {
      this.panelOpen = !this.panelOpen;
      this.focusPanelOnOpen = this.panelOpen;
      return;
    }
    const target = this.target?.trim();
    const context = this.callerContext();
    // Without a target, or with a wrong context, the configuration check shows the error.
    if (!target || !context.ok) {
      this.engine.abandonCall();
      return;
    }
    this.fallbackReason = undefined;
    if (this.fallbackConfig() && !canPlaceCalls(globalThis)) {
      this.offerFallback('webrtc-unsupported');
      // No engine comes to bring the fallbacks' module: load it for them.
      loadIntentParts().then(
        () => this.requestUpdate(),
        (error: unknown) => defaultLogger.error('could not load the fallbacks', { error }),
      );
      return;
    }
    this.panelOpen = true;
    this.focusPanelOnOpen = true;
    const options = context.context ? { context: context.context } : {};
    void this.engine.placeCall(target, options, placedEarly);
  }

  private onPanelKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    this.panelOpen = false;
    this.mainButton.focus();
  }

  protected override render(): TemplateResult {
    const t = this.locale.idleMessages;
    const view = this.engine.view;
    const live = LIVE_STATES.has(this.state);
    const hasCall = view.placing || view.call !== undefined;
    // A call exists only once the engine, and the parts with it, are loaded.
    const callStatus =
      view.call && intentParts
        ? intentParts.callStatusText(view.call, this.locale.messages, view.error)
        : undefined;
    return html`<button
        type="button"
        class="main"
        part="button button-${this.state}"
        aria-expanded=${hasCall ? String(this.panelOpen) : nothing}
        aria-controls=${hasCall && this.panelOpen ? 'panel' : nothing}
        aria-describedby="live"
        @click=${this.onClick}
      >
        ${icons.phone()}
        <span class="label">${live ? this.renderLiveLabel() : this.renderRestLabel()}</span>
        ${live ? icons.chevron() : nothing}
      </button>
      <span id="live" class="visually-hidden" role="status"
        >${callStatus ?? t.buttonState[this.state]}</span
      >
      ${this.panelOpen && hasCall ? this.renderPanel(callStatus) : nothing}
      ${this.renderProblem()}`;
  }

  /** Under the button at rest: the fallbacks when a call cannot happen, else the error. */
  private renderProblem(): TemplateResult | typeof nothing {
    const t = this.locale.idleMessages;
    const error = this.engine.view.error;
    const config = this.fallbackConfig();
    // Until their module is there (offered at the click, before any engine), or if it
    // could not load, what happened is said as usual below.
    if (this.fallbackReason && config && intentParts) {
      this.callbackForm ??= new intentParts.CallbackForm(this, () => this.callbackTarget());
      const fallback = intentParts.renderFallback({
        reason: this.fallbackReason,
        config,
        form: this.callbackForm,
        t,
        f: intentParts.fallbackMessages[this.locale.language],
      });
      return html`<div class="error-anchor">${fallback}</div>`;
    }
    if (this.panelOpen || !error) return nothing;
    return html`<div class="error-anchor">
      ${renderError(error, t)} ${renderPreflightLink(this.checkSetupUrl(), t)}
    </div>`;
  }

  /** At rest, after a call or in error: the page's label, and the state under it. */
  private renderRestLabel(): TemplateResult {
    const t = this.locale.idleMessages;
    const status = t.buttonState[this.state];
    return html`<slot>${t.callUs}</slot>
      ${
        // Hidden from the name (it stays the label); the live region speaks it.
        status
          ? html`<span part="status" class="status" aria-hidden="true">${status}</span>`
          : nothing
      }`;
  }

  /**
   * During a call the button is the call, not "Call us": its name is the call state
   * ("In call"), and the ticking timer stays out of the name so it does not change
   * every second.
   */
  private renderLiveLabel(): TemplateResult {
    const call = this.engine.view.call;
    const elapsed =
      this.state === 'in-call' && call?.answeredAt !== undefined && intentParts
        ? html`<span part="elapsed" class="elapsed" aria-hidden="true"
            >${intentParts.formatDuration(Date.now() - call.answeredAt)}</span
          >`
        : nothing;
    return html`<span part="status" class="status live"
      >${this.locale.idleMessages.buttonState[this.state]}${elapsed}</span
    >`;
  }

  private renderPanel(callStatus: string | undefined): TemplateResult {
    // The panel opens at the click, before the engine and the rest of the strings.
    const t = this.locale.idleMessages;
    const view = this.engine.view;
    const call = view.call;
    return html`<div
      id="panel"
      class="panel"
      part="panel"
      role="dialog"
      aria-label=${t.callControls}
      tabindex="-1"
      @keydown=${this.onPanelKeydown}
    >
      ${
        call && callStatus === undefined
          ? nothing
          : html`<p part="call-status" class="call-status" title=${callStatus ?? t.buttonState.connecting}>${
              callStatus ?? t.buttonState.connecting
            }</p>`
      }
      ${call && call.state !== 'ended' && intentParts ? intentParts.renderCallControls(this.callControlsInput(call)) : nothing}
      ${
        // What comes and goes during a call (quality, its warnings, an alert, the audio
        // unlock) goes under the controls: above them it would move the keypad under a
        // finger that is about to press it.
        intentParts?.renderQualityIndicator(call, this.theme)
      }
      ${view.error ? renderError(view.error, t) : nothing}
      ${view.error || call?.warnings.length ? renderPreflightLink(this.checkSetupUrl(), t) : nothing}
      ${this.renderUnlockAudio()}
    </div>`;
  }
}

defineElement('sip-call-button', SipCallButton);

declare global {
  interface HTMLElementTagNameMap {
    'sip-call-button': SipCallButton;
  }
}
